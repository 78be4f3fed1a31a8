#!/usr/bin/env bash
# The litelift command: --version, --help and run.
source "$(dirname "$0")/lib.sh"
: "${LITELIFT_CLI:?}"
cd "$WORK"
expect_contains "$("$LITELIFT_CLI" --version)" "litelift 0." "--version"
expect_contains "$("$LITELIFT_CLI" --help)" "run" "--help lists run"
expect_contains "$("$LITELIFT_CLI" run --help)" "--dsn" "run --help lists --dsn"

out=$("$LITELIFT_CLI" run -- sh -c 'echo "$LD_PRELOAD"')
expect_contains "$out" "liblitelift.so" "run preloads the library"
out=$(LD_PRELOAD=/nonexistent-keep.so "$LITELIFT_CLI" run -- sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)
expect_contains "$out" ":/nonexistent-keep.so" "run keeps an existing LD_PRELOAD after ours"

out=$("$LITELIFT_CLI" run -- "$OPEN_PROBE" plain.db 6 "SELECT 5" || true)
expect_contains "$out" "rc=0" "run with no DSN: local"
expect_contains "$out" "5" "run with no DSN: answers"

export LITELIFT_PG_MODULE=$WORK/missing.so
out=$("$LITELIFT_CLI" run --dsn postgresql://h/db -- "$OPEN_PROBE" routed.db || true)
expect_contains "$out" "rc=14" "run --dsn routes the program's databases"
out=$("$LITELIFT_CLI" run --dsn postgresql://h/db --backend sqlite -- "$OPEN_PROBE" back.db 6 "SELECT 6" || true)
expect_contains "$out" "rc=0" "run --backend sqlite rolls back"

set +e
"$LITELIFT_CLI" run -- /nonexistent/program 2>"$WORK/err"; rc=$?
set -e
expect_eq "$rc" "127" "a missing command exits 127"
expect_contains "$(cat "$WORK/err")" "cannot run /nonexistent/program" "and says so"
"$LITELIFT_CLI" run --config /nonexistent.toml -- true 2>/dev/null && fail "missing config accepted"
pass "run --config checks the file exists"
"$LITELIFT_CLI" 2>/dev/null && fail "no subcommand accepted"
pass "a subcommand is required"
# translate: the PostgreSQL text for SQLite statements, or the error.
out=$("$LITELIFT_CLI" translate --schema "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)" \
  "SELECT rowid, a FROM t WHERE a == ? ORDER BY a LIMIT -1")
expect_eq "$out" 'SELECT "id", "a" FROM "t" WHERE ("a" = litelift.cast_text($1)) ORDER BY "a" NULLS FIRST LIMIT NULL;' \
  "translate prints the server's text"
set +e
out=$("$LITELIFT_CLI" translate "SELECT x FROM nowhere"); rc=$?
set -e
expect_eq "$out" "error: no such table: nowhere" "translate gives SQLite's own error"
expect_eq "$rc" "1" "and exits 1"
done_testing
