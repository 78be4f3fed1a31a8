#!/usr/bin/env bash
# SQLite's date and time functions as litelift installs them on PostgreSQL,
# against the real SQLite (Python's sqlite3, SQLite 3.40) over a generated grid
# of time values x modifiers x functions, in UTC and Europe/Berlin.
#
# Needs a running server given by PGHOST, PGPORT, PGUSER, PGDATABASE (as
# scripts/test exports them); works in a throwaway database it drops at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${PGHOST:?run through scripts/test, which starts PostgreSQL}" "${PGPORT:?}" "${PGUSER:?}"
: "${PGDATABASE:?}"
start=$(date +%s)
work=$(mktemp -d /tmp/litelift-dtgrid.XXXXXX)
db=litelift_dtgrid_$$
cleanup() {
  psql -X -q -d "$PGDATABASE" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The SQL exactly as litelift ships it.
cat > "$work/print_sql.cc" <<'EOF'
#include <cstdio>

#include "libsqlite3-compat/server/datetime.h"

int main() { return std::fputs(litelift::compat::server::DateTimeFunctionsSql(), stdout) < 0; }
EOF
g++ -std=c++17 -I"$root" -o "$work/print_sql" "$work/print_sql.cc" \
  "$root/libsqlite3-compat/server/datetime.cc" || fail "cannot build the SQL printer"
"$work/print_sql" > "$work/datetime.sql"

psql -X -q -v ON_ERROR_STOP=1 -d "$PGDATABASE" -c "CREATE DATABASE $db" > /dev/null ||
  fail "cannot create a scratch database"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE SCHEMA IF NOT EXISTS litelift" \
  -f "$work/datetime.sql" > /dev/null || fail "the date and time functions do not install"
echo "ok - the date and time functions install"
# Six names, nine signatures each; IMMUTABLE exactly where neither the clock nor the time
# zone can be read (a number and no modifier), PARALLEL SAFE all.
check=$(psql -X -At -d "$db" -c "
  SELECT count(*) || ' ' || coalesce(string_agg(p.oid::regprocedure::text, ', ') FILTER (
           WHERE proparallel <> 's' OR provolatile = 'v' OR (provolatile = 'i') <> (
             pronargs = CASE proname WHEN 'strftime' THEN 2 ELSE 1 END
             AND proargtypes[pronargs - 1] IN ('bigint'::regtype, 'double precision'::regtype,
                                               'numeric'::regtype))), '')
  FROM pg_proc p WHERE pronamespace = 'litelift'::regnamespace
   AND proname IN ('date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime')")
[ "$check" = "54 " ] || fail "signatures or volatility not as promised: $check"
echo "ok - 54 signatures, IMMUTABLE only where no clock or time zone is read"
# Installing again (an upgrade) replaces them in place.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/datetime.sql" > /dev/null ||
  fail "the date and time functions do not install twice"
echo "ok - they install again over themselves"

PGDATABASE=$db "${PYTHON:-python3}" "$root/tests/e2e/py/datetime_grid.py" ||
  fail "litelift's date and time functions differ from SQLite's"
echo "datetime_grid: passed in $(( $(date +%s) - start ))s"
