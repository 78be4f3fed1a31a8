#!/usr/bin/env bash
# Real programs, unmodified, print the same on SQLite and on the postgres
# route: an SQLAlchemy ORM app with its inspector (Debian's
# python3-sqlalchemy), a Tcl program (libsqlite3-tcl), and the sqlite3
# shell importing a CSV and running grouped reports (aliases, ordinals,
# numbers kept in TEXT columns, double-quoted strings), and small
# inventory/blog/to-do programs on Ruby's ruby-sqlite3, Perl's DBD::SQLite
# (libdbd-sqlite3-perl) and node-sqlite3, each linked to the system
# libsqlite3 (checked below, so LD_PRELOAD reaches them).
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
APPS=$SOURCE_DIR/tests/e2e/apps
/usr/bin/python3 -c "import sqlalchemy" 2>/dev/null ||
  fail "python3-sqlalchemy is not installed (scripts/deps installs it)"
command -v tclsh > /dev/null || fail "tclsh is not installed (scripts/deps installs tcl)"
echo 'package require sqlite3' | tclsh > /dev/null 2>&1 ||
  fail "Tcl's sqlite3 package is missing (libsqlite3-tcl)"
ruby -e 'require "sqlite3"' 2>/dev/null || fail "ruby-sqlite3 is not installed (scripts/deps installs it)"
perl -MDBD::SQLite -e 1 2>/dev/null || fail "libdbd-sqlite3-perl is not installed (scripts/deps installs it)"
"$APPS/debian_node" -e 'require("sqlite3")' || fail "node-sqlite3 cannot be loaded (scripts/deps installs it)"
# Each binding must use the system libsqlite3.so.0: one with a copy of its
# own would never reach litelift.
links_system_sqlite() {
  local libs
  libs=$(ldd "$1") || fail "ldd cannot read $2's module $1"
  grep -q 'libsqlite3\.so\.0 => /' <<< "$libs" || fail "$2 does not link the system libsqlite3"
}
links_system_sqlite "$(ruby -e 'require "sqlite3"; puts $LOADED_FEATURES.grep(/sqlite3_native\.so/)[0]')" ruby-sqlite3
links_system_sqlite "$(perl -MDBD::SQLite -e 'print $INC{"DBD/SQLite.pm"} =~ s{DBD/SQLite\.pm$}{auto/DBD/SQLite/SQLite.so}r')" DBD::SQLite
links_system_sqlite "$("$APPS/debian_node" -p 'require("sqlite3"); Object.keys(require.cache).find((k) => k.endsWith(".node"))')" node-sqlite3
pass "ruby-sqlite3, DBD::SQLite and node-sqlite3 link the system libsqlite3"
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
same ruby ruby "$APPS/ruby_inventory.rb"
same perl perl "$APPS/perl_blog.pl"
same node "$APPS/debian_node" "$APPS/node_todo.js"
grep -q "UNIQUE constraint failed: items.sku" ruby.routed || fail "ruby's UNIQUE violation lost its message"
grep -q "cover | 11 | 89504e470d0a1a0a0000fe | same" perl.routed || fail "perl's blob changed"
grep -q 'error SQLITE_CONSTRAINT 19 SQLITE_CONSTRAINT: UNIQUE constraint failed: lists.title' node.routed ||
  fail "node's UNIQUE violation lost its code or message"
pass "constraint errors keep SQLite's codes and messages; blobs keep their bytes"
grep -q "south|52.0|429.0" shell_report.routed || fail "the shell's report lost its sums"
pass "the shell's grouped report sums numbers kept in TEXT columns"
done_testing
