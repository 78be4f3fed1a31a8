#include "libsqlite3-compat/pg/embedded_write.h"

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

// The one-row write for xUpdate's arguments: its SQLite text (translated
// like any statement of the connection) and the values of its ?1..?n.
struct RowWrite {
  std::string sql;
  std::vector<sqlite3_value*> values;
  bool insert = false;
  bool nothing = false;  // an UPDATE that changes no column
  std::string Param(sqlite3_value* v) {
    values.push_back(v);
    return "?" + std::to_string(values.size());
  }
};

bool IsNull(sqlite3_value* v) { return SQ(sqlite3_value_type)(v) == SQLITE_NULL; }

// The columns an INSERT's text names (lower case), "listed" false when it
// names none (then it gives every column). A virtual table keeps no
// DEFAULTs, so its xUpdate cannot tell a column left out from a NULL: the
// columns left out are left to the server, whose defaults are the table's.
struct InsertColumns {
  bool listed = false;
  std::vector<std::string> names;
  std::string table;  // the table it inserts into (lower case)
};

InsertColumns ParseInsertColumns(const char* text) {
  InsertColumns out;
  std::vector<sql::Token> w = sql::SignificantTokens(text != nullptr ? text : "");
  size_t i = 0;
  int depth = 0;
  for (; i < w.size(); ++i) {  // INTO at depth 0 (after a WITH clause)
    if (w[i].text == "(") ++depth;
    if (w[i].text == ")") --depth;
    if (depth == 0 && sql::IsWord(w[i], "INTO")) break;
  }
  std::string name_storage;
  if (i + 1 < w.size()) out.table = Lower(std::string(sql::NameText(w[i + 1], &name_storage)));
  i += 2;                                      // INTO name
  if (i + 1 < w.size() && w[i].text == ".") {  // schema.name
    out.table = Lower(std::string(sql::NameText(w[i + 1], &name_storage)));
    i += 2;
  }
  if (i < w.size() && sql::IsWord(w[i], "AS")) i += 2;
  if (i < w.size() && sql::IsWord(w[i], "DEFAULT")) {
    out.listed = true;
    return out;
  }
  if (i >= w.size() || w[i].text != "(") return out;
  out.listed = true;
  std::string storage;
  for (++i; i < w.size() && w[i].text != ")"; ++i) {
    if (w[i].text == ",") continue;
    out.names.push_back(Lower(std::string(sql::NameText(w[i], &storage))));
  }
  return out;
}

// The INSERT into table the engine is running (a busy write statement;
// an FTS table's own statements write its shadow tables under the
// program's).
InsertColumns RunningInsert(sqlite3* engine, const std::string& table) {
  for (sqlite3_stmt* s = SQ(sqlite3_next_stmt)(engine, nullptr); s != nullptr;
       s = SQ(sqlite3_next_stmt)(engine, s)) {
    if (SQ(sqlite3_stmt_busy)(s) != 0 && SQ(sqlite3_stmt_readonly)(s) == 0) {
      InsertColumns list = ParseInsertColumns(SQ(sqlite3_sql)(s));
      if (list.table == Lower(table)) return list;
    }
  }
  return InsertColumns();
}

bool Named(const InsertColumns& list, const std::string& column) {
  if (!list.listed) return true;
  std::string c = Lower(column);
  for (const std::string& n : list.names) {
    if (n == c) return true;
  }
  return false;
}

RowWrite MakeWrite(const WriteTarget& t, int argc, sqlite3_value** argv, const std::string& mode) {
  RowWrite w;
  std::string table = QuoteIdent(t.db) + "." + QuoteIdent(t.name);
  if (argc == 1) {
    w.sql = "DELETE FROM " + table + " WHERE rowid = ";
    w.sql += w.Param(argv[0]);
    return w;
  }
  if (IsNull(argv[0])) {
    // INSERT: every column the engine filled in (its DEFAULTs are the
    // table's, declared with the virtual table), but generated ones.
    w.insert = true;
    InsertColumns list = RunningInsert(t.engine, t.name);
    std::string columns, params;
    auto add = [&](const std::string& column, sqlite3_value* v) {
      columns += (columns.empty() ? "" : ", ") + column;
      params += (params.empty() ? "" : ", ") + w.Param(v);
    };
    bool rowid_given = !IsNull(argv[1]);
    if (rowid_given && t.rowid_alias < 0) add("rowid", argv[1]);
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.generated[i]) continue;
      if (static_cast<int>(i) == t.rowid_alias && rowid_given && IsNull(argv[2 + i])) {
        add(QuoteIdent(t.columns[i]), argv[1]);  // INSERT INTO t (rowid, ...)
      } else if (Named(list, t.columns[i])) {
        add(QuoteIdent(t.columns[i]), argv[2 + i]);
      }
    }
    w.sql = columns.empty()
                ? "INSERT" + mode + " INTO " + table + " DEFAULT VALUES"
                : "INSERT" + mode + " INTO " + table + " (" + columns + ") VALUES (" + params + ")";
    return w;
  }
  // UPDATE: only the columns the statement sets (the others come
  // unchanged, sqlite3_value_nochange), so that UPDATE OF triggers fire
  // as SQLite's would.
  std::string sets;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    sqlite3_value* v = argv[2 + i];
    if (SQ(sqlite3_value_nochange)(v) != 0) continue;
    sets += (sets.empty() ? "" : ", ") + QuoteIdent(t.columns[i]) + " = ";
    sets += w.Param(v);
  }
  if (SQ(sqlite3_value_int64)(argv[0]) != SQ(sqlite3_value_int64)(argv[1]) || IsNull(argv[1])) {
    sets += (sets.empty() ? "" : ", ") + std::string("rowid = ");
    sets += w.Param(argv[1]);
  }
  w.nothing = sets.empty();
  w.sql = "UPDATE" + mode + " " + table + " SET " + sets + " WHERE rowid = ";
  w.sql += w.Param(argv[0]);
  return w;
}

}  // namespace

namespace {

// Runs the one-row write sql with values on the server (prepared once per
// text, run per row). *rowid: the new row's after an INSERT (when given).
int Send(WriteTarget* t, const std::string& sql, const std::vector<sqlite3_value*>& values,
         int on_conflict, bool ignorable, sqlite3_int64* rowid, std::string* error) {
  Connection* conn = t->conn;
  Statement*& stmt = t->statements[sql];
  if (stmt == nullptr) {
    if (conn->PrepareInternal(sql, &stmt) != SQLITE_OK) {
      t->statements.erase(sql);
      *error = conn->err_msg;
      return conn->err_code == SQLITE_OK ? SQLITE_ERROR : conn->err_code;
    }
  } else {
    stmt->Reset();
  }
  for (size_t i = 0; i < values.size(); ++i) stmt->BindCopy(static_cast<int>(i + 1), values[i]);
  // changes() in the program's statement stays the last statement's until
  // it ends, as in SQLite; total_changes() and last_insert_rowid() move.
  int64_t changes = conn->changes;
  int rc = stmt->Step();
  int64_t written = conn->changes;
  conn->changes = changes;
  if (rc != SQLITE_DONE) {
    *error = conn->err_msg;
    int code = conn->err_code;
    conn->embedded.failed_on_conflict = on_conflict;
    stmt->Reset();
    conn->changes = changes;
    return code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE ? SQLITE_ERROR : code;
  }
  if (written == 0 && ignorable) return SQLITE_CONSTRAINT;  // ignored: not counted
  if (rowid != nullptr) *rowid = conn->last_insert_rowid;
  return SQLITE_OK;
}

}  // namespace

int ForwardWrite(WriteTarget* t, int argc, sqlite3_value** argv, sqlite3_int64* rowid,
                 std::string* error, bool may_defer) {
  Connection* conn = t->conn;
  std::lock_guard<std::recursive_mutex> lock(conn->mu);
  if (t->without_rowid) {
    *error = "litelift: the embedded engine does not write to the WITHOUT ROWID table " + t->name +
             " yet (docs/status.md)";
    return SQLITE_ERROR;
  }
  // The statement's conflict resolution goes with each row; ABORT, FAIL
  // and ROLLBACK decide what stays of the statement (EmbeddedEngine::Step).
  int on_conflict = SQ(sqlite3_vtab_on_conflict)(t->engine);
  std::string mode = on_conflict == SQLITE_IGNORE    ? " OR IGNORE"
                     : on_conflict == SQLITE_REPLACE ? " OR REPLACE"
                                                     : "";
  RowWrite w = MakeWrite(*t, argc, argv, mode);
  if (w.nothing) return SQLITE_OK;
  EmbeddedEngine& engine = conn->embedded;
  // An UPDATE or DELETE row is counted whatever the server says (no OR
  // IGNORE): it may wait for the statement's next one or its end.
  if (may_defer && !w.insert && mode.empty() && engine.MayDefer(t->engine)) {
    PendingWrite p;
    p.target = t;
    p.sql = std::move(w.sql);
    for (sqlite3_value* v : w.values) p.values.push_back(SQ(sqlite3_value_dup)(v));
    p.on_conflict = on_conflict;
    engine.Defer(std::move(p));
    return SQLITE_OK;
  }
  int rc = engine.BeforeWrite(conn, error);
  if (rc != SQLITE_OK) return rc;
  return Send(t, w.sql, w.values, on_conflict, !mode.empty(), w.insert ? rowid : nullptr, error);
}

int SendPending(PendingWrite* w, std::string* error) {
  int rc = Send(w->target, w->sql, w->values, w->on_conflict, false, nullptr, error);
  DropPending(w);
  return rc;
}

void DropPending(PendingWrite* w) {
  for (sqlite3_value* v : w->values) SQ(sqlite3_value_free)(v);
  *w = PendingWrite();
}

void DropWrites(WriteTarget* t) {
  if (t->statements.empty()) return;
  std::lock_guard<std::recursive_mutex> lock(t->conn->mu);
  for (auto& [sql, stmt] : t->statements) t->conn->Finalize(stmt);
  t->statements.clear();
}

}  // namespace litelift::compat
