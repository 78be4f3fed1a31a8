#!/usr/bin/env bash
# CPython's own sqlite3 test suite passes under LD_PRELOAD with the same
# counts as without it. Uses a Python whose _sqlite3 links the system
# libsqlite3 and that has test.test_sqlite3: one on PATH or in pyenv, or
# Debian's python3 with the suite from Debian's python3.11 source
# (scripts/fetch-cpython-tests puts it in $BUILD_DIR/cpython-tests).
source "$(dirname "$0")/lib.sh"

usable() {  # PYTHON [PYTHONPATH]
  local py=$1 so
  so=$(PYTHONPATH=${2:-} "$py" -c 'import _sqlite3, test.test_sqlite3; print(_sqlite3.__file__)' 2>/dev/null | tail -1) || return 1
  [ -n "$so" ] || return 1
  ldd "$so" | grep -q 'libsqlite3\.so\.0'
}
PY="" PYPATH=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3 "$HOME"/.pyenv/versions/*/bin/python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if usable "$candidate"; then PY=$candidate; break; fi
done
if [ -z "$PY" ] && [ -d "$BUILD_DIR/cpython-tests/test" ] && usable /usr/bin/python3 "$BUILD_DIR/cpython-tests"; then
  PY=/usr/bin/python3 PYPATH=$BUILD_DIR/cpython-tests
fi
[ -n "$PY" ] || fail "no Python with test.test_sqlite3 and a system-linked _sqlite3 (run scripts/fetch-cpython-tests)"
pass "using $PY ($("$PY" -V 2>&1))${PYPATH:+ with the suite from $PYPATH}"

summary() {  # prints "Ran N tests" and the result line
  (cd "$WORK" && env PYTHONPATH="$PYPATH" "$@" "$PY" -m test test_sqlite3 -v > "$WORK/log.$#" 2>&1) || true
  grep -E '^(Ran [0-9]+ tests|OK|FAILED)' "$WORK/log.$#" | sed 's/ in [0-9.]*s$//'
}
native=$(summary)
preload=$(summary env LD_PRELOAD="$PRELOAD")
echo "native:  $native" | tr '\n' ' '; echo
echo "preload: $preload" | tr '\n' ' '; echo
expect_contains "$native" "OK" "the suite passes natively"
expect_eq "$preload" "$native" "the same counts and result under LD_PRELOAD"

# And the module really went through litelift under LD_PRELOAD.
out=$(cd "$WORK" && LD_PRELOAD="$PRELOAD" LITELIFT_DSN=postgresql://h/db \
      LITELIFT_PG_MODULE=$WORK/missing.so "$PY" -c '
import sqlite3
try:
    sqlite3.connect("routed.db")
except sqlite3.OperationalError as e:
    print("OperationalError:", e)' 2>&1)
expect_contains "$out" "OperationalError: litelift: the postgres route is not available" \
  "Python's sqlite3 opens go through litelift"
done_testing
