#!/usr/bin/env bash
# The throwaway PostgreSQL that scripts/test starts is up. Tests of the
# postgres route need it; a missing server is a failure, never a skip.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run the suite through scripts/test, which starts PostgreSQL"
out=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT 'server ' || current_setting('server_version_num')::int / 10000" 2>&1) ||
  fail "cannot reach $LITELIFT_TEST_DSN: $out"
expect_contains "$out" "server 1" "PostgreSQL answers at $LITELIFT_TEST_DSN"
done_testing
