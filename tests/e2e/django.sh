#!/usr/bin/env bash
# Django 3.2 (Debian's python3-django) on both routes, with an app label and
# model names that make table, M2M, index and constraint names past
# PostgreSQL's 63 bytes (issue 11): makemigrations, migrate, rows created
# and read with annotations and ordering, constraint errors. The output on
# the postgres route must be SQLite's, line for line.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
py=/usr/bin/python3
$py -c 'import django' 2> /dev/null || fail "Django is not installed (scripts/deps installs python3-django)"
cd "$WORK"
app=$SOURCE_DIR/tests/e2e/django
mkdir native routed
cp -r "$app/long_application_label_for_identifier_limits" native/
cp -r "$app/long_application_label_for_identifier_limits" routed/
$py "$app/app.py" "$WORK/native" > native.out 2>&1 || { cat native.out; fail "the project fails on SQLite"; }
expect_contains "$(cat native.out)" "done" "the Django project runs on SQLite"
expect_contains "$(cat native.out)" "table 126 " "and names a table past 63 bytes"
out=$("$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- $py "$app/app.py" "$WORK/routed" 2>&1) ||
  { echo "$out"; fail "the project fails on the postgres route"; }
expect_eq "$out" "$(cat native.out)" "the postgres route prints what SQLite printed"
expect_eq "$(head -1 routed/db.sqlite3)" "litelift database marker" "its database is on the server"
schema=$(env -u LD_PRELOAD -u LD_LIBRARY_PATH psql "$LITELIFT_TEST_DSN" -XAtc \
  "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/routed/db.sqlite3'")
n=$(env -u LD_PRELOAD -u LD_LIBRARY_PATH psql "$LITELIFT_TEST_DSN" -XAtc \
  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = '$schema' AND c.relkind = 'r' AND c.relname LIKE 'long\_application%'")
expect_eq "$n" "4" "the four long tables are four server tables"
done_testing
