#!/usr/bin/env bash
# Long write transactions on the postgres route: one savepoint for a run of
# writes (pg/batch.h) instead of one per statement, with SQLite's statement
# atomicity kept. batch.py fails statements at every point of a batch and
# prints what the program sees: the same on the real SQLite. Then the
# transaction ids a 5,000-insert transaction takes: a handful, not 5,001.
source "$(dirname "$0")/lib.sh"
# A server of its own: the transaction ids counted are this test's alone
# (other suites run beside it on the shared one).
source "$SOURCE_DIR/tests/pg/harness.sh"
trap 'pg_stop; rm -rf "$WORK"' EXIT
pg_start > /dev/null || fail "starting a server"
cd "$WORK"
PY=/usr/bin/python3
routed() { timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }

native=$(timeout 120 $PY "$SOURCE_DIR/tests/e2e/py/batch.py" "$WORK/native.db" 2>&1) ||
  { echo "$native"; fail "batch.py on the real SQLite"; }
out=$(routed $PY "$SOURCE_DIR/tests/e2e/py/batch.py" "$WORK/routed.db" 2>&1) ||
  { echo "$out"; fail "batch.py on the postgres route"; }
expect_eq "$out" "$native" "batch.py prints the same on the postgres route as on SQLite"

# The server's transaction counter around one transaction of N inserts
# (txid_current() itself takes one id).
ids_for() {  # N: transaction ids one transaction of N inserts took
  local n=$1
  routed $PY -c "
import sqlite3, subprocess, os
env = {k: v for k, v in os.environ.items() if k != 'LD_PRELOAD'}
def txid():
    return int(subprocess.run(['psql', '-XAtc', 'SELECT txid_current()', os.environ['LITELIFT_DSN']],
                              env=env, capture_output=True, text=True, timeout=30, check=True).stdout)
db = sqlite3.connect('$WORK/ids$n.db', isolation_level=None)
db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n)')
before = txid()
db.execute('BEGIN')
db.executemany('INSERT INTO t (v, n) VALUES (?, ?)', (('v%d' % i, i) for i in range(1, $n + 1)))
db.execute('UPDATE t SET n = n + 1 WHERE id = 1')
db.execute('COMMIT')
print(txid() - before - 1)
print(db.execute('SELECT count(*), sum(n) FROM t').fetchone())"
}
ids=$(ids_for 5000) || { echo "$ids"; fail "the 5,000-insert transaction"; }
echo "transaction ids for 5,000 inserts and an update: $(head -1 <<< "$ids")"
expect_eq "$(tail -1 <<< "$ids")" "(5000, 12502501)" "the 5,000 rows are all there"
[ "$(head -1 <<< "$ids")" -le 12 ] || fail "5,000 writes took $(head -1 <<< "$ids") transaction ids (batches: at most 12)"
pass "5,000 writes in one transaction take $(head -1 <<< "$ids") transaction ids, not 5,001"
done_testing
