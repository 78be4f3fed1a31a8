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

# The DSN reaches the program in its environment only: no command line of
# any process (the program's, its parent's, any other) shows the password.
# The check runs in bash builtins, so that it starts no process of its own.
secret=Zq7cliSecretPW
dsn="postgresql://u:$secret@127.0.0.1:1/db"
export LL_SECRET=$secret
check_cmdlines='
leaks=""
for f in /proc/$$/cmdline /proc/$PPID/cmdline /proc/[0-9]*/cmdline; do
  args=""
  while IFS= read -r -d "" a; do args+="$a "; done 2>/dev/null < "$f"
  case "$args" in *"$LL_SECRET"*) leaks+=" $f" ;; esac
done
[ -r /proc/$PPID/cmdline ] && echo "parent seen"
echo "dsn=$LITELIFT_DSN"
echo "leaks:${leaks:- none}"
read -r line && echo "stdin=$line"
true'
out=$(bash -c "$check_cmdlines" "$dsn" </dev/null)
expect_contains "$out" "leaks: /proc/" "control: the check sees a password in a command line"
out=$("$LITELIFT_CLI" run --dsn "$dsn" -- bash -c "$check_cmdlines" </dev/null)
expect_contains "$out" "dsn=$dsn" "run --dsn: the program has the DSN in LITELIFT_DSN"
expect_contains "$out" "parent seen" "run --dsn: the parent's command line is read"
expect_contains "$out" "leaks: none" "run --dsn: no command line shows the password"

printf '%s\n' "$dsn" > dsn.txt
chmod 600 dsn.txt
out=$("$LITELIFT_CLI" run --dsn-file dsn.txt -- bash -c "$check_cmdlines" </dev/null 2>"$WORK/err")
expect_contains "$out" "dsn=$dsn" "run --dsn-file: the program has the file's DSN"
expect_contains "$out" "leaks: none" "run --dsn-file: no command line shows the password"
expect_eq "$(cat "$WORK/err")" "" "run --dsn-file: a 0600 file gives no warning"
chmod 644 dsn.txt
"$LITELIFT_CLI" run --dsn-file dsn.txt -- true 2>"$WORK/err"
expect_contains "$(cat "$WORK/err")" "can be read by other users" "run --dsn-file warns of a readable file"

out=$(printf '%s\nnext line\n' "$dsn" | "$LITELIFT_CLI" run --dsn - -- bash -c "$check_cmdlines")
expect_contains "$out" "dsn=$dsn" "run --dsn -: the DSN is standard input's first line"
expect_contains "$out" "leaks: none" "run --dsn -: no command line shows the password"
expect_contains "$out" "stdin=next line" "run --dsn -: the rest of standard input is the program's"

set +e
"$LITELIFT_CLI" run --dsn "" -- true 2>"$WORK/err"; rc=$?
expect_eq "$rc" "2" "run --dsn '' fails"
expect_contains "$(cat "$WORK/err")" "the DSN from --dsn is blank" "and says so"
: > empty.txt
"$LITELIFT_CLI" run --dsn-file empty.txt -- true 2>"$WORK/err"; rc=$?
expect_eq "$rc" "2" "run --dsn-file with an empty file fails"
expect_contains "$(cat "$WORK/err")" "the DSN from --dsn-file empty.txt is blank" "and says so"
printf '\n' | "$LITELIFT_CLI" run --dsn - -- true 2>"$WORK/err"; rc=$?
expect_eq "$rc" "2" "run --dsn - with a blank line fails"
"$LITELIFT_CLI" run --dsn "$dsn" --dsn-file dsn.txt -- true 2>/dev/null; rc=$?
[ "$rc" != 0 ] && pass "--dsn and --dsn-file exclude each other" || fail "both accepted"
set -e

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
expect_eq "$out" 'SELECT "id", "a" FROM "t" WHERE ("a" = litelift.cast_text($1)) ORDER BY "a" NULLS FIRST, "t"."id" LIMIT NULL;' \
  "translate prints the server's text"
set +e
out=$("$LITELIFT_CLI" translate "SELECT x FROM nowhere"); rc=$?
set -e
expect_eq "$out" "error: no such table: nowhere" "translate gives SQLite's own error"
expect_eq "$rc" "1" "and exits 1"
# With the program's function named: which executor runs it, and why.
out=$("$LITELIFT_CLI" translate --schema "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)" \
  --function f "SELECT f(a) FROM t WHERE id = 1")
expect_eq "$out" "embedded: function f is the program's (the real SQLite runs it over the server's rows)" \
  "translate says a read with the program's function runs in the embedded engine"
done_testing
