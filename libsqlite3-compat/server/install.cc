#include "libsqlite3-compat/server/install.h"

#include <mutex>
#include <set>
#include <string_view>

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

// The trust rule (docs/design.md): litelift runs code from, and reads
// catalog text out of, only what is owned by a role that already holds
// every privilege of the connecting role (itself, a superuser, or a member
// of it), so that nothing of another role's runs with more rights than
// that role has. The litelift schema and everything in it (functions,
// tables, types, operators, the functions of triggers on its tables) is
// checked; anything else fails with SQLSTATE 42501 and a message that
// starts "litelift:" and names the owner. Run before anything in the
// schema is read, and again inside the install, after its lock.
constexpr const char* kTrustCheck = R"SQL(
DO $litelift_trust$
DECLARE
  v_ns oid;
  v_owner oid;
  v_bad text;
BEGIN
  SELECT n.oid, n.nspowner INTO v_ns, v_owner FROM pg_catalog.pg_namespace n
    WHERE n.nspname = 'litelift';
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF NOT pg_catalog.pg_has_role(v_owner, current_user, 'USAGE') THEN
    RAISE EXCEPTION 'litelift: the schema litelift is owned by %, which does not hold the privileges of %: litelift does not trust it (see docs/configuration.md, "Who litelift trusts")',
      v_owner::regrole, current_user USING ERRCODE = '42501';
  END IF;
  SELECT x.what || ' is owned by ' || x.who::regrole::text INTO v_bad FROM (
    SELECT 'function ' || p.oid::regprocedure::text AS what, p.proowner AS who
      FROM pg_catalog.pg_proc p WHERE p.pronamespace = v_ns
    UNION ALL
    SELECT 'relation ' || c.oid::regclass::text, c.relowner
      FROM pg_catalog.pg_class c WHERE c.relnamespace = v_ns
    UNION ALL
    SELECT 'type ' || t.oid::regtype::text, t.typowner
      FROM pg_catalog.pg_type t WHERE t.typnamespace = v_ns
    UNION ALL
    SELECT 'operator ' || o.oid::regoperator::text, o.oprowner
      FROM pg_catalog.pg_operator o WHERE o.oprnamespace = v_ns
    UNION ALL
    SELECT 'trigger ' || g.tgname || ' on ' || g.tgrelid::regclass::text, p.proowner
      FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
      JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid
      WHERE c.relnamespace = v_ns AND NOT g.tgisinternal) x
    WHERE NOT pg_catalog.pg_has_role(x.who, current_user, 'USAGE') LIMIT 1;
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'litelift: in the schema litelift, %, which does not hold the privileges of %: litelift does not trust it (see docs/configuration.md, "Who litelift trusts")',
      v_bad, current_user USING ERRCODE = '42501';
  END IF;
END $litelift_trust$;
)SQL";

// Everything litelift keeps on the server, idempotent: catalog,
// per-database settings, functions with SQLite's semantics. (The trust
// check runs right after the schema is made or found.)
constexpr const char* kInstallSchema = R"SQL(
CREATE SCHEMA IF NOT EXISTS litelift;
)SQL";
constexpr const char* kInstallScript = R"SQL(
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
-- The marker file's id (pg/marker.h; NULL: none written yet), and when
-- the database was set aside because its marker was deleted (v21).
ALTER TABLE litelift.databases ADD COLUMN IF NOT EXISTS marker text;
ALTER TABLE litelift.databases ADD COLUMN IF NOT EXISTS deleted timestamptz;
-- When a process last opened the database (v24; NULL: not since then):
-- stamped at most once per process per database, never waiting for a
-- writer's lock (pg/locate.h, StampOpenedSql).
ALTER TABLE litelift.databases ADD COLUMN IF NOT EXISTS opened timestamptz;
ALTER TABLE litelift.databases ALTER COLUMN opened SET DEFAULT now();
-- PRAGMA journal_mode = WAL, which SQLite keeps in the file (v25, pg/pragmas.h).
ALTER TABLE litelift.databases ADD COLUMN IF NOT EXISTS journal_wal boolean NOT NULL DEFAULT false;
-- Stamps the database an open finds (pg/locate.h: by its schema when the
-- route names it, else by path) as opened now. Never waits: a row another
-- transaction holds (a schema change) keeps its time. Does nothing in a
-- read-only transaction (a standby) or for a role that may not update the
-- column: the open goes on, needing no privilege it did not need before.
CREATE OR REPLACE FUNCTION litelift.stamp_opened(v_path text, v_derived text, v_named boolean)
  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF pg_catalog.current_setting('transaction_read_only')::boolean OR
     NOT pg_catalog.has_column_privilege('litelift.databases', 'opened', 'UPDATE') THEN
    RETURN;
  END IF;
  -- (NO KEY UPDATE: a catalog insert's key-share lock does not stop it.)
  UPDATE litelift.databases SET opened = pg_catalog.now() WHERE db_schema = (
    SELECT l.db_schema FROM litelift.databases l WHERE l.db_schema = (
      CASE WHEN v_named THEN v_derived ELSE (
        SELECT d.db_schema FROM litelift.databases d WHERE d.path = v_path AND d.deleted IS NULL
          ORDER BY d.db_schema = v_derived DESC, d.created, d.db_schema LIMIT 1) END)
    FOR NO KEY UPDATE SKIP LOCKED);
END $$;
-- (A database set aside is renamed: its catalog rows follow it.)
ALTER TABLE litelift.catalog DROP CONSTRAINT IF EXISTS catalog_db_schema_fkey;
ALTER TABLE litelift.catalog ADD CONSTRAINT catalog_db_schema_fkey FOREIGN KEY (db_schema)
  REFERENCES litelift.databases ON DELETE CASCADE ON UPDATE CASCADE;
-- Sets a database aside when its marker was deleted: records when, so that
-- a new database takes its place and the old one is never dropped. Its
-- schema keeps its name, so that a process that has it open goes on using
-- it (as a process holding an unlinked SQLite file does; the new database
-- gets the next free name), unless v_rename (the route names the schema,
-- which the new database must have): then it is renamed to
-- <name>_deleted_<UTC time> (a free name). Does nothing (returns NULL)
-- unless the database there still has the marker the caller saw missing
-- (another open set it aside first); else returns its schema's name.
DROP FUNCTION IF EXISTS litelift.set_aside(text, text);
CREATE OR REPLACE FUNCTION litelift.set_aside(v_schema text, v_marker text, v_rename boolean)
  RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_base text;
  v_name text;
  v_n int := 1;
BEGIN
  PERFORM pg_catalog.pg_advisory_xact_lock(1819042914, pg_catalog.hashtext(v_schema));
  PERFORM 1 FROM litelift.databases d WHERE d.db_schema = v_schema AND d.marker = v_marker
    AND d.deleted IS NULL;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF NOT v_rename THEN
    UPDATE litelift.databases SET deleted = pg_catalog.now() WHERE db_schema = v_schema;
    RETURN v_schema;
  END IF;
  v_base := pg_catalog.left(v_schema, 38) || '_deleted_' ||
            pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISS');
  v_name := v_base;
  WHILE EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = v_name) OR
        EXISTS (SELECT 1 FROM litelift.databases d WHERE d.db_schema = v_name) LOOP
    v_n := v_n + 1;
    v_name := v_base || '_' || v_n;
  END LOOP;
  EXECUTE pg_catalog.format('ALTER SCHEMA %I RENAME TO %I', v_schema, v_name);
  UPDATE litelift.databases SET db_schema = v_name, deleted = pg_catalog.now()
    WHERE db_schema = v_schema;
  RETURN v_name;
END $$;
-- Opens find a database by its path (pg/locate.h).
CREATE INDEX IF NOT EXISTS databases_path ON litelift.databases (path);
-- Creates a database's schema and records it for db_path; returns its
-- name: the first free one of candidate, candidate_2, candidate_3, ...
-- (only candidate itself unless alternates). A name is free when no
-- database is recorded there and no schema has it, or (unless exclusive)
-- when the database there is db_path's and not deleted (another open made
-- it meanwhile).
-- A schema without a database is taken over only when named explicitly
-- (not alternates) and owned by a role litelift trusts (kTrustCheck).
-- (Its own search_path: the caller's may name a schema not yet checked.)
CREATE OR REPLACE FUNCTION litelift.create_database(candidate text, db_path text, layout int,
                                                   alternates boolean, exclusive boolean)
  RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_name text;
  v_n int := 1;
  v_path text;
  v_deleted timestamptz;
  v_owner oid;
BEGIN
  LOOP
    v_name := CASE WHEN v_n = 1 THEN candidate ELSE candidate || '_' || v_n END;
    -- One creator per name at a time ('lldb', then the name's hash).
    PERFORM pg_catalog.pg_advisory_xact_lock(1819042914, pg_catalog.hashtext(v_name));
    SELECT d.path, d.deleted INTO v_path, v_deleted FROM litelift.databases d
      WHERE d.db_schema = v_name;
    IF FOUND THEN
      IF v_path = db_path AND v_deleted IS NULL AND NOT exclusive THEN
        RETURN v_name;
      END IF;
      IF NOT alternates THEN
        RAISE EXCEPTION 'litelift: the schema % holds the database of %, not of %',
          v_name, v_path, db_path USING ERRCODE = '42P06';
      END IF;
    ELSE
      SELECT n.nspowner INTO v_owner FROM pg_catalog.pg_namespace n WHERE n.nspname = v_name;
      IF NOT FOUND OR (NOT alternates AND NOT exclusive AND
                       pg_catalog.pg_has_role(v_owner, current_user, 'USAGE')) THEN
        IF NOT FOUND THEN
          EXECUTE pg_catalog.format('CREATE SCHEMA %I', v_name);
        END IF;
        -- (The writers' record: litelift.writer, catalog/rowid.h.)
        EXECUTE pg_catalog.format('CREATE SEQUENCE IF NOT EXISTS %I.litelift_writer', v_name);
        INSERT INTO litelift.databases (db_schema, path, rowid_layout)
          VALUES (v_name, db_path, layout);
        RETURN v_name;
      END IF;
      IF NOT alternates THEN
        RAISE EXCEPTION 'litelift: the schema % (for %) exists, owned by %, which does not hold the privileges of %: litelift does not trust it',
          v_name, db_path, v_owner::regrole, current_user USING ERRCODE = '42501';
      END IF;
    END IF;
    v_n := v_n + 1;
    IF v_n > 1000 THEN
      RAISE EXCEPTION 'litelift: no free schema name for % after 1000 tries', db_path
        USING ERRCODE = '42P06';
    END IF;
  END LOOP;
END $$;
CREATE OR REPLACE FUNCTION litelift.typeof(anyelement) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'null'
    WHEN pg_typeof($1) IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype,
                           'boolean'::regtype) THEN 'integer'
    WHEN pg_typeof($1) IN ('real'::regtype, 'double precision'::regtype) THEN 'real'
    WHEN pg_typeof($1) = 'numeric'::regtype THEN
      CASE WHEN $1::text ~ '^-?[0-9]+$' AND $1::text::numeric
                BETWEEN -9223372036854775808 AND 9223372036854775807
           THEN 'integer' ELSE 'real' END
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
-- quote() of a real (func.c's quoteFunc): "%!.15g" when it reads back as
-- the same double, else "%!.20e" (every digit: iterdump's data stays exact).
-- (plpgsql: real_text and printf are installed after this.)
CREATE OR REPLACE FUNCTION litelift.quote_real(x double precision) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE
  s text := litelift.real_text(x);
BEGIN
  IF x = 'Infinity' OR x = '-Infinity' OR s::double precision = x THEN RETURN s; END IF;
  RETURN litelift.printf('%!.20e', litelift.pf(x));
END $f$;
CREATE OR REPLACE FUNCTION litelift.quote(anyelement) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'NULL'
    WHEN pg_typeof($1) = 'bytea'::regtype THEN 'X''' || upper(encode($1::text::bytea, 'hex')) || ''''
    WHEN litelift.typeof($1) = 'integer' THEN $1::text
    WHEN litelift.typeof($1) = 'real' THEN litelift.quote_real($1::text::double precision)
    ELSE '''' || replace($1::text, '''', '''''') || '''' END $$;
)SQL";

// Whether res is kTrustCheck's refusal.
bool IsTrustRefusal(const PGresult* res) {
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  const char* message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  return state != nullptr && message != nullptr && std::string_view(state) == "42501" &&
         std::string_view(message).rfind("litelift:", 0) == 0;
}

// Whether res failed because the session is gone (the connection broken,
// the server shutting down or restarting) rather than for what it asked.
bool SessionLost(PGconn* conn, const PGresult* res) {
  if (PQstatus(conn) == CONNECTION_BAD || res == nullptr) return true;
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  if (state == nullptr) return PQresultStatus(res) == PGRES_FATAL_ERROR;
  std::string_view code(state);
  return code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0;
}

std::mutex g_mutex;
std::set<std::string>* g_checked = nullptr;  // DSNs verified by this process

}  // namespace

const char* TrustCheckSql() { return kTrustCheck; }

bool EnsureInstalled(PGconn* conn, const std::string& dsn, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_checked != nullptr && g_checked->count(dsn) != 0) return true;
  }
  // One round trip: the trust check first (it stops the rest when it
  // fails, before anything in the schema is read), then the version. A
  // missing schema reads as version 0.
  PgResult version =
      Exec(conn, std::string("SET search_path = pg_catalog, pg_temp; ") + kTrustCheck +
                     "SELECT value::int FROM litelift.meta WHERE key = 'version'");
  int installed = 0;
  if (Ok(version.get()) && PQntuples(version.get()) == 1) {
    installed = std::atoi(PQgetvalue(version.get(), 0, 0));
  } else if (IsTrustRefusal(version.get())) {
    *error = PQresultErrorField(version.get(), PG_DIAG_MESSAGE_PRIMARY);
    return false;
  } else if (SessionLost(conn, version.get())) {
    // Not a missing schema: installing on a lost session could only fail,
    // naming the install instead of the real cause.
    *error = "litelift: cannot read the litelift schema version: " + ErrorText(conn, version.get());
    return false;
  }
  if (installed > kServerSchemaVersion) {
    *error = "litelift: the server's litelift schema is version " + std::to_string(installed) +
             ", newer than this litelift (" + std::to_string(kServerSchemaVersion) + ")";
    return false;
  }
  if (installed < kServerSchemaVersion) {
    // The script is idempotent: it brings any older version up to date.
    std::string script =
        std::string("BEGIN; ") + kInstallLock + ";" + kInstallSchema + kTrustCheck +
        kInstallScript + server::CoreFunctionsSql() + ";" + server::DateTimeFunctionsSql() + ";" +
        server::JsonFunctionsSql() + ";" + server::PrintfFunctionsSql() + ";" +
        server::AnyValueFunctionsSql() + ";" + server::StrictFunctionsSql() + ";" +
        "INSERT INTO litelift.meta VALUES ('version', '" + std::to_string(kServerSchemaVersion) +
        "') ON CONFLICT (key) DO UPDATE SET value = excluded.value; COMMIT;";
    PgResult res = Exec(conn, script);
    if (!Ok(res.get())) {
      *error = IsTrustRefusal(res.get())
                   ? std::string(PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY))
                   : "litelift: cannot install the litelift schema: " + ErrorText(conn, res.get());
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
