#!/usr/bin/env bash
# Real programs, unmodified, print the same on SQLite and on the postgres
# route: an SQLAlchemy ORM app with its inspector (Debian's
# python3-sqlalchemy), a Tcl program (libsqlite3-tcl), and the sqlite3
# shell importing a CSV and running grouped reports (aliases, ordinals,
# numbers kept in TEXT columns, double-quoted strings).
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
APPS=$SOURCE_DIR/tests/e2e/apps
/usr/bin/python3 -c "import sqlalchemy" 2>/dev/null ||
  fail "python3-sqlalchemy is not installed (scripts/deps installs it)"
command -v tclsh > /dev/null || fail "tclsh is not installed (scripts/deps installs tcl)"
echo 'package require sqlite3' | tclsh > /dev/null 2>&1 ||
  fail "Tcl's sqlite3 package is missing (libsqlite3-tcl)"
cd "$WORK"
cp "$APPS/sales.csv" .

# same NAME COMMAND...: runs COMMAND with a fresh database path appended,
# natively and routed (each under a 120 s bound), and compares the output.
same() {
  local name=$1
  shift
  timeout 120 "$@" "$WORK/$name-native.db" > "$name.native" 2>&1 ||
    { cat "$name.native"; fail "$name fails on SQLite"; }
  timeout 120 env LITELIFT_DSN="$LITELIFT_TEST_DSN" LD_PRELOAD="$PRELOAD" \
    "$@" "$WORK/$name-routed.db" > "$name.routed" 2>&1 ||
    { cat "$name.routed"; fail "$name fails on the route"; }
  [ -s "$name.native" ] || fail "$name printed nothing"
  diff -u "$name.native" "$name.routed" || fail "$name prints differently on the route"
  pass "$name: the same $(wc -l < "$name.native") lines on both routes"
}

same sqlalchemy /usr/bin/python3 "$APPS/sqlalchemy_orm.py"
same tcl tclsh "$APPS/tcl_app.tcl"
same shell_report sh -c 'sqlite3 "$1" < "$0"' "$APPS/shell_report.sql"
grep -q "south|52.0|429.0" shell_report.routed || fail "the shell's report lost its sums"
pass "the shell's grouped report sums numbers kept in TEXT columns"
done_testing
