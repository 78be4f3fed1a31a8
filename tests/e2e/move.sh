#!/usr/bin/env bash
# An app moves to PostgreSQL and back without losing a row (issue 14):
# its SQLite file -> `litelift migrate` -> the same query results through
# the route (every table, storage classes included) -> writes on the route
# -> `litelift export` -> the real SQLite sees them, and `sqlite3 .dump` of
# the exported file is the dump of the same writes done natively on a copy.
# Then the refusals: a schema that has tables, a file that is no database,
# a local route.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
: "${LITELIFT_CLI:?}"
cd "$WORK"
PY=/usr/bin/python3
APP="$SOURCE_DIR/tests/e2e/py/move_app.py"
routed() { timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }
cli() { timeout 300 env LITELIFT_DSN="$LITELIFT_TEST_DSN" "$LITELIFT_CLI" "$@"; }

timeout 120 $PY "$APP" build app.db || fail "building the app's file"
cp app.db native.db
native_before=$(timeout 120 $PY "$APP" query app.db) || fail "querying the file"

# --batch 1000: the 3,000-row table takes several transactions.
out=$(cli migrate --batch 1000 "$WORK/app.db" 2>"$WORK/migrate.err") ||
  { echo "$out"; cat "$WORK/migrate.err"; fail "litelift migrate"; }
echo "$out"
expect_contains "$out" "table items                          3001 rows" "migrate verifies items"
expect_contains "$out" "user_version                   7  same" "migrate copies user_version"
expect_not_contains "$out" "DIFFERS" "migrate's checksums match"
expect_contains "$(cat "$WORK/migrate.err")" "rows/s" "migrate reports progress with rows/s"
schema=$(sed -n 's/^litelift migrate: .* -> \([a-z0-9_]*\) on the server.*/\1/p' <<< "$out")
[ -n "$schema" ] || fail "migrate names the schema"
pass "migrate copied into $schema"
cmp -s app.db native.db && pass "the file is unchanged by migrate" || fail "migrate changed the file"

routed_before=$(routed $PY "$APP" query "$WORK/app.db") || fail "querying through the route"
if [ "$routed_before" != "$native_before" ]; then
  diff <(echo "$native_before") <(echo "$routed_before") | head -20
  fail "the route answers differently from the file"
fi
pass "every table, the view, sqlite_sequence and the pragmas read the same through the route"

# Refusals: the schema now has tables; a file that is no database; no DSN.
err=$(cli migrate "$WORK/app.db" 2>&1) && fail "a second migrate succeeded"
rc=$?
expect_eq "$rc" "2" "migrate into a schema with tables exits 2"
expect_contains "$err" "$schema already holds 7 tables" "the refusal names the schema"
expect_contains "$err" "litelift export" "the refusal says what to do"
echo "not a database" > text.db
err=$(cli migrate "$WORK/text.db" 2>&1) && fail "migrating a text file succeeded"
expect_contains "$err" "not an SQLite database" "a text file is refused"
: > empty.db
err=$(cli migrate "$WORK/empty.db" 2>&1) && fail "migrating an empty file succeeded"
expect_contains "$err" "nothing to migrate" "an empty file is refused"
err=$(timeout 60 "$LITELIFT_CLI" migrate "$WORK/native.db" 2>&1) && fail "a local route migrated"
expect_contains "$err" "stays a local SQLite file" "a local route is refused"
err=$(timeout 60 "$LITELIFT_CLI" export "$WORK/native.db" 2>&1) && fail "a local route exported"
expect_contains "$err" "stays a local SQLite file" "export refuses a local route"
err=$(cli export "$WORK/never-opened.db" 2>&1) && fail "exporting a database the route lacks"
expect_contains "$err" "no database for" "export refuses a database the route does not have"
[ ! -e never-opened.db ] && pass "and creates no file" || fail "export created a file"

# A copy that fails (the route has no virtual tables) is undone: once the
# file is fixed, migrate runs again into the same schema.
timeout 60 sqlite3 fts.db "CREATE TABLE a(x); INSERT INTO a VALUES (1), (2);
  CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES ('hello');
  CREATE TABLE z(y); INSERT INTO z VALUES ('after');" || fail "building fts.db"
err=$(cli migrate "$WORK/fts.db" 2>&1) && fail "a virtual table migrated"
rc=$?
expect_eq "$rc" "1" "a copy that fails exits 1"
expect_contains "$err" "creating table f: litelift: virtual tables are not supported" \
  "the failure names the table and the reason"
expect_contains "$err" "is dropped again" "and says the copy is undone"
left=$(routed $PY -c "
import sqlite3
print(sqlite3.connect('$WORK/fts.db').execute('SELECT count(*) FROM sqlite_master').fetchone()[0])")
expect_eq "$left" "0" "nothing is left on the route"
timeout 60 sqlite3 fts.db 'DROP TABLE f' || fail "dropping the virtual table"
out=$(cli migrate "$WORK/fts.db" 2>&1) || { echo "$out"; fail "migrate after the fix"; }
expect_contains "$out" "table z                                 1 rows" "migrate runs again after the fix"

# The app writes on the route; the same writes on a native copy.
routed $PY "$APP" write "$WORK/app.db" || fail "writing through the route"
timeout 120 $PY "$APP" write native.db || fail "writing natively"
routed_after=$(routed $PY "$APP" query "$WORK/app.db") || fail "querying the route after writes"
native_after=$(timeout 120 $PY "$APP" query native.db)
expect_eq "$routed_after" "$native_after" "the writes read the same on the route and natively"

cp app.db original.db
out=$(cli export "$WORK/app.db" 2>"$WORK/export.err") ||
  { echo "$out"; cat "$WORK/export.err"; fail "litelift export"; }
echo "$out"
expect_not_contains "$out" "DIFFERS" "export's checksums match"
cmp -s app.db.before-export original.db && pass "the old file is kept as app.db.before-export" ||
  fail "app.db.before-export is not the old file"
ls -a | grep -q 'export-' && fail "export left a temporary file" || pass "no temporary file is left"
exported=$(timeout 120 $PY "$APP" query app.db) || fail "querying the exported file natively"
expect_eq "$exported" "$native_after" "with LITELIFT_DSN unset, the program sees its writes"
dump_exported=$(timeout 60 sqlite3 app.db .dump)
dump_native=$(timeout 60 sqlite3 native.db .dump)
if [ "$dump_exported" != "$dump_native" ]; then
  diff <(echo "$dump_native") <(echo "$dump_exported") | head -20
  fail "sqlite3 .dump differs"
fi
pass "sqlite3 .dump of the exported file is the dump of the same writes done natively"
# Rows go into each table in key order (the rowid's, a WITHOUT ROWID
# table's primary key with its collations and DESC), whatever order the
# server holds them in. The reference: the native file's rowid tables as
# VACUUM writes them (appended in rowid order), its WITHOUT ROWID tables
# emptied and filled again by INSERTs in key order (VACUUM bulk-loads those
# fuller than any INSERT does).
timeout 60 sqlite3 native.db "VACUUM INTO '$WORK/native_reloaded.db'" || fail "VACUUM INTO"
timeout 60 sqlite3 native_reloaded.db "
  CREATE TEMP TABLE s AS SELECT * FROM pairs; DELETE FROM pairs;
  INSERT INTO pairs SELECT * FROM s ORDER BY a, b DESC; DROP TABLE s;
  CREATE TEMP TABLE s AS SELECT * FROM names; DELETE FROM names;
  INSERT INTO names SELECT * FROM s ORDER BY n COLLATE NOCASE; DROP TABLE s;
  CREATE TEMP TABLE s AS SELECT * FROM kv; DELETE FROM kv;
  INSERT INTO kv SELECT * FROM s ORDER BY k; DROP TABLE s;" || fail "refilling the reference"
btrees() {
  timeout 60 sqlite3 "$1" "SELECT name, path, pagetype, ncell, payload, unused FROM dbstat
    WHERE name IN ('items', 'log', 'events', 'kv', 'odd', 'pairs', 'names') ORDER BY name, path"
}
expect_eq "$(btrees app.db)" "$(btrees native_reloaded.db)" \
  "every table's b-tree (pages, cells, bytes) is the one key-order inserts make of the native rows"
expect_eq "$(timeout 60 sqlite3 app.db 'PRAGMA integrity_check')" "ok" "the exported file is sound"
expect_eq "$(timeout 60 sqlite3 app.db 'PRAGMA journal_mode')" "wal" "the exported file keeps WAL mode"
# The route still has the data; a second export gives the same file.
out=$(cli export "$WORK/app.db" 2>&1) || { echo "$out"; fail "a second export"; }
expect_eq "$(timeout 60 sqlite3 app.db .dump)" "$dump_native" "a second export is the same"
done_testing
