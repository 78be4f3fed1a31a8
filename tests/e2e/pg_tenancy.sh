#!/usr/bin/env bash
# Tenancy on the postgres route, against the throwaway server: two database
# files never share a schema (colliding hashes, a name another path holds,
# explicit schema routes), databases older litelift named are still found
# by their path, and litelift trusts nothing another role planted (its own
# schema, a database's schema, the text of its catalog).
source "$(dirname "$0")/lib.sh"
[ -n "${LITELIFT_TEST_DSN:-}" ] || fail "LITELIFT_TEST_DSN is not set: run through scripts/test"
cd "$WORK"
DIR=$(realpath "$WORK")  # the canonical paths the router gives
sql() { psql "$LITELIFT_TEST_DSN" -XAtq -v ON_ERROR_STOP=1 "$@"; }
# probe PATH SQL: opens PATH (read-write, create) through litelift, runs SQL.
probe() {
  LITELIFT_DSN=${PROBE_DSN:-$LITELIFT_TEST_DSN} LD_PRELOAD=$PRELOAD "$OPEN_PROBE" "$1" 6 "$2" 2>&1 || true
}
schema_of() { sql -c "SELECT db_schema FROM litelift.databases WHERE path = '$1'"; }
fnv() {  # fnv BITS TEXT: FNV-1a of TEXT in hex, 8 or 16 digits
  python3 -c '
import sys
bits, text = int(sys.argv[1]), sys.argv[2].encode()
h, p = (2166136261, 16777619) if bits == 32 else (14695981039346656037, 1099511628211)
for c in text: h = ((h ^ c) * p) % (1 << bits)
print(format(h, "0%dx" % (bits // 4)))' "$1" "$2"
}
server=${LITELIFT_TEST_DSN%/*}
cleanup() {
  psql "$server/postgres" -Xq -c "DROP DATABASE IF EXISTS litelift_hostile" 2>/dev/null || true
  if [ "$(sql -c "SELECT count(*) FROM pg_roles WHERE rolname = 'mallory'")" = 1 ]; then
    sql -c "DROP OWNED BY mallory CASCADE" && sql -c "DROP ROLE mallory"
  fi
}
cleanup

# 1. Two paths whose 32-bit FNV-1a hashes collide (older litelift gave both
# the schema same_<8 hex digits>): found by a birthday search on the hash's
# state after the folder's name, which the common suffix keeps equal.
read -r d1 d2 < <(python3 -c '
import sys
h0 = 2166136261
for c in sys.argv[1].encode(): h0 = ((h0 ^ c) * 16777619) & 0xffffffff
seen = {}
i = 0
while True:
    name = format(i, "x")
    h = h0
    for c in name.encode(): h = ((h ^ c) * 16777619) & 0xffffffff
    if h in seen:
        print(seen[h], name)
        break
    seen[h] = name
    i += 1' "$DIR/c/")
A=$DIR/c/$d1/same.db B=$DIR/c/$d2/same.db
mkdir -p "$(dirname "$A")" "$(dirname "$B")"
expect_eq "$(fnv 32 "$A")" "$(fnv 32 "$B")" "$A and $B have one 32-bit hash"
out=$(probe "$A" "CREATE TABLE secret (x TEXT); INSERT INTO secret VALUES ('tenant A')")
expect_contains "$out" "rc=0" "tenant A's database is made"
out=$(probe "$B" "SELECT count(*) FROM sqlite_master")
expect_eq "$out" $'rc=0 errcode=0 msg=not an error\n0\nclose=0' "a path with a colliding hash gets an empty database"
out=$(probe "$B" "SELECT x FROM secret")
expect_not_contains "$out" "tenant A" "and cannot read the other tenant's table"
[ "$(schema_of "$A")" != "$(schema_of "$B")" ] && pass "two schemas on the server" ||
  fail "one schema for $A and $B"
expect_eq "$(schema_of "$B")" "same_$(fnv 64 "$B")" "the name has 16 hex digits of a 64-bit hash"

# 2. A name another path already holds (a 64-bit collision, or anything
# recorded there) is never shared: the open picks another name, recorded
# for the path, so later opens find it.
C=$DIR/taken/same.db
mkdir -p "$DIR/taken"
n=same_$(fnv 64 "$C")
sql <<SQL
CREATE SCHEMA "$n";
CREATE TABLE "$n".secret (x text);
INSERT INTO "$n".secret VALUES ('elsewhere');
INSERT INTO litelift.databases (db_schema, path) VALUES ('$n', '/elsewhere/same.db');
INSERT INTO litelift.catalog (db_schema, type, name, tbl_name, sql)
  VALUES ('$n', 'table', 'secret', 'secret', 'CREATE TABLE secret (x TEXT)');
SQL
out=$(probe "$C" "SELECT count(*) FROM sqlite_master; CREATE TABLE mine (x); INSERT INTO mine VALUES ('mine')")
expect_eq "$out" $'rc=0 errcode=0 msg=not an error\n0\nclose=0' "a name taken by another path is not used"
expect_eq "$(schema_of "$C")" "${n}_2" "the database gets the next name, recorded for its path"
out=$(probe "$C" "SELECT x FROM mine")
expect_contains "$out" $'\nmine\n' "a later open finds it by its path"
expect_eq "$(sql -c "SELECT x FROM \"$n\".secret")" "elsewhere" "the other database is untouched"

# 3. A database an older litelift made (schema named with 8 hex digits of
# the 32-bit hash) is found by its path. Made here by renaming a new one's
# schema on the server (a WITHOUT ROWID table: nothing names its schema).
L=$DIR/legacy.db
probe "$L" "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID; INSERT INTO kv VALUES ('hello', 'world')" > /dev/null
new=$(schema_of "$L")
old=legacy_$(fnv 32 "$L")
sql <<SQL
BEGIN;
ALTER SCHEMA "$new" RENAME TO "$old";
INSERT INTO litelift.databases (db_schema, path, schema_version, user_version, application_id,
                                rowid_layout, created)
  SELECT '$old', path, schema_version, user_version, application_id, rowid_layout, created
  FROM litelift.databases WHERE db_schema = '$new';
UPDATE litelift.catalog SET db_schema = '$old' WHERE db_schema = '$new';
DELETE FROM litelift.databases WHERE db_schema = '$new';
COMMIT;
SQL
out=$(probe "$L" "SELECT v FROM kv WHERE k = 'hello'")
expect_contains "$out" $'\nworld\n' "a database under its old 8-digit name is found by its path"
expect_eq "$(schema_of "$L")" "$old" "and stays there (no second schema is made)"

# 4. A route naming its schema: the schema is the database of one path; a
# second path routed there is refused, naming both.
mkdir -p named
named_schema=tenancy_$(basename "$DIR" | tr -c 'a-zA-Z0-9\n' _ | tr A-Z a-z)
cat > named.toml <<TOML
backend = "postgres"
dsn = "$LITELIFT_TEST_DSN"
[[route]]
match = "$DIR/named/*.db"
schema = "$named_schema"
TOML
named() { LITELIFT_CONFIG=$DIR/named.toml LD_PRELOAD=$PRELOAD "$OPEN_PROBE" "$1" 6 "$2" 2>&1 || true; }
out=$(named "$DIR/named/one.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1)")
expect_contains "$out" "rc=0" "a named schema is made for the first path"
expect_eq "$(schema_of "$DIR/named/one.db")" "$named_schema" "under its name"
out=$(named "$DIR/named/two.db" "SELECT count(*) FROM t")
expect_contains "$out" "rc=14 " "a second path routed to that schema: SQLITE_CANTOPEN"
expect_contains "$out" "$named_schema holds the database of $DIR/named/one.db, not of $DIR/named/two.db" \
  "naming the schema and both paths"
out=$(named "$DIR/named/one.db" "SELECT x FROM t")
expect_contains "$out" $'\n1\n' "the first path still opens it"

# 5. A role with only CREATE on the database pre-creates the litelift
# schema with a function that would make it superuser, run by anything
# that reads litelift.meta: a privileged open must refuse it, naming it.
psql "$server/postgres" -XAtq -v ON_ERROR_STOP=1 <<SQL
CREATE DATABASE litelift_hostile;
CREATE ROLE mallory LOGIN NOSUPERUSER;
GRANT CREATE ON DATABASE litelift_hostile TO mallory;
SQL
hostile=$server/litelift_hostile
mallory_dsn=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(netloc="mallory@" + p.netloc.split("@")[-1]).geturl())' "$hostile")
psql "$mallory_dsn" -XAtq -v ON_ERROR_STOP=1 <<'SQL'
CREATE SCHEMA litelift;
CREATE FUNCTION litelift.pwn() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE 'ALTER ROLE mallory SUPERUSER';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL;
  END;
  RETURN '17';
END $$;
CREATE VIEW litelift.meta AS SELECT 'version'::text AS key, litelift.pwn() AS value;
CREATE TABLE litelift.databases (db_schema text PRIMARY KEY, path text, schema_version bigint,
  user_version bigint, application_id bigint, rowid_layout int, created timestamptz);
CREATE TABLE litelift.catalog (db_schema text, seq bigserial, type text, name text,
  tbl_name text, sql text);
SQL
expect_eq "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" "f" "mallory is no superuser"
expect_eq "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" "t" "the victim is"
out=$(PROBE_DSN=$hostile probe "$DIR/victim.db" "CREATE TABLE t (x)")
expect_contains "$out" "rc=14 " "an open through a litelift schema another role owns: SQLITE_CANTOPEN"
expect_contains "$out" "the schema litelift is owned by mallory" "naming its owner"
expect_eq "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" "f" \
  "mallory gained nothing"

# 6. A database's own schema owned by another role (here given to mallory,
# who replaces its table by a view that would make her superuser when
# read): the open refuses it, naming the owner.
V=$DIR/victim2.db
probe "$V" "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t (x) VALUES ('a')" > /dev/null
s=$(schema_of "$V")
sql -c "ALTER SCHEMA \"$s\" OWNER TO mallory"
psql "${mallory_dsn%/*}/${LITELIFT_TEST_DSN##*/}" -XAtq -v ON_ERROR_STOP=1 <<SQL
DROP TABLE "$s".t CASCADE;
CREATE FUNCTION "$s".pwn() RETURNS text LANGUAGE plpgsql AS \$\$
BEGIN
  BEGIN
    EXECUTE 'ALTER ROLE mallory SUPERUSER';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL;
  END;
  RETURN 'a';
END \$\$;
CREATE VIEW "$s".t AS SELECT 1::bigint AS id, "$s".pwn() AS x;
SQL
out=$(probe "$V" "SELECT x FROM t")
expect_contains "$out" "rc=14 " "an open of a database whose schema another role owns: SQLITE_CANTOPEN"
expect_contains "$out" "the schema $s of $V is owned by mallory" "naming its owner"
expect_eq "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'")" "f" \
  "mallory gained nothing"

# 7. Catalog text is run on the client's shadow SQLite only as the one
# CREATE statement its row says: never an ATTACH, a PRAGMA, or more than
# one statement. A bad row fails the open cleanly, running nothing.
I=$DIR/inject.db
X=$DIR/x.db
probe "$I" "CREATE TABLE a (x)" > /dev/null
s=$(schema_of "$I")
good=$(sql -c "SELECT sql FROM litelift.catalog WHERE db_schema = '$s' AND name = 'a'")
for evil in "ATTACH '$X' AS x" "CREATE TABLE a (x); ATTACH '$X' AS x" "PRAGMA writable_schema = 1" \
            "CREATE TABLE a (x) -- fine; ATTACH" "CREATE INDEX a ON b (x)"; do
  sql -c "UPDATE litelift.catalog SET sql = \$e\$$evil\$e\$ WHERE db_schema = '$s' AND name = 'a'"
  out=$(probe "$I" "SELECT 1")
  case "$evil" in
    "CREATE TABLE a (x) -- fine; ATTACH")  # (a comment: one statement, harmless)
      expect_contains "$out" "rc=0" "catalog text [$evil] is one CREATE TABLE" ;;
    *)
      expect_contains "$out" "rc=14 " "catalog text [$evil]: the open fails with SQLITE_CANTOPEN"
      expect_contains "$out" "the stored schema object a (table)" "naming the object" ;;
  esac
  [ ! -e "$X" ] && pass "and nothing of it ran ($X not made)" || fail "[$evil] ran: $X exists"
done
sql -c "INSERT INTO litelift.catalog (db_schema, type, name, tbl_name, sql)
        VALUES ('$s', 'table', 'evil', 'evil', \$e\$ATTACH '$X' AS x\$e\$)"
sql -c "UPDATE litelift.catalog SET sql = \$e\$$good\$e\$ WHERE db_schema = '$s' AND name = 'a'"
out=$(probe "$I" "SELECT 1")
expect_contains "$out" "the stored schema object evil (table)" "an added row is refused the same way"
out=$(probe "$DIR/host.db" "ATTACH '$I' AS aux")
expect_contains "$out" "the stored schema object evil (table)" "also when the database is attached"
[ ! -e "$X" ] && pass "and nothing of it ran ($X not made)" || fail "ATTACH ran the catalog: $X exists"
sql -c "DELETE FROM litelift.catalog WHERE db_schema = '$s' AND name = 'evil'"
out=$(probe "$I" "SELECT count(*) FROM a")
expect_eq "$out" $'rc=0 errcode=0 msg=not an error\n0\nclose=0' "once the catalog is sound again, it opens"

# Every kind of object, however its name is written, still loads.
Q=$DIR/kinds.db
probe "$Q" "CREATE TABLE 'odd name' (x); CREATE TABLE [b r] (y); CREATE UNIQUE INDEX \"odd idx\" ON 'odd name' (x); CREATE INDEX IF NOT EXISTS main.i2 ON [b r] (y); CREATE VIEW v AS SELECT 1; CREATE TRIGGER \"t g\" AFTER INSERT ON 'odd name' BEGIN INSERT INTO [b r] VALUES (NEW.x); END" > /dev/null
out=$(probe "$Q" "SELECT group_concat(type || ':' || name, ',') FROM (SELECT * FROM sqlite_master ORDER BY name)")
expect_contains "$out" $'\ntable:b r,index:i2,index:odd idx,table:odd name,trigger:t g,view:v\n' \
  "tables, indexes, views and triggers with quoted names load again"

cleanup
done_testing
