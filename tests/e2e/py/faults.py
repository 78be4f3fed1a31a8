"""Faults under a program on the postgres route (run by tests/e2e/faults.sh
under `litelift run`, with a server of its own that this script restarts,
crashes and stops). Every check prints "ok - ..." or raises.

    faults.py WORKDIR HARNESS
"""
import os
import sqlite3
import subprocess
import sys
import threading
import time

work, harness = sys.argv[1], sys.argv[2]
dsn = os.environ["LITELIFT_DSN"]
# The tools this script runs (psql, pg_ctl) are not the program under test:
# they run without litelift or a sanitizer runtime preloaded.
clean_env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def server(action):
    """Runs a harness action (pg_restart, pg_crash, pg_halt, pg_resume)."""
    subprocess.run(["bash", "-c", f"source {harness}; {action}"], check=True, timeout=120,
                   env=clean_env)


def psql(sql):
    return subprocess.run(["psql", dsn, "-XAtc", sql], check=True, timeout=60,
                          capture_output=True, text=True, env=clean_env).stdout.strip()


def terminate_others():
    """Ends every other client session, and waits until they are gone."""
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
         "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
    for _ in range(200):
        if psql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                "AND pid <> pg_backend_pid()") == "0":
            return
        time.sleep(0.05)
    raise AssertionError("sessions did not end")


def ok(what):
    print("ok -", what, flush=True)


def expect_error(what, fn, *words):
    start = time.monotonic()
    try:
        fn()
    except sqlite3.OperationalError as e:
        elapsed = time.monotonic() - start
        for w in words:
            assert w in str(e), f"{what}: [{w}] not in [{e}]"
        assert elapsed < 10, f"{what}: took {elapsed:.1f}s"
        ok(f"{what} ({e}, {elapsed * 1000:.0f} ms)")
        return
    raise AssertionError(f"{what}: no error")


def count(db, table="t"):
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


db = sqlite3.connect(os.path.join(work, "faults.db"), isolation_level=None, timeout=5)
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
db.execute("INSERT INTO t (v) VALUES ('a')")

# 1. A session killed while idle: the next statements get a new one.
terminate_others()
assert count(db) == 1
db.execute("INSERT INTO t (v) VALUES ('b')")
assert count(db) == 2
ok("an idle session terminated by the server: the next statement reconnects")

# 2. Killed inside a transaction: the transaction is lost, loudly.
db.execute("BEGIN")
db.execute("INSERT INTO t (v) VALUES ('in a lost transaction')")
terminate_others()
expect_error("a statement in a transaction whose session died", lambda: db.execute(
    "INSERT INTO t (v) VALUES ('c')"), "lost")
expect_error("its COMMIT fails too", lambda: db.execute("COMMIT"), "lost")
assert db.in_transaction, "the program is still inside its transaction"
db.execute("ROLLBACK")
assert count(db) == 2, "nothing of the lost transaction is visible"
db.execute("INSERT INTO t (v) VALUES ('c')")
assert count(db) == 3
ok("ROLLBACK ends the lost transaction, nothing of it is visible, work goes on")

# 3. Killed in the middle of a long query: it fails at once, the next runs.
db.execute("CREATE TABLE big (x INTEGER)")
db.execute("BEGIN")
for i in range(400):
    db.execute("INSERT INTO big VALUES (?)", (i,))
db.execute("COMMIT")
killer = threading.Timer(1.0, terminate_others)
killer.start()
expect_error("a long query whose backend is terminated",
             lambda: db.execute("SELECT count(*) FROM big a, big b, big c, big d").fetchone(),
             "lost the connection")
killer.join()
assert count(db) == 3
ok("the statement after it reconnects")

# 4. Server restarted (fast shutdown) while idle, and while a transaction is
#    open on another connection.
other = sqlite3.connect(os.path.join(work, "faults.db"), isolation_level=None, timeout=5)
other.execute("BEGIN")
other.execute("INSERT INTO t (v) VALUES ('lost in restart')")
server("pg_restart")
assert count(db) == 3
db.execute("INSERT INTO t (v) VALUES ('d')")
expect_error("a transaction open across a restart", lambda: other.execute("COMMIT"), "lost")
other.execute("ROLLBACK")
assert count(other) == 4
ok("after a server restart: idle connections go on, open transactions are lost")

# 5. Server crashed (SIGKILL, crash recovery): the same.
server("pg_crash")
assert count(db) == 4
db.execute("INSERT INTO t (v) VALUES ('e')")
ok("after a server crash: the next statement reconnects")

# 6. Server down: statements fail at once with an error; back up, they work
#    on the same connection, without reopening.
server("pg_halt")
expect_error("a statement while the server is down", lambda: count(db), "connection")
expect_error("and the next one", lambda: db.execute("INSERT INTO t (v) VALUES ('x')"),
             "connection")
server("pg_resume")
assert count(db) == 5
db.execute("INSERT INTO t (v) VALUES ('f')")
assert count(db) == 6
ok("the server back: the same connection works again")

# 7. A parked connection (closed, kept for the next open) whose session
#    died: the next open gets a new one, its first statement works.
parked = sqlite3.connect(os.path.join(work, "faults.db"))
parked.execute("SELECT 1 FROM t").fetchall()
parked.close()
terminate_others()
again = sqlite3.connect(os.path.join(work, "faults.db"))
assert count(again) == 6
again.close()
ok("a parked session that died is replaced at the next open")
other.close()
db.close()
