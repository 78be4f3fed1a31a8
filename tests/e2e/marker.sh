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
expect_contains "$aside" "${schema}_deleted_" "the old schema is recorded as set aside"
kept=$(psql_q "SELECT count(*) || ' ' || string_agg(x::text, ',') FROM \"$aside\".t")
expect_contains "$kept" "2 " "the old schema's two rows are kept on the server (psql without LD_PRELOAD)"
expect_contains "$kept" "two" "and they are the old rows"

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
