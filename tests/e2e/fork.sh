#!/usr/bin/env bash
# fork() on the postgres route: children never use the parent's sessions
# (inherited open or parked ones), the parent keeps working. The same
# program on the real SQLite is the reference.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
PY=/usr/bin/python3
native=$(timeout 120 $PY "$SOURCE_DIR/tests/e2e/py/fork.py" "$WORK/native.db" 2>&1) ||
  { echo "$native"; fail "fork.py on the real SQLite"; }
out=$(timeout 120 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" \
  $PY "$SOURCE_DIR/tests/e2e/py/fork.py" "$WORK/routed.db" 2>&1) || { echo "$out"; fail "fork.py"; }
echo "$out"
expect_contains "$out" "(routed) an inherited open transaction is lost" "the child's copy of a transaction is lost"
expect_eq "$(grep -v '(routed)' <<< "$out")" "$native" "fork.py prints the same on the postgres route as on SQLite"
done_testing
