# Shared helpers for the end-to-end tests. Each test is a bash script run by
# ctest with LITELIFT_LIB, LITELIFT_CLI, OPEN_PROBE, NOTES_EXAMPLE,
# SOURCE_DIR and BUILD_DIR set.
set -euo pipefail

: "${LITELIFT_LIB:?}" "${SOURCE_DIR:?}" "${BUILD_DIR:?}"
WORK=$(mktemp -d /tmp/litelift-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# No litelift setting from the caller leaks into a test.
unset LITELIFT_DSN LITELIFT_BACKEND LITELIFT_CONFIG LITELIFT_LOG LITELIFT_LOG_FILE \
      LITELIFT_ROUTE_MEMORY LITELIFT_PG_MODULE
checks=0
# What to preload: the shim, after the sanitizer runtimes in a sanitizer build
# (programs like python3 are not built with them; their own leaks at exit
# are not ours to report).
PRELOAD=${LITELIFT_PRELOAD:-$LITELIFT_LIB}
# SANITIZER_RT: what a program linked against a sanitizer build of
# liblitelift, but not built with the sanitizers itself, must preload.
SANITIZER_RT=""
if [ -n "${LITELIFT_PRELOAD:-}" ]; then
  export ASAN_OPTIONS=detect_leaks=0
  SANITIZER_RT=${LITELIFT_PRELOAD%:*}
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); echo "ok - $*"; }

# expect_contains HAYSTACK NEEDLE WHAT
expect_contains() {
  case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: expected to find [$2] in [$1]" ;; esac
}
expect_not_contains() {
  case "$1" in *"$2"*) fail "$3: did not expect [$2] in [$1]" ;; *) pass "$3" ;; esac
}
expect_eq() {
  [ "$1" = "$2" ] && pass "$3" || fail "$3: expected [$2], got [$1]"
}
done_testing() { echo "$checks checks passed"; }
