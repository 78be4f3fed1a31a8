"""A deferred transaction's snapshot, as SQLite's WAL mode keeps it
(tests/e2e/concurrency.sh runs it on SQLite in WAL mode and on the
postgres route, and compares what it prints):

    snapshot.py DB
"""
import sqlite3
import sys
import threading
import time

path = sys.argv[1]
a = sqlite3.connect(path, isolation_level=None, timeout=0.3)
b = sqlite3.connect(path, isolation_level=None, timeout=5, check_same_thread=False)
a.execute("PRAGMA journal_mode=wal")
a.execute("CREATE TABLE seats (n INTEGER)")
a.execute("CREATE TABLE log (what TEXT)")


def attempt(what, fn):
    try:
        fn()
        print(what, "ok")
    except sqlite3.OperationalError as e:
        print(what, e.sqlite_errorname, e)


# Read, another connection writes elsewhere and commits, then write: the
# write would rest on a stale read (write skew): refused.
a.execute("BEGIN")
print("seats", a.execute("SELECT count(*) FROM seats").fetchone()[0])
b.execute("INSERT INTO log VALUES ('b wrote')")
attempt("write after another's commit", lambda: a.execute("INSERT INTO seats VALUES (1)"))
print("still reads its snapshot", a.execute("SELECT count(*) FROM log").fetchone()[0])
a.execute("ROLLBACK")

# The same without the other write: fine.
a.execute("BEGIN")
a.execute("SELECT count(*) FROM seats").fetchone()
attempt("write with nothing changed", lambda: a.execute("INSERT INTO seats VALUES (1)"))
a.execute("COMMIT")

# Same rows: refused, and nothing of b's update is lost.
a.execute("BEGIN")
n = a.execute("SELECT n FROM seats").fetchone()[0]
b.execute("UPDATE seats SET n = n + 10")
attempt("update of a row changed since", lambda: a.execute("UPDATE seats SET n = ?", (n + 1,)))
a.execute("ROLLBACK")
print("n", a.execute("SELECT n FROM seats").fetchone()[0])

# A transaction whose first statement writes waits for the writer and
# reads the latest rows: no refusal.
b.execute("BEGIN IMMEDIATE")
b.execute("UPDATE seats SET n = n + 100")
threading.Timer(0.1, lambda: b.execute("COMMIT")).start()
a.execute("PRAGMA busy_timeout = 5000")
a.execute("BEGIN")
attempt("write first, after waiting", lambda: a.execute("UPDATE seats SET n = n + 1"))
a.execute("COMMIT")
print("n", a.execute("SELECT n FROM seats").fetchone()[0])

# A read-only transaction is never refused, and keeps its snapshot.
a.execute("BEGIN")
before = a.execute("SELECT n FROM seats").fetchone()[0]
b.execute("UPDATE seats SET n = n + 1000")
print("repeatable read", a.execute("SELECT n FROM seats").fetchone()[0] == before)
a.execute("COMMIT")
