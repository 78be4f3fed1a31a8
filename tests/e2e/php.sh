#!/usr/bin/env bash
# PHP (PDO sqlite and the SQLite3 class) on both routes. PHP loads its
# extensions with RTLD_DEEPBIND, so they bind to libsqlite3 around
# LD_PRELOAD: `litelift run` also puts liblitelift first on LD_LIBRARY_PATH
# as libsqlite3.so.0, and a routed open made around litelift fails loudly.
source "$(dirname "$0")/lib.sh"
if [ -n "$SANITIZER_RT" ]; then
  # The ASan runtime refuses any dlopen with RTLD_DEEPBIND (google/sanitizers
  # issue 611), and PHP opens every extension so: PHP cannot run in this
  # build at all, with or without litelift. The plain build runs this test.
  echo "not run in a sanitizer build: PHP loads its extensions with RTLD_DEEPBIND"
  exit 0
fi
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
command -v php > /dev/null || fail "php is not installed (scripts/deps installs php-cli php-sqlite3)"
modules=$(php -m)
grep -qx pdo_sqlite <<< "$modules" || fail "PHP's pdo_sqlite is missing (php-sqlite3)"
grep -qx sqlite3 <<< "$modules" || fail "PHP's sqlite3 is missing (php-sqlite3)"
cd "$WORK"
export XDG_CACHE_HOME=$WORK/cache
script=$SOURCE_DIR/tests/e2e/php/both_apis.php
# psql never runs with litelift.
sql() { env -u LD_PRELOAD -u LD_LIBRARY_PATH psql "$LITELIFT_TEST_DSN" -XAtc "$1"; }
# rows DIR: the rows of DIR's two databases on the server.
rows() {
  local pdo class
  pdo=$(sql "SELECT db_schema FROM litelift.databases WHERE path = '$1/pdo.db'")
  class=$(sql "SELECT db_schema FROM litelift.databases WHERE path = '$1/class.db'")
  [ -n "$pdo" ] && [ -n "$class" ] || { echo "not on the server"; return; }
  echo "items=$(sql "SELECT count(*) FROM \"$pdo\".items") notes=$(sql "SELECT count(*) FROM \"$class\".notes")"
}

# The local files a routed program leaves: only litelift's markers (no data).
only_markers() {  # DIR
  local f
  for f in "$1"/*; do
    [ -e "$f" ] || continue
    [ "$(head -1 "$f")" = "litelift database marker" ] || { echo "not a marker: $f"; return 1; }
  done
}
mkdir native routed preload libpath libpath_local
php "$script" "$WORK/native" > native.out 2>&1 || { cat native.out; fail "the PHP script fails on SQLite"; }
expect_contains "$(cat native.out)" "done" "the PHP script runs on SQLite"
[ -s native/pdo.db ] && [ -s native/class.db ] && pass "natively, both files hold the data" ||
  fail "no native files"

# litelift run: routed, same output, rows on the server, no data locally.
out=$("$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- php "$script" "$WORK/routed" 2>&1)
expect_eq "$out" "$(cat native.out)" "PDO and SQLite3 print the same under litelift run"
expect_eq "$(rows "$WORK/routed")" "items=3 notes=3" "their rows are on the server"
only_markers routed && pass "and the local files are only markers (no data)" || fail "data in a local file"
link=$(ls "$XDG_CACHE_HOME"/litelift/lib-*/libsqlite3.so.0)
expect_eq "$(readlink -f "$link")" "$(readlink -f "$LITELIFT_LIB")" \
  "litelift run's LD_LIBRARY_PATH directory holds libsqlite3.so.0 -> liblitelift"
out=$("$LITELIFT_CLI" run -- sh -c 'echo "$LD_LIBRARY_PATH"')
expect_eq "${out%%:*}" "$(dirname "$link")" "and it comes first on LD_LIBRARY_PATH"

# LD_PRELOAD alone cannot route PHP: the open fails, loudly, with the fix;
# nothing is written to a local file.
set +e
out=$(LITELIFT_DSN=$LITELIFT_TEST_DSN LD_PRELOAD=$PRELOAD php "$script" "$WORK/preload" 2>&1); rc=$?
set -e
[ "$rc" != 0 ] && pass "under LD_PRELOAD alone the routed PDO open fails" || fail "it succeeded: $out"
expect_contains "$out" "opened it through the real libsqlite3, around litelift" "and says why"
expect_contains "$out" "litelift run" "and names the fix"
expect_eq "$(cat preload/* 2>/dev/null | wc -c)" "0" "no data reaches a local file"
expect_eq "$(rows "$WORK/preload")" "not on the server" "nor the server"

# liblitelift installed as libsqlite3.so.0 on LD_LIBRARY_PATH, no preload:
# it finds the real library by absolute path, not itself.
mkdir lib
ln -s "$LITELIFT_LIB" lib/libsqlite3.so.0
out=$(LITELIFT_DSN=$LITELIFT_TEST_DSN LD_LIBRARY_PATH=$WORK/lib LD_PRELOAD=$SANITIZER_RT \
  php "$script" "$WORK/libpath" 2>&1)
expect_eq "$out" "$(cat native.out)" "installed as libsqlite3.so.0: PHP is routed"
expect_eq "$(rows "$WORK/libpath")" "items=3 notes=3" "its rows are on the server"
only_markers libpath && pass "and the local files are only markers (no data)" || fail "data in a local file"
out=$(LD_LIBRARY_PATH=$WORK/lib LD_PRELOAD=$SANITIZER_RT php "$script" "$WORK/libpath_local" 2>&1)
expect_eq "$out" "$(cat native.out)" "installed as libsqlite3.so.0 without a DSN: PHP runs locally"
[ -s libpath_local/pdo.db ] && pass "on local files" || fail "no local file"
out=$(LD_LIBRARY_PATH=$WORK/lib LD_PRELOAD=$SANITIZER_RT python3 -c '
import sqlite3; print(sqlite3.connect(":memory:").execute("SELECT sqlite_version()").fetchone()[0])' 2>&1)
expect_eq "$out" "$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')" \
  "installed as libsqlite3.so.0, Python's sqlite3 reaches the real library"
done_testing
