#!/usr/bin/env bash
# The program's Python functions, aggregates, window functions and
# collations over a routed database's rows (issue 13, the embedded engine):
# udf.py prints the same on the postgres route as on the real SQLite,
# writes calling the functions too; WHERE id = ? with a function in the
# select list, or in an UPDATE, reads one row from the server; and the time
# of SELECT f(x) over 10,000 rows, a UDF filter and a point UPDATE with and
# without a function on both (printed, not asserted).
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
expect_eq "$out" "$native" \
  "udf.py's reads and writes print the same on the postgres route as on SQLite"
expect_contains "$(cat "$WORK/log")" "runs in the embedded engine: function scaled is the program's" \
  "the log says which executor runs the statement and why"
# WHERE id = ? is pushed down: the server is asked for that row alone.
pushed=$(grep 'litelift_server t: ' "$WORK/log" | grep 'WHERE "id" = ?1' || true)
expect_contains "$pushed" 'litelift_server t: 1 rows for [SELECT rowid, "id", "x", "name", "r" FROM "main"."t" WHERE "id" = ?1]' \
  "WHERE id = ? fetches one row from the server"
expect_contains "$pushed" "litelift_server t: 0 rows for" "a missing id fetches none"
expect_contains "$(cat "$WORK/log")" \
  "runs in the embedded engine: function shout is the program's [UPDATE t SET name = shout(name) WHERE id = ?]" \
  "an UPDATE calling the program's function runs in the embedded engine"
ones=$(grep -c 'litelift_server t: 1 rows for \[SELECT rowid, "id", "x", "name", "r" FROM "main"."t" WHERE "id" = ?1\]' "$WORK/log")
[ "$ones" -ge 2 ] || fail "the point UPDATE fetches one row (one-row fetches: $ones)"
pass "the point SELECT and the point UPDATE fetch one row each"

native_time=$(timeout 300 $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/bench_native.db" --bench 10000) ||
  fail "the native bench"
routed_time=$(routed $PY "$SOURCE_DIR/tests/e2e/py/udf.py" "$WORK/bench_routed.db" --bench 10000) ||
  fail "the routed bench"
echo "Python function f over 10,000 rows: native: $native_time" | tr '\n' ' '; echo
echo "  postgres route: $routed_time" | tr '\n' ' '; echo
pass "SELECT f(x) over 10,000 rows runs on both routes"
done_testing
