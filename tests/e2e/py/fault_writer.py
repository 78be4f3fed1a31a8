"""A writer that keeps a journal, for tests/e2e/faults.sh: transactions of
ROWS rows each into table j, until STOPFILE exists. After each COMMIT it
writes "C n" to the journal when the COMMIT succeeded, "F n" otherwise
(then it rolls back and goes on). Every statement must return within
the test's timeout, whatever the server does.

    fault_writer.py DB JOURNAL STOPFILE MODE   (MODE: txn | executemany)
"""
import os
import sqlite3
import sys
import time

path, journal_path, stop, mode = sys.argv[1:5]
ROWS = 5
db = sqlite3.connect(path, isolation_level=None, timeout=5)
journal = open(journal_path, "a", buffering=1)
n = 0
while not os.path.exists(stop):
    n += 1
    try:
        db.execute("BEGIN")
        if mode == "executemany":
            db.executemany("INSERT INTO j (txn, k) VALUES (?, ?)", [(n, k) for k in range(ROWS)])
        else:
            for k in range(ROWS):
                db.execute("INSERT INTO j (txn, k) VALUES (?, ?)", (n, k))
        db.execute("COMMIT")
        journal.write(f"C {n}\n")
    except sqlite3.Error as e:
        journal.write(f"F {n} {e}\n")
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        time.sleep(0.02)
print("writer done", n)
