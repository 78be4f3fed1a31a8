#!/usr/bin/env bash
# The sqlite3 shell under LD_PRELOAD prints exactly what it prints natively
# for a script with .schema, .dump and .import.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || fail "the sqlite3 shell is not installed"
cd "$WORK"
cat > people.csv <<'CSV'
name,age,city
Ada,36,London
"Grace, R.",85,"New York"
Linus,,Helsinki
CSV
cat > script.sql <<'SQL'
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, data BLOB);
CREATE INDEX t_name ON t(name);
CREATE VIEW v AS SELECT name, score * 2 AS doubled FROM t;
CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN SELECT 1; END;
INSERT INTO t(name, score, data) VALUES ('a', 1.5, x'00ff'), ('b''s', NULL, NULL), ('c', 1e300, zeroblob(3));
.mode csv
.import people.csv people
.mode list
.headers on
SELECT * FROM people ORDER BY name;
SELECT typeof(age), count(*) FROM people GROUP BY 1 ORDER BY 1;
.schema
.dump
.mode box
SELECT id, name, score, hex(data) FROM t ORDER BY id;
SELECT * FROM v;
.mode json
SELECT * FROM t WHERE id = 1;
PRAGMA integrity_check;
SELECT sqlite_version() = '3.40.1';
SQL
run() { rm -f "$1.db"; (cd "$WORK" && env $2 sqlite3 "$1.db" < script.sql > "$1.out" 2>&1) || true; }
# A config that routes only other files: litelift's guard against opens
# around it is installed, and the shell's sqlite3_config() calls before its
# first open still take effect (they printed "attempt to configure SQLite
# after initialization" when the guard had initialized the library).
cat > elsewhere.toml <<'TOML'
backend = "sqlite"
dsn = "postgresql://nowhere.invalid/db"
[[route]]
match = "/nowhere/*.db"
backend = "postgres"
TOML
run native ""
run preload "LD_PRELOAD=$PRELOAD"
run guarded "LD_PRELOAD=$PRELOAD LITELIFT_CONFIG=$WORK/elsewhere.toml"
[ -s native.out ] || fail "the native run printed nothing"
grep -q "INSERT INTO people VALUES" native.out || fail "the native run did not import: $(head native.out)"
if ! diff -u native.out preload.out; then fail "output differs under LD_PRELOAD"; fi
pass "same output ($(wc -l < native.out) lines) natively and under LD_PRELOAD"
if ! diff -u native.out guarded.out; then fail "output differs with routing configured for other files"; fi
pass "same output with routing configured for other files (no configuration warning)"
cmp <(sqlite3 native.db .dump) <(sqlite3 preload.db .dump) || fail "the files differ"
pass "the database files hold the same data"

# The shell really goes through litelift: a route it cannot reach fails.
out=$(LD_PRELOAD="$PRELOAD" LITELIFT_DSN=postgresql://h/db \
      LITELIFT_PG_MODULE=$WORK/missing.so sqlite3 routed.db "SELECT 1" 2>&1 || true)
expect_contains "$out" "postgres route is not available" "the shell's opens go through litelift"
done_testing
