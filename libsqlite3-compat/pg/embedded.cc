#include "libsqlite3-compat/pg/embedded.h"

#include <cstring>
#include <memory>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/embedded_write.h"
#include "libsqlite3-compat/sql/translate.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

std::string EmbeddedReason(const std::string& translate_error,
                           const std::vector<Registration>& registered) {
  static const std::string kFunction = "no such function: ";
  static const std::string kCollation = "no such collation sequence: ";
  bool collation = false;
  std::string name;
  if (translate_error.rfind(kFunction, 0) == 0) {
    name = translate_error.substr(kFunction.size());
  } else if (translate_error.rfind(kCollation, 0) == 0) {
    name = translate_error.substr(kCollation.size());
    collation = true;
  } else {
    return "";
  }
  std::string key = Lower(name);
  for (auto it = registered.rbegin(); it != registered.rend(); ++it) {
    if (Lower(it->name) != key) continue;
    if (collation != (it->kind == Registration::Kind::kCollation)) continue;
    bool defined =
        collation ? it->compare != nullptr : (it->func != nullptr || it->step != nullptr);
    if (!defined) continue;  // a later call removed it; an earlier one may stand
    return (collation ? "collation " : "function ") + it->name + " is the program's";
  }
  return "";
}

namespace {

// SQLite's affinity rules for a declared type: whether it is numeric
// (INTEGER, REAL or NUMERIC), where the server's comparison of a pushed
// constraint is exact whatever the other operand's affinity.
bool NumericAffinity(const std::string& declared) {
  std::string t = Upper(declared);
  if (t.find("INT") != std::string::npos) return true;
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return false;
  }
  if (t.empty() || t.find("BLOB") != std::string::npos) return false;
  return true;  // REAL, FLOA, DOUB, and NUMERIC for every other name
}

// One routed table as the embedded engine sees it.
struct ServerTable {
  sqlite3_vtab base;  // first: SQLite's part
  Connection* conn = nullptr;
  std::string db, name;  // as the shadow knows them
  std::vector<std::string> columns, collations;
  std::vector<char> numeric;  // NumericAffinity of each column
  std::vector<char> indexed;  // leads an index
  int rowid_alias = -1;       // the INTEGER PRIMARY KEY column, or -1
  bool without_rowid = false;
  std::string select;                    // SELECT rowid, c1, ... FROM db.t
  WriteTarget write;                     // xUpdate's (embedded_write.h)
  std::vector<FtsTrigger> fts_triggers;  // the program's, writing an FTS table
  // Scans' server statements no cursor holds, by text: a cursor closed at
  // the end of each run of the program's statement leaves its statement
  // here for the next run's xFilter (a point read prepares nothing).
  std::vector<std::pair<std::string, Statement*>> idle;
};

// At most this many idle statements per table (one per plan text in use).
constexpr size_t kIdleStatements = 4;

// A scan: one server statement (its text is the plan's idxStr), run again
// for each xFilter with the same plan.
struct ServerCursor {
  sqlite3_vtab_cursor base;
  ServerTable* table = nullptr;
  Statement* stmt = nullptr;
  std::string sql;  // stmt's text
  bool eof = true;
  int64_t counter = 0;  // the rowid of a WITHOUT ROWID table's row
  int64_t fetched = 0;  // rows read since xFilter
};

void SetVtabError(sqlite3_vtab* vtab, const std::string& message) {
  if (vtab->zErrMsg != nullptr) SQ(sqlite3_free)(vtab->zErrMsg);
  auto* copy = static_cast<char*>(SQ(sqlite3_malloc)(static_cast<int>(message.size() + 1)));
  if (copy != nullptr) std::memcpy(copy, message.c_str(), message.size() + 1);
  vtab->zErrMsg = copy;
}

int Connect(sqlite3* db, void* aux, int argc, const char* const* argv, sqlite3_vtab** out,
            char** err) {
  auto* conn = static_cast<Connection*>(aux);
  if (argc < 3) return SQLITE_ERROR;
  std::string dbname = argv[1], name = argv[2];
  const sql::TableShape* shape = conn->shadow.Table(sql::ShapeKey(dbname, name));
  if (shape == nullptr) {
    *err =
        SQ(sqlite3_mprintf)("litelift: no table %s.%s in the shadow", dbname.c_str(), name.c_str());
    return SQLITE_ERROR;
  }
  auto table = std::make_unique<ServerTable>();
  std::memset(&table->base, 0, sizeof(table->base));
  table->conn = conn;
  table->db = dbname;
  table->name = shape->name;
  table->without_rowid = shape->without_rowid;
  std::string declare = "CREATE TABLE x(";
  table->select = table->without_rowid ? "SELECT " : "SELECT rowid";
  for (size_t i = 0; i < shape->columns.size(); ++i) {
    const std::string& c = shape->columns[i];
    std::string collation = i < shape->collations.size() ? shape->collations[i] : "";
    declare += (i ? ", " : "") + QuoteIdent(c) + " " + shape->types[i];
    if (!collation.empty()) declare += " COLLATE " + QuoteIdent(collation);
    table->select += (i || !table->without_rowid ? ", " : " ") + QuoteIdent(c);
    table->columns.push_back(c);
    table->collations.push_back(collation.empty() ? "BINARY" : collation);
    table->numeric.push_back(NumericAffinity(shape->types[i]));
    if (Lower(c) == Lower(shape->rowid_column)) table->rowid_alias = static_cast<int>(i);
    bool generated = false;
    for (const std::string& g : shape->generated) generated = generated || Lower(g) == Lower(c);
    table->write.generated.push_back(generated ? 1 : 0);
  }
  table->write.conn = conn;
  table->write.engine = db;
  table->write.db = dbname;
  table->write.name = table->name;
  table->write.columns = table->columns;
  table->write.rowid_alias = table->rowid_alias;
  table->write.without_rowid = table->without_rowid;
  declare += ")";
  if (dbname == "main") {
    table->fts_triggers = FtsTriggersOf(conn, table->name, table->columns, conn->embedded.fts());
  }
  table->select += " FROM " + QuoteIdent(dbname) + "." + QuoteIdent(table->name);
  // The columns that lead an index: an equality on them finds a few rows.
  table->indexed.assign(table->columns.size(), 0);
  conn->shadow.ForEachRow(
      "SELECT ii.name FROM pragma_index_list(?1, '" + dbname +
          "') AS il, pragma_index_info(il.name, '" + dbname + "') AS ii WHERE ii.seqno = 0",
      table->name, [&](sqlite3_stmt* s) {
        const char* col = reinterpret_cast<const char*>(SQ(sqlite3_column_text)(s, 0));
        if (col == nullptr) return;
        for (size_t i = 0; i < table->columns.size(); ++i) {
          if (Lower(table->columns[i]) == Lower(col)) table->indexed[i] = 1;
        }
      });
  int rc = SQ(sqlite3_declare_vtab)(db, declare.c_str());
  // A row the server refuses under OR IGNORE is skipped, not counted.
  if (rc == SQLITE_OK) SQ(sqlite3_vtab_config)(db, SQLITE_VTAB_CONSTRAINT_SUPPORT, 1);
  if (rc != SQLITE_OK) {
    *err = SQ(sqlite3_mprintf)("litelift: cannot declare %s: %s", name.c_str(),
                               SQ(sqlite3_errmsg)(db));
    return rc;
  }
  *out = &table.release()->base;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  auto* table = reinterpret_cast<ServerTable*>(vtab);
  DropWrites(&table->write);
  if (!table->idle.empty()) {
    std::lock_guard<std::recursive_mutex> lock(table->conn->mu);
    for (auto& [sql, stmt] : table->idle) table->conn->Finalize(stmt);
    table->idle.clear();
  }
  if (vtab->zErrMsg != nullptr) SQ(sqlite3_free)(vtab->zErrMsg);
  delete table;
  return SQLITE_OK;
}

// Pushes each usable constraint whose server answer is SQLite's: on the
// rowid and numeric columns always (under the column's collation); on
// other columns only against a literal (a column of the other side might
// bring its own affinity, which the pushed parameter would not have).
int BestIndex(sqlite3_vtab* vtab, sqlite3_index_info* info) {
  auto* table = reinterpret_cast<ServerTable*>(vtab);
  std::string where;
  int args = 0;
  bool unique = false;
  double rows = 1e6;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable) continue;
    const char* op = nullptr;
    bool has_arg = true;
    switch (c.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ:
        op = " = ";
        break;
      case SQLITE_INDEX_CONSTRAINT_IS:
        op = " IS ";
        break;
      case SQLITE_INDEX_CONSTRAINT_LT:
        op = " < ";
        break;
      case SQLITE_INDEX_CONSTRAINT_LE:
        op = " <= ";
        break;
      case SQLITE_INDEX_CONSTRAINT_GT:
        op = " > ";
        break;
      case SQLITE_INDEX_CONSTRAINT_GE:
        op = " >= ";
        break;
      case SQLITE_INDEX_CONSTRAINT_ISNULL:
        op = " IS NULL";
        has_arg = false;
        break;
      case SQLITE_INDEX_CONSTRAINT_ISNOTNULL:
        op = " IS NOT NULL";
        has_arg = false;
        break;
      default:
        continue;
    }
    int col = c.iColumn;
    bool rowid = col < 0 || col == table->rowid_alias;
    if (col < 0 && table->without_rowid) continue;
    std::string lhs = col < 0 ? "rowid" : QuoteIdent(table->columns[static_cast<size_t>(col)]);
    bool exact = rowid;
    if (has_arg && col >= 0 && !rowid) {
      const char* coll = SQ(sqlite3_vtab_collation)(info, i);
      if (coll == nullptr || Upper(coll) != table->collations[static_cast<size_t>(col)]) continue;
      exact = table->numeric[static_cast<size_t>(col)] != 0;
      sqlite3_value* rhs = nullptr;
      if (!exact && SQ(sqlite3_vtab_rhs_value)(info, i, &rhs) != SQLITE_OK) continue;
    }
    where += (where.empty() ? " WHERE " : " AND ") + lhs + op;
    if (has_arg) {
      info->aConstraintUsage[i].argvIndex = ++args;
      info->aConstraintUsage[i].omit = exact ? 1 : 0;
      where += "?" + std::to_string(args);
    }
    bool eq = c.op == SQLITE_INDEX_CONSTRAINT_EQ || c.op == SQLITE_INDEX_CONSTRAINT_IS;
    if (eq && rowid) {
      unique = true;
    } else if (eq) {
      rows /= table->indexed[static_cast<size_t>(col)] ? 1000 : 10;
    } else if (has_arg) {
      rows /= 3;
    } else {
      rows /= 2;
    }
  }
  if (unique) {
    rows = 1;
    info->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
  }
  info->estimatedRows = static_cast<sqlite3_int64>(rows < 1 ? 1 : rows);
  info->estimatedCost = (unique ? 10.0 : 100.0) + rows;
  // ORDER BY on the rowid or on columns of a collation the server has: the
  // translator orders as SQLite does (storage classes, NULLs first), so the
  // rows stream in order instead of being sorted here.
  std::string order;
  for (int i = 0; i < info->nOrderBy; ++i) {
    int col = info->aOrderBy[i].iColumn;
    if (col < 0 && table->without_rowid) {
      order.clear();
      break;
    }
    const std::string& coll =
        col < 0 ? std::string("BINARY") : table->collations[static_cast<size_t>(col)];
    if (coll != "BINARY" && coll != "NOCASE" && coll != "RTRIM") {
      order.clear();
      break;
    }
    order +=
        (order.empty() ? " ORDER BY " : ", ") +
        (col < 0 ? std::string("rowid") : QuoteIdent(table->columns[static_cast<size_t>(col)])) +
        (info->aOrderBy[i].desc ? " DESC" : "");
  }
  if (!order.empty()) info->orderByConsumed = 1;
  std::string sql = table->select + where + order;
  auto* text = static_cast<char*>(SQ(sqlite3_malloc)(static_cast<int>(sql.size() + 1)));
  if (text == nullptr) return SQLITE_NOMEM;
  std::memcpy(text, sql.c_str(), sql.size() + 1);
  info->idxStr = text;
  info->needToFreeIdxStr = 1;
  info->idxNum = args;
  return SQLITE_OK;
}

int Open(sqlite3_vtab* vtab, sqlite3_vtab_cursor** out) {
  auto* cursor = new ServerCursor();
  std::memset(&cursor->base, 0, sizeof(cursor->base));
  cursor->table = reinterpret_cast<ServerTable*>(vtab);
  *out = &cursor->base;
  return SQLITE_OK;
}

void LogFetched(ServerCursor* cursor) {
  if (cursor->stmt != nullptr && cursor->fetched >= 0) {
    LL_DEBUG("litelift_server {}: {} rows for [{}]", cursor->table->name, cursor->fetched,
             cursor->sql);
    cursor->fetched = -1;
  }
}

// Leaves the cursor's statement to the table for a later scan of the same
// text (reset: its rows read to the end, the session free), or finalizes it.
void Park(ServerCursor* cursor) {
  ServerTable* table = cursor->table;
  if (table->idle.size() < kIdleStatements) {
    cursor->stmt->Reset();
    table->idle.emplace_back(std::move(cursor->sql), cursor->stmt);
  } else {
    table->conn->Finalize(cursor->stmt);
  }
  cursor->stmt = nullptr;
  cursor->sql.clear();
}

// A statement for text: an idle one of the table's, else a new one.
int TakeStatement(ServerCursor* cursor, const std::string& sql) {
  ServerTable* table = cursor->table;
  for (auto it = table->idle.begin(); it != table->idle.end(); ++it) {
    if (it->first != sql) continue;
    cursor->stmt = it->second;
    table->idle.erase(it);
    cursor->sql = sql;
    return SQLITE_OK;
  }
  if (table->conn->PrepareInternal(sql, &cursor->stmt) != SQLITE_OK) {
    cursor->stmt = nullptr;
    return SQLITE_ERROR;
  }
  cursor->sql = sql;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* cur) {
  auto* cursor = reinterpret_cast<ServerCursor*>(cur);
  LogFetched(cursor);
  if (cursor->stmt != nullptr) {
    std::lock_guard<std::recursive_mutex> lock(cursor->table->conn->mu);
    Park(cursor);
  }
  delete cursor;
  return SQLITE_OK;
}

// The server's error as the virtual table's.
int ServerError(ServerCursor* cursor) {
  Connection* conn = cursor->table->conn;
  SetVtabError(&cursor->table->base, conn->err_msg);
  int code = conn->err_code;
  return code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE ? SQLITE_ERROR : code;
}

// A row write the statement left waiting goes before the server reads
// again (embedded.h, EmbeddedEngine::Step).
int WriteWaiting(ServerCursor* cursor) {
  std::string error;
  int rc = cursor->table->conn->embedded.BeforeRead(cursor->table->conn, &error);
  if (rc != SQLITE_OK) SetVtabError(&cursor->table->base, error);
  return rc;
}

int Next(sqlite3_vtab_cursor* cur) {
  auto* cursor = reinterpret_cast<ServerCursor*>(cur);
  if (int rc = WriteWaiting(cursor); rc != SQLITE_OK) return rc;
  int rc = cursor->stmt->Step();
  if (rc == SQLITE_ROW) {
    cursor->eof = false;
    ++cursor->counter;
    ++cursor->fetched;
    return SQLITE_OK;
  }
  cursor->eof = true;
  if (rc == SQLITE_DONE) {
    LogFetched(cursor);
    return SQLITE_OK;
  }
  return ServerError(cursor);
}

int Filter(sqlite3_vtab_cursor* cur, int, const char* idx_str, int argc, sqlite3_value** argv) {
  auto* cursor = reinterpret_cast<ServerCursor*>(cur);
  Connection* conn = cursor->table->conn;
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  LogFetched(cursor);
  if (int rc = WriteWaiting(cursor); rc != SQLITE_OK) return rc;
  std::string sql = idx_str != nullptr ? idx_str : cursor->table->select;
  if (cursor->stmt != nullptr && cursor->sql != sql) Park(cursor);
  if (cursor->stmt == nullptr) {
    if (TakeStatement(cursor, sql) != SQLITE_OK) return ServerError(cursor);
  } else {
    cursor->stmt->Reset();
  }
  for (int i = 0; i < argc; ++i) cursor->stmt->BindCopy(i + 1, argv[i]);
  cursor->counter = 0;
  cursor->fetched = 0;
  return Next(cur);
}

int Eof(sqlite3_vtab_cursor* cur) { return reinterpret_cast<ServerCursor*>(cur)->eof ? 1 : 0; }

int Column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) {
  // An UPDATE's column it does not set: left unread, and unwritten
  // (embedded_write.cc).
  if (SQ(sqlite3_vtab_nochange)(ctx) != 0) return SQLITE_OK;
  auto* cursor = reinterpret_cast<ServerCursor*>(cur);
  int at = cursor->table->without_rowid ? i : i + 1;
  SQ(sqlite3_result_value)(ctx, SQ(sqlite3_column_value)(cursor->stmt->Source(), at));
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  auto* cursor = reinterpret_cast<ServerCursor*>(cur);
  *rowid = cursor->table->without_rowid ? cursor->counter
                                        : SQ(sqlite3_column_int64)(cursor->stmt->Source(), 0);
  return SQLITE_OK;
}

// INSERT, UPDATE, DELETE of one row: to the server (embedded_write.h).
int Update(sqlite3_vtab* vtab, int argc, sqlite3_value** argv, sqlite3_int64* rowid) {
  auto* table = reinterpret_cast<ServerTable*>(vtab);
  std::string error;
  // (A write under an FTS table's engine transaction takes its savepoint
  // here, at its first row sent: NeedSavepoint; a no-op otherwise.)
  if (int rc = table->conn->embedded.NeedSavepoint(table->conn); rc != SQLITE_OK) {
    SetVtabError(vtab, table->conn->err_msg);
    return rc;
  }
  int rc = WithFtsTriggers(&table->write, table->fts_triggers, argc, argv, rowid, &error, [&] {
    return ForwardWrite(&table->write, argc, argv, rowid, &error, table->fts_triggers.empty());
  });
  if (rc != SQLITE_OK && !error.empty()) SetVtabError(vtab, error);
  return rc;
}

const sqlite3_module kServerModule = {
    /* iVersion */ 1,
    /* xCreate */ Connect,
    /* xConnect */ Connect,
    /* xBestIndex */ BestIndex,
    /* xDisconnect */ Disconnect,
    /* xDestroy */ Disconnect,
    /* xOpen */ Open,
    /* xClose */ Close,
    /* xFilter */ Filter,
    /* xNext */ Next,
    /* xEof */ Eof,
    /* xColumn */ Column,
    /* xRowid */ Rowid,
    /* xUpdate */ Update,
    /* xBegin */ nullptr,
    /* xSync */ nullptr,
    /* xCommit */ nullptr,
    /* xRollback */ nullptr,
    /* xFindFunction */ nullptr,
    /* xRename */ nullptr,
    /* xSavepoint */ nullptr,
    /* xRelease */ nullptr,
    /* xRollbackTo */ nullptr,
    /* xShadowName */ nullptr,
};

int Replay(sqlite3* db, const Registration& r) {
  switch (r.kind) {
    case Registration::Kind::kFunction:
      return SQ(sqlite3_create_function_v2)(db, r.name.c_str(), r.n_arg, r.enc, r.app, r.func,
                                            r.step, r.final, nullptr);
    case Registration::Kind::kWindow:
      return SQ(sqlite3_create_window_function)(db, r.name.c_str(), r.n_arg, r.enc, r.app, r.step,
                                                r.final, r.value, r.inverse, nullptr);
    case Registration::Kind::kCollation:
      return SQ(sqlite3_create_collation_v2)(db, r.name.c_str(), r.enc, r.app, r.compare, nullptr);
  }
  return SQLITE_ERROR;
}

// changes(), last_insert_rowid(), total_changes(): the connection's, not
// the engine's own.
void ConnectionValue(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* conn = static_cast<Connection*>(SQ(sqlite3_user_data)(ctx));
  SQ(sqlite3_result_int64)(ctx, conn->changes);
}
void ConnectionRowid(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* conn = static_cast<Connection*>(SQ(sqlite3_user_data)(ctx));
  SQ(sqlite3_result_int64)(ctx, conn->last_insert_rowid);
}
void ConnectionTotal(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* conn = static_cast<Connection*>(SQ(sqlite3_user_data)(ctx));
  SQ(sqlite3_result_int64)(ctx, conn->total_changes);
}

// What a program's function may do with the engine's handle
// (sqlite3_context_db_handle): read and write the routed tables. A schema
// change, transaction control, ATTACH or a PRAGMA that sets would act on
// the engine's own empty database, never the server's: refused (the
// reason logged; SQLite's own message is "not authorized").
int GuardEngine(void* arg, int action, const char* a1, const char* a2, const char*, const char*) {
  // (litelift's own transaction control of the engine: embedded_fts.cc)
  if (static_cast<EmbeddedEngine*>(arg)->own_sql) return SQLITE_OK;
  switch (action) {
    case SQLITE_READ:
    case SQLITE_SELECT:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      if (a2 == nullptr) return SQLITE_OK;
      break;
    default:
      break;
  }
  LL_WARN(
      "litelift: the handle a function gets from sqlite3_context_db_handle reads and writes the "
      "routed tables only; a schema change, transaction or setting ({} {}) must use the "
      "program's connection",
      action, a1 != nullptr ? a1 : "");
  return SQLITE_DENY;
}

bool Exec(sqlite3* db, const std::string& sql, std::string* error) {
  if (SQ(sqlite3_exec)(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  *error = "litelift: the embedded engine cannot run [" + sql + "]: " + SQ(sqlite3_errmsg)(db);
  return false;
}

}  // namespace

void EmbeddedEngine::Close() {
  DropPending(&pending_);
  writing_ = false;
  if (conn_ != nullptr && !txn_.empty()) {
    std::lock_guard<std::recursive_mutex> lock(conn_->mu);
    for (auto& [sql, stmt] : txn_) conn_->Finalize(stmt);
  }
  txn_.clear();
  if (conn_ != nullptr && !fts_writes.empty()) DropFtsWrites(conn_);
  if (conn_ != nullptr) ClearFtsDirty(conn_);
  fts_open_ = fts_written_ = false;
  fts_.clear();
  if (db_ != nullptr) SQ(sqlite3_close_v2)(db_);
  db_ = nullptr;
  replayed_ = 0;
  generation_ = -1;
  seen_total_ = 0;
}

sqlite3* EmbeddedEngine::Ready(Connection* conn, std::string* error) {
  std::string attached;
  for (const auto& [name, schema] : conn->shadow.attached()) attached += name + "=" + schema + ";";
  if (db_ != nullptr && (generation_ != conn->schema_generation || attached != attached_)) {
    // (The module's pending terms go to the server first.)
    if (fts_open_) FtsBeforeTxn(conn, FtsTxn::kSavepoint);
    Close();
  }
  if (db_ == nullptr) {
    if (!Build(conn, error)) {
      Close();
      return nullptr;
    }
    generation_ = conn->schema_generation;
    attached_ = attached;
    ++build_;
    return db_;
  }
  for (; replayed_ < conn->registrations.size(); ++replayed_) {
    Replay(db_, conn->registrations[replayed_]);
  }
  return db_;
}

int EmbeddedEngine::Apply(Connection* conn, const Registration& r, std::string* error) {
  if (db_ == nullptr) return SQLITE_OK;
  for (; replayed_ < conn->registrations.size(); ++replayed_) {
    Replay(db_, conn->registrations[replayed_]);
  }
  int rc = Replay(db_, r);
  if (rc != SQLITE_OK) *error = SQ(sqlite3_errmsg)(db_);
  // Ready replays r again once it is recorded: the same pointers, no change.
  return rc;
}

bool EmbeddedEngine::Build(Connection* conn, std::string* error) {
  if (SQ(sqlite3_open_v2)(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    *error = "litelift: cannot open the embedded engine";
    return false;
  }
  SQ(sqlite3_extended_result_codes)(db_, 1);
  conn_ = conn;
  fts_ = FindFtsTables(conn);
  for (auto [name, fn] :
       {std::pair{"changes", ConnectionValue}, std::pair{"last_insert_rowid", ConnectionRowid},
        std::pair{"total_changes", ConnectionTotal}}) {
    SQ(sqlite3_create_function_v2)(db_, name, 0, SQLITE_UTF8, conn, fn, nullptr, nullptr, nullptr);
  }
  // The program's registrations first: declared columns may name its
  // collations.
  for (replayed_ = 0; replayed_ < conn->registrations.size(); ++replayed_) {
    Replay(db_, conn->registrations[replayed_]);
  }
  if (SQ(sqlite3_create_module_v2)(db_, "litelift_server", &kServerModule, conn, nullptr) !=
      SQLITE_OK) {
    *error = std::string("litelift: cannot make the embedded engine's tables: ") +
             SQ(sqlite3_errmsg)(db_);
    return false;
  }
  // Every database of the shadow, its tables as virtual tables and its
  // views from their text (no server round trip: the shadow knows them).
  std::vector<std::string> dbs;
  conn->shadow.ForEachRow(
      "SELECT name FROM pragma_database_list ORDER BY seq", "", [&](sqlite3_stmt* s) {
        dbs.push_back(reinterpret_cast<const char*>(SQ(sqlite3_column_text)(s, 0)));
      });
  std::vector<std::string> views;
  for (const std::string& db : dbs) {
    if (db != "main" && db != "temp" &&
        !Exec(db_, "ATTACH ':memory:' AS " + QuoteIdent(db), error)) {
      return false;
    }
    std::string master = db == "temp" ? "sqlite_temp_master" : "sqlite_master";
    std::vector<std::pair<std::string, std::string>> objects;
    conn->shadow.ForEachRow(
        "SELECT type, name, sql FROM " + QuoteIdent(db) + "." + master +
            " WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            " ORDER BY rowid",
        "", [&](sqlite3_stmt* s) {
          auto text = [&](int i) {
            const unsigned char* t = SQ(sqlite3_column_text)(s, i);
            return t != nullptr ? std::string(reinterpret_cast<const char*>(t)) : "";
          };
          objects.emplace_back(text(0) + ":" + text(1), text(2));
        });
    for (const auto& [what, sql] : objects) {
      std::string name = what.substr(what.find(':') + 1);
      // An FTS table and its index tables: made by BuildFts below.
      if (db == "main" && IsFtsLocal(fts_, name)) continue;
      if (what.rfind("table:", 0) == 0) {
        if (!Exec(db_,
                  "CREATE VIRTUAL TABLE " + QuoteIdent(db) + "." + QuoteIdent(name) +
                      " USING litelift_server",
                  error)) {
          return false;
        }
      } else if (db == "main") {
        views.push_back(sql);
      } else if (db == "temp") {
        // sqlite_temp_master may keep the text without its TEMP.
        views.push_back(sql.rfind("CREATE VIEW", 0) == 0 ? "CREATE TEMP VIEW" + sql.substr(11)
                                                         : sql);
      }
      // A view of an attached database is left out: its text names its
      // tables unqualified (not made yet, docs/design.md).
    }
  }
  if (!BuildFts(conn, db_, fts_, error)) return false;
  seen_total_ = SQ(sqlite3_total_changes64)(db_);  // (the index copies' loading)
  // Views last: they read the virtual tables. One that does not apply is
  // left out (a statement naming it then fails to prepare).
  for (const std::string& v : views) {
    std::string ignored;
    if (!Exec(db_, v, &ignored)) LL_DEBUG("{}", ignored);
  }
  SQ(sqlite3_set_authorizer)(db_, GuardEngine, this);
  return true;
}

namespace {

const char kSavepoint[] = "litelift_embedded_write";

// How many statements of engine are running.
int Busy(sqlite3* engine) {
  int busy = 0;
  for (sqlite3_stmt* s = SQ(sqlite3_next_stmt)(engine, nullptr); s != nullptr;
       s = SQ(sqlite3_next_stmt)(engine, s)) {
    busy += SQ(sqlite3_stmt_busy)(s) != 0 ? 1 : 0;
  }
  return busy;
}

}  // namespace

int EmbeddedEngine::RunTxn(Connection* conn, const std::string& sql) {
  Statement*& stmt = txn_[sql];
  if (stmt == nullptr) {
    int rc = conn->PrepareInternal(sql, &stmt);
    if (rc != SQLITE_OK) {
      txn_.erase(sql);
      return rc;
    }
  }
  int rc = stmt->Step();
  int code = conn->err_code;
  std::string message = conn->err_msg;
  stmt->Reset();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return SQLITE_OK;
  return conn->SetError(code == SQLITE_OK ? SQLITE_ERROR : code, message);
}

bool EmbeddedEngine::MayDefer(sqlite3* engine) const {
  if (!writing_ || !lazy_ || savepoint_ || sent_ > 0 || pending_.target != nullptr) return false;
  return Busy(engine) == busy_before_ + 1;  // the statement alone, no function's
}

int EmbeddedEngine::SendWaiting(std::string* error) {
  if (pending_.target == nullptr) return SQLITE_OK;
  ++sent_;
  return SendPending(&pending_, error);
}

int EmbeddedEngine::BeforeWrite(Connection* conn, std::string* error) {
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  if (!writing_) return SQLITE_OK;  // a function's write under a read: as it comes
  if (lazy_ && !autocommit_ && !savepoint_) {
    int rc = RunTxn(conn, std::string("SAVEPOINT ") + kSavepoint);
    if (rc != SQLITE_OK) {
      *error = conn->err_msg;
      DropPending(&pending_);
      return rc;
    }
    savepoint_ = true;
  }
  ++sent_;
  return SendWaiting(error);
}

int EmbeddedEngine::NeedSavepoint(Connection* conn) {
  if (savepoint_open_ || !savepoint_deferred_) return SQLITE_OK;  // (no write running)
  int rc = RunTxn(conn, std::string("SAVEPOINT ") + kSavepoint);
  if (rc == SQLITE_OK) savepoint_open_ = true;
  return rc;
}

bool EmbeddedEngine::HasTables(Connection* conn) {
  bool found = false;
  std::vector<std::string> dbs;
  conn->shadow.ForEachRow("SELECT name FROM pragma_database_list", "", [&](sqlite3_stmt* s) {
    dbs.push_back(reinterpret_cast<const char*>(SQ(sqlite3_column_text)(s, 0)));
  });
  for (const std::string& db : dbs) {
    std::string master = db == "temp" ? "sqlite_temp_master" : "sqlite_master";
    conn->shadow.ForEachRow("SELECT 1 FROM " + QuoteIdent(db) + "." + master +
                                " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE "
                                "'\\' LIMIT 1",
                            "", [&](sqlite3_stmt*) { found = true; });
    if (found) return true;
  }
  return false;
}

int EmbeddedEngine::Step(Connection* conn, sqlite3_stmt* row) {
  sqlite3* engine = SQ(sqlite3_db_handle)(row);
  if (SQ(sqlite3_stmt_readonly)(row) != 0) {
    int rc = SQ(sqlite3_step)(row);
    // A write a function ran on the engine's handle (context_db_handle) is
    // the connection's last change, as on one SQLite handle.
    if (rc != SQLITE_ROW && SQ(sqlite3_total_changes64)(engine) != seen_total_) {
      seen_total_ = SQ(sqlite3_total_changes64)(engine);
      conn->changes = SQ(sqlite3_changes64)(engine);
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return rc;
    return conn->SetError(SQ(sqlite3_extended_errcode)(engine), SQ(sqlite3_errmsg)(engine));
  }
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  // A write statement run from a function of a running one (through the
  // program's handle): the outer one's row waiting goes first, under its
  // savepoint, and its state comes back after.
  if (writing_) {
    std::string error;
    if (int rc = BeforeWrite(conn, &error); rc != SQLITE_OK) return conn->SetError(rc, error);
  }
  struct Restore {
    EmbeddedEngine* e;
    bool writing, lazy, autocommit, savepoint;
    int64_t sent;
    int busy_before;
    ~Restore() {
      e->writing_ = writing;
      e->lazy_ = lazy;
      e->autocommit_ = autocommit;
      e->savepoint_ = savepoint;
      e->sent_ = sent;
      e->busy_before_ = busy_before;
    }
  } restore{this, writing_, lazy_, autocommit_, savepoint_, sent_, busy_before_};
  bool autocommit = conn->Autocommit();
  int64_t total = conn->total_changes;
  // An engine holding FTS tables writes as StepFts says.
  if (!fts_.empty()) return StepFts(conn, row, engine, autocommit, total);
  // In autocommit the statement is its transaction (the BEGIN goes with
  // its first read).
  lazy_ = true;
  autocommit_ = autocommit;
  int rc = SQLITE_OK;
  if (!lazy_) {
    rc = RunTxn(conn, std::string("SAVEPOINT ") + kSavepoint);
  } else if (autocommit) {
    rc = RunTxn(conn, "BEGIN");
  }
  if (rc != SQLITE_OK) return rc;
  writing_ = true;
  savepoint_ = !lazy_;
  busy_before_ = Busy(engine);  // the program's other statements, stepped after this one
  sent_ = 0;
  failed_on_conflict = 0;
  bool forward_failed_before = !fts_error.empty();
  rc = SQ(sqlite3_step)(row);
  while (rc == SQLITE_ROW) rc = SQ(sqlite3_step)(row);  // (no RETURNING on a virtual table)
  // The row still waiting, alone: atomic by itself.
  std::string waiting_error;
  int waiting = rc == SQLITE_DONE ? SendWaiting(&waiting_error) : SQLITE_OK;
  DropPending(&pending_);
  writing_ = false;
  // A row the FTS write-through could not forward (embedded_fts.cc).
  bool forward_failed = !forward_failed_before && !fts_error.empty();
  // The end when the transaction or savepoint is the statement's own.
  std::string end = autocommit ? "COMMIT" : std::string("RELEASE ") + kSavepoint;
  bool own = autocommit || savepoint_;
  if (rc == SQLITE_DONE && !forward_failed && waiting == SQLITE_OK) {
    if (own) {
      rc = RunTxn(conn, end);
      if (rc != SQLITE_OK) {
        // A COMMIT refused (deferred foreign keys): the statement fails
        // whole, as an autocommit statement does in SQLite.
        if (!conn->Autocommit()) {
          int code = conn->err_code;
          std::string message = conn->err_msg;
          if (autocommit) {
            RunTxn(conn, "ROLLBACK");
          } else {
            RunTxn(conn, std::string("ROLLBACK TO ") + kSavepoint);
            RunTxn(conn, std::string("RELEASE ") + kSavepoint);
          }
          conn->SetError(code, message);
        }
        conn->changes = 0;
        return conn->err_code;
      }
    }
    conn->changes = SQ(sqlite3_changes64)(engine);
    conn->total_changes = total + conn->changes;  // the statement's rows, not its triggers'
    seen_total_ = SQ(sqlite3_total_changes64)(engine);
    return SQLITE_DONE;
  }
  int code = forward_failed         ? fts_error_code
             : waiting != SQLITE_OK ? waiting
                                    : SQ(sqlite3_extended_errcode)(engine);
  std::string message = forward_failed         ? fts_error
                        : waiting != SQLITE_OK ? waiting_error
                                               : SQ(sqlite3_errmsg)(engine);
  // What stays: nothing (ABORT), the rows before (FAIL), or nothing of the
  // transaction (ROLLBACK, or a statement that began it). Without its own
  // savepoint the statement sent at most one row, which failed whole.
  int on_conflict = failed_on_conflict;
  bool constraint = (code & 0xff) == SQLITE_CONSTRAINT;
  if (constraint && on_conflict == SQLITE_FAIL) {
    if (own) RunTxn(conn, end);
  } else if (autocommit || (constraint && on_conflict == SQLITE_ROLLBACK)) {
    RunTxn(conn, "ROLLBACK");
  } else if (savepoint_) {
    RunTxn(conn, std::string("ROLLBACK TO ") + kSavepoint);
    RunTxn(conn, std::string("RELEASE ") + kSavepoint);
  }
  // SQLite's own count after the failure: the rows kept (FAIL), else none
  // (the row that waited was counted by the engine, not kept).
  conn->changes = waiting != SQLITE_OK ? 0 : SQ(sqlite3_changes64)(engine);
  conn->total_changes = total + conn->changes;
  seen_total_ = SQ(sqlite3_total_changes64)(engine);
  return conn->SetError(code, message);
}

// A write statement of an engine that holds FTS tables: its savepoint is
// taken before the statement, or, in the engine's own transaction beside
// the program's (BeginFts), at the first row sent to the server
// (NeedSavepoint); the FTS module's rows are flushed by embedded_fts.cc.
int EmbeddedEngine::StepFts(Connection* conn, sqlite3_stmt* row, sqlite3* engine,
                            bool autocommit, int64_t total) {
  // In the engine's transaction (BeginFts) the savepoint waits for the
  // first row sent to the server (NeedSavepoint): an FTS write sends none.
  bool buffered = fts_open_ && !autocommit;
  savepoint_open_ = false;
  savepoint_deferred_ = true;
  int rc = buffered ? SQLITE_OK : NeedSavepoint(conn);
  if (rc != SQLITE_OK) {
    savepoint_deferred_ = false;
    return rc;
  }
  failed_on_conflict = 0;
  bool forward_failed_before = !fts_error.empty();
  command_changes = -1;
  rc = StepFtsWrite(conn, row);  // (no RETURNING on a virtual table)
  savepoint_deferred_ = false;
  // The FTS module's rows (embedded_fts.cc), in the savepoint; in the
  // engine's transaction they wait.
  if (rc == SQLITE_DONE && !buffered) FlushFts(conn, engine);
  // A row the FTS write-through could not forward.
  bool forward_failed = !forward_failed_before && !fts_error.empty();
  if (rc == SQLITE_DONE && !forward_failed) {
    // (In the engine's transaction no savepoint may have opened.)
    int released =
        savepoint_open_ ? RunTxn(conn, std::string("RELEASE ") + kSavepoint) : SQLITE_OK;
    savepoint_open_ = false;
    if (released != SQLITE_OK) return released;
    conn->changes = command_changes >= 0 ? command_changes : SQ(sqlite3_changes64)(engine);
    conn->total_changes = total + conn->changes;  // the statement's rows, not its triggers'
    seen_total_ = SQ(sqlite3_total_changes64)(engine);
    return SQLITE_DONE;
  }
  int code = forward_failed ? fts_error_code : SQ(sqlite3_extended_errcode)(engine);
  std::string message = forward_failed ? fts_error : SQ(sqlite3_errmsg)(engine);
  // What stays: nothing (ABORT), the rows before (FAIL), or nothing of the
  // transaction (ROLLBACK, or a statement that began it).
  int on_conflict = failed_on_conflict;
  bool constraint = (code & 0xff) == SQLITE_CONSTRAINT;
  if (constraint && on_conflict == SQLITE_FAIL) {
    if (savepoint_open_) RunTxn(conn, std::string("RELEASE ") + kSavepoint);
  } else if ((autocommit && savepoint_open_) || (constraint && on_conflict == SQLITE_ROLLBACK)) {
    RunTxn(conn, "ROLLBACK");
  } else if (savepoint_open_) {
    RunTxn(conn, std::string("ROLLBACK TO ") + kSavepoint);
    RunTxn(conn, std::string("RELEASE ") + kSavepoint);
  }
  savepoint_open_ = false;
  // SQLite's own count after the failure: the rows kept (FAIL), else none.
  conn->changes = SQ(sqlite3_changes64)(engine);
  conn->total_changes = total + conn->changes;
  seen_total_ = SQ(sqlite3_total_changes64)(engine);
  return conn->SetError(code, message);
}

}  // namespace litelift::compat
