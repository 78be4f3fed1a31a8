#!/usr/bin/env bash
# Fault injection on the postgres route, against a server of this test's
# own (so that restarting it disturbs no other suite): sessions terminated
# idle, mid-transaction and mid-query, the server restarted, crashed
# (SIGKILL) and stopped, under a program that keeps going; writers killed
# mid-transaction; a journal proves that no committed row is lost and no
# uncommitted row is visible. Every program runs under a timeout: a hang is
# a failure.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/tests/pg/harness.sh"
trap 'pg_stop; rm -rf "$WORK"' EXIT
# A commit the server acknowledged survives its crash (SIGKILL keeps the
# operating system's page cache, so fsync may stay off).
LITELIFT_PG_EXTRA_OPTS="-c synchronous_commit=on" pg_start > /dev/null
cd "$WORK"
PY=/usr/bin/python3
export LITELIFT_DSN=$LITELIFT_TEST_DSN
run() { timeout 300 env LD_PRELOAD="$PRELOAD" "$@"; }

# The program's view of each fault.
out=$(run $PY "$SOURCE_DIR/tests/e2e/py/faults.py" "$WORK" "$SOURCE_DIR/tests/pg/harness.sh" 2>&1) ||
  { echo "$out"; fail "faults.py"; }
echo "$out"
pass "faults.py: $(grep -c '^ok - ' <<< "$out") fault checks"

# Writers under faults, checked against their journals.
run $PY -c "import sqlite3; sqlite3.connect('$WORK/journal.db').execute('CREATE TABLE j (txn INTEGER, k INTEGER)')"
for mode in txn executemany; do
  rm -f stop
  run $PY "$SOURCE_DIR/tests/e2e/py/fault_writer.py" "$WORK/journal.db" "$WORK/$mode.journal" \
    "$WORK/stop" "$mode" > "$mode.out" 2>&1 &
  writer=$!
  sleep 1
  psql -XAtqc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" > /dev/null
  sleep 0.7
  pg_restart
  sleep 0.7
  pg_crash
  sleep 0.7
  pg_halt
  sleep 0.5
  pg_resume
  sleep 1
  touch stop
  wait $writer || { cat "$mode.out"; fail "the $mode writer failed or hung"; }
  schema=$(psql -XAtc "SELECT db_schema FROM litelift.databases WHERE path = '$WORK/journal.db'")
  committed=$(grep -c '^C ' "$mode.journal" || true)
  failed=$(grep -c '^F ' "$mode.journal" || true)
  [ "$committed" -gt 5 ] || fail "$mode: too few transactions committed ($committed)"
  [ "$failed" -gt 0 ] || fail "$mode: no fault was seen by the writer"
  ids=$(grep '^C ' "$mode.journal" | awk '{print $2}' | paste -sd, -)
  lost=$(psql -XAtc "SELECT count(*) FROM unnest('{$ids}'::int[]) c(txn)
                     WHERE (SELECT count(*) FROM \"$schema\".j WHERE j.txn = c.txn) <> 5")
  expect_eq "$lost" "0" "$mode: all $committed committed transactions are on the server, whole"
  partial=$(psql -XAtc "SELECT count(*) FROM (SELECT txn FROM \"$schema\".j GROUP BY txn
                        HAVING count(*) <> 5) p")
  expect_eq "$partial" "0" "$mode: no transaction is partly visible ($failed failed)"
  psql -XAtqc "DELETE FROM \"$schema\".j"
done

# A client killed mid-transaction: its rows never appear, its lock goes.
cat > killed.py <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN")
db.execute("INSERT INTO j (txn, k) VALUES (-1, 0)")
print("inside", flush=True)
time.sleep(60)
PY
env LD_PRELOAD="$PRELOAD" $PY killed.py "$WORK/journal.db" > killed.out 2>&1 &
victim=$!  # (env execs python: this is the program itself)
for _ in $(seq 100); do grep -q inside killed.out 2>/dev/null && break; sleep 0.1; done
kill -9 $victim; wait $victim 2>/dev/null || true
out=$(run $PY -c "
import sqlite3
db = sqlite3.connect('$WORK/journal.db', isolation_level=None, timeout=5)
db.execute('INSERT INTO j (txn, k) VALUES (-2, 0)')
print(db.execute('SELECT count(*) FROM j WHERE txn = -1').fetchone()[0])")
expect_eq "$out" "0" "a client killed mid-transaction: nothing of it visible, the write lock free"

# A server that vanishes without closing (a network cut) is found by TCP
# keepalives, which litelift turns on unless the DSN says otherwise: the
# session's socket carries the keepalive timer (ss, run without the preload).
keepalive_of() {  # DSN: the socket line of a routed program's session
  timeout 60 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$1" $PY -c "
import os, sqlite3, subprocess
db = sqlite3.connect('$WORK/keepalive.db')
db.execute('SELECT count(*) FROM sqlite_master').fetchall()
db.execute('CREATE TABLE IF NOT EXISTS k (a)')
env = {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}
out = subprocess.run(['ss', '-tnpo', 'state', 'established', 'dport', '=', ':$PGPORT'], env=env,
                     capture_output=True, text=True, timeout=30).stdout
print([l for l in out.splitlines() if 'pid=%d,' % os.getpid() in l])"
}
line=$(keepalive_of "$LITELIFT_TEST_DSN") || fail "keepalive probe: $line"
expect_contains "$line" "timer:(keepalive," "a routed session's TCP socket has keepalives on"
line=$(keepalive_of "$LITELIFT_TEST_DSN?keepalives=0") || fail "keepalive probe: $line"
[[ "$line" == *"127.0.0.1"* && "$line" != *keepalive* ]] ||
  fail "keepalives=0 in the DSN is kept: $line"
pass "the DSN's own keepalives=0 wins"
done_testing
