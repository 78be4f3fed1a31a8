#include "libsqlite3-compat/pg/embedded_fts.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/embedded_write.h"
#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

std::string FtsModule(const std::string& create_sql) {
  std::vector<sql::Token> t = sql::SignificantTokens(create_sql);
  if (t.size() < 3 || !sql::IsWord(t[0], "CREATE") || !sql::IsWord(t[1], "VIRTUAL")) return "";
  for (size_t i = 2; i + 1 < t.size(); ++i) {
    if (!sql::IsWord(t[i], "USING")) continue;
    std::string storage;
    std::string module = Lower(std::string(sql::NameText(t[i + 1], &storage)));
    // (fts5vocab: no shadow tables, it reads its FTS5 table's index.)
    if (module == "fts5" || module == "fts5vocab") return module;
    return "";
  }
  return "";
}

std::vector<std::string> FtsShadowSuffixes(const std::string& module) {
  if (module == "fts5vocab") return {};
  return {"content", "data", "idx", "docsize", "config"};
}

namespace {

// A shadow table's columns, and its key: the rowid, or the PRIMARY KEY
// columns of a WITHOUT ROWID table.
struct LocalShape {
  std::string name, sql;
  std::vector<std::string> columns, key;
};

LocalShape ShapeOf(Connection* conn, const std::string& name) {
  LocalShape shape;
  shape.name = name;
  conn->shadow.ForEachRow("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                          name, [&](sqlite3_stmt* s) { shape.sql = ColumnText(s, 0); });
  std::vector<std::pair<int, std::string>> pk;
  conn->shadow.ForEachRow("SELECT name, pk FROM pragma_table_info(?1, 'main') ORDER BY cid", name,
                          [&](sqlite3_stmt* s) {
                            shape.columns.push_back(ColumnText(s, 0));
                            int k = SQ(sqlite3_column_int)(s, 1);
                            if (k > 0) pk.emplace_back(k, ColumnText(s, 0));
                          });
  bool without_rowid = Upper(shape.sql).find("WITHOUT ROWID") != std::string::npos;
  if (without_rowid) {
    std::sort(pk.begin(), pk.end());
    for (const auto& [k, c] : pk) shape.key.push_back(c);
  }
  return shape;
}

std::string ColumnList(const std::vector<std::string>& columns, const std::string& prefix) {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + prefix + QuoteIdent(c);
  return out;
}

std::string Params(size_t n, size_t first = 1) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += (i ? ", ?" : "?") + std::to_string(first + i);
  return out;
}

std::string SqlLiteral(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Runs sql on the engine, as litelift's own (EmbeddedEngine::own_sql);
// false with *error.
bool Exec(sqlite3* engine, const std::string& sql, std::string* error, Connection* conn = nullptr) {
  if (conn != nullptr) conn->embedded.own_sql = true;
  int rc = SQ(sqlite3_exec)(engine, sql.c_str(), nullptr, nullptr, nullptr);
  if (conn != nullptr) conn->embedded.own_sql = false;
  if (rc == SQLITE_OK) return true;
  *error = "litelift: the embedded engine cannot run [" + sql + "]: " + SQ(sqlite3_errmsg)(engine);
  return false;
}

// Copies the server's rows of shape's table into the engine's.
bool Load(Connection* conn, sqlite3* engine, const LocalShape& shape, std::string* error) {
  std::string table = "main." + QuoteIdent(shape.name);
  Statement* read = nullptr;
  if (conn->PrepareInternal("SELECT " + ColumnList(shape.columns, "") + " FROM " + table, &read) !=
      SQLITE_OK) {
    *error = conn->err_msg;
    return false;
  }
  sqlite3_stmt* insert = nullptr;
  std::string text = "INSERT INTO " + table + " VALUES (" + Params(shape.columns.size()) + ")";
  bool ok = SQ(sqlite3_prepare_v2)(engine, text.c_str(), -1, &insert, nullptr) == SQLITE_OK;
  if (!ok) *error = std::string("litelift: ") + SQ(sqlite3_errmsg)(engine);
  int rc = SQLITE_ROW;
  while (ok && (rc = read->Step()) == SQLITE_ROW) {
    sqlite3_stmt* row = read->Source();
    for (size_t i = 0; i < shape.columns.size(); ++i) {
      int k = static_cast<int>(i);
      SQ(sqlite3_bind_value)(insert, k + 1, SQ(sqlite3_column_value)(row, k));
    }
    if (SQ(sqlite3_step)(insert) != SQLITE_DONE) {
      *error = std::string("litelift: loading ") + shape.name + ": " + SQ(sqlite3_errmsg)(engine);
      ok = false;
    }
    SQ(sqlite3_reset)(insert);
  }
  if (ok && rc != SQLITE_DONE) {
    *error = conn->err_msg;
    ok = false;
  }
  SQ(sqlite3_finalize)(insert);
  conn->Finalize(read);
  return ok;
}

// The one-row statement of the connection for text: prepared once, kept
// (EmbeddedEngine::fts_writes), reset and bound with values.
Statement* WriteStatement(Connection* conn, const std::string& text) {
  Statement*& stmt = conn->embedded.fts_writes[text];
  if (stmt == nullptr) {
    if (conn->PrepareInternal(text, &stmt) != SQLITE_OK) {
      conn->embedded.fts_writes.erase(text);
      return nullptr;
    }
  } else {
    stmt->Reset();
  }
  return stmt;
}

// Runs one write on the server; false with the connection's error.
bool Forward(Connection* conn, const std::string& text, const std::vector<sqlite3_value*>& values) {
  Statement* stmt = WriteStatement(conn, text);
  if (stmt == nullptr) return false;
  for (size_t i = 0; i < values.size(); ++i) stmt->BindCopy(static_cast<int>(i + 1), values[i]);
  int rc = stmt->Step();
  if (rc != SQLITE_DONE) {
    std::string message = conn->err_msg;
    int code = conn->err_code;
    stmt->Reset();
    conn->SetError(code == SQLITE_OK || code == SQLITE_ROW ? SQLITE_ERROR : code, message);
    return false;
  }
  stmt->Reset();
  return true;
}

// The encoding of a WITHOUT ROWID row's key (AppendValue's).
void AppendValue(sqlite3_value* v, std::string* out);

// Records a row key of local as written: from the row before the change
// (old) or after it.
void MarkKey(sqlite3* engine, FtsLocal* local, bool old) {
  std::vector<sqlite3_value*> key;
  std::string encoded;
  for (int k : local->key) {
    sqlite3_value* v = nullptr;
    if (old) {
      SQ(sqlite3_preupdate_old)(engine, k, &v);
    } else {
      SQ(sqlite3_preupdate_new)(engine, k, &v);
    }
    AppendValue(v, &encoded);
    key.push_back(v);
  }
  if (local->dirty_keys.count(encoded) != 0) return;
  for (sqlite3_value*& v : key) v = SQ(sqlite3_value_dup)(v);
  local->dirty_keys.emplace(std::move(encoded), std::move(key));
}

// The engine's preupdate hook: each row the module writes to a local index
// table is marked written; FlushFts sends it to the server table of the
// same name, as the engine then has it. Nothing reaches the server here:
// a statement (or a transaction, EmbeddedEngine::Step) costs a few
// multi-row statements rather than a round trip per row.
void WriteThrough(void* arg, sqlite3* engine, int op, const char* db, const char* name,
                  sqlite3_int64 old_key, sqlite3_int64 new_key) {
  auto* conn = static_cast<Connection*>(arg);
  EmbeddedEngine& e = conn->embedded;
  if (db == nullptr || std::strcmp(db, "main") != 0) return;
  FtsLocal* local = nullptr;
  for (FtsLocal& l : e.fts_local) {
    if (l.name == name) local = &l;
  }
  if (local == nullptr) return;
  if (local->key.empty()) {
    if (op != SQLITE_INSERT) local->dirty_rowids.insert(old_key);
    if (op != SQLITE_DELETE) local->dirty_rowids.insert(new_key);
    return;
  }
  if (op != SQLITE_INSERT) MarkKey(engine, local, true);
  if (op != SQLITE_DELETE) MarkKey(engine, local, false);
}

// Up to 256 rows a statement, a power of two (a few texts, each prepared
// once), within the server's 65535 parameters.
size_t ChunkRows(size_t remaining, size_t per_row) {
  size_t n = 256;
  while (n > 1 && (n > remaining || n * per_row > 30000)) n /= 2;
  return n;
}

// A rowid as a value (bound through a statement of the engine).
sqlite3_value* RowidValue(sqlite3* engine, int64_t rowid) {
  sqlite3_value* v = nullptr;
  sqlite3_stmt* s = nullptr;
  SQ(sqlite3_prepare_v2)(engine, "SELECT ?1", -1, &s, nullptr);
  SQ(sqlite3_bind_int64)(s, 1, rowid);
  if (SQ(sqlite3_step)(s) == SQLITE_ROW) v = SQ(sqlite3_value_dup)(SQ(sqlite3_column_value)(s, 0));
  SQ(sqlite3_finalize)(s);
  return v;
}

void FreeValues(std::vector<sqlite3_value*>* values) {
  for (sqlite3_value* v : *values) SQ(sqlite3_value_free)(v);
  values->clear();
}

// The server side of local's written rows: their deletion by key, then
// the rows the engine has, in chunks.
bool FlushLocal(Connection* conn, sqlite3* engine, FtsLocal* local) {
  std::string table = "main." + QuoteIdent(local->name);
  size_t ncol = local->columns.size();
  // Every written key, as values; the engine's row for it, if any.
  std::vector<std::vector<sqlite3_value*>> keys;
  std::string where;
  if (local->key.empty()) {
    where = "rowid = ?1";
    for (int64_t rowid : local->dirty_rowids) keys.push_back({RowidValue(engine, rowid)});
  } else {
    for (size_t k = 0; k < local->key.size(); ++k) {
      where += (k ? " AND " : "") + QuoteIdent(local->columns[static_cast<size_t>(local->key[k])]) +
               " = ?" + std::to_string(k + 1);
    }
    for (auto& [encoded, values] : local->dirty_keys) {
      keys.push_back(values);
      values.clear();  // (now keys' to free)
    }
  }
  local->dirty_rowids.clear();
  local->dirty_keys.clear();
  sqlite3_stmt* read = nullptr;
  std::string text =
      "SELECT " + ColumnList(local->columns, "") + " FROM " + table + " WHERE " + where;
  bool ok = SQ(sqlite3_prepare_v2)(engine, text.c_str(), -1, &read, nullptr) == SQLITE_OK;
  if (!ok) conn->SetError(SQLITE_ERROR, std::string("litelift: ") + SQ(sqlite3_errmsg)(engine));
  std::vector<std::vector<sqlite3_value*>> gone;  // keys the engine no longer has
  std::vector<sqlite3_value*> rows;               // rows to write, ncol values each
  auto send_rows = [&](bool all) {
    while (ok && !rows.empty() && (all || rows.size() >= 256 * ncol)) {
      size_t n = ChunkRows(rows.size() / ncol, ncol);
      std::string sql =
          "INSERT OR REPLACE INTO " + table + " (" + ColumnList(local->columns, "") + ") VALUES ";
      for (size_t r = 0; r < n; ++r) sql += (r ? ", (" : "(") + Params(ncol, r * ncol + 1) + ")";
      std::vector<sqlite3_value*> chunk(rows.begin(), rows.begin() + static_cast<long>(n * ncol));
      ok = Forward(conn, sql, chunk);
      FreeValues(&chunk);
      rows.erase(rows.begin(), rows.begin() + static_cast<long>(n * ncol));
    }
  };
  for (std::vector<sqlite3_value*>& key : keys) {
    if (ok) {
      SQ(sqlite3_reset)(read);
      for (size_t k = 0; k < key.size(); ++k) {
        SQ(sqlite3_bind_value)(read, static_cast<int>(k + 1), key[k]);
      }
      if (SQ(sqlite3_step)(read) == SQLITE_ROW) {
        for (size_t c = 0; c < ncol; ++c) {
          rows.push_back(
              SQ(sqlite3_value_dup)(SQ(sqlite3_column_value)(read, static_cast<int>(c))));
        }
        FreeValues(&key);
        send_rows(false);
        continue;
      }
      gone.push_back(std::move(key));
      continue;
    }
    FreeValues(&key);
  }
  SQ(sqlite3_finalize)(read);
  size_t nkey = local->key.empty() ? 1 : local->key.size();
  for (size_t at = 0; ok && at < gone.size();) {
    size_t n = ChunkRows(gone.size() - at, nkey);
    std::string sql = "DELETE FROM " + table + " WHERE ";
    std::vector<sqlite3_value*> values;
    for (size_t r = 0; r < n; ++r) {
      std::string one = where;
      // (?k of the key -> its place in this statement)
      std::string renumbered;
      for (size_t i = 0; i < one.size(); ++i) {
        if (one[i] == '?' && i + 1 < one.size()) {
          size_t j = i + 1;
          while (j < one.size() && std::isdigit(static_cast<unsigned char>(one[j]))) ++j;
          renumbered += "?" + std::to_string(r * nkey + std::stoul(one.substr(i + 1, j - i - 1)));
          i = j - 1;
        } else {
          renumbered += one[i];
        }
      }
      sql += (r ? " OR (" : "(") + renumbered + ")";
      for (sqlite3_value* v : gone[at + r]) values.push_back(v);
    }
    ok = Forward(conn, sql, values);
    at += n;
  }
  for (std::vector<sqlite3_value*>& key : gone) FreeValues(&key);
  send_rows(true);
  FreeValues(&rows);
  return ok;
}

// The row that changes with every write of table's index: FTS5's
// structure record.
std::string VersionSql(const FtsTable& t) {
  return "SELECT block FROM main." + QuoteIdent(t.name + "_data") + " WHERE id = 10";
}

void AppendValue(sqlite3_value* v, std::string* out) {
  int type = SQ(sqlite3_value_type)(v);
  *out += static_cast<char>('0' + type);
  if (type == SQLITE_INTEGER) {
    *out += std::to_string(SQ(sqlite3_value_int64)(v));
  } else if (type != SQLITE_NULL) {
    const void* p = type == SQLITE_BLOB ? SQ(sqlite3_value_blob)(v)
                                        : static_cast<const void*>(SQ(sqlite3_value_text)(v));
    int n = SQ(sqlite3_value_bytes)(v);
    *out += std::to_string(n) + ":";
    if (n > 0) out->append(static_cast<const char*>(p), static_cast<size_t>(n));
  }
  *out += ';';
}

}  // namespace

std::vector<FtsTable> FindFtsTables(Connection* conn) {
  std::vector<FtsTable> out;
  conn->shadow.ForEachRow(
      "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE "
      "VIRTUAL%' ORDER BY rowid",
      "", [&](sqlite3_stmt* s) {
        FtsTable t;
        t.name = ColumnText(s, 0);
        t.sql = ColumnText(s, 1);
        t.module = FtsModule(t.sql);
        if (t.module.empty()) return;
        out.push_back(std::move(t));
      });
  for (FtsTable& t : out) {
    std::vector<std::string> suffixes = FtsShadowSuffixes(t.module);
    for (const std::string& suffix : suffixes) {
      std::string name = t.name + "_" + suffix;
      bool exists = false;
      conn->shadow.ForEachRow("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
                              name, [&](sqlite3_stmt*) { exists = true; });
      if (exists) t.local.push_back(name);  // (no content table: content='' or external)
    }
  }
  return out;
}

bool IsFtsLocal(const std::vector<FtsTable>& tables, const std::string& name) {
  std::string key = Lower(name);
  for (const FtsTable& t : tables) {
    if (Lower(t.name) == key) return true;
    for (const std::string& l : t.local) {
      if (Lower(l) == key) return true;
    }
  }
  return false;
}

bool BuildFts(Connection* conn, sqlite3* engine, const std::vector<FtsTable>& tables,
              std::string* error) {
  ClearFtsDirty(conn);
  conn->embedded.fts_local.clear();
  conn->embedded.fts_error.clear();
  if (tables.empty()) return true;
  for (const FtsTable& t : tables) {
    for (const std::string& name : t.local) {
      LocalShape shape = ShapeOf(conn, name);
      if (!Exec(engine, shape.sql, error)) return false;
      if (!Load(conn, engine, shape, error)) return false;
      FtsLocal local;
      local.name = name;
      local.columns = shape.columns;
      for (const std::string& k : shape.key) {
        for (size_t c = 0; c < shape.columns.size(); ++c) {
          if (shape.columns[c] == k) local.key.push_back(static_cast<int>(c));
        }
      }
      conn->embedded.fts_local.push_back(std::move(local));
    }
  }
  // The FTS tables' schema rows, as SQLite keeps them: the module then
  // connects (xConnect) to the tables above rather than making them.
  if (!Exec(engine, "PRAGMA writable_schema = ON", error)) return false;
  for (const FtsTable& t : tables) {
    std::string row =
        "INSERT INTO main.sqlite_schema (type, name, tbl_name, rootpage, sql) VALUES ('table', " +
        SqlLiteral(t.name) + ", " + SqlLiteral(t.name) + ", 0, " + SqlLiteral(t.sql) + ")";
    if (!Exec(engine, row, error)) return false;
  }
  if (!Exec(engine, "PRAGMA writable_schema = RESET", error)) return false;
  SQ(sqlite3_preupdate_hook)(engine, WriteThrough, conn);
  return true;
}

bool FtsStale(Connection* conn, sqlite3* engine, const std::vector<FtsTable>& tables) {
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  for (const FtsTable& t : tables) {
    if (t.module != "fts5") continue;  // (a vocabulary table reads its FTS5 table's)
    std::string sql = VersionSql(t);
    std::string server, local;
    Statement* read = nullptr;
    if (conn->PrepareInternal(sql, &read) != SQLITE_OK) return true;
    int rc;
    while ((rc = read->Step()) == SQLITE_ROW) {
      sqlite3_stmt* row = read->Source();
      for (int i = 0; i < SQ(sqlite3_column_count)(row); ++i) {
        AppendValue(SQ(sqlite3_column_value)(row, i), &server);
      }
      server += '\n';
    }
    conn->Finalize(read);
    if (rc != SQLITE_DONE) return true;
    sqlite3_stmt* mine = nullptr;
    if (SQ(sqlite3_prepare_v2)(engine, sql.c_str(), -1, &mine, nullptr) != SQLITE_OK) return true;
    while (SQ(sqlite3_step)(mine) == SQLITE_ROW) {
      for (int i = 0; i < SQ(sqlite3_column_count)(mine); ++i) {
        AppendValue(SQ(sqlite3_column_value)(mine, i), &local);
      }
      local += '\n';
    }
    SQ(sqlite3_finalize)(mine);
    if (server != local) {
      LL_DEBUG("the embedded engine's index of {} is behind the server's: made again", t.name);
      return true;
    }
  }
  return false;
}

void EmbeddedEngine::CheckFts(Connection* conn) {
  if (db_ == nullptr) return;  // made anew by Ready
  // The program's transaction ended without its COMMIT or ROLLBACK (a
  // failure rolled it back): so does the engine's.
  if (fts_open_ && conn->Autocommit()) FtsEnded(conn, false);
  // (A write-through failure leaves the engine's copy ahead of the server.)
  bool ended = (fts_txn_write_ && conn->Autocommit()) || !fts_error.empty();
  if (ended) {
    LL_DEBUG("a transaction that wrote an FTS index ended: the engine is made again");
    fts_txn_write_ = false;
    Close();
  } else if (fts_open_ && fts_written_) {
    // This connection writes the index in its open transaction: its copy
    // is the transaction's.
  } else if (FtsStale(conn, db_, fts_)) {
    Close();
  }
}

void EmbeddedEngine::FtsWritten(Connection* conn) {
  if (fts_open_) {
    fts_written_ = true;
  } else if (!conn->Autocommit()) {
    fts_txn_write_ = true;
  }
}

void EmbeddedEngine::BeginFts(Connection* conn) {
  if (db_ == nullptr || fts_open_ || fts_.empty() || conn->Autocommit()) return;
  std::string error;
  if (SQ(sqlite3_get_autocommit)(db_) != 0 && Exec(db_, "BEGIN", &error, conn)) fts_open_ = true;
}

int EmbeddedEngine::FtsBeforeTxn(Connection* conn, FtsTxn what) {
  if (db_ == nullptr || what == FtsTxn::kBegin) return SQLITE_OK;
  if (fts_open_ && conn->Autocommit()) FtsEnded(conn, false);
  if (fts_open_ && what == FtsTxn::kRollback) {
    std::string ignored;
    Exec(db_, "ROLLBACK", &ignored, conn);  // (the module drops its pending terms)
    ClearFtsDirty(conn);
    fts_open_ = fts_written_ = false;
  } else if (fts_open_) {
    // The module flushes its pending terms at the engine's COMMIT (xSync):
    // those rows and the others go to the server before the program's
    // COMMIT or savepoint.
    std::string error;
    bool open = SQ(sqlite3_get_autocommit)(db_) == 0;  // (a failure may have ended it)
    int64_t total_before = SQ(sqlite3_total_changes64)(db_);
    if (open && !Exec(db_, "COMMIT", &error, conn)) {
      fts_error = error;
      return conn->SetError(SQ(sqlite3_extended_errcode)(db_), error);
    }
    bool wrote = fts_written_;
    fts_open_ = fts_written_ = false;
    if (!FlushFts(conn, db_)) return conn->SetError(fts_error_code, fts_error);
    // SQLite's module writes its pending terms at the SAVEPOINT, RELEASE or
    // COMMIT (xSavepoint, xRelease, xSync) with statements of its own, whose
    // count changes() then is: the engine's COMMIT did the same writes.
    if (what != FtsTxn::kRollbackTo && SQ(sqlite3_total_changes64)(db_) != total_before) {
      conn->changes = SQ(sqlite3_changes64)(db_);
    }
    seen_total_ = SQ(sqlite3_total_changes64)(db_);
    // Committed in the engine, not yet on the server.
    if (wrote) fts_txn_write_ = true;
  }
  // A ROLLBACK TO may undo what the engine committed: made again.
  if (what == FtsTxn::kRollbackTo && fts_txn_write_) Close();
  return SQLITE_OK;
}

void EmbeddedEngine::FtsEnded(Connection* conn, bool committed) {
  if (fts_open_) {
    std::string ignored;
    if (db_ != nullptr) Exec(db_, "ROLLBACK", &ignored, conn);
    ClearFtsDirty(conn);
    fts_open_ = fts_written_ = false;
  }
  // Committed: the engine's copy is the server's.
  if (committed) fts_txn_write_ = false;
}

int EmbeddedEngine::FtsBeforeStatement(Connection* conn, bool schema) {
  if (db_ == nullptr) return SQLITE_OK;
  if (fts_open_ && conn->Autocommit()) FtsEnded(conn, false);
  if (schema && fts_open_) return FtsBeforeTxn(conn, FtsTxn::kSavepoint);
  if (!FtsDirty(conn)) return SQLITE_OK;
  if (!FlushFts(conn, db_)) return conn->SetError(fts_error_code, fts_error);
  return SQLITE_OK;
}

bool FtsDirty(const Connection* conn) {
  for (const FtsLocal& l : conn->embedded.fts_local) {
    if (!l.dirty_rowids.empty() || !l.dirty_keys.empty()) return true;
  }
  return false;
}

bool FlushFts(Connection* conn, sqlite3* engine) {
  EmbeddedEngine& e = conn->embedded;
  if (!FtsDirty(conn)) return true;
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  // The program's changes() and last_insert_rowid() are left as they were.
  int64_t changes = conn->changes, rowid = conn->last_insert_rowid, total = conn->total_changes;
  bool ok = true;
  for (FtsLocal& l : e.fts_local) {
    if (ok) {
      ok = FlushLocal(conn, engine, &l);
    } else {
      l.dirty_rowids.clear();
      for (auto& [encoded, values] : l.dirty_keys) FreeValues(&values);
      l.dirty_keys.clear();
    }
  }
  if (!ok && e.fts_error.empty()) {
    e.fts_error = conn->err_msg;
    e.fts_error_code = conn->err_code;
  }
  conn->changes = changes;
  conn->last_insert_rowid = rowid;
  conn->total_changes = total;
  return ok;
}

void ClearFtsDirty(Connection* conn) {
  for (FtsLocal& l : conn->embedded.fts_local) {
    l.dirty_rowids.clear();
    for (auto& [encoded, values] : l.dirty_keys) FreeValues(&values);
    l.dirty_keys.clear();
  }
}

void DropFtsWrites(Connection* conn) {
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  for (auto& [sql, stmt] : conn->embedded.fts_writes) conn->Finalize(stmt);
  conn->embedded.fts_writes.clear();
}

namespace {

// What a name or string token says: an FTS5 option's value may be either
// (content='notes', content=notes), a command is a string ('rebuild').
std::string TokenValue(const sql::Token& t) {
  if (t.type == sql::TokenType::kString) return sql::UnquotedString(t.text);
  std::string storage;
  return std::string(sql::NameText(t, &storage));
}

// An FTS5 table's columns and its content= and content_rowid= options.
struct FtsOptions {
  std::vector<std::string> columns;
  std::string content, content_rowid = "rowid";
};

FtsOptions OptionsOf(const std::string& create_sql) {
  FtsOptions out;
  std::vector<sql::Token> t = sql::SignificantTokens(create_sql);
  std::string storage;
  size_t i = 0;
  while (i < t.size() && t[i].text != "(") ++i;
  std::vector<const sql::Token*> arg;
  int depth = 0;
  auto finish = [&] {
    if (arg.empty()) return;
    if (arg.size() >= 3 && arg[1]->text == "=") {
      std::string key = Lower(std::string(sql::NameText(*arg[0], &storage)));
      std::string value = TokenValue(*arg[2]);
      if (key == "content") out.content = value;
      if (key == "content_rowid") out.content_rowid = value;
    } else {
      out.columns.emplace_back(sql::NameText(*arg[0], &storage));
    }
    arg.clear();
  };
  for (++i; i < t.size(); ++i) {
    if (t[i].text == "(") ++depth;
    if (t[i].text == ")" && depth-- == 0) break;
    if (depth == 0 && t[i].text == ",") {
      finish();
    } else {
      arg.push_back(&t[i]);
    }
  }
  finish();
  return out;
}

// The FTS5 table whose 'rebuild' command sql is, if it has external
// content: INSERT INTO ft (ft[, rank]) VALUES ('rebuild'[, ...]).
const FtsTable* RebuildOf(const std::string& sql, const std::vector<FtsTable>& tables) {
  std::vector<sql::Token> t = sql::SignificantTokens(sql);
  std::string storage;
  size_t i = 0;
  if (t.empty() || !sql::IsWord(t[0], "INSERT")) return nullptr;
  while (i < t.size() && !sql::IsWord(t[i], "INTO")) ++i;
  if (i + 1 >= t.size()) return nullptr;
  size_t at = i + 1;
  if (at + 2 < t.size() && t[at + 1].text == ".") {
    if (Lower(std::string(sql::NameText(t[at], &storage))) != "main") return nullptr;
    at += 2;
  }
  std::string name = Lower(std::string(sql::NameText(t[at], &storage)));
  const FtsTable* table = nullptr;
  for (const FtsTable& f : tables) {
    if (f.module == "fts5" && Lower(f.name) == name) table = &f;
  }
  if (table == nullptr || at + 7 >= t.size() || t[at + 1].text != "(") return nullptr;
  if (Lower(std::string(sql::NameText(t[at + 2], &storage))) != name) return nullptr;
  size_t v = at + 3;
  while (v < t.size() && !sql::IsWord(t[v], "VALUES")) ++v;
  if (v + 2 >= t.size() || t[v + 1].text != "(" || t[v + 2].type != sql::TokenType::kString)
    return nullptr;
  if (Lower(TokenValue(t[v + 2])) != "rebuild") return nullptr;
  if (OptionsOf(table->sql).content.empty()) return nullptr;
  return table;
}

}  // namespace

int StepFtsWrite(Connection* conn, sqlite3_stmt* row) {
  EmbeddedEngine& e = conn->embedded;
  const FtsTable* table = nullptr;
  if (!e.fts().empty()) {
    char* expanded = SQ(sqlite3_expanded_sql)(row);
    if (expanded != nullptr) table = RebuildOf(expanded, e.fts());
    SQ(sqlite3_free)(expanded);
  }
  if (table == nullptr) {
    int rc = SQ(sqlite3_step)(row);
    while (rc == SQLITE_ROW) rc = SQ(sqlite3_step)(row);
    return rc;
  }
  FtsOptions o = OptionsOf(table->sql);
  std::string ft = "main." + QuoteIdent(table->name);
  std::string insert = "INSERT INTO " + ft + " (rowid",
              select = "SELECT T." + QuoteIdent(o.content_rowid);
  for (const std::string& c : o.columns) {
    insert += ", " + QuoteIdent(c);
    select += ", T." + QuoteIdent(c);
  }
  select +=
      " FROM main." + QuoteIdent(o.content) + " AS T ORDER BY T." + QuoteIdent(o.content_rowid);
  sqlite3* engine = SQ(sqlite3_db_handle)(row);
  std::string error;
  bool ok =
      Exec(engine, "SAVEPOINT litelift_fts_rebuild", &error, conn) &&
      Exec(engine, "INSERT INTO " + ft + " (" + QuoteIdent(table->name) + ") VALUES ('delete-all')",
           &error) &&
      Exec(engine, insert + ") " + select, &error);
  if (ok) ok = Exec(engine, "RELEASE litelift_fts_rebuild", &error, conn);
  if (ok) {
    // SQLite's counts for the command: its one row, last_insert_rowid 0.
    SQ(sqlite3_set_last_insert_rowid)(engine, 0);
    e.command_changes = 1;
    return SQLITE_DONE;
  }
  int code = SQ(sqlite3_extended_errcode)(engine);
  std::string ignored;
  Exec(engine, "ROLLBACK TO litelift_fts_rebuild", &ignored, conn);
  Exec(engine, "RELEASE litelift_fts_rebuild", &ignored, conn);
  if (e.fts_error.empty()) {
    e.fts_error = error;
    e.fts_error_code = code == SQLITE_OK ? SQLITE_ERROR : code;
  }
  return e.fts_error_code;
}

bool WritesFts(const std::string& trigger_sql, const std::vector<std::string>& fts_names) {
  std::string storage;
  for (const sql::Token& t : sql::SignificantTokens(trigger_sql)) {
    if (t.type != sql::TokenType::kWord && t.type != sql::TokenType::kQuotedName &&
        t.type != sql::TokenType::kString) {
      continue;
    }
    std::string name = Lower(std::string(sql::NameText(t, &storage)));
    for (const std::string& f : fts_names) {
      if (Lower(f) == name) return true;
    }
  }
  return false;
}

namespace {

bool IsRowidName(const std::string& lower) {
  return lower == "rowid" || lower == "oid" || lower == "_rowid_";
}

// Parses a CREATE TRIGGER text into t (false when it is not one the engine
// can run: INSTEAD OF, or no BEGIN ... END).
bool ParseTrigger(const std::string& text, const std::vector<std::string>& columns, FtsTrigger* t) {
  std::vector<sql::Token> w = sql::SignificantTokens(text);
  std::string storage;
  size_t on = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    if (sql::IsWord(w[i], "ON")) {
      on = i;
      break;
    }
  }
  if (on == 0) return false;
  for (size_t i = 0; i < on; ++i) {
    if (sql::IsWord(w[i], "BEFORE")) t->before = true;
    if (sql::IsWord(w[i], "INSTEAD")) return false;
    if (sql::IsWord(w[i], "INSERT")) t->op = SQLITE_INSERT;
    if (sql::IsWord(w[i], "DELETE")) t->op = SQLITE_DELETE;
    if (sql::IsWord(w[i], "UPDATE")) {
      t->op = SQLITE_UPDATE;
      if (i + 1 < on && sql::IsWord(w[i + 1], "OF")) {
        for (size_t k = i + 2; k < on; ++k) {
          if (w[k].text != ",") t->of.push_back(Lower(std::string(sql::NameText(w[k], &storage))));
        }
      }
    }
  }
  size_t begin = on, end = w.size();
  while (begin < w.size() && !sql::IsWord(w[begin], "BEGIN")) ++begin;
  while (end > begin && !sql::IsWord(w[end - 1], "END")) --end;
  if (begin >= w.size() || end <= begin + 1) return false;
  --end;  // the END
  // new.x / old.x as parameters, in the text of `from`..`to`.
  auto text_of = [&](size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to; ++i) {
      std::string word = Lower(std::string(w[i].text));
      if (w[i].type == sql::TokenType::kWord && (word == "new" || word == "old") && i + 2 < to &&
          w[i + 1].text == ".") {
        std::string column = Lower(std::string(sql::NameText(w[i + 2], &storage)));
        int index = -2;
        for (size_t c = 0; c < columns.size(); ++c) {
          if (Lower(columns[c]) == column) index = static_cast<int>(c);
        }
        if (index == -2 && IsRowidName(column)) index = -1;
        if (index != -2) {
          t->params.emplace_back(word == "new", index);
          out += " ?" + std::to_string(t->params.size());
          i += 2;
          continue;
        }
      }
      out += " " + std::string(w[i].text);
    }
    return out;
  };
  for (size_t i = on; i < begin; ++i) {
    if (sql::IsWord(w[i], "WHEN")) {
      t->when = text_of(i + 1, begin);
      break;
    }
  }
  size_t from = begin + 1;
  int depth = 0;
  for (size_t i = begin + 1; i <= end; ++i) {
    if (i < end && w[i].text == "(") ++depth;
    if (i < end && w[i].text == ")") --depth;
    if (i == end || (depth == 0 && w[i].text == ";")) {
      if (i > from) t->statements.push_back(text_of(from, i));
      from = i + 1;
    }
  }
  return true;
}

// Runs sql on engine with the trigger's parameters; *truth is the first
// column of its first row when asked for. An SQLite code, *error set.
int RunTriggerStatement(sqlite3* engine, const std::string& sql, const FtsTrigger& t,
                        const std::vector<sqlite3_value*>& olds,
                        const std::vector<sqlite3_value*>& news, std::string* error,
                        bool* truth = nullptr) {
  sqlite3_stmt* s = nullptr;
  int rc = SQ(sqlite3_prepare_v2)(engine, sql.c_str(), -1, &s, nullptr);
  if (rc == SQLITE_OK) {
    for (size_t k = 0; k < t.params.size(); ++k) {
      const auto& [is_new, column] = t.params[k];
      const std::vector<sqlite3_value*>& row = is_new ? news : olds;
      size_t at = static_cast<size_t>(column + 1);  // [0] is the rowid
      if (at < row.size() && row[at] != nullptr) {
        SQ(sqlite3_bind_value)(s, static_cast<int>(k + 1), row[at]);
      }
    }
    while ((rc = SQ(sqlite3_step)(s)) == SQLITE_ROW) {
      if (truth != nullptr) *truth = SQ(sqlite3_column_int)(s, 0) != 0;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  if (rc != SQLITE_OK) *error = SQ(sqlite3_errmsg)(engine);
  SQ(sqlite3_finalize)(s);
  return rc == SQLITE_OK ? rc : SQ(sqlite3_extended_errcode)(engine);
}

int FireTriggers(WriteTarget* target, const std::vector<FtsTrigger>& triggers, bool before, int op,
                 const std::vector<sqlite3_value*>& olds, const std::vector<sqlite3_value*>& news,
                 std::string* error) {
  sqlite3* engine = target->engine;
  for (const FtsTrigger& t : triggers) {
    if (t.before != before || t.op != op) continue;
    if (op == SQLITE_UPDATE && !t.of.empty()) {
      bool set = false;
      for (size_t c = 0; c < target->columns.size(); ++c) {
        if (std::find(t.of.begin(), t.of.end(), Lower(target->columns[c])) == t.of.end()) continue;
        set = set || (c + 1 < news.size() && news[c + 1] != nullptr && olds.size() > c + 1 &&
                      news[c + 1] != olds[c + 1]);
      }
      if (!set) continue;
    }
    if (!t.when.empty()) {
      bool truth = false;
      std::string sql = "SELECT CASE WHEN (" + t.when + ") THEN 1 ELSE 0 END";
      if (int rc = RunTriggerStatement(engine, sql, t, olds, news, error, &truth); rc != SQLITE_OK)
        return rc;
      if (!truth) continue;
    }
    for (const std::string& sql : t.statements) {
      if (int rc = RunTriggerStatement(engine, sql, t, olds, news, error); rc != SQLITE_OK)
        return rc;
    }
  }
  return SQLITE_OK;
}

}  // namespace

std::vector<FtsTrigger> FtsTriggersOf(Connection* conn, const std::string& table,
                                      const std::vector<std::string>& columns,
                                      const std::vector<FtsTable>& tables) {
  std::vector<FtsTrigger> out;
  if (tables.empty()) return out;
  std::vector<std::string> names;
  for (const FtsTable& t : tables) names.push_back(t.name);
  std::vector<std::pair<std::string, std::string>> found;
  conn->shadow.ForEachRow(
      "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = "
      "lower(?1) ORDER BY rowid DESC",
      table, [&](sqlite3_stmt* s) { found.emplace_back(ColumnText(s, 0), ColumnText(s, 1)); });
  for (const auto& [name, sql] : found) {
    if (!WritesFts(sql, names)) continue;
    FtsTrigger t;
    t.name = name;
    if (ParseTrigger(sql, columns, &t)) out.push_back(std::move(t));
  }
  return out;
}

int WithFtsTriggers(WriteTarget* target, const std::vector<FtsTrigger>& triggers, int argc,
                    sqlite3_value** argv, sqlite3_int64* rowid, std::string* error,
                    const std::function<int()>& write) {
  if (triggers.empty()) return write();
  int op = argc == 1                                        ? SQLITE_DELETE
           : SQ(sqlite3_value_type)(argv[0]) == SQLITE_NULL ? SQLITE_INSERT
                                                            : SQLITE_UPDATE;
  Connection* conn = target->conn;
  size_t n = target->columns.size();
  // Old: the server's row ([0] the rowid); new: the statement's values,
  // the columns it does not set taken from old.
  std::vector<sqlite3_value*> olds(n + 1, nullptr), news(n + 1, nullptr), owned;
  auto keep = [&](sqlite3_value* v) {
    sqlite3_value* copy = SQ(sqlite3_value_dup)(v);
    owned.push_back(copy);
    return copy;
  };
  int rc = SQLITE_OK;
  if (op != SQLITE_INSERT) {
    std::lock_guard<std::recursive_mutex> lock(conn->mu);
    std::string sql = "SELECT rowid";
    for (const std::string& c : target->columns) sql += ", " + QuoteIdent(c);
    sql += " FROM " + QuoteIdent(target->db) + "." + QuoteIdent(target->name) + " WHERE rowid = ?1";
    Statement* read = nullptr;
    rc = conn->PrepareInternal(sql, &read);
    if (rc == SQLITE_OK) {
      read->BindCopy(1, argv[0]);
      if (read->Step() == SQLITE_ROW) {
        for (size_t i = 0; i <= n; ++i) {
          olds[i] = keep(SQ(sqlite3_column_value)(read->Source(), static_cast<int>(i)));
        }
      }
      conn->Finalize(read);
    } else {
      *error = conn->err_msg;
    }
  }
  if (rc == SQLITE_OK && op != SQLITE_DELETE) {
    news[0] = argv[1];
    for (size_t i = 0; i < n; ++i) {
      sqlite3_value* v = argv[2 + i];
      news[i + 1] = SQ(sqlite3_value_nochange)(v) != 0 ? olds[i + 1] : v;
    }
    if (target->rowid_alias >= 0 && SQ(sqlite3_value_type)(news[0]) == SQLITE_NULL) {
      news[0] = news[static_cast<size_t>(target->rowid_alias) + 1];
    }
  }
  // The trigger's own statements leave last_insert_rowid() as it was.
  sqlite3_int64 last = SQ(sqlite3_last_insert_rowid)(target->engine);
  if (rc == SQLITE_OK) rc = FireTriggers(target, triggers, true, op, olds, news, error);
  if (rc == SQLITE_OK) rc = write();
  if (rc == SQLITE_OK && op == SQLITE_INSERT) {
    sqlite3_value* id = nullptr;
    sqlite3_stmt* s = nullptr;
    // new.rowid (and the INTEGER PRIMARY KEY) after the insert: the
    // server's.
    SQ(sqlite3_prepare_v2)(target->engine, "SELECT ?1", -1, &s, nullptr);
    SQ(sqlite3_bind_int64)(s, 1, *rowid);
    if (SQ(sqlite3_step)(s) == SQLITE_ROW) id = keep(SQ(sqlite3_column_value)(s, 0));
    SQ(sqlite3_finalize)(s);
    news[0] = id;
    if (target->rowid_alias >= 0) news[static_cast<size_t>(target->rowid_alias) + 1] = id;
  }
  if (rc == SQLITE_OK) rc = FireTriggers(target, triggers, false, op, olds, news, error);
  SQ(sqlite3_set_last_insert_rowid)(target->engine, last);
  for (sqlite3_value* v : owned) SQ(sqlite3_value_free)(v);
  return rc;
}

}  // namespace litelift::compat
