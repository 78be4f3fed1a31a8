#!/usr/bin/env bash
# litelift ls and litelift doctor against the throwaway server, and doctor's
# diagnosis of an unreachable server, a blank DSN and a bad config file.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
export XDG_CACHE_HOME=$WORK/cache
expect_contains "$("$LITELIFT_CLI" ls --help)" "Examples:" "ls --help gives examples"
expect_contains "$("$LITELIFT_CLI" doctor --help)" "Examples:" "doctor --help gives examples"

"$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# (The second table: a mixed-case name past 63 bytes, counted all the same.)
b = "B_" + "long_name_past_the_sixty_three_bytes_postgresql_allows_" * 2
db.execute("CREATE TABLE a (x)"); db.execute("CREATE TABLE " + b + " (y)")
db.executemany("INSERT INTO a VALUES (?)", [(i,) for i in range(5)])
db.execute("INSERT INTO " + b + " VALUES (1)"); db.commit()' "$WORK/listed.db"
schema=$(psql "$LITELIFT_TEST_DSN" -XAtc "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/listed.db'")
out=$("$LITELIFT_CLI" ls --dsn "$LITELIFT_TEST_DSN" --exact)
line=$(grep -F "$WORK/listed.db " <<< "$out" || true)
read -r path sch tables rows _ <<< "$line"
expect_eq "$path $sch" "$WORK/listed.db $schema" "ls lists the routed database with its path and schema"
expect_eq "$tables $rows" "2 6" "with its tables and (--exact) rows"
expect_contains "$(head -2 <<< "$out")" "PATH" "under a header"
out=$(LITELIFT_DSN=$LITELIFT_TEST_DSN "$LITELIFT_CLI" ls)
expect_contains "$out" "$WORK/listed.db" "ls reads LITELIFT_DSN"
expect_contains "$(head -2 <<< "$out")" "OPENED" "ls shows when each database was last opened"

# Last opened: a database opened later shows a later time; one not
# reopened keeps its time (the stamp is taken once per process).
opened() { "$LITELIFT_CLI" ls --dsn "$LITELIFT_TEST_DSN" | awk -v p="$1" '$1 == p {print $(NF-1), $NF}'; }
read_db() {
  "$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("CREATE TABLE IF NOT EXISTS k (x)")
print(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])' "$1" > /dev/null
}
read_db "$WORK/kept.db"
listed_before=$(opened "$WORK/listed.db"); kept_before=$(opened "$WORK/kept.db")
[[ "$listed_before" =~ ^2[0-9]{3}-[0-9]{2}-[0-9]{2}\ [0-9:]{8}$ ]] && pass "a time is recorded: $listed_before" ||
  fail "no last-opened time for listed.db: '$listed_before'"
sleep 1.2
read_db "$WORK/listed.db"
listed_after=$(opened "$WORK/listed.db"); kept_after=$(opened "$WORK/kept.db")
[[ "$listed_after" > "$listed_before" ]] && pass "reopened later shows a later time ($listed_after)" ||
  fail "listed.db's last-opened time did not move: $listed_before -> $listed_after"
expect_eq "$kept_after" "$kept_before" "a database not reopened keeps its time"
sleep 1.2
"$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c '
import sqlite3, sys
sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True).execute("SELECT * FROM k").fetchall()' "$WORK/kept.db"
kept_ro=$(opened "$WORK/kept.db")
[[ "$kept_ro" > "$kept_after" ]] && pass "a read-only open is stamped too ($kept_ro)" ||
  fail "a read-only open did not move the time: $kept_after -> $kept_ro"
# The stamp never waits: an open while another process's schema change
# holds the database's row goes on, and the time stays.
"$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c '
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN"); db.execute("CREATE TABLE held (x)")
print("holding", flush=True)
deadline = time.time() + 60
while not os.path.exists(sys.argv[2]) and time.time() < deadline:
    time.sleep(0.05)
db.execute("ROLLBACK")' "$WORK/kept.db" "$WORK/release" > holder.out &
holder=$!
for _ in $(seq 600); do grep -q holding holder.out 2>/dev/null && break; sleep 0.1; done
kept_held=$(opened "$WORK/kept.db")  # (the holder's own open stamped it)
sleep 1.2
# (The holder ends only after this open: an open waiting for it would time out.)
timeout 30 "$LITELIFT_CLI" run --dsn "$LITELIFT_TEST_DSN" -- python3 -c '
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM k").fetchone()[0])' "$WORK/kept.db" > opened.out ||
  { touch release; wait "$holder"; fail "an open during another process's schema change failed or hung"; }
touch release
wait "$holder"
expect_eq "$(cat opened.out)" "0" "an open while another process's schema change holds the row goes on, without waiting"
expect_eq "$(opened "$WORK/kept.db")" "$kept_held" "and leaves the time as it was (the row was held)"

set +e
"$LITELIFT_CLI" ls 2>err; rc=$?
set -e
expect_eq "$rc" "2" "ls without a DSN fails"
expect_contains "$(cat err)" "no DSN" "and says so"

out=$("$LITELIFT_CLI" doctor --dsn "$LITELIFT_TEST_DSN" "$WORK/listed.db")
expect_contains "$out" "OK: no problem found" "doctor finds no problem with the test server"
expect_contains "$out" "PostgreSQL 1" "doctor names the server's version"
expect_contains "$out" "may CREATE" "doctor checks the role may create schemas"
expect_contains "$out" "litelift schema version" "doctor reads the litelift schema's version"
expect_contains "$out" "is routed to PostgreSQL" "doctor says where the file goes"
expect_contains "$out" "schema $schema (recorded" "doctor names its recorded schema"
out=$(LITELIFT_DSN=$LITELIFT_TEST_DSN LITELIFT_BACKEND=sqlite "$LITELIFT_CLI" doctor "$WORK/listed.db")
expect_contains "$out" "stays local (the real SQLite): LITELIFT_BACKEND=sqlite" "doctor explains a local route"

# problem: exit status 1, a FAIL line and a fix.
doctor() { set +e; out=$("$LITELIFT_CLI" doctor "$@" 2>&1); rc=$?; set -e; }
doctor --dsn "postgresql://nobody@127.0.0.1:1/none?connect_timeout=3"
expect_eq "$rc" "1" "doctor fails for an unreachable server"
expect_contains "$out" "FAIL  cannot connect to postgresql://nobody@127.0.0.1:1/none" "and names it"
expect_contains "$out" "fix: check that the server runs" "with the fix"
doctor --dsn "postgresql://u:Secret9pw@127.0.0.1:1/none?connect_timeout=3"
expect_not_contains "$out" "Secret9pw" "doctor never prints the password"
doctor --dsn " "
expect_eq "$rc" "1" "doctor fails for a blank DSN"
expect_contains "$out" "LITELIFT_DSN is set but blank" "and names the problem"
expect_contains "$out" "fix: unset --dsn" "with the fix"
printf 'backend = "postgres"\ndsn = "%s"\n[[route]]\nmatch = "*"\nbakend = "sqlite"\n' "$LITELIFT_TEST_DSN" > bad.toml
doctor --config bad.toml
expect_eq "$rc" "1" "doctor fails for a bad config file"
expect_contains "$out" "bad.toml:5: unknown key 'bakend'" "and names the line"
expect_contains "$out" "fix: correct bad.toml" "with the fix"
done_testing
