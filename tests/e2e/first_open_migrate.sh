#!/usr/bin/env bash
# on_first_open = "migrate": the first routed open of a file holding
# SQLite data, while the server has no database for it, runs `litelift
# migrate FILE` and opens what it made: the app sees its rows (storage
# classes, user_version) at that first open, the file's bytes never
# change, a second open does not migrate again, two processes opening at
# once migrate once and both see the data, and a migrate that fails fails
# the open naming why (and leaves nothing, so that the next open retries).
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
: "${LITELIFT_CLI:?}"
cd "$WORK"
PY=/usr/bin/python3
APP=$SOURCE_DIR/tests/e2e/py/first_open_app.py
psqlq() { timeout 120 psql "$LITELIFT_TEST_DSN" -XAtq -v ON_ERROR_STOP=1 "$@"; }
# Counts the migrates the library runs (LITELIFT_MIGRATE_PROGRAM); sleeps
# first so that a second process opening at once overlaps it.
cat > migrate_counter.sh <<SH
#!/bin/sh
echo "\$*" >> "$WORK/runs"
sleep 1
exec "$LITELIFT_CLI" "\$@"
SH
chmod +x migrate_counter.sh
printf '[[route]]\nmatch = "%s/*"\nbackend = "postgres"\ndsn = "%s"\non_first_open = "migrate"\n' \
  "$WORK" "$LITELIFT_TEST_DSN" > routes.toml
routed() {
  timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_CONFIG="$WORK/routes.toml" \
    LITELIFT_MIGRATE_PROGRAM="$WORK/migrate_counter.sh" "$@"
}
runs() { [ -f runs ] || { echo 0; return; }; grep -c "migrate $1\$" runs || true; }

timeout 120 $PY "$APP" build app.db || fail "building app.db"
native=$(timeout 120 $PY "$APP" dump app.db) || fail "dumping app.db natively"
sum=$(sha256sum < app.db)
out=$(routed $PY "$APP" dump "$WORK/app.db" 2>"$WORK/err") || { cat err; fail "the first open"; }
expect_eq "$out" "$native" "the first open sees every row, its storage class and user_version"
expect_eq "$(runs "$WORK/app.db")" "1" "the first open ran litelift migrate once"
expect_eq "$(sha256sum < app.db)" "$sum" "the local file's bytes are unchanged"
schema=$(psqlq -c "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/app.db'")
[ -n "$schema" ] || fail "no database for app.db in litelift.databases"
expect_eq "$(psqlq -c "SELECT count(*) FROM \"$schema\".items")" "200" \
  "psql sees the rows on the server ($schema)"
expect_eq "$(psqlq -c "SELECT obj_description(oid, 'pg_namespace') IS NULL FROM pg_namespace
                        WHERE nspname = '$schema'")" "t" "the migrate finished (no in-progress mark)"
out=$(routed $PY "$APP" dump "$WORK/app.db") || fail "the second open"
expect_eq "$out" "$native" "the second open sees the same"
expect_eq "$(runs "$WORK/app.db")" "1" "the second open does not migrate again"
routed $PY -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute(\"INSERT INTO loose VALUES ('routed', 1)\"); d.commit()" \
  "$WORK/app.db" || fail "writing on the route"
expect_eq "$(psqlq -c "SELECT count(*) FROM \"$schema\".loose")" "5" "writes go to the server"
expect_eq "$(sha256sum < app.db)" "$sum" "and the local file is still unchanged"

# Two processes opening at once: one migrates, the other waits for it.
timeout 120 $PY "$APP" build two.db || fail "building two.db"
native_two=$(timeout 120 $PY "$APP" dump two.db) || fail "dumping two.db"
routed $PY "$APP" dump "$WORK/two.db" > one.out 2> one.err &
p1=$!
routed $PY "$APP" dump "$WORK/two.db" > two.out 2> two.err &
p2=$!
wait $p1 || { cat one.err; fail "the first of two concurrent opens"; }
wait $p2 || { cat two.err; fail "the second of two concurrent opens"; }
expect_eq "$(cat one.out)" "$native_two" "the first concurrent open sees the data"
expect_eq "$(cat two.out)" "$native_two" "the second concurrent open sees the data"
expect_eq "$(runs "$WORK/two.db")" "1" "two processes opening at once migrated once"

# A migrate that fails (the route has no virtual tables) fails the open.
timeout 60 sqlite3 fts.db "CREATE TABLE z(y); INSERT INTO z VALUES ('before');
  CREATE VIRTUAL TABLE f USING fts5(body); INSERT INTO f VALUES ('hello');" ||
  fail "building fts.db"
fts_sum=$(sha256sum < fts.db)
err=$(routed $PY "$APP" dump "$WORK/fts.db" 2>&1) && fail "a file with a virtual table opened: $err"
expect_contains "$err" "unable to open database file" "a failed migrate fails the open (SQLITE_CANTOPEN)"
expect_contains "$err" "litelift migrate $WORK/fts.db\` exited with status" "naming the file and exit status"
expect_contains "$err" "virtual tables are not supported" "and the child's reason"
expect_eq "$(sha256sum < fts.db)" "$fts_sum" "the file is unchanged"
expect_eq "$(psqlq -c "SELECT count(*) FROM litelift.databases WHERE path = '$WORK/fts.db'")" "0" \
  "nothing half-made is left on the server"
err=$(routed $PY "$APP" dump "$WORK/fts.db" 2>&1) && fail "the second open of fts.db opened"
expect_eq "$(runs "$WORK/fts.db")" "2" "the next open tries again"

# A program that cannot be run is named.
err=$(timeout 60 env LD_PRELOAD="$PRELOAD" LITELIFT_CONFIG="$WORK/routes.toml" \
  LITELIFT_MIGRATE_PROGRAM="$WORK/no-such-litelift" $PY "$APP" dump "$WORK/fts.db" 2>&1) &&
  fail "a missing program opened"
expect_contains "$err" "cannot run $WORK/no-such-litelift" "a missing litelift is named"

# Without LITELIFT_MIGRATE_PROGRAM, the litelift beside the library runs
# (the build puts both in one directory) and the child's timeout holds.
timeout 120 $PY "$APP" build beside.db || fail "building beside.db"
native_b=$(timeout 120 $PY "$APP" dump beside.db) || fail "dumping beside.db"
out=$(timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_CONFIG="$WORK/routes.toml" \
  $PY "$APP" dump "$WORK/beside.db") || fail "migrate with the litelift beside the library"
expect_eq "$out" "$native_b" "the litelift beside the library migrates"

# ATTACH of a file with data does not migrate: it fails naming why and
# what to do; the open that follows migrates it, then ATTACH finds it.
timeout 60 sqlite3 att.db "CREATE TABLE a(x); INSERT INTO a VALUES (7);" || fail "building att.db"
att_sum=$(sha256sum < att.db)
err=$(routed $PY - "$WORK/beside.db" "$WORK/att.db" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("ATTACH ? AS other", (sys.argv[2],))
PY
) && fail "ATTACH of a file with data under on_first_open = migrate succeeded"
expect_contains "$err" "migrates at an open, not at ATTACH" "ATTACH's refusal says why"
expect_contains "$err" "litelift migrate $WORK/att.db" "and names the command"
expect_eq "$(sha256sum < att.db)" "$att_sum" "the attached file is unchanged"
expect_eq "$(runs "$WORK/att.db")" "0" "ATTACH ran no migrate"
out=$(routed $PY - "$WORK/att.db" "$WORK/beside.db" 2>&1 <<'PY'
import sqlite3, sys
sqlite3.connect(sys.argv[1]).close()
db = sqlite3.connect(sys.argv[2])
db.execute("ATTACH ? AS other", (sys.argv[1],))
print(db.execute("SELECT x FROM other.a").fetchall())
PY
) || { echo "$out"; fail "ATTACH after an open migrated"; }
expect_eq "$out" "[(7,)]" "after an open migrates it, ATTACH sees its rows"
done_testing
