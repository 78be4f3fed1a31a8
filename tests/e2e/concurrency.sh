#!/usr/bin/env bash
# Concurrent read-modify-write on the postgres route: 4 processes x 4
# threads increment one counter, with deferred BEGIN (and retry on
# SQLITE_BUSY), with BEGIN IMMEDIATE, and both in native concurrency mode.
# No increment may be lost; the only errors are SQLite's "database is
# locked". The same programs on the real SQLite (WAL) are the reference.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
PY=/usr/bin/python3
N=50
total=$((4 * 4 * N))

increments() {  # DB MODE [ENV...]: the final counter
  local db=$1 mode=$2
  shift 2
  timeout 300 env "$@" $PY -c "
import sqlite3
db = sqlite3.connect('$db', isolation_level=None)
db.execute('PRAGMA journal_mode=wal')
db.execute('CREATE TABLE counter (id INTEGER PRIMARY KEY, v INTEGER)')
db.execute('INSERT INTO counter VALUES (1, 0)')" > /dev/null || fail "setting $db up"
  local pids=()
  for p in 1 2 3 4; do
    timeout 300 env "$@" $PY "$SOURCE_DIR/tests/e2e/py/increments.py" "$db" "$mode" $N \
      > "$db.$p.out" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || { cat "$db".*.out; fail "$mode: a process failed"; }; done
  timeout 60 env "$@" $PY -c "
import sqlite3
print(sqlite3.connect('$db').execute('SELECT v FROM counter').fetchone()[0])"
}

routed=(LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN")
for mode in deferred immediate; do
  expect_eq "$(increments "$WORK/native_$mode.db" $mode)" "$total" \
    "real SQLite, $mode: $total increments kept"
  expect_eq "$(increments "$WORK/$mode.db" $mode "${routed[@]}")" "$total" \
    "postgres route, $mode: $total increments kept ($(cat "$WORK/$mode.db".*.out | awk "{s+=\$1} END {print s}") retries)"
  expect_eq "$(increments "$WORK/native_mode_$mode.db" $mode "${routed[@]}" LITELIFT_CONCURRENCY=native)" \
    "$total" "postgres route in native concurrency mode, $mode: $total increments kept"
done

# One snapshot per deferred transaction, and SQLite's refusals of a write
# that would rest on a stale read (SQLITE_BUSY_SNAPSHOT), as in WAL mode.
native=$(timeout 60 $PY "$SOURCE_DIR/tests/e2e/py/snapshot.py" "$WORK/snap_native.db" 2>&1)
routed=$(timeout 60 env "${routed[@]}" $PY "$SOURCE_DIR/tests/e2e/py/snapshot.py" "$WORK/snap.db" 2>&1)
echo "$routed"
expect_contains "$native" "write after another's commit SQLITE_BUSY_SNAPSHOT" "the reference refuses a stale write"
expect_eq "$routed" "$native" "a deferred transaction's snapshot and refusals are SQLite's"
done_testing
