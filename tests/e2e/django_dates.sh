#!/usr/bin/env bash
# Django 3.2 (Debian's python3-django, run by Debian's /usr/bin/python3)
# with DateField, DateTimeField (USE_TZ off and on), DurationField and
# TimeField: every date/time lookup, Trunc, Extract, F() with durations,
# duration aggregates, dates()/datetimes() and updates go through the
# functions Django registers with create_function, which the postgres route
# runs in the embedded engine (issue 13). The route's output must be
# SQLite's, line for line, and neither may report an error.
source "$(dirname "$0")/lib.sh"
: "${LITELIFT_TEST_DSN:?run through scripts/test}"
py=/usr/bin/python3
$py -c 'import django' 2> /dev/null || fail "Django is not installed (scripts/deps installs python3-django)"
app=$SOURCE_DIR/tests/e2e/django_dates/app.py
cd "$WORK"
mkdir native routed
for mode in naive aware; do
  timeout 300 $py "$app" "$WORK/native" $mode > native.$mode 2>&1 ||
    { cat native.$mode; fail "the project fails on SQLite ($mode datetimes)"; }
  expect_contains "$(cat native.$mode)" "errors 0" "the project runs on SQLite without an error ($mode)"
  timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" LITELIFT_LOG=debug \
    LITELIFT_LOG_FILE="$WORK/log.$mode" $py "$app" "$WORK/routed" $mode > routed.$mode 2>&1 ||
    { diff native.$mode routed.$mode || true; fail "the project fails on the postgres route ($mode)"; }
  diff native.$mode routed.$mode || fail "the postgres route prints what SQLite printed ($mode)"
  pass "the postgres route prints what SQLite printed, $(wc -l < native.$mode) lines ($mode datetimes)"
  expect_eq "$(head -1 routed/dates_$mode.sqlite3)" "litelift database marker" "its database is on the server ($mode)"
  expect_contains "$(cat log.$mode)" "runs in the embedded engine: function django_datetime_trunc is the program's" \
    "Trunc runs in the embedded engine ($mode)"
  expect_contains "$(cat log.$mode)" "runs in the embedded engine: function django_format_dtdelta is the program's [UPDATE" \
    "an UPDATE with F() + timedelta runs in the embedded engine ($mode)"
done
done_testing
