#!/usr/bin/env bash
# Full-text search latency on the postgres route against native FTS5
# (issue 13): N small generated documents (8 words of a 32-word
# vocabulary) indexed once in one transaction on each, then five MATCH
# queries (a term, AND, a phrase, a prefix, OR), each `ORDER BY rank LIMIT
# 10`, median of 5 runs after a warm-up. Prints the medians, their ratio
# and the indexing time of each, with the load average.
#
#   bench/fts_search.sh [--docs N] [--build-dir DIR]    (default 100000)
#
# Needs LITELIFT_TEST_DSN (a throwaway server: scripts/bench starts one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
docs=100000
build="$root/build"
while [ $# -gt 0 ]; do
  case "$1" in
    --docs) docs=$2; shift ;;
    --build-dir) build=$2; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
: "${LITELIFT_TEST_DSN:?set LITELIFT_TEST_DSN (source tests/pg/harness.sh; pg_start)}"
lib="$build/liblitelift.so"
[ -e "$lib" ] || { echo "no shim library in $build" >&2; exit 2; }
work=$(mktemp -d /tmp/litelift-bench-fts.XXXXXX)
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
prog="$root/tests/e2e/py/fts.py"
native=$(timeout 900 $py "$prog" "$work/native.db" --bench "$docs")
routed=$(timeout 1800 env LD_PRELOAD="$lib" LITELIFT_DSN="$LITELIFT_TEST_DSN" \
  $py "$prog" "$work/routed.db" --bench "$docs")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "native: $native"
echo "route:  $routed"
$py - "$native" "$routed" <<'PY'
import sys
def parse(line):
    parts = [p.strip() for p in line.split(";")]
    return parts[0], [(p.rsplit(" ", 1)[0], float(p.rsplit(" ", 1)[1][:-2])) for p in parts[1:]]
(ni, nq), (ri, rq) = parse(sys.argv[1]), parse(sys.argv[2])
print("%-16s %10s %10s %7s" % ("query", "native ms", "route ms", "ratio"))
for (q, n), (_, r) in zip(nq, rq):
    print("%-16s %10.2f %10.2f %6.1fx" % (q, n, r, r / n if n else float("nan")))
print("indexing: native %s, route %s" % (ni, ri))
PY
