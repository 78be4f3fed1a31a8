// A schema change on the postgres route: the shadow catalog runs the
// statement first (SQLite's own checks and errors), then the server gets
// the objects that changed and the shared catalog, in one transaction.

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/ddl.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/odd_text.h"
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

// A name as SQLite reads it in double quotes.
std::string QuoteSqliteName(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

// For CREATE [TEMP] TABLE [IF NOT EXISTS] name AS select, which created
// table: the server text of "INSERT INTO name select" (the rows the
// shadow's empty tables did not give), in *copy. Another statement: true
// with copy->sql empty. False with *error when it cannot be translated.
bool RowsOfCreateAs(Shadow& sh, sqlite3_stmt* ddl, const SchemaObject& table,
                    sql::Translation* copy, std::string* error) {
  const char* text = SQ(sqlite3_sql)(ddl);
  std::vector<sql::Token> t = Words(text);
  if (t.empty() || !sql::IsWord(t[0], "CREATE")) return true;
  size_t i = sql::CreatedNameIndex(t);
  if (i >= t.size()) return true;
  ++i;
  if (i + 1 < t.size() && t[i].text == ".") i += 2;  // schema.name
  if (i + 1 >= t.size() || !sql::IsWord(t[i], "AS")) return true;
  std::string insert = "INSERT INTO " + QuoteSqliteName(table.temp ? "temp" : table.db) + "." +
                       QuoteSqliteName(table.name) + " " + std::string(text + t[i + 1].offset);
  sqlite3_stmt* st = nullptr;
  if (SQ(sqlite3_prepare_v2)(sh.db(), insert.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    *error = std::string("litelift: CREATE TABLE ... AS SELECT: ") + SQ(sqlite3_errmsg)(sh.db());
    SQ(sqlite3_finalize)(st);
    return false;
  }
  *copy = sh.Translate(st);
  SQ(sqlite3_finalize)(st);
  if (!copy->error.empty()) {
    *error = copy->error;
    return false;
  }
  if (copy->returns_rowid || copy->trailing_rowid_columns > 0) {
    // The rowids it returns are nobody's (CREATE ... AS moves no
    // last_insert_rowid): counted on the server instead of sent.
    copy->sql = "WITH litelift_copied AS (" + copy->sql + ") SELECT count(*) FROM litelift_copied";
  }
  return true;
}

// For a CREATE VIRTUAL TABLE of a full-text module: the rows its xCreate
// wrote to its new shadow tables in the shadow (FTS5's version and
// structure records), as translated INSERTs for the server's tables.
bool RowsOfFullText(Shadow& sh, const std::vector<const SchemaObject*>& created,
                    std::vector<sql::Translation>* copies, std::string* error) {
  for (const SchemaObject* vt : created) {
    if (vt->type != "table" || vt->temp || vt->db != "main" || !IsFullTextTable(vt->sql)) continue;
    for (const SchemaObject* o : created) {
      if (o->type != "table" || o == vt || o->db != "main") continue;
      if (Lower(o->name).rfind(Lower(vt->name) + "_", 0) != 0) continue;
      std::vector<std::string> inserts;
      std::string table = "main." + QuoteSqliteName(o->name);
      sh.ForEachRow("SELECT * FROM " + table, "", [&](sqlite3_stmt* s) {
        std::string values;
        for (int i = 0; i < SQ(sqlite3_column_count)(s); ++i) {
          sqlite3_value* v = SQ(sqlite3_column_value)(s, i);
          std::string lit;
          switch (SQ(sqlite3_value_type)(v)) {
            case SQLITE_INTEGER:
              lit = std::to_string(SQ(sqlite3_value_int64)(v));
              break;
            case SQLITE_NULL:
              lit = "NULL";
              break;
            case SQLITE_BLOB: {
              static const char kHex[] = "0123456789ABCDEF";
              const auto* p = static_cast<const unsigned char*>(SQ(sqlite3_value_blob)(v));
              lit = "X'";
              for (int k = 0; k < SQ(sqlite3_value_bytes)(v); ++k) {
                lit += kHex[p[k] >> 4];
                lit += kHex[p[k] & 15];
              }
              lit += "'";
              break;
            }
            default: {  // (FTS writes no reals)
              const char* t = reinterpret_cast<const char*>(SQ(sqlite3_value_text)(v));
              lit = "'";
              for (const char* c = t; c != nullptr && *c != 0; ++c) {
                lit += *c;
                if (*c == '\'') lit += '\'';
              }
              lit += "'";
            }
          }
          values += (i ? ", " : "") + lit;
        }
        inserts.push_back("INSERT INTO " + table + " VALUES (" + values + ")");
      });
      for (const std::string& insert : inserts) {
        sqlite3_stmt* st = nullptr;
        if (SQ(sqlite3_prepare_v2)(sh.db(), insert.c_str(), -1, &st, nullptr) != SQLITE_OK) {
          *error = std::string("litelift: ") + SQ(sqlite3_errmsg)(sh.db());
          SQ(sqlite3_finalize)(st);
          return false;
        }
        sql::Translation copy = sh.Translate(st);
        SQ(sqlite3_finalize)(st);
        if (!copy.error.empty()) {
          *error = copy.error;
          return false;
        }
        if (copy.returns_rowid || copy.trailing_rowid_columns > 0) {
          copy.sql =
              "WITH litelift_copied AS (" + copy.sql + ") SELECT count(*) FROM litelift_copied";
        }
        copies->push_back(std::move(copy));
      }
    }
  }
  return true;
}

// The version this connection's shadow stands at after its own schema
// change: the one the server counted (version_row), when the shadow was at
// the one before. Otherwise another connection changed the database in
// between, unheard: a version no announcement matches, so that the next
// one (this change's own, at the latest) loads the catalog again.
constexpr int64_t kUnknownSchemaVersion = -1;
int64_t NewSchemaVersion(const Connection* conn, const PGresult* version_row) {
  if (version_row == nullptr || PQntuples(version_row) != 1) return kUnknownSchemaVersion;
  int64_t counted = std::atoll(PQgetvalue(version_row, 0, 0));
  return counted == conn->schema_version + 1 ? counted : kUnknownSchemaVersion;
}

}  // namespace

int Statement::CopyCreatedRows(const sql::Translation& copy) {
  // The program's parameters (the SELECT's), then the connection's values.
  int program_n = static_cast<int>(params.size()) - 1;
  std::vector<std::string> text;
  std::vector<Oid> types;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  size_t n = static_cast<size_t>(std::max(program_n, 0)) + copy.state_parameters.size();
  text.resize(n);
  types.assign(n, 0);
  values.assign(n, nullptr);
  lengths.assign(n, 0);
  formats.assign(n, 0);
  for (int i = 1; i <= program_n; ++i) {
    const BoundValue& v = params[static_cast<size_t>(i)];
    size_t k = static_cast<size_t>(i - 1);
    switch (v.type) {
      case SQLITE_INTEGER:
        types[k] = 20;  // int8
        text[k] = std::to_string(v.i);
        values[k] = text[k].c_str();
        break;
      case SQLITE_FLOAT: {
        types[k] = 701;  // float8
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v.d);
        text[k] = buf;
        values[k] = text[k].c_str();
        break;
      }
      case SQLITE_TEXT:
        if (const char* why = OddTextReason(v.bytes)) {
          return conn->SetError(SQLITE_MISMATCH,
                                std::string("litelift: CREATE TABLE ... AS SELECT: parameter ") +
                                    std::to_string(i) + " is text with " + why +
                                    ", which the server's text cannot hold");
        }
        values[k] = v.bytes.c_str();
        break;
      case SQLITE_BLOB:
        types[k] = 17;  // bytea, sent as bytes
        values[k] = v.bytes.data();
        lengths[k] = static_cast<int>(v.bytes.size());
        formats[k] = 1;
        break;
      default:
        break;
    }
  }
  for (size_t s = 0; s < copy.state_parameters.size(); ++s) {
    const std::string& name = copy.state_parameters[s];
    size_t k = static_cast<size_t>(std::max(program_n, 0)) + s;
    int64_t value = name == "changes"         ? conn->changes
                    : name == "total_changes" ? conn->total_changes
                                              : conn->last_insert_rowid;
    types[k] = 20;
    text[k] = std::to_string(value);
    values[k] = text[k].c_str();
  }
  PgResult res(PQexecParams(conn->pg, copy.sql.c_str(), static_cast<int>(n), types.data(),
                            values.data(), lengths.data(), formats.data(), 0));
  if (!Ok(res.get())) return conn->SetErrorFromServer(res.get());
  return SQLITE_OK;
}

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
  // CREATE TABLE ... AS SELECT: its rows, copied after the DDL.
  sql::Translation copy;
  if (ok && tables(created).size() == 1 && renamed_to == nullptr) {
    ok = RowsOfCreateAs(sh, shadow, *tables(created)[0], &copy, &error);
  }
  std::vector<sql::Translation> copies;
  if (ok) ok = RowsOfFullText(sh, created, &copies, &error);
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
  if (ok && shared) {
    // The server counts: another connection may have changed this database
    // (as one it attached) since this one last heard, and two changes must
    // never announce the same version.
    server.push_back(
        "WITH changed AS (UPDATE litelift.databases SET schema_version = schema_version + 1 "
        "WHERE db_schema = " +
        s + " RETURNING db_schema, schema_version) SELECT schema_version, pg_notify(" +
        QuoteLiteral(kSchemaChannel) + ", db_schema || ':' || schema_version) FROM changed");
  }
  int code = SQLITE_ERROR;
  if (ok && !server.empty()) {
    std::string script = "SAVEPOINT litelift_ddl";
    if (conn->NeedsWriteLock()) script += "; " + conn->WriteLockSql();
    for (const auto& stmt : server) script += "; " + stmt;
    std::string end = "RELEASE SAVEPOINT litelift_ddl";
    // The shadow's own savepoint hides whether the program is inside a
    // transaction; the server, which mirrors it, knows.
    bool outer = PQtransactionStatus(conn->pg) != PQTRANS_IDLE;
    if (!outer) {
      script = "BEGIN; " + script;
      end += "; COMMIT";
    }
    // Without rows to copy, one round trip.
    if (copy.sql.empty() && copies.empty()) script += "; " + end;
    conn->TakeSession(nullptr);
    // (A batched write's failure must not undo it: the batch ends first.)
    if (outer && conn->batch.open()) {
      script = std::string("RELEASE SAVEPOINT ") + WriteBatch::kSavepoint + "; " + script;
      conn->batch.Released();
    }
    PgResult version_row;
    PgResult res = ExecKeepingRows(conn->pg, script, &version_row);
    bool copied = Ok(res.get());
    if (copied && !copy.sql.empty()) {
      copied = CopyCreatedRows(copy) == SQLITE_OK;
      if (!copied) code = conn->err_code;  // the SELECT's own error
    }
    for (const sql::Translation& c : copies) {
      if (!copied) break;
      copied = CopyCreatedRows(c) == SQLITE_OK;
      if (!copied) code = conn->err_code;
    }
    if (copied && (!copy.sql.empty() || !copies.empty())) {
      res = Exec(conn->pg, end);
      copied = Ok(res.get());
    }
    if (!Ok(res.get())) {
      conn->SetErrorFromServer(res.get());
      conn->err_msg = "litelift: " + conn->err_msg;
    }
    if (!copied) {
      Exec(conn->pg, outer ? "ROLLBACK TO SAVEPOINT litelift_ddl; RELEASE SAVEPOINT litelift_ddl"
                           : "ROLLBACK");
      ok = false;
      error = conn->err_msg;
    } else {
      if (shared) conn->schema_version = NewSchemaVersion(conn, version_row.get());
      if (outer && !conn->native_concurrency) conn->holds_write_lock = true;
      if (outer) conn->txn_level = SQLITE_TXN_WRITE;
    }
  }
  if (!ok) {
    SQ(sqlite3_exec)
    (sdb, "ROLLBACK TO litelift_ddl; RELEASE litelift_ddl", nullptr, nullptr, nullptr);
    sh.Invalidate();
    return conn->SetError(code, error);
  }
  SQ(sqlite3_exec)(sdb, "RELEASE litelift_ddl", nullptr, nullptr, nullptr);
  if (!copies.empty()) {
    // FTS5's xCreate wrote its records with statements of the handle, as
    // it did on the shadow: changes() and last_insert_rowid() are theirs.
    conn->changes = SQ(sqlite3_changes64)(sdb);
    conn->last_insert_rowid = SQ(sqlite3_last_insert_rowid)(sdb);
    conn->total_changes += static_cast<int64_t>(copies.size());
  }
  return SQLITE_DONE;
}

}  // namespace litelift::compat
