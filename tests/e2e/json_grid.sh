#!/usr/bin/env bash
# litelift's JSON functions (libsqlite3-compat/server/json.cc) against the
# real SQLite 3.40 over a generated grid of calls. Needs the running server
# that scripts/test starts (PGHOST, PGPORT, PGUSER, LITELIFT_TEST_DSN); makes
# a throwaway database with the functions, dropped at the end. Exits non-zero
# on any mismatch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "${LITELIFT_TEST_DSN:-}" ] || [ -z "${PGHOST:-}" ]; then
  echo "FAIL: no server: run through scripts/test (or: source tests/pg/harness.sh; pg_start)" >&2
  exit 1
fi

# The reference is SQLite 3.40: the first Python whose sqlite3 module has it.
py=""
for candidate in ${PYTHON:-} /usr/bin/python3 python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" -c 'import sqlite3, sys
sys.exit(not sqlite3.sqlite_version.startswith("3.40."))'; then
    py=$candidate
    break
  fi
done
[ -n "$py" ] || { echo "FAIL: no python3 with SQLite 3.40 in its sqlite3 module" >&2; exit 1; }

work=$(mktemp -d /tmp/litelift-json-grid.XXXXXX)
db="litelift_json_grid_$$"
cleanup() {
  dropdb --if-exists "$db" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s.%N)

cat > "$work/print_sql.cc" <<'EOF'
#include <cstdio>

#include "libsqlite3-compat/server/json.h"

int main() { return std::fputs(litelift::compat::server::JsonFunctionsSql(), stdout) < 0; }
EOF
g++ -std=c++17 -I"$root" -o "$work/print_sql" "$work/print_sql.cc" \
  "$root/libsqlite3-compat/server/json.cc"
"$work/print_sql" > "$work/json.sql"

createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE SCHEMA litelift" \
  -c "ALTER DATABASE $db SET search_path TO litelift, pg_catalog, public" > /dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/json.sql" > /dev/null

status=0
"$py" "$here/py/json_grid.py" --db "$db" "$@" || status=$?
echo "json_grid.sh: $([ $status = 0 ] && echo PASSED || echo FAILED) in $(
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')s"
exit $status
