#!/usr/bin/env bash
# Python's iterdump() (Debian's /usr/bin/python3 and its sqlite3 module)
# prints the same dump on the postgres route as on SQLite, reals to the
# last digit (quote()), and the dump reloads to the same values.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
/usr/bin/python3 "$SOURCE_DIR/tests/e2e/py/iterdump.py" native.db native_back.db > native.out 2>&1 ||
  fail "the native run failed: $(tail -5 native.out)"
LITELIFT_DSN=$LITELIFT_TEST_DSN LD_PRELOAD=$PRELOAD \
  /usr/bin/python3 "$SOURCE_DIR/tests/e2e/py/iterdump.py" routed.db routed_back.db > routed.out 2>&1 ||
  fail "the routed run failed: $(tail -5 routed.out)"
grep -q "9.35000000000000142108e+00" native.out || fail "the native dump lacks SQLite's %!.20e: $(head native.out)"
expect_contains "$(head -1 routed.db)" "litelift database marker" "the routed database lives on the server"
if ! diff -u native.out routed.out; then fail "iterdump differs on the postgres route"; fi
pass "iterdump prints the same dump and values on both routes"
for t in r m copy; do
  expect_contains "$(cat routed.out)" "$t reloads exactly" "table $t's dump reloads to the same values"
done
done_testing
