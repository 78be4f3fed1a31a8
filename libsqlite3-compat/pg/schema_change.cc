// A schema change on the postgres route: the shadow catalog runs the
// statement first (SQLite's own checks and errors), then the server gets
// the objects that changed and the shared catalog, in one transaction.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/ddl.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/session.h"
#include "libsqlite3-compat/server/install.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::vector<sql::Token> Words(const char* text) {
  return sql::SignificantTokens(text != nullptr ? text : "");
}

}  // namespace

int Statement::StepDdl() {
  started = true;
  Shadow& sh = conn->shadow;
  sqlite3* sdb = sh.db();
  std::map<std::string, SchemaObject> before = sh.Snapshot();
  std::map<std::string, std::vector<ColumnInfo>> before_columns;
  for (const auto& [key, o] : before) {
    if (o.type == "table") before_columns[key] = ColumnsOf(sh, o.name);
  }
  SQ(sqlite3_exec)(sdb, "SAVEPOINT litelift_ddl", nullptr, nullptr, nullptr);
  int rc = SQ(sqlite3_step)(shadow);
  if (rc != SQLITE_DONE) {
    conn->SetErrorFromShadow(rc);
    SQ(sqlite3_exec)
    (sdb, "ROLLBACK TO litelift_ddl; RELEASE litelift_ddl", nullptr, nullptr, nullptr);
    return conn->err_code;
  }
  sh.Invalidate();
  ++conn->schema_generation;
  std::map<std::string, SchemaObject> after = sh.Snapshot();
  std::vector<std::string> server;
  std::string error;
  std::vector<const SchemaObject*> dropped, created;
  for (const auto& [key, o] : before) {
    if (after.count(key) == 0) dropped.push_back(&o);
  }
  for (const auto& [key, o] : after) {
    if (before.count(key) == 0) created.push_back(&o);
  }
  // ALTER TABLE ... RENAME TO: one table goes, one comes.
  const SchemaObject* renamed_from = nullptr;
  const SchemaObject* renamed_to = nullptr;
  auto tables = [](const std::vector<const SchemaObject*>& v) {
    std::vector<const SchemaObject*> t;
    for (auto* o : v)
      if (o->type == "table") t.push_back(o);
    return t;
  };
  if (tables(dropped).size() == 1 && tables(created).size() == 1 &&
      sql::IsWord(Words(SQ(sqlite3_sql)(shadow))[0], "ALTER")) {
    renamed_from = tables(dropped)[0];
    renamed_to = tables(created)[0];
  }
  bool ok = true;
  // TEMP objects live in the session's temporary schema.
  auto schema_of = [&](const SchemaObject& o) {
    if (o.temp) return std::string("pg_temp");
    for (const auto& a : conn->attached) {
      if (a.name == o.db) return a.schema;
    }
    return conn->schema;
  };
  for (const SchemaObject* o : dropped) {
    if (o == renamed_from || (renamed_from && Lower(o->tbl_name) == Lower(renamed_from->name)))
      continue;
    DropStatements(*o, schema_of(*o), &server);
  }
  if (renamed_from != nullptr) {
    ok = AlterStatements(sh, renamed_from->name, before_columns[Lower(renamed_from->name)],
                         renamed_to->name, schema_of(*renamed_to), &server, &error);
  }
  // Tables first, then views and indexes (they refer to tables).
  for (const char* type : {"table", "view", "index", "trigger"}) {
    for (const SchemaObject* o : created) {
      if (!ok || o->type != type || o == renamed_to) continue;
      if (renamed_to && Lower(o->tbl_name) == Lower(renamed_to->name) && o->type == "index")
        continue;
      ok = CreateStatements(sh, *o, schema_of(*o), &server, &error);
    }
  }
  // Views PostgreSQL dropped with a table SQLite let go come back with a
  // table of that name.
  std::vector<std::string> back;
  for (const SchemaObject* o : created) {
    if (o->type == "table" && o->db == "main") back.push_back(o->name);
  }
  if (ok && !back.empty()) RestoreViews(sh, back, conn->schema, &server);
  for (const auto& [key, o] : after) {
    auto old = before.find(key);
    if (!ok || old == before.end() || old->second.sql == o.sql) continue;
    if (o.type == "table") {
      ok = AlterStatements(sh, o.name, before_columns[key], o.name, schema_of(o), &server, &error);
    } else if (o.type == "trigger") {
      // SQLite rewrote the trigger (a table or column it names was renamed).
      ok = CreateStatements(sh, o, schema_of(o), &server, &error);
    }
  }
  // The catalog: what the shadow holds now, for every other connection.
  std::string s = QuoteLiteral(conn->schema);
  bool shared = false;                     // a change other connections must see (not TEMP)
  std::set<std::string> attached_changes;  // the attached databases' schemas changed
  for (const SchemaObject* o : dropped) {
    if (o->temp) continue;
    if (o->db != "main") {
      attached_changes.insert(schema_of(*o));
      server.push_back("DELETE FROM litelift.catalog WHERE db_schema = " +
                       QuoteLiteral(schema_of(*o)) + " AND name = " + QuoteLiteral(o->name));
      continue;
    }
    shared = true;
    server.push_back("DELETE FROM litelift.catalog WHERE db_schema = " + s +
                     " AND name = " + QuoteLiteral(o->name));
  }
  for (const auto& [key, o] : after) {
    auto old = before.find(key);
    if (Lower(o.name).rfind("sqlite_", 0) == 0 && o.type != "index") continue;
    if (old != before.end() && old->second.sql == o.sql && old->second.tbl_name == o.tbl_name)
      continue;
    if (o.sql.empty() || o.temp) continue;  // automatic indexes come with their table
    if (o.db != "main") attached_changes.insert(schema_of(o));
    shared = shared || o.db == "main";
    server.push_back(
        "INSERT INTO litelift.catalog (db_schema, type, name, tbl_name, sql) VALUES (" +
        QuoteLiteral(schema_of(o)) + ", " + QuoteLiteral(o.type) + ", " + QuoteLiteral(o.name) +
        ", " + QuoteLiteral(o.tbl_name) + ", " + QuoteLiteral(o.sql) +
        ") ON CONFLICT (db_schema, name) DO UPDATE SET type = excluded.type, "
        "tbl_name = excluded.tbl_name, sql = excluded.sql");
  }
  for (const std::string& other : attached_changes) {
    // Announced to its other connections, as a change of their main one is.
    server.push_back(
        "WITH changed AS (UPDATE litelift.databases SET schema_version = schema_version + 1 "
        "WHERE db_schema = " +
        QuoteLiteral(other) + " RETURNING db_schema, schema_version) SELECT pg_notify(" +
        QuoteLiteral(kSchemaChannel) + ", db_schema || ':' || schema_version) FROM changed");
  }
  int64_t version = conn->schema_version + (shared ? 1 : 0);
  if (ok && shared) {
    server.push_back("UPDATE litelift.databases SET schema_version = " + std::to_string(version) +
                     " WHERE db_schema = " + s);
    server.push_back(std::string("NOTIFY ") + kSchemaChannel + ", " +
                     QuoteLiteral(conn->schema + ":" + std::to_string(version)));
  }
  if (ok && !server.empty()) {
    std::string script = "SAVEPOINT litelift_ddl";
    if (conn->NeedsWriteLock()) script += "; " + conn->WriteLockSql();
    for (const auto& stmt : server) script += "; " + stmt;
    script += "; RELEASE SAVEPOINT litelift_ddl";
    // The shadow's own savepoint hides whether the program is inside a
    // transaction; the server, which mirrors it, knows.
    bool outer = PQtransactionStatus(conn->pg) != PQTRANS_IDLE;
    if (!outer) script = "BEGIN; " + script + "; COMMIT";
    conn->TakeSession(nullptr);
    // (A batched write's failure must not undo it: the batch ends first.)
    if (outer && conn->batch.open()) {
      script = std::string("RELEASE SAVEPOINT ") + WriteBatch::kSavepoint + "; " + script;
      conn->batch.Released();
    }
    PgResult res = Exec(conn->pg, script);
    if (!Ok(res.get())) {
      conn->SetErrorFromServer(res.get());
      conn->err_msg = "litelift: " + conn->err_msg;
      Exec(conn->pg, outer ? "ROLLBACK TO SAVEPOINT litelift_ddl; RELEASE SAVEPOINT litelift_ddl"
                           : "ROLLBACK");
      ok = false;
      error = conn->err_msg;
    } else {
      conn->schema_version = version;
      if (outer && !conn->native_concurrency) conn->holds_write_lock = true;
      if (outer) conn->txn_level = SQLITE_TXN_WRITE;
    }
  }
  if (!ok) {
    SQ(sqlite3_exec)
    (sdb, "ROLLBACK TO litelift_ddl; RELEASE litelift_ddl", nullptr, nullptr, nullptr);
    sh.Invalidate();
    return conn->SetError(SQLITE_ERROR, error);
  }
  SQ(sqlite3_exec)(sdb, "RELEASE litelift_ddl", nullptr, nullptr, nullptr);
  return SQLITE_DONE;
}

}  // namespace litelift::compat
