"""fork() under a program on the postgres route (tests/e2e/fork.sh): the
children use the connection they inherited, open new ones, or just exit;
the parent keeps working on its own session throughout.

    fork.py DB
"""
import multiprocessing
import os
import sqlite3
import sys

path = sys.argv[1]
db = sqlite3.connect(path, isolation_level=None, timeout=10)
db.execute("CREATE TABLE t (x INTEGER)")
db.execute("INSERT INTO t VALUES (0)")
# A closed connection kept for the next open (parked) before the fork.
parked = sqlite3.connect(path)
parked.execute("SELECT count(*) FROM t").fetchone()
parked.close()


def count():
    return db.execute("SELECT count(*) FROM t").fetchone()[0]


def child(i):
    try:
        for _ in range(50):
            db.execute("INSERT INTO t VALUES (?)", (100 + i,))  # the inherited connection
        own = sqlite3.connect(path, isolation_level=None, timeout=10)
        for _ in range(50):
            own.execute("INSERT INTO t VALUES (?)", (200 + i,))
            own.execute("SELECT count(*) FROM t").fetchone()
        own.close()
        db.close()
        os._exit(0)
    except Exception as e:  # noqa: BLE001 - the child reports and fails
        print(f"child {i}: {e}", flush=True)
        os._exit(1)


pids = []
for i in range(4):
    pid = os.fork()
    if pid == 0:
        child(i)
    pids.append(pid)
for _ in range(100):
    db.execute("INSERT INTO t VALUES (1)")
    count()
for pid in pids:
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0, "a child failed"
assert count() == 1 + 4 * 100 + 100, count()
print("ok - 4 children used the inherited connection and their own; the parent went on")

# A child that only exits (its finalizers close the inherited connection).
pid = os.fork()
if pid == 0:
    sys.exit(0)
os.waitpid(pid, 0)
db.execute("INSERT INTO t VALUES (2)")
assert count() == 502
print("ok - a child that exits without a word leaves the parent's session alone")

# The parent inside a transaction: the child's copy of it is lost, loudly;
# the parent's goes on and commits. (The real SQLite lets the child go on
# writing in the parent's transaction, which SQLite's documentation forbids:
# this part runs on the postgres route only.)
routed = bool(os.environ.get("LITELIFT_DSN"))
db.execute("BEGIN")
db.execute("INSERT INTO t VALUES (3)")
pid = os.fork() if routed else -1
if pid == 0:
    try:
        db.execute("INSERT INTO t VALUES (4)")
        print("child: no error in the inherited transaction", flush=True)
        os._exit(1)
    except sqlite3.OperationalError as e:
        if "lost" not in str(e):
            print(f"child: {e}", flush=True)
            os._exit(1)
    db.execute("ROLLBACK")
    # Its own session now: the parent's uncommitted row is not visible.
    n = db.execute("SELECT count(*) FROM t WHERE x = 3").fetchone()[0]
    os._exit(0 if n == 0 else 1)
if routed:
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0, "the transaction child failed"
db.execute("INSERT INTO t VALUES (3)")
db.execute("COMMIT")
rows = dict(db.execute("SELECT x, count(*) FROM t WHERE x IN (3, 4, 5) GROUP BY x").fetchall())
if routed:
    assert rows == {3: 2}, rows
    print("ok - (routed) an inherited open transaction is lost in the child; the parent's commits")
else:
    assert rows == {3: 2}, rows


# multiprocessing's fork start method, as pre-fork servers and data tools use.
def work(k):
    own = sqlite3.connect(path, isolation_level=None, timeout=10)
    own.execute("INSERT INTO t VALUES (?)", (1000 + k,))
    n = own.execute("SELECT count(*) FROM t WHERE x >= 1000").fetchone()[0]
    own.close()
    return n


with multiprocessing.get_context("fork").Pool(4) as pool:
    pool.map(work, range(40))
assert db.execute("SELECT count(*) FROM t WHERE x >= 1000").fetchone()[0] == 40
db.execute("INSERT INTO t VALUES (6)")
print("ok - a multiprocessing fork pool of 4 ran 40 tasks; the parent went on")
