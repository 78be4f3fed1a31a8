#!/usr/bin/env bash
# `litelift migrate` and `litelift export` on a generated SQLite file
# (several tables, indexes, blobs), rows/s, with native SQLite's own copy
# (`sqlite3 FILE .dump | sqlite3 NEW`) as the baseline in the same run.
#
#   bench/move.sh [--rows N] [--build-dir DIR]     (default 200000 rows)
#
# Needs LITELIFT_TEST_DSN (a throwaway server: scripts/bench starts one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=200000
build="$root/build"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
: "${LITELIFT_TEST_DSN:?set LITELIFT_TEST_DSN (source tests/pg/harness.sh; pg_start)}"
work=$(mktemp -d /tmp/litelift-bench-move.XXXXXX)
trap 'rm -rf "$work"' EXIT
cli="$build/litelift"

# Half the rows in items (integer key, text, real, a 64-200 byte blob, an
# untyped column of mixed classes), a quarter in events (AUTOINCREMENT,
# hidden-rowid log), a quarter in a WITHOUT ROWID table; three indexes.
/usr/bin/python3 - "$work/app.db" "$rows" <<'PY'
import sqlite3, sys, random
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(14)
db = sqlite3.connect(path, isolation_level=None)
db.executescript("""
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, extra);
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, item INTEGER, kind TEXT, at INTEGER);
CREATE TABLE tags(item INTEGER, tag TEXT, weight REAL, PRIMARY KEY(item, tag)) WITHOUT ROWID;
CREATE INDEX items_name ON items(name);
CREATE INDEX events_item ON events(item, at);
CREATE INDEX tags_tag ON tags(tag);
PRAGMA user_version = 3;
""")
db.execute("BEGIN")
extras = [None, 1, 2.5, "text", b"\x01\x02"]
db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
               ((i, "item %d" % i, i * 0.25, rnd.randbytes(rnd.randint(64, 200)), extras[i % 5])
                for i in range(1, n // 2 + 1)))
db.executemany("INSERT INTO events(item, kind, at) VALUES (?, ?, ?)",
               ((rnd.randint(1, n // 2), "kind%d" % (i % 17), 1700000000 + i)
                for i in range(n // 4)))
db.executemany("INSERT INTO tags VALUES (?, ?, ?)",
               ((i, "tag%d" % (i % 97), rnd.random()) for i in range(n - n // 2 - n // 4)))
db.execute("COMMIT")
PY
size=$(du -m "$work/app.db" | cut -f1)
echo "file: $rows rows, ${size} MB ($work/app.db)"

rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
clock() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t0=$(clock)
LITELIFT_DSN="$LITELIFT_TEST_DSN" "$cli" migrate "$work/app.db" > "$work/migrate.out" 2> "$work/migrate.err"
t1=$(clock)
grep -E "^litelift migrate: [0-9]+ rows" "$work/migrate.out"
echo "migrate: $(elapsed "$t0" "$t1") s in all (schema, rows, indexes, verification): $(rate "$rows" "$(elapsed "$t0" "$t1")") rows/s"

t0=$(clock)
LITELIFT_DSN="$LITELIFT_TEST_DSN" "$cli" export "$work/app.db" > "$work/export.out" 2> "$work/export.err"
t1=$(clock)
grep -E "^litelift export: [0-9]+ rows" "$work/export.out"
echo "export: $(elapsed "$t0" "$t1") s in all (rows, indexes, verification, rename): $(rate "$rows" "$(elapsed "$t0" "$t1")") rows/s"

t0=$(clock)
sqlite3 "$work/app.db.before-export" .dump | sqlite3 "$work/dumped.db"
t1=$(clock)
echo "baseline sqlite3 .dump | sqlite3: $(elapsed "$t0" "$t1") s: $(rate "$rows" "$(elapsed "$t0" "$t1")") rows/s"
