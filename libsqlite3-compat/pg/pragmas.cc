#include "libsqlite3-compat/pg/pragmas.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

using W = PragmaWhere;
using E = PragmaEffect;
using R = PragmaRefusal;

// SQLite 3.40's pragmas (PRAGMA pragma_list), in its order. A kSetting
// row's comment says why SQLite's answer for the program is the shadow's
// (the setting is the connection's and the server needs none of it).
const std::vector<PragmaInfo>& Rows() {
  static const auto* rows = new std::vector<PragmaInfo>{
      // Limits the shadow's ANALYZE; the server's statistics are its own.
      {"analysis_limit", W::kSetting, E::kNone, R::kNever, true, ""},
      // In the file's header in SQLite: kept on the server for every connection.
      {"application_id", W::kSetting, E::kPersist, R::kNever, true, ""},
      // How the file gives back free pages: the server's storage reclaims
      // its own (autovacuum), so the program's choice is only answered.
      {"auto_vacuum", W::kSetting, E::kNone, R::kNever, true, ""},
      // The shadow's planner: the server plans the server's statements.
      {"automatic_index", W::kSetting, E::kNone, R::kNever, true, ""},
      // Also how long litelift waits for the database's write lock.
      {"busy_timeout", W::kSetting, E::kBusyTimeout, R::kNever, true, ""},
      // The page caches of the shadow (and of the rows litelift holds).
      {"cache_size", W::kSetting, E::kNone, R::kNever, true, ""},
      {"cache_spill", W::kSetting, E::kNone, R::kNever, true, ""},
      {"case_sensitive_like", W::kSetting, E::kNone, R::kTurningOn, true,
       "LIKE runs on the server, where it is case-insensitive for ASCII as SQLite's default"},
      // Checks of the file's b-tree cells: the server checks its own pages.
      {"cell_size_check", W::kSetting, E::kNone, R::kNever, true, ""},
      // fsync flavours of the file: the server makes its commits durable.
      {"checkpoint_fullfsync", W::kSetting, E::kNone, R::kNever, true, ""},
      {"collation_list", W::kShadow, E::kNone, R::kNever, false, ""},
      {"compile_options", W::kShadow, E::kNone, R::kNever, false, ""},
      {"count_changes", W::kSetting, E::kNone, R::kTurningOn, true,
       "data changes run on the server and return no row with their count"},
      {"data_version", W::kShadow, E::kNone, R::kAlways, false,
       "another connection's commit on the server changes no counter litelift could answer"},
      {"database_list", W::kAnswer, E::kNone, R::kNever, false, ""},
      // Deprecated; in the file's header: answered as set.
      {"default_cache_size", W::kSetting, E::kNone, R::kNever, true, ""},
      {"defer_foreign_keys", W::kSetting, E::kNone, R::kTurningOn, true,
       "litelift's foreign key checks run when each statement ends, or at COMMIT only for keys "
       "declared DEFERRABLE INITIALLY DEFERRED"},
      // Deprecated; changes what sqlite3_exec calls back, which the shadow decides.
      {"empty_result_callbacks", W::kSetting, E::kNone, R::kTurningOn, true,
       "sqlite3_exec on the postgres route calls back only for rows"},
      // Text is UTF-8 on the server; the program's choice for a new
      // database is answered (column_text16 converts as SQLite does).
      {"encoding", W::kSetting, E::kNone, R::kNever, true, ""},
      {"foreign_key_check", W::kServer, E::kNone, R::kNever, false, ""},
      {"foreign_key_list", W::kShadow, E::kNone, R::kNever, false, ""},
      {"foreign_keys", W::kSetting, E::kSession, R::kNever, true, ""},
      {"freelist_count", W::kAnswer, E::kNone, R::kNever, false, ""},
      // Deprecated: the names of result columns, which the shadow gives.
      {"full_column_names", W::kSetting, E::kNone, R::kNever, true, ""},
      {"fullfsync", W::kSetting, E::kNone, R::kNever, true, ""},
      {"function_list", W::kShadow, E::kNone, R::kNever, false, ""},
      // The process's heap limits: the same library, so SQLite's own.
      {"hard_heap_limit", W::kSetting, E::kNone, R::kNever, true, ""},
      {"ignore_check_constraints", W::kSetting, E::kNone, R::kTurningOn, true,
       "CHECK constraints are the server's table constraints, always checked"},
      // No free pages are kept for the program (freelist_count is 0).
      {"incremental_vacuum", W::kShadow, E::kNone, R::kNever, false, ""},
      {"index_info", W::kShadow, E::kNone, R::kNever, false, ""},
      {"index_list", W::kShadow, E::kNone, R::kNever, false, ""},
      {"index_xinfo", W::kShadow, E::kNone, R::kNever, false, ""},
      // The catalog the shadow holds; the server's pages are PostgreSQL's.
      {"integrity_check", W::kShadow, E::kNone, R::kNever, false, ""},
      {"journal_mode", W::kAnswer, E::kNone, R::kNever, true, ""},
      // The journal file's size: the server keeps no journal of the program's.
      {"journal_size_limit", W::kSetting, E::kNone, R::kNever, true, ""},
      // How the shadow's ALTER TABLE RENAME rewrites references.
      {"legacy_alter_table", W::kSetting, E::kNone, R::kNever, true, ""},
      // The file's locks: the server's write lock decides (see "Isolation"
      // in docs/design.md). Answered as set (the shadow, in memory, is
      // always exclusive).
      {"locking_mode", W::kAnswer, E::kNone, R::kNever, true, ""},
      {"max_page_count", W::kSetting, E::kNone, R::kSetting, true,
       "the server's storage has no page limit litelift could enforce"},
      // Memory mapping of the file: the server's storage is not mapped, so
      // 0, as SQLite answers where it cannot map (the shadow, in memory,
      // answers nothing).
      {"mmap_size", W::kAnswer, E::kNone, R::kNever, true, ""},
      {"module_list", W::kShadow, E::kNone, R::kNever, false, ""},
      // Statistics of the shadow's planner; the server keeps its own.
      {"optimize", W::kShadow, E::kNone, R::kNever, false, ""},
      {"page_count", W::kAnswer, E::kNone, R::kNever, false, ""},
      // The unit page_count counts in; a new database's choice is answered.
      {"page_size", W::kSetting, E::kNone, R::kNever, true, ""},
      {"pragma_list", W::kShadow, E::kNone, R::kNever, false, ""},
      {"query_only", W::kSetting, E::kReadOnly, R::kNever, true, ""},
      {"quick_check", W::kShadow, E::kNone, R::kNever, false, ""},
      // Only for shared-cache connections, which the route has none of.
      {"read_uncommitted", W::kSetting, E::kNone, R::kNever, true, ""},
      {"recursive_triggers", W::kSetting, E::kSession, R::kNever, true, ""},
      // The order of unordered results is undefined in SQLite too.
      {"reverse_unordered_selects", W::kSetting, E::kNone, R::kNever, true, ""},
      {"schema_version", W::kAnswer, E::kNone, R::kSetting, true,
       "the schema's version is the server catalog's"},
      // Overwriting deleted content: the server's storage is PostgreSQL's.
      {"secure_delete", W::kSetting, E::kNone, R::kNever, true, ""},
      {"short_column_names", W::kSetting, E::kNone, R::kNever, true, ""},
      {"shrink_memory", W::kShadow, E::kNone, R::kNever, false, ""},
      {"soft_heap_limit", W::kSetting, E::kNone, R::kNever, true, ""},
      // Durability is the server's (its commits are synchronous).
      {"synchronous", W::kSetting, E::kNone, R::kNever, true, ""},
      {"table_info", W::kShadow, E::kNone, R::kNever, false, ""},
      {"table_list", W::kShadow, E::kNone, R::kNever, false, ""},
      {"table_xinfo", W::kShadow, E::kNone, R::kNever, false, ""},
      // Where SQLite keeps temporary tables: the session's temporary
      // schema on the server keeps the program's.
      {"temp_store", W::kSetting, E::kNone, R::kNever, true, ""},
      {"temp_store_directory", W::kSetting, E::kNone, R::kNever, true, ""},
      {"threads", W::kSetting, E::kNone, R::kNever, true, ""},
      {"trusted_schema", W::kSetting, E::kNone, R::kNever, true, ""},
      {"user_version", W::kSetting, E::kPersist, R::kNever, true, ""},
      // Checkpoints of a WAL file: the server checkpoints its own log.
      {"wal_autocheckpoint", W::kSetting, E::kNone, R::kNever, true, ""},
      {"wal_checkpoint", W::kAnswer, E::kNone, R::kNever, false, ""},
      {"writable_schema", W::kSetting, E::kNone, R::kTurningOn, true,
       "its schema is kept by the server; sqlite_master edits would be lost"},
  };
  return *rows;
}

// Runs a one-value query on the shadow: the value as text ("" none).
bool ShadowValue(Connection* conn, const std::string& sql, std::string* out) {
  bool found = false;
  conn->shadow.ForEachRow(sql, "", [&](sqlite3_stmt* s) {
    const unsigned char* t = SQ(sqlite3_column_text)(s, 0);
    *out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    found = true;
  });
  return found;
}

// The value "PRAGMA name" reads on db (text), false when it reads none.
bool ReadPragma(sqlite3* db, const std::string& name, std::string* out) {
  sqlite3_stmt* s = nullptr;
  bool found = false;
  std::string sql = "PRAGMA " + name;
  if (SQ(sqlite3_prepare_v2)(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
      SQ(sqlite3_step)(s) == SQLITE_ROW) {
    const unsigned char* t = SQ(sqlite3_column_text)(s, 0);
    *out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    found = true;
  }
  SQ(sqlite3_finalize)(s);
  return found;
}

int64_t ShadowInt(Connection* conn, const std::string& pragma) {
  std::string v;
  ShadowValue(conn, "PRAGMA " + pragma, &v);
  return std::atoll(v.c_str());
}

// One answer value, as JSON (the answer statement reads json_each).
std::string JsonText(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

using Row = std::vector<std::string>;  // JSON values

// The server schema of a database the pragma names ("" or main: the main
// one); "" for temp or a name that is not attached.
const Connection::Attached* FindAttached(Connection* conn, const std::string& db) {
  for (const Connection::Attached& a : conn->attached) {
    if (a.name == db) return &a;
  }
  return nullptr;
}

bool IsMain(const std::string& db) { return db.empty() || db == "main"; }

// The server's record of whether a database's file is in WAL mode.
bool ServerWal(Connection* conn, const std::string& schema, bool* wal) {
  conn->TakeSession(nullptr);
  PgResult res = Exec(conn->pg, "SELECT journal_wal FROM litelift.databases WHERE db_schema = " +
                                    QuoteLiteral(schema));
  if (!Ok(res.get())) {
    conn->SetErrorFromServer(res.get());
    return false;
  }
  *wal = PQntuples(res.get()) == 1 && PQgetvalue(res.get(), 0, 0)[0] == 't';
  return true;
}

// journal_mode of one database: SQLite keeps WAL in the file (here the
// server, for every connection), any other mode per connection; an
// in-memory database is "memory" or "off". value nullptr: a read.
int JournalMode(Connection* conn, const std::string& db, const char* value, std::string* mode) {
  bool memory = false;
  std::string schema;
  if (db == "temp") {
    // The session's temporary schema: no file, no WAL.
    auto it = conn->pragma_state.journal.find(db);
    *mode = it != conn->pragma_state.journal.end() ? it->second : "delete";
    if (value != nullptr) {
      std::string want = Lower(value);
      if (want == "delete" || want == "truncate" || want == "persist" || want == "memory" ||
          want == "off") {
        conn->pragma_state.journal[db] = *mode = want;
      }
    }
    return SQLITE_OK;
  }
  if (IsMain(db)) {
    memory = conn->memory;
    schema = conn->schema;
  } else if (const Connection::Attached* a = FindAttached(conn, db)) {
    memory = a->memory;
    schema = a->schema;
  } else {
    return SQLITE_OK;  // not a database: SQLite answers nothing either
  }
  std::string key = IsMain(db) ? "main" : db;
  auto& journal = conn->pragma_state.journal;
  auto it = journal.find(key);
  if (memory) {
    *mode = it != journal.end() ? it->second : "memory";
    if (value != nullptr && (Lower(value) == "off" || Lower(value) == "memory")) {
      journal[key] = *mode = Lower(value);
    }
    return SQLITE_OK;
  }
  bool wal = false;
  if (!ServerWal(conn, schema, &wal)) return conn->err_code;
  *mode = wal ? "wal" : it != journal.end() ? it->second : "delete";
  if (value == nullptr) return SQLITE_OK;
  std::string want = Lower(value);
  if (want != "delete" && want != "truncate" && want != "persist" && want != "memory" &&
      want != "wal" && want != "off") {
    return SQLITE_OK;  // SQLite ignores a mode it does not know
  }
  if ((want == "wal") != wal) {
    if (!conn->Autocommit()) {
      return conn->SetError(SQLITE_ERROR, std::string("cannot change ") +
                                              (wal ? "out of" : "into") +
                                              " wal mode from within a transaction");
    }
    conn->TakeSession(nullptr);
    if (!conn->Run("UPDATE litelift.databases SET journal_wal = " +
                   std::string(want == "wal" ? "true" : "false") +
                   " WHERE db_schema = " + QuoteLiteral(schema))) {
      return conn->err_code;
    }
  }
  if (want == "wal" || want == "delete") {
    journal.erase(key);
  } else {
    journal[key] = want;
  }
  *mode = want;
  return SQLITE_OK;
}

// Whether the program's connection would have its temp database open:
// SQLite opens it for the first TEMP object or statement naming temp.
bool TempOpen(Connection* conn) { return conn->has_temp_objects || conn->pragma_state.temp_named; }

// The rows litelift answers for stmt's pragma, as JSON arrays.
int Answer(Statement* stmt, std::vector<Row>* rows) {
  Connection* conn = stmt->conn;
  const std::string& name = stmt->pragma->name;
  const std::string& db = stmt->pragma_db;
  const char* value = stmt->pragma_sets ? stmt->pragma_value.c_str() : nullptr;
  if (name == "database_list") {
    // The shadow's databases, with the files the program opened.
    int seq = 0;
    conn->shadow.ForEachRow("PRAGMA database_list", "", [&](sqlite3_stmt* s) {
      std::string n = reinterpret_cast<const char*>(SQ(sqlite3_column_text)(s, 1));
      std::string file;
      if (n == "main") {
        file = conn->filename;
      } else if (n == "temp") {
        if (!TempOpen(conn)) return;
      } else if (const Connection::Attached* a = FindAttached(conn, Lower(n))) {
        file = a->filename;
      }
      seq = SQ(sqlite3_column_int)(s, 0);
      rows->push_back({std::to_string(seq), JsonText(n), JsonText(file)});
    });
    return SQLITE_OK;
  }
  if (name == "journal_mode") {
    std::vector<std::string> dbs;
    if (!db.empty() || value == nullptr) {
      dbs.push_back(db.empty() ? "main" : db);
    } else {  // setting without a name: every database, main's answered
      dbs.push_back("main");
      for (const Connection::Attached& a : conn->attached) dbs.push_back(a.name);
    }
    std::string answer;
    for (size_t i = 0; i < dbs.size(); ++i) {
      std::string mode;
      if (int rc = JournalMode(conn, dbs[i], value, &mode); rc != SQLITE_OK) return rc;
      if (i == 0) answer = mode;
    }
    if (!answer.empty()) rows->push_back({JsonText(answer)});
    return SQLITE_OK;
  }
  if (name == "wal_checkpoint") {
    // The server checkpoints its own log: nothing of the program's is
    // left in one. Not in WAL mode SQLite says -1 for both counts.
    std::string mode;
    if (int rc = JournalMode(conn, db.empty() ? "main" : db, nullptr, &mode); rc != SQLITE_OK) {
      return rc;
    }
    rows->push_back(mode == "wal" ? Row{"0", "0", "0"} : Row{"0", "-1", "-1"});
    return SQLITE_OK;
  }
  if (name == "locking_mode") {
    // The connection's (kept with the journal modes, PragmaState).
    auto& modes = conn->pragma_state.journal;
    std::string want = value != nullptr ? Lower(value) : "";
    if (want == "normal" || want == "exclusive") modes["#locking_mode"] = want;
    auto it = modes.find("#locking_mode");
    rows->push_back({JsonText(it != modes.end() ? it->second : "normal")});
    return SQLITE_OK;
  }
  if (name == "mmap_size") {
    rows->push_back({"0"});
    return SQLITE_OK;
  }
  if (name == "freelist_count") {
    // The program's database has no free pages: the server's storage
    // reclaims space itself.
    rows->push_back({"0"});
    return SQLITE_OK;
  }
  if (name == "schema_version") {
    const Connection::Attached* a = IsMain(db) ? nullptr : FindAttached(conn, db);
    rows->push_back({std::to_string(a != nullptr ? a->schema_version : conn->schema_version)});
    return SQLITE_OK;
  }
  if (name == "page_count") {
    // The server's storage of the database (tables, indexes, TOAST), in
    // pages of page_size: its real size, in SQLite's unit.
    const Connection::Attached* a = IsMain(db) ? nullptr : FindAttached(conn, db);
    std::string schema = a != nullptr ? a->schema : conn->schema;
    conn->TakeSession(nullptr);
    PgResult res = Exec(conn->pg,
                        "SELECT coalesce(sum(pg_catalog.pg_total_relation_size(c.oid)), 0) FROM "
                        "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                        "c.relnamespace WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname = " +
                            QuoteLiteral(schema));
    if (!Ok(res.get())) return conn->SetErrorFromServer(res.get());
    int64_t bytes = std::atoll(PQgetvalue(res.get(), 0, 0));
    int64_t page = std::max<int64_t>(512, ShadowInt(conn, "page_size"));
    rows->push_back({std::to_string((bytes + page - 1) / page)});
    return SQLITE_OK;
  }
  return SQLITE_OK;
}

// The session command for an effect's current value on the shadow.
std::string SessionSql(Connection* conn, const std::string& name) {
  bool on = ShadowInt(conn, name) != 0;
  if (name == "query_only") {
    return std::string("SET default_transaction_read_only = ") +
           (on || conn->readonly ? "on" : "off");
  }
  return "SET litelift." + name + " = " + (on ? "'on'" : "'off'");
}

// Before a read of a value SQLite keeps in the file (user_version,
// application_id): the server's, which another connection may have set
// since this one loaded it, put into the shadow.
int LoadPersisted(Statement* stmt) {
  Connection* conn = stmt->conn;
  const std::string& db = stmt->pragma_db;
  const Connection::Attached* a = IsMain(db) ? nullptr : FindAttached(conn, db);
  if (!IsMain(db) && a == nullptr) return SQLITE_OK;  // temp: the session's only
  std::string name = stmt->pragma->name;
  conn->TakeSession(nullptr);
  PgResult res = Exec(conn->pg, "SELECT " + name + " FROM litelift.databases WHERE db_schema = " +
                                    QuoteLiteral(a != nullptr ? a->schema : conn->schema));
  if (!Ok(res.get())) return conn->SetErrorFromServer(res.get());
  if (PQntuples(res.get()) != 1) return SQLITE_OK;
  std::string sql = "PRAGMA " + (a != nullptr ? "\"" + db + "\"." : std::string()) + name + " = " +
                    std::to_string(std::atoll(PQgetvalue(res.get(), 0, 0)));
  SQ(sqlite3_exec)(conn->shadow.db(), sql.c_str(), nullptr, nullptr, nullptr);
  return SQLITE_OK;
}

// A setting's effect besides the shadow, after the shadow ran it.
int ApplyEffect(Statement* stmt) {
  Connection* conn = stmt->conn;
  const std::string name = stmt->pragma->name;
  switch (stmt->pragma->effect) {
    case E::kNone:
      return SQLITE_OK;
    case E::kPersist: {
      const std::string& db = stmt->pragma_db;
      const Connection::Attached* a = IsMain(db) ? nullptr : FindAttached(conn, db);
      if (!IsMain(db) && a == nullptr) return SQLITE_OK;  // temp: the session's only
      std::string schema = a != nullptr ? a->schema : conn->schema;
      std::string qualified = (a != nullptr ? "\"" + db + "\"." : std::string()) + name;
      conn->TakeSession(nullptr);
      if (!conn->Run("UPDATE litelift.databases SET " + name + " = " +
                     std::to_string(ShadowInt(conn, qualified)) +
                     " WHERE db_schema = " + QuoteLiteral(schema))) {
        return conn->err_code;
      }
      return SQLITE_OK;
    }
    case E::kSession:
    case E::kReadOnly: {
      // litelift's foreign key triggers (catalog/foreign_keys.h) and its
      // trigger functions (catalog/trigger.h) read litelift.<name>.
      conn->pragma_state.session.insert(name);
      conn->TakeSession(nullptr);
      std::string sql = SessionSql(conn, name);
      PgResult res = Exec(conn->pg, sql);
      if (!Ok(res.get()))
        LL_WARN("[{}] failed on the server: {}", sql, ErrorText(conn->pg, res.get()));
      return SQLITE_OK;
    }
    case E::kBusyTimeout:
      conn->busy_timeout_ms = static_cast<int>(ShadowInt(conn, "busy_timeout"));
      return SQLITE_OK;
  }
  return SQLITE_OK;
}

}  // namespace

const std::vector<PragmaInfo>& PragmaTable() { return Rows(); }

const PragmaInfo* FindPragma(std::string_view name) {
  std::string l = Lower(name);
  for (const PragmaInfo& p : Rows()) {
    if (l == p.name) return &p;
  }
  return nullptr;
}

bool PragmaTurnsOn(const char* value) {
  std::string v = Lower(value);
  if (!v.empty() &&
      (std::isdigit(static_cast<unsigned char>(v[0])) || v[0] == '-' || v[0] == '+')) {
    return std::atoi(v.c_str()) != 0;
  }
  return v == "on" || v == "yes" || v == "true";
}

std::string PragmaRefusalMessage(const PragmaInfo& p, const char* value) {
  bool refused = false;
  switch (p.refusal) {
    case R::kNever:
      break;
    case R::kTurningOn:
      refused = value != nullptr && PragmaTurnsOn(value);
      break;
    case R::kSetting:
      refused = value != nullptr;
      break;
    case R::kAlways:
      refused = true;
      break;
  }
  if (!refused) return "";
  const char* what = p.refusal == R::kTurningOn ? " cannot be turned on"
                     : p.refusal == R::kSetting ? " cannot be set"
                                                : " is not supported";
  return std::string("litelift: PRAGMA ") + p.name + what +
         " for a database on the postgres route (" + p.why + ")";
}

bool PragmaUsesServer(const PragmaInfo& p, bool sets) {
  if (p.where == W::kAnswer) {
    std::string n = p.name;
    return n == "journal_mode" || n == "wal_checkpoint" || n == "page_count";
  }
  if (p.effect == E::kPersist) return true;  // read from the server (LoadPersisted) or stored
  return sets && p.effect != E::kNone && p.effect != E::kBusyTimeout;
}

int PreparePragma(Statement* stmt) {
  const PragmaInfo* p = stmt->pragma;
  if (p != nullptr && stmt->pragma_sets && p->where == W::kSetting && p->effect != E::kPersist) {
    // SQLite applies most settings while it prepares: a reused connection
    // puts this one back (ResetPragmas).
    stmt->conn->pragma_state.restore[p->name];
  }
  if (p == nullptr || p->where != W::kAnswer) return SQLITE_OK;
  // Rows come as a JSON array of arrays; the columns keep the shadow's names.
  int n = SQ(sqlite3_column_count)(stmt->shadow);
  if (n == 0) return SQLITE_OK;
  std::string select = "SELECT ";
  for (int i = 0; i < n; ++i) {
    std::string col = SQ(sqlite3_column_name)(stmt->shadow, i);
    std::string quoted = "\"";
    for (char c : col) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    select +=
        (i ? ", " : "") + std::string("j.value ->> ") + std::to_string(i) + " AS " + quoted + "\"";
  }
  select += " FROM json_each(?1) AS j";
  sqlite3_stmt* answer = nullptr;
  if (SQ(sqlite3_prepare_v2)(stmt->conn->rows_db, select.c_str(), -1, &answer, nullptr) !=
      SQLITE_OK) {
    return stmt->conn->SetError(SQLITE_NOMEM, "out of memory");
  }
  stmt->row = answer;
  return SQLITE_OK;
}

int StepPragma(Statement* stmt) {
  Connection* conn = stmt->conn;
  const PragmaInfo& p = *stmt->pragma;
  if (p.where == W::kAnswer) {
    if (stmt->row == nullptr) {  // a setting SQLite answers with no row
      std::vector<Row> rows;
      if (!stmt->started) {
        stmt->started = true;
        if (int rc = Answer(stmt, &rows); rc != SQLITE_OK) return rc;
      }
      return SQLITE_DONE;
    }
    if (!stmt->started) {
      stmt->started = true;
      std::vector<Row> rows;
      if (int rc = Answer(stmt, &rows); rc != SQLITE_OK) return rc;
      std::string json = "[";
      for (size_t i = 0; i < rows.size(); ++i) {
        json += i ? ",[" : "[";
        for (size_t k = 0; k < rows[i].size(); ++k) json += (k ? "," : "") + rows[i][k];
        json += "]";
      }
      json += "]";
      SQ(sqlite3_reset)(stmt->row);
      SQ(sqlite3_bind_text)(stmt->row, 1, json.c_str(), -1, SQLITE_TRANSIENT);
    }
    int rc = SQ(sqlite3_step)(stmt->row);
    stmt->row_active = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return conn->SetError(SQLITE_NOMEM, "out of memory");
    return rc;
  }
  bool first = !stmt->started;
  if (first && !stmt->pragma_sets && p.effect == E::kPersist) {
    if (int rc = LoadPersisted(stmt); rc != SQLITE_OK) return rc;
  }
  int rc = SQ(sqlite3_step)(stmt->shadow);
  stmt->row_active = false;
  stmt->started = true;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return conn->SetErrorFromShadow(rc);
  if (first && stmt->pragma_sets && p.takes_setting) {
    if (int e = ApplyEffect(stmt); e != SQLITE_OK) return e;
  }
  return rc;
}

bool ResetPragmas(Connection* conn) {
  PragmaState& st = conn->pragma_state;
  std::string server;
  for (const std::string& name : st.session) {
    server += name == "query_only" ? std::string("SET default_transaction_read_only = ") +
                                         (conn->readonly ? "on; " : "off; ")
                                   : "RESET litelift." + name + "; ";
  }
  if (!server.empty() && !Ok(Exec(conn->pg, server).get())) return false;
  if (!st.restore.empty()) {
    // A new connection's values: those of a new in-memory SQLite, as the
    // shadow was when it opened.
    sqlite3* fresh = nullptr;
    if (SQ(sqlite3_open_v2)(":memory:", &fresh, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      conn->shadow_dirty = true;
    }
    for (const auto& entry : st.restore) {
      const std::string& name = entry.first;
      std::string value;
      if (conn->shadow_dirty || !ReadPragma(fresh, name, &value)) {
        conn->shadow_dirty = true;  // nothing to put back (case_sensitive_like): a new shadow
        continue;
      }
      bool integer = !value.empty() && value.find_first_not_of("-0123456789") == std::string::npos;
      std::string sql = "PRAGMA " + name + " = " + (integer ? value : QuoteLiteral(value));
      if (SQ(sqlite3_exec)(conn->shadow.db(), sql.c_str(), nullptr, nullptr, nullptr) !=
          SQLITE_OK) {
        conn->shadow_dirty = true;
      }
    }
    SQ(sqlite3_close_v2)(fresh);
  }
  st = PragmaState();
  return true;
}

std::string PragmaSessionSql(Connection* conn) {
  std::string sql;
  for (const std::string& name : conn->pragma_state.session) sql += SessionSql(conn, name) + "; ";
  return sql;
}

}  // namespace litelift::compat
