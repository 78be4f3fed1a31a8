#!/usr/bin/env bash
# The postgres route end to end, against the throwaway server: the smoke
# test on Python's sqlite3 under `litelift run`, the examples giving the
# same output as on SQLite, routing and failure modes.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
run() { "$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- "$@"; }

out=$(run python3 "$SOURCE_DIR/tests/e2e/py/smoke.py" "$WORK/smoke.db" 2>&1)
expect_eq "$out" "OK" "the smoke test passes on Python's sqlite3 under litelift run"
expect_contains "$(head -1 smoke.db)" "litelift database marker" "the local file is litelift's marker (no SQLite data)"
schema=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/smoke.db'")
expect_contains "$schema" "smoke_" "the database lives in schema $schema"
n=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT count(*) FROM \"$schema\".notes")
expect_eq "$n" "2" "its rows are on the server"
out=$(python3 "$SOURCE_DIR/tests/e2e/py/smoke.py" "$WORK/native.db" 2>&1)
expect_eq "$out" "OK" "the same test passes on SQLite"

# The example programs print the same on both routes.
for i in 1 2; do
  python3 "$SOURCE_DIR/examples/notes.py" local.db "note $i" > local.out
  run python3 "$SOURCE_DIR/examples/notes.py" routed.db "note $i" > routed.out
done
cmp local.out routed.out || { diff local.out routed.out; fail "notes.py differs"; }
pass "examples/notes.py prints the same on SQLite and PostgreSQL"
for i in 1 2; do
  "$NOTES_EXAMPLE" clocal.db "c $i" > clocal.out
  LITELIFT_DSN=$LITELIFT_TEST_DSN LD_PRELOAD=$SANITIZER_RT "$NOTES_EXAMPLE" crouted.db "c $i" > crouted.out
done
cmp clocal.out crouted.out || { diff clocal.out crouted.out; fail "notes_example differs"; }
pass "the linked C example prints the same on SQLite and PostgreSQL"

# Text orders and compares byte by byte, as SQLite's BINARY collation,
# whatever the server's collation (here ICU's en-US, where 'a' < 'B').
psql "$LITELIFT_TEST_DSN" -Xqc "CREATE DATABASE litelift_icu TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
order='import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE t (x TEXT)")
db.executemany("INSERT INTO t VALUES (?)", [("a",), ("B",), ("_",)])
db.commit()
print(",".join(r[0] for r in db.execute("SELECT x FROM t ORDER BY x")),
      ",".join(r[0] for r in db.execute("SELECT x FROM t WHERE x > ? ORDER BY x", ("A",))),
      db.execute("SELECT max(x) FROM t").fetchone()[0])'
expected=$(python3 -c "$order" "$WORK/order_local.db")
out=$("$LITELIFT_CLI" run --dsn "${LITELIFT_TEST_DSN%/*}/litelift_icu" -- python3 -c "$order" "$WORK/order.db")
psql "$LITELIFT_TEST_DSN" -Xqc "DROP DATABASE litelift_icu"
expect_eq "$out" "$expected" "text orders byte by byte on a server whose collation does not"

# 'localtime' is the program's zone (TZ), as SQLite's, on server data too.
zone='import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE t (d TEXT)")
db.execute("INSERT INTO t VALUES (?)", ("2024-07-01 12:00:00",))
print(db.execute("SELECT datetime(d, ?), datetime(d, ?, ?) FROM t", ("localtime", "localtime", "utc")).fetchone())'
expected=$(TZ=Asia/Kolkata python3 -c "$zone" "$WORK/zone_local.db")
out=$(TZ=Asia/Kolkata "$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c "$zone" "$WORK/zone.db")
expect_eq "$out" "$expected" "localtime on server data is the program's TZ"

# A schema change made by another process reaches a connection opened
# before it, without a restart, as with SQLite's file.
two='import sqlite3, subprocess, sys
path = sys.argv[1]
b = sqlite3.connect(path)
b.execute("CREATE TABLE IF NOT EXISTS first (x)")
b.commit()
subprocess.run([sys.executable, "-c", "import sqlite3, sys\na = sqlite3.connect(sys.argv[1])\na.execute(\"CREATE TABLE made_by_a (x, y INT DEFAULT 7)\")\na.execute(\"INSERT INTO made_by_a (x) VALUES (42)\")\na.execute(\"ALTER TABLE first ADD COLUMN z TEXT\")\na.commit()", path], check=True)
print(b.execute("SELECT x, typeof(x), y FROM made_by_a").fetchone(), [r[1] for r in b.execute("PRAGMA table_info(first)")])'
expected=$(python3 -c "$two" "$WORK/two_local.db")
out=$(run python3 -c "$two" "$WORK/two.db" 2>&1)
expect_eq "$out" "$expected" "a second process's schema change reaches an open connection"

# Two files with one name in different folders never share a schema.
mkdir -p a b
run python3 "$SOURCE_DIR/examples/notes.py" a/same.db "in a" > /dev/null
out=$(run python3 "$SOURCE_DIR/examples/notes.py" b/same.db "in b")
expect_not_contains "$out" "in a" "same file name, other folder: another database"

# Without SQLITE_OPEN_CREATE a missing database cannot be opened.
out=$(LITELIFT_DSN=$LITELIFT_TEST_DSN LD_PRELOAD=$PRELOAD "$OPEN_PROBE" "$WORK/missing.db" 2 || true)
expect_contains "$out" "rc=14" "no CREATE flag: SQLITE_CANTOPEN"
expect_contains "$out" "unable to open database file" "with SQLite's words"

# An unreachable server is an error naming libpq's reason, never a local file.
out=$(LITELIFT_DSN="postgresql://litelift:s3cret@127.0.0.1:1/nowhere" LD_PRELOAD=$PRELOAD "$OPEN_PROBE" "$WORK/down.db" || true)
expect_contains "$out" "rc=14" "unreachable server: SQLITE_CANTOPEN"
expect_contains "$out" "cannot connect to postgres" "says why"
expect_contains "$out" "Connection refused" "with libpq's reason"
expect_not_contains "$out" "s3cret" "without the password"
[ ! -e down.db ] && pass "and no local file" || fail "down.db was created"

# A process that dies inside a transaction that deleted a table's last row
# leaves the server to roll back, unseen by litelift: the next row without
# a rowid still gets SQLite's number (max + 1), not a clash with that row.
numbering='import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "die":
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    db.execute("INSERT INTO t (v) VALUES (1), (2), (3)")
    db.execute("BEGIN")
    db.execute("DELETE FROM t WHERE id = 3")
    print("deleted", flush=True)
    time.sleep(30)
else:
    print(db.execute("INSERT INTO t (v) VALUES (4) RETURNING id").fetchone()[0])'
LITELIFT_DSN=$LITELIFT_TEST_DSN LD_PRELOAD=$PRELOAD python3 -c "$numbering" "$WORK/crash.db" die > crash.out &
victim=$!
for _ in $(seq 100); do grep -q deleted crash.out 2>/dev/null && break; sleep 0.1; done
kill -9 "$victim"; wait "$victim" 2>/dev/null || true
for _ in $(seq 100); do
  [ "$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'")" = 0 ] && break
  sleep 0.1
done
out=$(run python3 -c "$numbering" "$WORK/crash.db" insert 2>&1)
expect_eq "$out" "4" "after a process died mid-transaction, the next rowid is still max + 1"

# A database an older litelift made (rowid layout 1: max + 1 numbering, a
# sqlite_sequence table) gets its sequences when it is opened, from its
# rows and its old counters. The old layout is made here by undoing the
# new one on the server.
layout='import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "make":
    db.execute("CREATE TABLE n (id INTEGER PRIMARY KEY, v)")
    db.execute("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v)")
    db.execute("CREATE TABLE h (v)")
    for t in ("n", "a", "h"):
        db.execute(f"INSERT INTO {t} (v) VALUES (1), (2), (3)")
else:
    print([db.execute(f"INSERT INTO {t} (v) VALUES (4) RETURNING rowid").fetchone()[0]
           for t in ("n", "a", "h")], db.execute("SELECT * FROM sqlite_sequence").fetchall())'
run python3 -c "$layout" "$WORK/old_layout.db" make
old=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/old_layout.db'")
psql "$LITELIFT_TEST_DSN" -Xq -v ON_ERROR_STOP=1 <<SQL
SET search_path = "$old";
DELETE FROM a WHERE id = 3;
DELETE FROM n WHERE id = 3;
DROP VIEW sqlite_sequence;
CREATE TABLE sqlite_sequence (name text, seq bigint);
INSERT INTO sqlite_sequence VALUES ('a', 3);
DROP TABLE litelift_autoinc;
DROP FUNCTION litelift_rowid_n() CASCADE; DROP FUNCTION litelift_rowsync_n() CASCADE;
DROP FUNCTION litelift_rowid_a() CASCADE; DROP FUNCTION litelift_rowsync_a() CASCADE;
DROP FUNCTION litelift_rowid_h() CASCADE; DROP FUNCTION litelift_rowsync_h() CASCADE;
DROP SEQUENCE litelift_seq_n, litelift_seq_a, litelift_seq_h, litelift_writer;
UPDATE litelift.databases SET rowid_layout = 1 WHERE db_schema = '$old';
SQL
out=$(run python3 -c "$layout" "$WORK/old_layout.db" use 2>&1)
expect_eq "$out" "[3, 4, 4] [('a', 4)]" "a database of the old rowid layout numbers as SQLite once opened"
layout_now=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT rowid_layout FROM litelift.databases WHERE db_schema = '$old'")
expect_eq "$layout_now" "3" "and is marked as upgraded"

# Unsetting the variable is the rollback: the local file is untouched (on_first_open = empty: the file has data and the server no database for it).
python3 "$SOURCE_DIR/examples/notes.py" back.db "local only" > /dev/null
before=$(sha256sum back.db)
LITELIFT_ON_FIRST_OPEN=empty run python3 "$SOURCE_DIR/examples/notes.py" back.db "remote" > /dev/null
expect_eq "$(sha256sum back.db)" "$before" "the postgres route never touches the local file"
done_testing
