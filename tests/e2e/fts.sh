#!/usr/bin/env bash
# Full-text search on the postgres route (issue 13): fts.py (FTS5
# tables, an external-content table, MATCH grammar, rank, bm25 with
# weights, highlight, snippet, a rollback, a second
# connection, DROP) prints the same on the route as on the real SQLite;
# the log names the executor; the sqlite3 shell searches the same index.
source "$(dirname "$0")/lib.sh"
: "${LITELIFT_TEST_DSN:?run through scripts/test}"
cd "$WORK"
PY=/usr/bin/python3
routed() { timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }

native=$(timeout 120 $PY "$SOURCE_DIR/tests/e2e/py/fts.py" "$WORK/native.db" 2>&1) ||
  { echo "$native"; fail "fts.py on the real SQLite"; }
out=$(routed env LITELIFT_LOG=debug LITELIFT_LOG_FILE="$WORK/log" \
  $PY "$SOURCE_DIR/tests/e2e/py/fts.py" "$WORK/routed.db" 2>&1) ||
  { echo "$out"; fail "fts.py on the postgres route"; }
echo "$out" | head -5
expect_eq "$out" "$native" "fts.py prints the same on the postgres route as on SQLite"
expect_contains "$(cat "$WORK/log")" "runs in the embedded engine: table notes is a full-text (FTS) table" \
  "the log says which executor runs a search and why"

# The sqlite3 shell, another process, searches the index the program made.
q="SELECT rowid, highlight(articles_fts, 1, '[', ']') FROM articles_fts WHERE articles_fts MATCH 'fox OR quick' ORDER BY rank;"
shell_native=$(timeout 60 sqlite3 "$WORK/native.db" "$q") || fail "the shell on the real SQLite"
shell_routed=$(routed sqlite3 "$WORK/routed.db" "$q") || fail "the shell on the postgres route"
echo "$shell_routed"
expect_eq "$shell_routed" "$shell_native" "the sqlite3 shell finds the same rows in another process"
# litelift translate names the executor too.
out=$(timeout 60 "$LITELIFT_CLI" translate --schema "CREATE VIRTUAL TABLE d USING fts5(x)" \
  "SELECT rowid FROM d WHERE d MATCH 'a'") || fail "litelift translate"
expect_contains "$out" "embedded: table d is a full-text (FTS) table" \
  "litelift translate says a search runs in the embedded engine"
done_testing
