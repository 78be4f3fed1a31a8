#include "libsqlite3-compat/server/install.h"

#include <mutex>
#include <set>

#include "libsqlite3-compat/pg/session.h"
#include "libsqlite3-compat/server/any_value.h"
#include "libsqlite3-compat/server/core_functions.h"
#include "libsqlite3-compat/server/datetime.h"
#include "libsqlite3-compat/server/json.h"
#include "libsqlite3-compat/server/printf.h"
#include "libsqlite3-compat/server/strict.h"

namespace litelift::compat {

namespace {

// Taken with pg_advisory_xact_lock while installing: "litelift" in ASCII.
constexpr const char* kInstallLock = "SELECT pg_advisory_xact_lock(7595447217345193062)";

// Everything litelift keeps on the server, idempotent: catalog,
// per-database settings, functions with SQLite's semantics.
constexpr const char* kInstallScript = R"SQL(
CREATE SCHEMA IF NOT EXISTS litelift;
CREATE TABLE IF NOT EXISTS litelift.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS litelift.databases (
  db_schema text PRIMARY KEY,
  path text NOT NULL,
  schema_version bigint NOT NULL DEFAULT 0,
  user_version bigint NOT NULL DEFAULT 0,
  application_id bigint NOT NULL DEFAULT 0,
  created timestamptz NOT NULL DEFAULT now());
-- How rows are numbered (catalog/rowid.h): 1 for databases made before v16.
ALTER TABLE litelift.databases ADD COLUMN IF NOT EXISTS rowid_layout int NOT NULL DEFAULT 1;
ALTER TABLE litelift.databases ALTER COLUMN rowid_layout SET DEFAULT 3;
CREATE TABLE IF NOT EXISTS litelift.catalog (
  db_schema text NOT NULL REFERENCES litelift.databases ON DELETE CASCADE,
  seq bigserial,
  type text NOT NULL,
  name text NOT NULL,
  tbl_name text NOT NULL,
  sql text,
  PRIMARY KEY (db_schema, name));
CREATE OR REPLACE FUNCTION litelift.typeof(anyelement) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'null'
    WHEN pg_typeof($1) IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype,
                           'boolean'::regtype) THEN 'integer'
    WHEN pg_typeof($1) IN ('real'::regtype, 'double precision'::regtype) THEN 'real'
    WHEN pg_typeof($1) = 'numeric'::regtype THEN
      CASE WHEN $1::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
    WHEN pg_typeof($1) = 'bytea'::regtype THEN 'blob'
    ELSE 'text' END $$;
CREATE OR REPLACE FUNCTION litelift.ifnull(anyelement, anyelement) RETURNS anyelement
  LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce($1, $2) $$;
CREATE OR REPLACE FUNCTION litelift.write_lock(key bigint, timeout_ms int) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  -- SQLite's busy timeout: wait up to timeout_ms, then "database is locked".
  IF pg_try_advisory_xact_lock(key) THEN RETURN; END IF;
  IF timeout_ms > 0 THEN
    PERFORM set_config('lock_timeout', timeout_ms || 'ms', true);
    BEGIN
      PERFORM pg_advisory_xact_lock(key);
      PERFORM set_config('lock_timeout', '0', true);
      RETURN;
    EXCEPTION WHEN lock_not_available THEN
      NULL;
    END;
  END IF;
  RAISE EXCEPTION 'database is locked' USING ERRCODE = '55P03';
END $$;
-- The writer's mark (catalog/rowid.h, WriterSequenceSql): a transaction
-- that takes a database's write lock records its transaction id in the
-- database's litelift_writer sequence (not transactional: seen at once).
-- checked: the transaction read before this first write (its REPEATABLE
-- READ snapshot is older than the lock): if the last writer is not in
-- that snapshot, the database changed since, and the write is refused as
-- SQLite's WAL mode refuses it (SQLITE_BUSY_SNAPSHOT). Writers take turns
-- under the lock, so every earlier writer is in the snapshot when the
-- last one is.
CREATE OR REPLACE FUNCTION litelift.writer(seq regclass, checked boolean) RETURNS boolean
  LANGUAGE plpgsql AS $$
DECLARE last bigint;
BEGIN
  IF checked THEN
    last := pg_sequence_last_value(seq);
    IF last IS NOT NULL AND NOT pg_visible_in_snapshot(last::text::xid8, pg_current_snapshot()) THEN
      RAISE EXCEPTION 'database is locked' USING ERRCODE = '40001',
        DETAIL = 'litelift: another connection wrote after this transaction began reading';
    END IF;
  END IF;
  PERFORM setval(seq, txid_current());
  RETURN true;
END $$;
-- Sets a rowid table's sequence from its committed rows (catalog/rowid.h).
CREATE OR REPLACE FUNCTION litelift.rowid_resync(seq regclass, tbl regclass, col text,
                                                 autoinc boolean, floor bigint)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE m bigint;
BEGIN
  -- What SQLite would give next: max(rowid) + 1, with AUTOINCREMENT never
  -- below the committed counter (floor); an empty table starts at 1.
  EXECUTE format('SELECT max(%I) FROM %s', col, tbl) INTO m;
  IF autoinc AND (m IS NOT NULL OR floor IS NOT NULL) THEN
    PERFORM setval(seq, greatest(coalesce(m, 0), coalesce(floor, 0)), true);
  ELSIF m IS NULL THEN
    PERFORM setval(seq, 1, false);
  ELSE
    PERFORM setval(seq, m, true);
  END IF;
END $$;
-- SQLite, when a table without AUTOINCREMENT holds the largest rowid, tries
-- random positive rowids until one is free: the sequence restarts there.
CREATE OR REPLACE FUNCTION litelift.rowid_random_restart(seq regclass, tbl regclass, col text)
  RETURNS void LANGUAGE plpgsql AS $$
DECLARE candidate bigint; taken boolean;
BEGIN
  LOOP
    candidate := 1 + floor(random() * 9.2e18)::bigint;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I = $1)', tbl, col)
      INTO taken USING candidate;
    EXIT WHEN NOT taken;
  END LOOP;
  PERFORM setval(seq, candidate - 1);
END $$;
CREATE OR REPLACE FUNCTION litelift.zeroblob(bigint) RETURNS bytea
  LANGUAGE sql IMMUTABLE AS $$ SELECT decode(repeat('00', greatest($1, 0)::int), 'hex') $$;
CREATE OR REPLACE FUNCTION litelift.hex(bytea) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode($1, 'hex')) $$;
CREATE OR REPLACE FUNCTION litelift.hex(text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode(convert_to($1, 'UTF8'), 'hex')) $$;
CREATE OR REPLACE FUNCTION litelift.quote(anyelement) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'NULL'
    WHEN pg_typeof($1) = 'bytea'::regtype THEN 'X''' || upper(encode($1::text::bytea, 'hex')) || ''''
    WHEN litelift.typeof($1) IN ('integer', 'real') THEN $1::text
    ELSE '''' || replace($1::text, '''', '''''') || '''' END $$;
)SQL";

std::mutex g_mutex;
std::set<std::string>* g_checked = nullptr;  // DSNs verified by this process

}  // namespace

bool EnsureInstalled(PGconn* conn, const std::string& dsn, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_checked != nullptr && g_checked->count(dsn) != 0) return true;
  }
  PgResult version = Exec(conn, "SELECT value::int FROM litelift.meta WHERE key = 'version'");
  int installed = 0;
  if (Ok(version.get()) && PQntuples(version.get()) == 1) {
    installed = std::atoi(PQgetvalue(version.get(), 0, 0));
  }
  if (installed > kServerSchemaVersion) {
    *error = "litelift: the server's litelift schema is version " + std::to_string(installed) +
             ", newer than this litelift (" + std::to_string(kServerSchemaVersion) + ")";
    return false;
  }
  if (installed < kServerSchemaVersion) {
    // The script is idempotent: it brings any older version up to date.
    std::string script = std::string("BEGIN; ") + kInstallLock + ";" + kInstallScript +
                         server::CoreFunctionsSql() + ";" + server::DateTimeFunctionsSql() + ";" +
                         server::JsonFunctionsSql() + ";" + server::PrintfFunctionsSql() + ";" +
                         server::AnyValueFunctionsSql() + ";" + server::StrictFunctionsSql() + ";" +
                         "INSERT INTO litelift.meta VALUES ('version', '" +
                         std::to_string(kServerSchemaVersion) +
                         "') ON CONFLICT (key) DO UPDATE SET value = excluded.value; COMMIT;";
    PgResult res = Exec(conn, script);
    if (!Ok(res.get())) {
      *error = "litelift: cannot install the litelift schema: " + ErrorText(conn, res.get());
      Exec(conn, "ROLLBACK");
      return false;
    }
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_checked == nullptr) g_checked = new std::set<std::string>();
  g_checked->insert(dsn);
  return true;
}

}  // namespace litelift::compat
