package require sqlite3
sqlite3 db [lindex $argv 0]
db eval {CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v, n INTEGER)}
db transaction {
  foreach {k v} {a 1 b 2.5 c hello d {} e 10} { db eval {INSERT INTO kv VALUES($k, $v, length($k))} }
}
db eval {SELECT k, v, typeof(v) AS t FROM kv ORDER BY k} r { puts "$r(k) $r(v) $r(t)" }
puts [db eval {SELECT count(*), sum(n) FROM kv}]
puts [db onecolumn {SELECT group_concat(k, '|') FROM kv}]
db eval {UPDATE kv SET v = v || '!' WHERE k = 'c'}
puts [db changes]
puts [db last_insert_rowid]
puts [db exists {SELECT 1 FROM kv WHERE k = 'z'}]
catch {db eval {INSERT INTO kv VALUES('a', 0, 0)}} err; puts $err
puts [db eval {SELECT k, coalesce(v, 'none') FROM kv WHERE n > 0 ORDER BY 1 DESC LIMIT 3}]
db close
