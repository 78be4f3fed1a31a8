#!/usr/bin/env bash
# The program's Python functions, aggregates, window functions and
# collations over a routed database's rows (issue 13, the embedded engine):
# udf.py prints the same on the postgres route as on the real SQLite (but
# for the write, which the route does not run yet); WHERE id = ? with a
# function in the select list reads one row from the server; and the time
# of SELECT f(x) over 10,000 rows on both (printed, not asserted).
source "$(dirname "$0")/lib.sh"
: "${LITELIFT_TEST_DSN:?run through scripts/test}"
cd "$WORK"
PY=/usr/bin/python3
routed() { timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }

native=$(timeout 120 $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/native.db" 2>&1) ||
  { echo "$native"; fail "udf.py on the real SQLite"; }
out=$(routed env LITELIFT_LOG=debug LITELIFT_LOG_FILE="$WORK/log" \
  $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/routed.db" 2>&1) ||
  { echo "$out"; fail "udf.py on the postgres route"; }
echo "$out"
expect_eq "$(grep -v '^UPDATE' <<< "$out")" "$(grep -v '^UPDATE' <<< "$native")" \
  "udf.py's reads print the same on the postgres route as on SQLite"
expect_contains "$(grep '^UPDATE' <<< "$out")" "no such function: scaled" \
  "a write with the program's function still fails on the route (next slice)"
expect_contains "$(cat "$WORK/log")" "runs in the embedded engine: function scaled is the program's" \
  "the log says which executor runs the statement and why"
# WHERE id = ? is pushed down: the server is asked for that row alone.
pushed=$(grep 'litelift_server t: ' "$WORK/log" | grep 'WHERE "id" = ?1' || true)
expect_contains "$pushed" 'litelift_server t: 1 rows for [SELECT rowid, "id", "x", "name", "r" FROM "main"."t" WHERE "id" = ?1]' \
  "WHERE id = ? fetches one row from the server"
expect_contains "$pushed" "litelift_server t: 0 rows for" "a missing id fetches none"

native_time=$(timeout 300 $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/bench_native.db" --bench 10000) ||
  fail "the native bench"
routed_time=$(routed $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/bench_routed.db" --bench 10000) ||
  fail "the routed bench"
echo "SELECT f(x) FROM t (Python function): native $native_time; postgres route $routed_time"
pass "SELECT f(x) over 10,000 rows runs on both routes"
done_testing
