#!/usr/bin/env bash
# liblitelift.so exports exactly the public ABI of the system libsqlite3:
# the same functions and data symbols, and nothing else.
source "$(dirname "$0")/lib.sh"
SYSTEM_LIB=${SYSTEM_LIB:-$(ldconfig -p | awk '/libsqlite3\.so\.0 .*x86-64/ && !found {print $NF; found = 1}')}
[ -n "$SYSTEM_LIB" ] || SYSTEM_LIB=/lib/x86_64-linux-gnu/libsqlite3.so.0
public='^sqlite3(_|session_|changeset_|changegroup_|rebaser_)'
# name + whether it is a function (T) or data (anything else)
kinds() { nm -D --defined-only "$1" | awk '{k = ($2 == "T") ? "function" : "data"; print $3, k}' | sort; }
kinds "$SYSTEM_LIB" | grep -E "$public" > "$WORK/system"
kinds "$LITELIFT_LIB" > "$WORK/ours"
n=$(wc -l < "$WORK/system")
[ "$n" -ge 300 ] || fail "only $n public symbols found in $SYSTEM_LIB"
if ! diff -u "$WORK/system" <(grep -E "$public" "$WORK/ours") > "$WORK/diff"; then
  cat "$WORK/diff"; fail "public symbol sets differ"
fi
pass "the same $n public symbols as $SYSTEM_LIB"
extra=$(grep -vE "$public" "$WORK/ours" || true)
[ -z "$extra" ] || fail "exports outside the SQLite ABI: $(echo "$extra" | head -5)"
pass "nothing else exported"
# Only the C library and the C++ runtime are needed; never libsqlite3 (it is
# found at run time), libpq, spdlog or fmt.
needed=$(readelf -d "$LITELIFT_LIB" | awk '/NEEDED/ {print $5}' | tr -d '[]' | tr '\n' ' ')
expect_not_contains "$needed" "libpq" "libpq is not loaded with the shim"
expect_not_contains "$needed" "libspdlog" "spdlog is compiled in"
expect_not_contains "$needed" "libsqlite3" "libsqlite3 is found at run time"
# The postgres module exports its entry point only, and brings libpq.
PG_MODULE="$(dirname "$LITELIFT_LIB")/liblitelift-pg.so"
[ -f "$PG_MODULE" ] || fail "no $PG_MODULE beside the shim"
exports=$(nm -D --defined-only "$PG_MODULE" | awk '{print $3}' | tr '\n' ' ')
expect_eq "$exports" "litelift_pg_module_init " "the module exports litelift_pg_module_init only"
expect_contains "$(readelf -d "$PG_MODULE")" "libpq.so" "the module links libpq"
# A process that never routes never loads libpq.
maps=$(LD_PRELOAD="$PRELOAD" LITELIFT_DSN=postgresql://h/db "$OPEN_PROBE" :memory: 6 "SELECT 1" >/dev/null; \
       LD_PRELOAD="$PRELOAD" python3 -c 'import sqlite3; sqlite3.connect(":memory:").execute("select 1"); print(open("/proc/self/maps").read())')
expect_not_contains "$maps" "libpq" "no route, no libpq in the process"
expect_contains "$maps" "liblitelift.so" "(the shim was loaded)"
done_testing
