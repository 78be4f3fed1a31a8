#!/usr/bin/env bash
# `litelift migrate` streams rows with COPY (binary) into the tables the
# route made, and leaves the server exactly as the route's INSERT path
# (`--via insert`) does: the same rows, byte for byte, in every server
# table, the same rowid sequences and AUTOINCREMENT floors, the same
# answers through the route. The file holds every storage class in
# untyped columns, every declared type, odd text, large blobs, extreme
# numbers (tests/e2e/py/move_classes.py).
# Then resume: a migrate killed mid-copy is refused without --resume and
# continued with it; the result is again the same server state.
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
: "${LITELIFT_CLI:?}"
cd "$WORK"
PY=/usr/bin/python3
cli() { timeout 300 env LITELIFT_DSN="$LITELIFT_TEST_DSN" "$LITELIFT_CLI" "$@"; }
routed() { timeout 300 env LD_PRELOAD="$PRELOAD" LITELIFT_DSN="$LITELIFT_TEST_DSN" "$@"; }
psqlq() { timeout 120 psql "$LITELIFT_TEST_DSN" -XAtq -v ON_ERROR_STOP=1 "$@"; }
schema_of() { sed -n 's/^litelift migrate: .* -> \([a-z0-9_]*\) on the server.*/\1/p' <<< "$1"; }

# Every server table of schema $1 (rows as JSON, sorted; the schema's
# name replaced, so that two schemas compare) and its sequences (but the
# writer record, a transaction id).
server_state() {
  local s=$1 t
  while IFS= read -r t; do
    echo "== $t"
    psqlq -c "SELECT row_to_json(ll_row_)::text FROM \"$s\".$t AS ll_row_ ORDER BY 1"
  done < <(psqlq -c "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = '$s' ORDER BY 1")
  while IFS= read -r t; do
    echo "== sequence $t: $(psqlq -c "SELECT last_value, is_called FROM \"$s\".$t")"
  done < <(psqlq -c "SELECT quote_ident(sequencename) FROM pg_sequences WHERE schemaname = '$s'
                     AND sequencename <> 'litelift_writer' ORDER BY 1")
  echo "== comment: $(psqlq -c "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = '$s'")"
}
same_state() {  # schema_a schema_b what
  server_state "$1" | sed "s/$1/SCHEMA/g" > "$WORK/state_a"
  server_state "$2" | sed "s/$2/SCHEMA/g" > "$WORK/state_b"
  if ! cmp -s "$WORK/state_a" "$WORK/state_b"; then
    diff "$WORK/state_a" "$WORK/state_b" | head -30
    fail "$3"
  fi
  pass "$3 ($(grep -c '^== ' "$WORK/state_a") tables and sequences, $(wc -c < "$WORK/state_a") bytes)"
}

timeout 120 $PY "$SOURCE_DIR/tests/e2e/py/move_classes.py" classes.db || fail "building classes.db"
cp classes.db by_insert.db
cp classes.db by_copy.db
out_insert=$(cli migrate --via insert "$WORK/by_insert.db" 2>&1) ||
  { echo "$out_insert"; fail "migrate --via insert"; }
out_copy=$(cli migrate "$WORK/by_copy.db" 2>"$WORK/copy.err") ||
  { echo "$out_copy"; cat "$WORK/copy.err"; fail "migrate (COPY)"; }
echo "$out_copy"
expect_not_contains "$out_copy" "DIFFERS" "the COPY's counts and checksums match the file"
expect_contains "$out_copy" "table strict_t                 through INSERT on the route: a STRICT table" \
  "a STRICT table goes through the route, named"
expect_not_contains "$(grep 'through INSERT' <<< "$out_copy" | grep -v strict_t)" "through" \
  "every other table goes in with COPY"
expect_contains "$(cat "$WORK/copy.err")" "rows/s" "progress shows rows/s"
expect_not_contains "$out_copy" "read through the route" \
  "the verification decodes every class's server form itself (COPY TO), and it matches the file"
a=$(schema_of "$out_insert")
b=$(schema_of "$out_copy")
[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ] || fail "two schemas: [$a] [$b]"
same_state "$a" "$b" "COPY leaves every server table and sequence as the INSERT path does"

# Through the route, both read as the file does.
native_dump=$(timeout 60 sqlite3 classes.db .dump)
for f in by_insert by_copy; do
  dump=$(routed sqlite3 "$WORK/$f.db" .dump) || fail "dumping $f through the route"
  if [ "$dump" != "$native_dump" ]; then
    diff <(echo "$native_dump") <(echo "$dump") | head -20
    fail "sqlite3 .dump through the route differs for $f"
  fi
done
pass "sqlite3 .dump through the route is the file's, both ways"
# The route goes on numbering as SQLite would.
for f in classes by_copy; do
  pre=""
  [ $f = classes ] || pre="routed"
  $pre timeout 60 sqlite3 "$WORK/$f.db" "INSERT INTO auto(v) VALUES ('next'); INSERT INTO u(a) VALUES ('next');
    INSERT INTO named(v) VALUES ('next');
    SELECT max(id) FROM auto; SELECT max(rowid) FROM u; SELECT max(_rowid_) FROM named;
    SELECT * FROM sqlite_sequence" > "$WORK/next_$f" || fail "inserting into $f"
done
expect_eq "$(cat next_by_copy)" "$(cat next_classes)" "the next rowids after COPY are SQLite's"

# --- export: every class and edge value back into a file -----------------
# The route's data (the file's, plus the rows just written on each side)
# read with COPY TO and written by the real SQLite: the dump with rowids,
# the header fields and sqlite_sequence are the native file's.
out=$(cli export "$WORK/by_copy.db" 2>"$WORK/export.err") ||
  { echo "$out"; cat "$WORK/export.err"; fail "export of every class"; }
echo "$out"
expect_not_contains "$out" "DIFFERS" "export verifies every table"
expect_eq "$(grep -c 'read through the route' <<< "$out")" "1" \
  "export reads every table with COPY TO but the STRICT one"
expect_contains "$out" "table strict_t                 read through the route: a STRICT table" \
  "the STRICT table is read through the route, named"
dump_of() {  # file: its dump with rowids (quote() shows each class) and header fields
  timeout 60 sqlite3 "$1" .dump --preserve-rowids 'PRAGMA user_version' 'PRAGMA application_id'
}
expect_eq "$(dump_of "$WORK/by_copy.db")" "$(dump_of "$WORK/classes.db")" \
  "the exported file dumps (rowids, classes, values, sqlite_sequence) as the native one"

# --- resume -----------------------------------------------------------
# Starts `litelift migrate --batch 5000 FILE` and kills it (SIGKILL) once
# some of TABLE's rows are committed; sets schema (the migrate's) and rows
# (what TABLE holds then: more than none, fewer than all TOTAL).
kill_mid_copy() {  # file table total
  local out="$WORK/$(basename "$1" .db)_killed" pid
  # (No timeout wrapper: $! must be the migrate itself; the loop below
  # bounds it and kills it.)
  env LITELIFT_DSN="$LITELIFT_TEST_DSN" "$LITELIFT_CLI" migrate --batch 5000 "$1" \
    > "$out.out" 2> "$out.err" &
  pid=$!
  schema=""
  rows=0
  for _ in $(seq 1 1200); do
    [ -z "$schema" ] && schema=$(schema_of "$(cat "$out.out")")
    if [ -n "$schema" ]; then
      rows=$(psqlq -c "SELECT count(*) FROM \"$schema\".$2" 2>/dev/null || echo 0)
      [ "${rows:-0}" -gt 0 ] && break
    fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  rows=$(psqlq -c "SELECT count(*) FROM \"$schema\".$2")
  [ "$rows" -gt 0 ] && [ "$rows" -lt "$3" ] || fail "the kill came when $2 held $rows rows"
}

# Two tables; the second large enough that the copy is killed in it.
timeout 300 $PY - "$WORK/resume.db" <<'PY' || fail "building resume.db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.executescript("""CREATE TABLE first(id INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE second(id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT, b BLOB, x);
CREATE INDEX second_v ON second(v); PRAGMA user_version = 5;""")
db.execute("BEGIN")
db.executemany("INSERT INTO first(v) VALUES (?)", (("f%d" % i,) for i in range(2000)))
db.executemany("INSERT INTO second(v, b, x) VALUES (?, ?, ?)",
               (("v%d" % i, bytes([i % 256]) * 40, [i, i * 0.5, "t%d" % i][i % 3])
                for i in range(600000)))
db.execute("COMMIT")
PY
cp resume.db fresh.db
kill_mid_copy "$WORK/resume.db" second 600000
pass "migrate killed with $rows of 600000 rows of second committed"

err=$(cli migrate "$WORK/resume.db" 2>&1) && fail "a migrate into a partial schema succeeded"
rc=$?
expect_eq "$rc" "2" "without --resume, the partial schema is refused with exit 2"
expect_contains "$err" "--resume" "the refusal names --resume"
out=$(cli migrate --resume --batch 5000 "$WORK/resume.db" 2>&1) || { echo "$out"; fail "migrate --resume"; }
echo "$out"
expect_contains "$out" "table first                    kept: 2000 rows, complete and verified" \
  "resume keeps the complete table"
expect_contains "$out" "table second                   continued: $rows of 600000 rows there" \
  "resume continues the partial table after its last rowid"
expect_not_contains "$out" "DIFFERS" "the resumed copy verifies"
out=$(cli migrate "$WORK/fresh.db" 2>&1) || { echo "$out"; fail "migrate of a fresh copy"; }
same_state "$schema" "$(schema_of "$out")" "the resumed migrate leaves the state a whole one does"
err=$(cli migrate --resume "$WORK/fresh.db" 2>&1) && fail "--resume of a finished migrate succeeded"
expect_contains "$err" "no interrupted migrate" "--resume refuses a schema no interrupted migrate left"

# A WITHOUT ROWID table is continued after its largest primary key (a
# composite one, NOCASE text first: the file's key order).
timeout 300 $PY - "$WORK/wr.db" <<'PY' || fail "building wr.db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.executescript("""CREATE TABLE w(k TEXT COLLATE NOCASE, n INTEGER, v, PRIMARY KEY(k, n))
WITHOUT ROWID;""")
db.execute("BEGIN")
db.executemany("INSERT INTO w VALUES (?, ?, ?)",
               ((("K%d" if i % 2 else "k%d") % (i % 1000), i, [i, "t%d" % i, i * 0.5][i % 3])
                for i in range(400000)))
db.execute("COMMIT")
PY
kill_mid_copy "$WORK/wr.db" w 400000
out=$(cli migrate --resume --batch 5000 "$WORK/wr.db" 2>&1) || { echo "$out"; fail "migrate --resume (WITHOUT ROWID)"; }
echo "$out"
expect_contains "$out" "table w                        continued: $rows of 400000 rows there, after key (" \
  "resume continues a partial WITHOUT ROWID table after its largest primary key"
expect_contains "$(grep 'table w ' <<< "$out" | tail -1)" "400000 rows  checksum" "every row is there"
expect_not_contains "$out" "DIFFERS" "and the resumed WITHOUT ROWID table verifies"
expect_eq "$(routed sqlite3 "$WORK/wr.db" "SELECT count(*), count(DISTINCT k || n), sum(n) FROM w")" \
  "$(timeout 60 sqlite3 "$WORK/wr.db" "SELECT count(*), count(DISTINCT k || n), sum(n) FROM w")" \
  "the route reads the file's rows, none twice"

# --- a server that stores something else is caught ---------------------
# An event trigger puts a BEFORE INSERT trigger on the tables named
# t_corrupt that the route creates: the COPY goes through, but the server
# stores a wrong class (integer 1 -> text '1' in an untyped column) or a
# wrong value (a typed integer plus one) in one row.
psqlq <<'SQL' || fail "installing the corrupting triggers"
CREATE FUNCTION public.ll_test_corrupt_class() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.x = '1'::jsonb THEN NEW.x := '"1"'::jsonb; END IF; RETURN NEW; END $$;
CREATE FUNCTION public.ll_test_corrupt_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN IF NEW.n = 7 THEN NEW.n := 8; END IF; RETURN NEW; END $$;
CREATE FUNCTION public.ll_test_attach() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE TABLE'
           AND object_identity LIKE '%.t_corrupt' LOOP
    EXECUTE format('CREATE TRIGGER ll_test_corrupt BEFORE INSERT ON %s FOR EACH ROW '
                   'EXECUTE FUNCTION public.ll_test_corrupt_%s()', r.object_identity,
                   CASE WHEN EXISTS (SELECT FROM pg_attribute WHERE attrelid = r.objid
                                     AND attname = 'x') THEN 'class' ELSE 'value' END);
  END LOOP;
END $$;
CREATE EVENT TRIGGER ll_test_attach ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION public.ll_test_attach();
SQL
uninstall() {
  psqlq -c "DROP EVENT TRIGGER IF EXISTS ll_test_attach" \
    -c "DROP FUNCTION IF EXISTS public.ll_test_attach(), public.ll_test_corrupt_class(),
        public.ll_test_corrupt_value()" || true
}
trap 'uninstall; rm -rf "$WORK"' EXIT
for kind in class value; do
  rm -f "$WORK/corrupt_$kind.db"
  if [ $kind = class ]; then
    def="CREATE TABLE t_corrupt(id INTEGER PRIMARY KEY, x); INSERT INTO t_corrupt(x) VALUES (0), (1), (2);"
  else
    def="CREATE TABLE t_corrupt(id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t_corrupt(n) VALUES (6), (7), (8);"
  fi
  timeout 60 sqlite3 "$WORK/corrupt_$kind.db" "CREATE TABLE fine(a); INSERT INTO fine VALUES (1); $def" ||
    fail "building corrupt_$kind.db"
  out=$(cli migrate "$WORK/corrupt_$kind.db" 2>&1) && { echo "$out"; fail "a migrate whose server stored a wrong $kind succeeded"; }
  rc=$?
  echo "$out"
  expect_eq "$rc" "1" "a wrong $kind on the server fails the migrate with exit 1"
  expect_contains "$(grep "table t_corrupt " <<< "$out")" " 3 rows  checksum" "the table is checked"
  expect_contains "$(grep 't_corrupt ' <<< "$out")" "DIFFERS: 3 rows" "its checksum differs (a wrong $kind)"
  expect_contains "$(grep 'table fine ' <<< "$out")" "same" "the other table verifies"
  expect_not_contains "$out" "read through the route" "both read with COPY TO"
done
uninstall
trap 'rm -rf "$WORK"' EXIT
done_testing
