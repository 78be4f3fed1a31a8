#!/usr/bin/env bash
# `litelift migrate` and `litelift export` on a generated SQLite file
# (several tables, indexes, blobs), rows/s, against the baselines in the
# same run: pgloader (Debian's) loading the same file into its own
# database on the same server, and native SQLite's own copy
# (`sqlite3 FILE .dump | sqlite3 NEW`) for export. Rounds alternate the
# tools; medians are printed.
#
#   bench/move.sh [--rows N | --size SIZE] [--rounds R] [--insert] [--build-dir DIR]
#
#   --rows N     rows in the file (default 200000)
#   --size SIZE  instead: a file of about SIZE bytes (200M, 1G)
#   --rounds R   rounds (default 3); each round migrates a new path (its own
#                schema), then pgloader loads into a new database
#   --insert     also time `litelift migrate --via insert` (the route's INSERT)
#
# Needs LITELIFT_TEST_DSN (a throwaway server: scripts/bench starts one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=200000
size=""
rounds=3
insert=0
build="$root/build"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift ;;
    --size) size=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --insert) insert=1 ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
: "${LITELIFT_TEST_DSN:?set LITELIFT_TEST_DSN (source tests/pg/harness.sh; pg_start)}"
work=$(mktemp -d /tmp/litelift-bench-move.XXXXXX)
trap 'rm -rf "$work"' EXIT
cli="$build/litelift"
bytes=0
if [ -n "$size" ]; then bytes=$(numfmt --from=iec "$size"); fi

# items (half the rows: integer key, text, real, a 64-200 byte blob, an
# untyped column of integers, reals and text), events (a quarter:
# AUTOINCREMENT), tags (a quarter: WITHOUT ROWID); three indexes. With
# --size, rows are added in that proportion until the file is that large.
/usr/bin/python3 - "$work/app.db" "$rows" "$bytes" <<'PY'
import os, random, sqlite3, sys
path, n, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(14)
db = sqlite3.connect(path, isolation_level=None)
db.executescript("""
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL, data BLOB, extra);
CREATE TABLE events(id INTEGER PRIMARY KEY AUTOINCREMENT, item INTEGER, kind TEXT, at INTEGER);
CREATE TABLE tags(item INTEGER, tag TEXT, weight REAL, PRIMARY KEY(item, tag)) WITHOUT ROWID;
PRAGMA user_version = 3;
""")
extras = [None, 1, 2.5, "text"]
done = 0
def chunk(lo, hi):
    db.execute("BEGIN")
    db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                   ((i, "item %d" % i, i * 0.25, rnd.randbytes(rnd.randint(64, 200)), extras[i % 4])
                    for i in range(lo // 2 + 1, hi // 2 + 1)))
    db.executemany("INSERT INTO events(item, kind, at) VALUES (?, ?, ?)",
                   ((rnd.randint(1, hi // 2), "kind%d" % (i % 17), 1700000000 + i)
                    for i in range(lo // 4, hi // 4)))
    db.executemany("INSERT INTO tags VALUES (?, ?, ?)",
                   ((i, "tag%d" % (i % 97), rnd.random())
                    for i in range(lo - lo // 2 - lo // 4, hi - hi // 2 - hi // 4)))
    db.execute("COMMIT")
if want > 0:
    step = 200000
    # Indexes are made at the end, and take about a sixth of the file.
    while os.path.getsize(path) < want * 5 // 6:
        chunk(done, done + step)
        done += step
else:
    chunk(0, n)
db.executescript("""
CREATE INDEX items_name ON items(name);
CREATE INDEX events_item ON events(item, at);
CREATE INDEX tags_tag ON tags(tag);
""")
PY
total=$(sqlite3 "$work/app.db" "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM events) + (SELECT count(*) FROM tags)")
mb=$(du -m "$work/app.db" | cut -f1)
echo "file: $total rows in 3 tables with 3 indexes, ${mb} MB"
echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

clock() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f", r / s }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
psqlq() { psql "$LITELIFT_TEST_DSN" -XAtq -v ON_ERROR_STOP=1 "$@"; }
server_url=${LITELIFT_TEST_DSN%/*}
drop_schema() {  # the schema a migrate made, and its catalog rows
  psqlq -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS \"$1\" CASCADE; DELETE FROM litelift.databases WHERE db_schema = '$1'"
}

: > "$work/t_copy"; : > "$work/t_copy_rows"; : > "$work/t_copy_nov"; : > "$work/t_pgl"; : > "$work/t_insert"
: > "$work/t_export"; : > "$work/t_dump"
for r in $(seq 1 "$rounds"); do
  # litelift migrate, COPY (a new path: its own schema; the file is the same)
  ln "$work/app.db" "$work/r$r.db"
  t0=$(clock)
  LITELIFT_DSN="$LITELIFT_TEST_DSN" "$cli" migrate "$work/r$r.db" > "$work/migrate.out" 2> "$work/migrate.err" ||
    { cat "$work/migrate.out" "$work/migrate.err"; exit 1; }
  t1=$(clock)
  s=$(elapsed "$t0" "$t1")
  echo "$s" >> "$work/t_copy"
  copy_rate=$(sed -n 's/^litelift migrate: [0-9]* rows in [0-9.]* s (\([0-9]*\) rows\/s)/\1/p' "$work/migrate.out")
  echo "$copy_rate" >> "$work/t_copy_rows"
  nov=$(sed -n 's/^litelift migrate: copied in \([0-9.]*\) s.*/\1/p' "$work/migrate.out")
  echo "$nov" >> "$work/t_copy_nov"
  schema=$(sed -n 's/^litelift migrate: .* -> \([a-z0-9_]*\) on the server.*/\1/p' "$work/migrate.out")
  echo "round $r: litelift migrate $s s in all ($(rate "$total" "$s") rows/s; $nov s for schema and rows, before the indexes and verification (made at once); rows alone $copy_rate rows/s)"

  # pgloader, same file and server, its own database
  psqlq -c "DROP DATABASE IF EXISTS pgl_bench" -c "CREATE DATABASE pgl_bench"
  t0=$(clock)
  pgloader --quiet "sqlite://$work/app.db" "$server_url/pgl_bench" > "$work/pgl.out" 2>&1 ||
    { cat "$work/pgl.out"; exit 1; }
  t1=$(clock)
  s=$(elapsed "$t0" "$t1")
  echo "$s" >> "$work/t_pgl"
  loaded=$(psql "$server_url/pgl_bench" -XAtq -c "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM events) + (SELECT count(*) FROM tags)")
  echo "round $r: pgloader $s s in all ($(rate "$total" "$s") rows/s; $loaded of $total rows loaded)"

  if [ "$insert" = 1 ]; then
    ln "$work/app.db" "$work/i$r.db"
    t0=$(clock)
    LITELIFT_DSN="$LITELIFT_TEST_DSN" "$cli" migrate --via insert "$work/i$r.db" > "$work/insert.out" 2>/dev/null
    t1=$(clock)
    s=$(elapsed "$t0" "$t1")
    echo "$s" >> "$work/t_insert"
    echo "round $r: litelift migrate --via insert $s s in all ($(rate "$total" "$s") rows/s)"
    drop_schema "$(sed -n 's/^litelift migrate: .* -> \([a-z0-9_]*\) on the server.*/\1/p' "$work/insert.out")"
  fi

  # export of what was migrated, and sqlite3's own dump and load
  t0=$(clock)
  LITELIFT_DSN="$LITELIFT_TEST_DSN" "$cli" export "$work/r$r.db" > "$work/export.out" 2>/dev/null ||
    { cat "$work/export.out"; exit 1; }
  t1=$(clock)
  s=$(elapsed "$t0" "$t1")
  echo "$s" >> "$work/t_export"
  echo "round $r: litelift export $s s in all ($(rate "$total" "$s") rows/s)"
  rm -f "$work/dumped.db"
  t0=$(clock)
  sqlite3 "$work/app.db" .dump | sqlite3 "$work/dumped.db"
  t1=$(clock)
  s=$(elapsed "$t0" "$t1")
  echo "$s" >> "$work/t_dump"
  echo "round $r: sqlite3 .dump | sqlite3 $s s ($(rate "$total" "$s") rows/s)"
  drop_schema "$schema"
  rm -f "$work/r$r.db" "$work/r$r.db.before-export" "$work/i$r.db" "$work/dumped.db"
done
psqlq -c "DROP DATABASE IF EXISTS pgl_bench"

copy=$(median < "$work/t_copy"); pgl=$(median < "$work/t_pgl")
exp=$(median < "$work/t_export"); dump=$(median < "$work/t_dump")
echo
echo "medians of $rounds rounds, $total rows (${mb} MB), load average now $(cut -d' ' -f1-3 /proc/loadavg):"
echo "  migrate (COPY, with verification): $copy s, $(rate "$total" "$copy") rows/s (rows alone: $(median < "$work/t_copy_rows") rows/s)"
echo "  pgloader:                          $pgl s, $(rate "$total" "$pgl") rows/s"
echo "  ratio migrate / pgloader (rows/s): $(awk -v a="$pgl" -v b="$copy" 'BEGIN { printf "%.2f", a / b }')x"
nov=$(median < "$work/t_copy_nov")
echo "  migrate before indexes and verification: $nov s, $(rate "$total" "$nov") rows/s ($(awk -v a="$pgl" -v b="$nov" 'BEGIN { printf "%.2f", a / b }')x pgloader; pgloader verifies nothing)"
if [ "$insert" = 1 ]; then
  ins=$(median < "$work/t_insert")
  echo "  migrate --via insert:              $ins s, $(rate "$total" "$ins") rows/s ($(awk -v a="$ins" -v b="$copy" 'BEGIN { printf "%.2f", a / b }')x slower than COPY)"
fi
echo "  export (with verification):        $exp s, $(rate "$total" "$exp") rows/s"
echo "  sqlite3 .dump | sqlite3:           $dump s, $(rate "$total" "$dump") rows/s"
echo "  ratio export / dump (rows/s):      $(awk -v a="$dump" -v b="$exp" 'BEGIN { printf "%.2f", a / b }')x"
