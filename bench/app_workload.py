#!/usr/bin/python3
"""An application's everyday operations, timed through three clients in
the same run: Python's sqlite3 on the postgres route (liblitelift.so
preloaded, LITELIFT_DSN set), psycopg2 straight to the same server (the
baseline the route must beat), and Python's sqlite3 on a native file (for
reference). Prints per-operation medians and the route's ratios.

    bench/app_workload.py --dsn postgresql://... --lib build/liblitelift.so
        [--rows 2000] [--rounds 5] [--big]

Each round runs every client in a process of its own (the route needs
LD_PRELOAD at start), clients alternating, on fresh tables. Times are
microseconds per row (scans) or per statement (everything else).
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


def workload(db, dialect, rows, big):
    """Runs the operations on a DB-API connection; returns {op: us}."""
    p = "?" if dialect == "sqlite" else "%s"
    cur = db.cursor()
    out = {}

    def timed(op, count, fn):
        t = time.perf_counter()
        fn()
        out[op] = (time.perf_counter() - t) * 1e6 / count

    def commit():
        db.commit()

    # What each program would write for its own engine.
    key = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "BIGSERIAL PRIMARY KEY"
    real = "REAL" if dialect == "sqlite" else "DOUBLE PRECISION"
    cur.execute("CREATE TABLE items (id %s, k INTEGER, name TEXT, v %s)" % (key, real))
    cur.execute("CREATE TABLE tags (id %s, item INTEGER, tag TEXT)" % key)
    cur.execute("CREATE INDEX tags_item ON tags (item)")
    commit()
    data = [(i, i % 10, "name-%d" % i, i * 0.5) for i in range(1, rows + 1)]

    def insert_txn():
        cur.executemany("INSERT INTO items (id, k, name, v) VALUES (%s, %s, %s, %s)"
                        .replace("%s", p), data)
        cur.executemany("INSERT INTO tags (item, tag) VALUES (%s, %s)".replace("%s", p),
                        [(i, "t%d" % (i % 7)) for i in range(1, rows + 1)])
        commit()
    timed("insert_txn", 2 * rows, insert_txn)

    auto_rows = max(rows // 10, 10)
    cur.execute("CREATE TABLE log (id %s, msg TEXT)" % key)
    commit()

    def insert_autocommit():
        for i in range(auto_rows):
            cur.execute("INSERT INTO log (msg) VALUES (%s)".replace("%s", p), ("m%d" % i,))
            commit()
    timed("insert_autocommit", auto_rows, insert_autocommit)

    def point_select():
        for i in range(1, rows + 1):
            cur.execute("SELECT name, v FROM items WHERE id = %s".replace("%s", p), (i,))
            cur.fetchone()
        commit()
    timed("point_select", rows, point_select)

    def full_scan():
        for _ in range(5):
            cur.execute("SELECT id, k, name, v FROM items")
            cur.fetchall()
        commit()
    timed("full_scan", 5 * rows, full_scan)

    def group_by():
        for _ in range(20):
            cur.execute("SELECT k, count(*), sum(v) FROM items GROUP BY k ORDER BY k")
            cur.fetchall()
        commit()
    timed("group_by", 20, group_by)

    def update_txn():
        for i in range(1, rows + 1):
            cur.execute("UPDATE items SET v = v + 1 WHERE id = %s".replace("%s", p), (i,))
        commit()
    timed("update_txn", rows, update_txn)

    def join():
        for i in range(1, rows + 1, 10):
            cur.execute(("SELECT items.name, tags.tag FROM items JOIN tags ON tags.item = items.id"
                         " WHERE items.id = %s").replace("%s", p), (i,))
            cur.fetchall()
        commit()
    timed("join", len(range(1, rows + 1, 10)), join)

    if big:
        n = 1000000
        cur.execute("CREATE TABLE big (id %s, v BIGINT, s TEXT)" % key)
        cur.executemany("INSERT INTO big (id, v, s) VALUES (%s, %s, %s)".replace("%s", p),
                        ((i, i * 3, "s%d" % i) for i in range(1, n + 1)))
        commit()

        def big_scan():
            cur.execute("SELECT id, v, s FROM big")
            count = 0
            while True:
                chunk = cur.fetchmany(10000)
                if not chunk:
                    break
                count += len(chunk)
            commit()
        timed("big_scan", n, big_scan)
    return out


def run_client(args):
    """One client, one round: prints its times as JSON."""
    if args.client == "psycopg2":
        import psycopg2
        db = psycopg2.connect(args.dsn)
        schema = "bench_%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        with db.cursor() as c:
            c.execute("CREATE SCHEMA %s" % schema)
            c.execute("SET search_path TO %s" % schema)
        db.commit()
        try:
            out = workload(db, "pg", args.rows, args.big)
        finally:
            db.rollback()
            with db.cursor() as c:
                c.execute("DROP SCHEMA %s CASCADE" % schema)
            db.commit()
    else:
        import sqlite3
        db = sqlite3.connect(args.file)
        out = workload(db, "sqlite", args.rows, args.big)
        db.close()
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dsn", default=os.environ.get("LITELIFT_TEST_DSN"))
    ap.add_argument("--lib", default="build/liblitelift.so")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--big", action="store_true", help="also a 1,000,000-row scan")
    ap.add_argument("--client", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.client:
        return run_client(args)
    if not args.dsn:
        sys.exit("app_workload: set LITELIFT_TEST_DSN or pass --dsn")
    lib = os.path.abspath(args.lib)
    results = {"route": [], "psycopg2": [], "native": []}
    tmp = tempfile.mkdtemp(prefix="litelift-app-")
    base = [sys.executable, os.path.abspath(__file__), "--rows", str(args.rows)] + \
        (["--big"] if args.big else [])
    clean = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "LITELIFT_DSN")}
    for r in range(args.rounds):
        for client in ("route", "psycopg2", "native"):
            env = dict(clean)
            cmd = base + ["--client", client]
            if client == "route":
                env.update(LD_PRELOAD=lib, LITELIFT_DSN=args.dsn)
            if client != "psycopg2":
                cmd += ["--file", os.path.join(tmp, "%s%d.db" % (client, r))]
            else:
                cmd += ["--dsn", args.dsn]
            res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
            if res.returncode != 0:
                sys.exit("app_workload: %s failed:\n%s" % (client, res.stderr))
            results[client].append(json.loads(res.stdout.strip().splitlines()[-1]))
    med = {c: {op: statistics.median(x[op] for x in rs) for op in rs[0]}
           for c, rs in results.items()}
    print("%-18s %12s %12s %12s %10s %10s" % ("operation (us)", "route", "psycopg2", "native",
                                              "route/pg2", "route/nat"))
    for op in OPS:
        if op not in med["route"]:
            continue
        r, p, n = med["route"][op], med["psycopg2"][op], med["native"][op]
        print("%-18s %12.2f %12.2f %12.2f %9.2fx %9.1fx" % (op, r, p, n, r / p, r / n))
    print("(medians of %d rounds, %d rows; us per row for scans and inserts, per statement "
          "otherwise; group_by per query)" % (args.rounds, args.rows))


if __name__ == "__main__":
    main()
