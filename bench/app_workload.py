#!/usr/bin/python3
"""An application's everyday operations, timed through three clients in
the same run: Python's sqlite3 on the postgres route (liblitelift.so
preloaded, LITELIFT_DSN set), psycopg2 straight to the same server (the
baseline the route must beat), and Python's sqlite3 on a native file (for
reference). Prints per-operation medians and minimums of wall time, the
client process's CPU time, and the route's ratios to psycopg2.

    bench/app_workload.py --dsn postgresql://... --lib build/liblitelift.so
        [--rows 2000] [--rounds 7] [--big] [--only OP[,OP...]]
        [--clients route,psycopg2,native]

The machine this runs on is shared and its load swings within seconds, so
the clients are interleaved as finely as the operations allow: each
client is one long-lived process; every round gives each client fresh
tables, then runs each operation in every client back to back (who goes
first rotates from round to round) before the next operation. A burst of
load then falls on all clients of one operation alike, and the ratios are
taken per round, then their median. CPU time is the client process's own
(time.process_time: Python, the driver, libpq; not the server's), the
figure the load disturbs least. Times are microseconds per row (scans,
inserts) or per statement (everything else).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

OPS = ["insert_txn", "insert_autocommit", "point_select", "full_scan", "group_by",
       "update_txn", "join", "big_scan"]
BIG_ROWS = 1000000


class Workload:
    """The operations on one DB-API connection, each runnable again."""

    def __init__(self, db, dialect, rows):
        self.db, self.rows = db, rows
        self.p = "?" if dialect == "sqlite" else "%s"
        self.cur = db.cursor()
        # What each program would write for its own engine.
        self.key = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "BIGSERIAL PRIMARY KEY"
        self.real = "REAL" if dialect == "sqlite" else "DOUBLE PRECISION"
        self.big_made = False

    def sql(self, text):
        return text.replace("%s", self.p)

    def setup(self, big):
        """Fresh tables for a round (not timed)."""
        cur = self.cur
        for t in ("items", "tags", "log"):
            cur.execute("DROP TABLE IF EXISTS %s" % t)
        cur.execute("CREATE TABLE items (id %s, k INTEGER, name TEXT, v %s)" % (self.key, self.real))
        cur.execute("CREATE TABLE tags (id %s, item INTEGER, tag TEXT)" % self.key)
        cur.execute("CREATE INDEX tags_item ON tags (item)")
        cur.execute("CREATE TABLE log (id %s, msg TEXT)" % self.key)
        self.db.commit()
        if big and not self.big_made:  # once: its load is not what is measured
            cur.execute("CREATE TABLE big (id %s, v BIGINT, s TEXT)" % self.key)
            cur.executemany(self.sql("INSERT INTO big (id, v, s) VALUES (%s, %s, %s)"),
                            ((i, i * 3, "s%d" % i) for i in range(1, BIG_ROWS + 1)))
            self.db.commit()
            self.big_made = True

    # Each returns how many units (rows or statements) it ran.
    def insert_txn(self):
        rows = self.rows
        self.cur.executemany(self.sql("INSERT INTO items (id, k, name, v) VALUES (%s, %s, %s, %s)"),
                             [(i, i % 10, "name-%d" % i, i * 0.5) for i in range(1, rows + 1)])
        self.cur.executemany(self.sql("INSERT INTO tags (item, tag) VALUES (%s, %s)"),
                             [(i, "t%d" % (i % 7)) for i in range(1, rows + 1)])
        self.db.commit()
        return 2 * rows

    def insert_autocommit(self):
        n = max(self.rows // 10, 10)
        for i in range(n):
            self.cur.execute(self.sql("INSERT INTO log (msg) VALUES (%s)"), ("m%d" % i,))
            self.db.commit()
        return n

    def point_select(self):
        for i in range(1, self.rows + 1):
            self.cur.execute(self.sql("SELECT name, v FROM items WHERE id = %s"), (i,))
            self.cur.fetchone()
        self.db.commit()
        return self.rows

    def full_scan(self):
        for _ in range(5):
            self.cur.execute("SELECT id, k, name, v FROM items")
            self.cur.fetchall()
        self.db.commit()
        return 5 * self.rows

    def group_by(self):
        for _ in range(20):
            self.cur.execute("SELECT k, count(*), sum(v) FROM items GROUP BY k ORDER BY k")
            self.cur.fetchall()
        self.db.commit()
        return 20

    def update_txn(self):
        for i in range(1, self.rows + 1):
            self.cur.execute(self.sql("UPDATE items SET v = v + 1 WHERE id = %s"), (i,))
        self.db.commit()
        return self.rows

    def join(self):
        n = 0
        for i in range(1, self.rows + 1, 10):
            self.cur.execute(self.sql("SELECT items.name, tags.tag FROM items JOIN tags"
                                      " ON tags.item = items.id WHERE items.id = %s"), (i,))
            self.cur.fetchall()
            n += 1
        self.db.commit()
        return n

    def big_scan(self):
        self.cur.execute("SELECT id, v, s FROM big")
        count = 0
        while True:
            chunk = self.cur.fetchmany(10000)
            if not chunk:
                break
            count += len(chunk)
        self.db.commit()
        return count


def serve(args):
    """A client process: runs the commands read from stdin ("setup",
    "op NAME"), answering each with a JSON line."""
    if args.client == "psycopg2":
        import psycopg2
        db = psycopg2.connect(args.dsn)
        schema = "bench_%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        with db.cursor() as c:
            c.execute("SET client_min_messages = warning")
            c.execute("CREATE SCHEMA %s" % schema)
            c.execute("SET search_path TO %s" % schema)
        db.commit()
        w = Workload(db, "pg", args.rows)
    else:
        import sqlite3
        db = sqlite3.connect(args.file)
        w = Workload(db, "sqlite", args.rows)
    try:
        for line in sys.stdin:
            cmd = line.split()
            if cmd[0] == "setup":
                w.setup(args.big)
                out = {}
            elif cmd[0] == "op":
                fn = getattr(w, cmd[1])
                wall, cpu = time.perf_counter(), time.process_time()
                n = fn()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                out = {"wall": wall * 1e6 / n, "cpu": cpu * 1e6 / n}
            else:
                break
            print(json.dumps(out), flush=True)
    finally:
        if args.client == "psycopg2":
            db.rollback()
            with db.cursor() as c:
                c.execute("DROP SCHEMA %s CASCADE" % schema)
            db.commit()
        db.close()


class Client:
    def __init__(self, name, cmd, env):
        self.name = name
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            sys.exit("app_workload: the %s client died at %r" % (self.name, line))
        return json.loads(answer)

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        if self.proc.wait(timeout=600) != 0:
            sys.exit("app_workload: the %s client failed" % self.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dsn", default=os.environ.get("LITELIFT_TEST_DSN"))
    ap.add_argument("--lib", default="build/liblitelift.so")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--big", action="store_true", help="also a %d-row scan" % BIG_ROWS)
    ap.add_argument("--only", help="these operations (comma-separated; insert_txn always runs)")
    ap.add_argument("--clients", default="route,psycopg2,native")
    ap.add_argument("--client", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        return serve(args)
    if not args.dsn:
        sys.exit("app_workload: set LITELIFT_TEST_DSN or pass --dsn")
    ops = [op for op in OPS if op != "big_scan" or args.big]
    if args.only:
        wanted = set(args.only.split(","))
        ops = [op for op in ops if op in wanted or op == "insert_txn"]
    names = args.clients.split(",")
    lib = os.path.abspath(args.lib)
    tmp = tempfile.mkdtemp(prefix="litelift-app-")
    base = [sys.executable, os.path.abspath(__file__), "--rows", str(args.rows)] + \
        (["--big"] if args.big else [])
    clean = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "LITELIFT_DSN")}
    clients = []
    for name in names:
        env = dict(clean)
        cmd = base + ["--client", name]
        if name == "route":
            env.update(LD_PRELOAD=lib, LITELIFT_DSN=args.dsn)
        if name == "psycopg2":
            cmd += ["--dsn", args.dsn]
        else:
            cmd += ["--file", os.path.join(tmp, name + ".db")]
        clients.append(Client(name, cmd, env))
    # res[client][op] = [{"wall", "cpu"} per round]
    res = {c.name: {op: [] for op in ops} for c in clients}
    for r in range(args.rounds):
        order = clients[r % len(clients):] + clients[:r % len(clients)]
        for c in order:
            c.ask("setup")
        for op in ops:
            for c in order:
                res[c.name][op].append(c.ask("op " + op))
    for c in clients:
        c.close()

    def column(client, op, key):
        return [x[key] for x in res[client][op]]

    print("%-18s %-9s %10s %10s %10s %10s" % ("operation (us)", "", "route", "psycopg2",
                                              "native", "route/pg2"))
    for op in ops:
        for label, key, agg in (("wall med", "wall", statistics.median),
                                ("wall min", "wall", min),
                                ("cpu med", "cpu", statistics.median)):
            cells = []
            for name in ("route", "psycopg2", "native"):
                cells.append("%10.2f" % agg(column(name, op, key)) if name in res else "%10s" % "-")
            ratio = "-"
            if "route" in res and "psycopg2" in res:
                # Per round (the same minute for both), then the median.
                per_round = [a / b for a, b in zip(column("route", op, key),
                                                   column("psycopg2", op, key)) if b > 0]
                if label == "wall min":
                    per_round = [min(column("route", op, key)) / min(column("psycopg2", op, key))]
                ratio = "%.2fx" % statistics.median(per_round) if per_round else "-"
            print("%-18s %-9s %s %10s" % (op if label == "wall med" else "", label, " ".join(cells),
                                          ratio))
    print("(%d rounds, %d rows, clients interleaved per operation; us per row for scans and "
          "inserts, per statement otherwise, group_by per query; route/pg2: median of the "
          "per-round ratios, or ratio of the minimums; cpu: the client process's own)"
          % (args.rounds, args.rows))
    os.system("rm -rf " + tmp)


if __name__ == "__main__":
    main()
