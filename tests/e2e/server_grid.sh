#!/usr/bin/env bash
# One of litelift's server function sets against the real SQLite 3.40 over a
# generated grid of calls:
#   server_grid.sh NAME FUNCTION   e.g. server_grid.sh json JsonFunctionsSql
# installs FUNCTION()'s SQL (libsqlite3-compat/server/NAME.{h,cc}) in a
# throwaway database and runs py/NAME_grid.py against it. Needs the running
# server that scripts/test starts (PGHOST, PGPORT, PGUSER, LITELIFT_TEST_DSN);
# the database is dropped at the end. Exits non-zero on any mismatch.
set -euo pipefail
name=${1:?usage: server_grid.sh NAME FUNCTION}
function=${2:?usage: server_grid.sh NAME FUNCTION}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -n "${LITELIFT_TEST_DSN:-}" ] && [ -n "${PGHOST:-}" ] ||
  { echo "FAIL: no server: run through scripts/test (or source tests/pg/harness.sh; pg_start)" >&2; exit 1; }

# The reference is SQLite 3.40: the first Python whose sqlite3 module has it.
py=""
for candidate in ${PYTHON:-} /usr/bin/python3 python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" -c 'import sqlite3, sys; sys.exit(not sqlite3.sqlite_version.startswith("3.40."))'; then
    py=$candidate
    break
  fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with SQLite 3.40 in its sqlite3 module" >&2; exit 1; }

work=$(mktemp -d "/tmp/litelift-$name-grid.XXXXXX")
db="litelift_${name}_grid_$$"
cleanup() {
  dropdb --if-exists "$db" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s.%N)

# The SQL exactly as litelift ships it.
cat > "$work/print_sql.cc" <<EOF
#include <cstdio>

#include "libsqlite3-compat/server/$name.h"

int main() { return std::fputs(litelift::compat::server::$function(), stdout) < 0; }
EOF
g++ -std=c++17 -I"$root" -o "$work/print_sql" "$work/print_sql.cc" \
  "$root/libsqlite3-compat/server/$name.cc"
"$work/print_sql" > "$work/$name.sql"

createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE SCHEMA litelift" \
  -c "ALTER DATABASE $db SET search_path TO litelift, pg_catalog, public" > /dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/$name.sql" > /dev/null

status=0
"$py" "$here/py/${name}_grid.py" --db "$db" "$@" || status=$?
echo "$name grid: $([ $status = 0 ] && echo PASSED || echo FAILED) in $(
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')s"
exit $status
