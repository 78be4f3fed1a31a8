#!/usr/bin/env bash
# The local file as a handle on the route (issue 14): a routed database
# gets a marker file at its path; deleting it deletes the database as
# SQLite's semantics say (the next open creates an empty one) while the old
# schema is kept aside on the server; an open without SQLITE_OPEN_CREATE on
# a deleted marker fails. Then on_first_open with a file holding data.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
PY=/usr/bin/python3
routed() { timeout 120 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }
psql_q() { timeout 60 psql "$LITELIFT_TEST_DSN" -XAtq -c "$1"; }

cat > app.py <<'PY'
import os, sqlite3, sys
path, what = sys.argv[1], sys.argv[2]
if what == "write":
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS t(x)")
    db.execute("INSERT INTO t VALUES (?)", (sys.argv[3],))
    db.commit()
    print(os.path.exists(path), [r[0] for r in db.execute("SELECT x FROM t ORDER BY rowid")])
elif what == "tables":
    db = sqlite3.connect(path)
    print([r[0] for r in db.execute("SELECT name FROM sqlite_master")])
elif what == "nocreate":
    try:
        sqlite3.connect("file:" + path + "?mode=rw", uri=True).execute("SELECT 1")
        print("opened")
    except sqlite3.OperationalError as e:
        print("error:", e)
elif what == "insist":
    # PowerDNS / sqlite-utils style: the file must exist before the open.
    if not os.path.exists(path):
        sys.exit("database %s does not exist yet" % path)
    db = sqlite3.connect(path)
    print("rows", db.execute("SELECT count(*) FROM t").fetchone()[0])
    os.remove(path)  # teardown
    print("removed")
PY

out=$(routed $PY app.py "$WORK/m.db" write one) || fail "first routed open"
expect_eq "$out" "True ['one']" "the marker exists after the first routed open (os.path.exists)"
expect_contains "$(head -1 m.db)" "litelift database marker" "the file is a litelift marker"
expect_not_contains "$(cat m.db)" "password" "the marker shows no password"
schema=$(sed -n 's/^schema: //p' m.db)
[ -n "$schema" ] || fail "the marker names the schema"
expect_contains "$(head -c 16 m.db)" "litelift" "the marker is not an SQLite database"
id=$(sed -n 's/^id: //p' m.db)
expect_eq "$(psql_q "SELECT marker FROM litelift.databases WHERE db_schema = '$schema'")" "$id" \
  "the marker's id is recorded in litelift.databases"
out=$(routed $PY app.py "$WORK/m.db" write two) || fail "second routed open"
expect_eq "$out" "True ['one', 'two']" "reopening with the marker keeps the database"

out=$(routed $PY app.py "$WORK/m.db" insist) || fail "a program that insists the file exists"
expect_eq "$out" $'rows 2\nremoved' "a program checking the file first works routed, and os.remove works"

out=$(routed $PY app.py "$WORK/m.db" nocreate)
expect_contains "$out" "error: unable to open database file" "no SQLITE_OPEN_CREATE on a deleted marker: SQLITE_CANTOPEN"
[ ! -e m.db ] && pass "a failed open creates no marker" || fail "a failed open created the marker"

out=$(routed $PY app.py "$WORK/m.db" tables) || fail "open after delete"
expect_eq "$out" "[]" "after deleting the marker the next open gives an empty database"
[ -e m.db ] && pass "the new database has a marker" || fail "no marker for the new database"
new_id=$(sed -n 's/^id: //p' m.db)
[ "$new_id" != "$id" ] && pass "the new marker has a new id" || fail "the marker id was reused"
aside=$(psql_q "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/m.db' AND deleted IS NOT NULL")
expect_eq "$aside" "$schema" "the old database keeps its schema, recorded as deleted"
new_schema=$(sed -n 's/^schema: //p' m.db)
expect_eq "$new_schema" "${schema}_2" "the new database gets the next free name"
expect_contains "$("$LITELIFT_CLI" ls --dsn "$LITELIFT_TEST_DSN")" "$WORK/m.db (marker deleted " \
  "ls lists the deleted database"
kept=$(psql_q "SELECT count(*) || ' ' || string_agg(x::text, ',') FROM \"$aside\".t")
expect_contains "$kept" "2 " "the old schema's two rows are kept on the server (psql without LD_PRELOAD)"
expect_contains "$kept" "two" "and they are the old rows"

# ATTACH behaves as open: a marker for a new attached database; a deleted
# one means a new empty database, the old one kept.
cat > attach.py <<'PY'
import os, sqlite3, sys
main, other, what = sys.argv[1], sys.argv[2], sys.argv[3]
db = sqlite3.connect(main, isolation_level=None)
if what == "in-transaction":
    db.execute("BEGIN")
db.execute("ATTACH ? AS o", (other,))
if what == "write":
    db.execute("CREATE TABLE IF NOT EXISTS o.u(y)")
    db.execute("INSERT INTO o.u VALUES ('attached')")
else:
    db.execute("SELECT 1")
tables = [r[0] for r in db.execute("SELECT name FROM o.sqlite_master")]
if what == "in-transaction":
    db.execute("ROLLBACK")
print(os.path.exists(other), tables)
PY
out=$(routed $PY attach.py "$WORK/main.db" "$WORK/att.db" write) || fail "ATTACH of a new file"
expect_eq "$out" "True ['u']" "ATTACH of a new routed file makes its marker"
expect_contains "$(head -1 att.db)" "litelift database marker" "the attached file is a litelift marker"
att_schema=$(sed -n 's/^schema: //p' att.db)
att_id=$(sed -n 's/^id: //p' att.db)
expect_eq "$(psql_q "SELECT marker FROM litelift.databases WHERE db_schema = '$att_schema'")" "$att_id" \
  "the attached database's marker id is recorded"
out=$(routed $PY attach.py "$WORK/main.db" "$WORK/att.db" read) || fail "ATTACH again"
expect_eq "$out" "True ['u']" "ATTACH with the marker keeps the database"
rm att.db
out=$(routed $PY attach.py "$WORK/main.db" "$WORK/att.db" read) || fail "ATTACH after deleting the marker"
expect_eq "$out" "True []" "ATTACH after deleting the marker gives a new empty database, with a marker"
expect_eq "$(psql_q "SELECT count(*) FROM \"$att_schema\".u")" "1" "the old attached database's row is kept"
expect_eq "$(psql_q "SELECT deleted IS NOT NULL FROM litelift.databases WHERE db_schema = '$att_schema'")" "t" \
  "and recorded as deleted"
rm att.db
out=$(routed $PY attach.py "$WORK/main.db" "$WORK/att.db" in-transaction) || fail "ATTACH in a transaction"
expect_eq "$out" "True []" "ATTACH inside a transaction after deleting the marker: a new database and marker"
out=$(routed $PY attach.py "$WORK/main.db" "$WORK/att.db" read) || fail "ATTACH after the rollback"
expect_eq "$out" "True []" "the marker written inside the rolled-back transaction stays valid"
expect_eq "$(psql_q "SELECT count(*) FROM litelift.databases WHERE path = '$WORK/att.db' AND deleted IS NOT NULL")" "2" \
  "two attached databases set aside, none dropped"

# A marker deleted while another process has the database open: as with an
# unlinked SQLite file, that process goes on with the old database; new
# opens (also its own) get the new one.
cat > holder.py <<'PY'
import os, sqlite3, sys, time
path, go = sys.argv[1], sys.argv[2]
db = sqlite3.connect(path, isolation_level=None)
db.execute("CREATE TABLE t(x)")
db.execute("INSERT INTO t VALUES ('old')")
parked = sqlite3.connect(path)  # closed: kept for the next open in this process
parked.execute("SELECT 1").fetchall()
parked.close()
print("ready", flush=True)
deadline = time.time() + 60
while not os.path.exists(go):
    if time.time() > deadline:
        sys.exit("timed out waiting for " + go)
    time.sleep(0.05)
rows = lambda c: [r[0] for r in c.execute("SELECT x FROM t ORDER BY rowid")]
print("held", rows(db))
db.execute("INSERT INTO t VALUES ('old2')")
print("held after a write", rows(db))
print("new open", rows(sqlite3.connect(path)))
PY
routed $PY holder.py "$WORK/h.db" "$WORK/go" > holder.out 2>&1 &
holder=$!
for _ in $(seq 600); do grep -q ready holder.out 2>/dev/null && break; sleep 0.1; done
grep -q ready holder.out || { kill "$holder"; fail "the holder did not start: $(cat holder.out)"; }
h_schema=$(sed -n 's/^schema: //p' h.db)
rm h.db
out=$(routed $PY app.py "$WORK/h.db" write new) || fail "open after deleting the held database's marker"
touch go
wait "$holder" || fail "the holder failed: $(cat holder.out)"
expect_eq "$(echo "$out" | sed 's/^True //')" "['new']" "another process's open after the delete gets a new database"
expect_eq "$(sed -n 2p holder.out)" "held ['old']" "the process holding it open still reads the old database"
expect_eq "$(sed -n 3p holder.out)" "held after a write ['old', 'old2']" "and writes to it"
expect_eq "$(sed -n 4p holder.out)" "new open ['new']" "its own new open gets the new database (not the closed one kept)"
expect_eq "$(psql_q "SELECT string_agg(x #>> '{}', ',' ORDER BY x #>> '{}') FROM \"$h_schema\".t")" "old,old2" \
  "the old database kept on the server has the holder's write"

# A route that names its schema: the new database must have that name, so
# the old one is renamed aside (<schema>_deleted_<time>), kept and listed.
named_schema=named_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr A-Z a-z)
mkdir named
cat > named.toml <<TOML
backend = "postgres"
dsn = "$LITELIFT_TEST_DSN"
[[route]]
match = "$WORK/named/*.db"
schema = "$named_schema"
TOML
named() { timeout 120 env LD_PRELOAD="$PRELOAD" LITELIFT_CONFIG="$WORK/named.toml" "$@"; }
out=$(named $PY app.py "$WORK/named/n.db" write first) || fail "first open on a named route"
expect_eq "$out" "True ['first']" "a named route's database gets a marker"
expect_eq "$(sed -n 's/^schema: //p' named/n.db)" "$named_schema" "the marker names the route's schema"
rm named/n.db
out=$(named $PY app.py "$WORK/named/n.db" tables) || fail "open after deleting a named route's marker"
expect_eq "$out" "[]" "after the delete, the named route's next open gets an empty database"
expect_eq "$(sed -n 's/^schema: //p' named/n.db)" "$named_schema" "under the route's schema name"
aside=$(psql_q "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/named/n.db' AND deleted IS NOT NULL")
expect_contains "$aside" "${named_schema}_deleted_" "the old database is renamed aside"
expect_eq "$(psql_q "SELECT string_agg(x #>> '{}', ',') FROM \"$aside\".t")" "first" "with its rows"
expect_contains "$("$LITELIFT_CLI" ls --dsn "$LITELIFT_TEST_DSN")" "$aside" "ls lists it"

# A file holding SQLite data and no database on the server: on_first_open.
$PY -c "import sqlite3; d=sqlite3.connect('$WORK/data.db'); d.execute('CREATE TABLE t(x)'); d.execute(\"INSERT INTO t VALUES ('local')\"); d.commit()"
cp data.db data.orig
out=$(routed $PY app.py "$WORK/data.db" tables 2>&1) && fail "refuse opened the file: $out"
expect_contains "$out" "litelift migrate $WORK/data.db" "on_first_open refuse (default) names litelift migrate"
out=$(routed env LITELIFT_ON_FIRST_OPEN=refuse $PY app.py "$WORK/data.db" tables 2>&1) && fail "refuse opened"
expect_contains "$out" "unable to open database file" "on_first_open=refuse is SQLITE_CANTOPEN"
out=$(routed env LITELIFT_ON_FIRST_OPEN=empty $PY app.py "$WORK/data.db" tables) || fail "empty"
expect_eq "$out" "[]" "on_first_open=empty gives an empty server database"
cmp -s data.db data.orig && pass "the file holding SQLite data is never changed" || fail "the data file changed"
out=$(routed $PY app.py "$WORK/data.db" tables) || fail "reopen after empty"
expect_eq "$out" "[]" "once the server has the database, the default opens it"
cmp -s data.db data.orig && pass "still unchanged" || fail "the data file changed"

printf 'on_first_open = "migrat"\n' > bad.toml
out=$(timeout 60 env LD_PRELOAD="$PRELOAD" LITELIFT_CONFIG="$WORK/bad.toml" LITELIFT_DSN="$LITELIFT_TEST_DSN" \
  $PY app.py "$WORK/x.db" tables 2>&1) && fail "a bad on_first_open opened"
expect_contains "$out" "bad.toml:1: on_first_open = \"migrat\" is not a choice" "a bad value is a config error naming the line"
out=$(routed env LITELIFT_ON_FIRST_OPEN=sometimes $PY app.py "$WORK/x.db" tables 2>&1) && fail "bad env opened"
expect_contains "$out" "LITELIFT_ON_FIRST_OPEN=sometimes is not a choice" "a bad LITELIFT_ON_FIRST_OPEN is an error"
done_testing
