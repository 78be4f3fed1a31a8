"""Read-modify-write increments from THREADS threads, each on its own
connection, for tests/e2e/concurrency.sh:

    increments.py DB MODE N     MODE: deferred | immediate

Each increment is BEGIN [IMMEDIATE]; SELECT v; UPDATE SET v = v_read + 1;
COMMIT, and is tried again after SQLITE_BUSY (any "database is locked"),
as a program written for SQLite does. Prints the number of retries by the
error's text; any other error fails the program.
"""
import collections
import sqlite3
import sys
import threading
import time

path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
THREADS = 4
retries = collections.Counter()
failures = []


def worker():
    db = sqlite3.connect(path, isolation_level=None, timeout=10)
    begin = "BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN"
    for _ in range(n):
        while True:
            try:
                db.execute(begin)
                v = db.execute("SELECT v FROM counter WHERE id = 1").fetchone()[0]
                db.execute("UPDATE counter SET v = ? WHERE id = 1", (v + 1,))
                db.execute("COMMIT")
                break
            except sqlite3.OperationalError as e:
                if "database is locked" not in str(e):
                    failures.append(str(e))
                    return
                retries[str(e)] += 1
                if db.in_transaction:
                    db.execute("ROLLBACK")
                time.sleep(0.001)
    db.close()


threads = [threading.Thread(target=worker) for _ in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit("failed: " + "; ".join(failures[:3]))
print(sum(retries.values()))
