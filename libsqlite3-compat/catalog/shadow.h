// The shadow catalog: a private in-memory SQLite database per routed
// connection that holds the routed database's schema exactly as SQLite
// would. PostgreSQL holds the data; the shadow answers everything SQLite
// decides from the schema alone (statement boundaries, syntax and name
// errors, column names and declared types, parameters, sqlite_master,
// PRAGMA table_info, ...).

#ifndef LITELIFT_COMPAT_CATALOG_SHADOW_H_
#define LITELIFT_COMPAT_CATALOG_SHADOW_H_

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "libsqlite3-compat/sql/translate.h"

namespace litelift::compat {

// The server column that holds the rowid of a table without INTEGER
// PRIMARY KEY.
constexpr const char* kHiddenRowidColumn = "litelift_rowid";

// One schema object as sqlite_master holds it.
struct SchemaObject {
  std::string type;  // table, index, view, trigger
  std::string name;
  std::string tbl_name;
  std::string sql;          // empty for automatic indexes
  bool temp = false;        // in the connection's TEMP schema (sqlite_temp_master)
  std::string db = "main";  // main, temp, or an attached database's name
};

// Runs sql, the stored CREATE text of object o (as litelift.catalog holds
// it, or qualified with an attached database's name), on db: only when it
// is exactly one CREATE statement of o's type (table: [TEMP] or VIRTUAL;
// index: [UNIQUE]; view, trigger: [TEMP]) creating o's name. Otherwise, or
// when it fails, false with *error naming o, and nothing of it has run:
// catalog text comes from the server and is never trusted as SQL.
bool ApplyStoredObject(sqlite3* db, const SchemaObject& o, const std::string& sql,
                       std::string* error);

// A result column's text ("" for NULL).
std::string ColumnText(sqlite3_stmt* stmt, int col);

// Whether sql is PRAGMA foreign_key_check, which runs on the server's rows;
// *table: the table it names, or "".
bool IsForeignKeyCheck(const std::string& sql, std::string* table);

class Shadow {
 public:
  Shadow() = default;
  ~Shadow();
  Shadow(const Shadow&) = delete;
  Shadow& operator=(const Shadow&) = delete;

  // Opens the in-memory database. False with *error on failure.
  bool Open(std::string* error);
  // Closes the database (Open() may follow).
  void Close();

  // Replaces the schema with objects (in creation order). False with *error
  // when an object's SQL does not apply.
  bool Load(const std::vector<SchemaObject>& objects, std::string* error);

  sqlite3* db() const { return db_; }

  // Runs sql on the shadow with arg bound to ?1 (NULL when empty), calling
  // row(stmt) for each row.
  void ForEachRow(const std::string& sql, const std::string& arg,
                  const std::function<void(sqlite3_stmt*)>& row) const;

  // The database's schema on the server (translations qualify main.t).
  void set_server_schema(std::string schema) { server_schema_ = std::move(schema); }
  // The server schema of a database it holds: main's, pg_temp for temp,
  // an attached one's.
  std::string ServerSchemaOf(const std::string& db) const {
    if (db == "temp") return "pg_temp";
    auto it = attached_.find(db);
    return it != attached_.end() ? it->second : server_schema_;
  }
  // An attached database (ATTACH ... AS name, name lower-cased) and its
  // schema on the server; the shadow holds its objects under that name.
  void Attach(const std::string& name, const std::string& server_schema) {
    attached_[name] = server_schema;
    attached_order_.push_back(name);
    Invalidate();
  }
  void Detach(const std::string& name) {
    attached_.erase(name);
    attached_order_.erase(std::remove(attached_order_.begin(), attached_order_.end(), name),
                          attached_order_.end());
    Invalidate();
  }
  const std::map<std::string, std::string>& attached() const { return attached_; }

  // sqlite_master now, by lower-cased name; TEMP objects (sqlite_temp_master)
  // by "temp." and their lower-cased name.
  std::map<std::string, SchemaObject> Snapshot() const;

  // The shape of a table (case-insensitive name), or null. Valid until the
  // schema changes (Invalidate()).
  const sql::TableShape* Table(std::string_view name);

  // SQLite's plan for a statement on the shadow (EXPLAIN QUERY PLAN),
  // empty when it does not prepare.
  std::vector<sql::PlanLine> Plan(const std::string& statement) const;
  // The b-tree key of an index by name (pragma_index_xinfo), empty when
  // there is none. Cached until the schema changes.
  std::vector<sql::IndexColumn> IndexKey(std::string_view index);

  // Forgets cached shapes and translations; call after any schema change.
  void Invalidate() {
    shapes_.clear();
    translations_.clear();
    local_views_.clear();
    index_keys_.clear();
    has_regexp_ = -1;
  }

  // LocalViewReason's answers (local_views.h), by "db.view".
  std::unordered_map<std::string, std::string>& local_views() { return local_views_; }

  // The server's text for a statement this shadow prepared (its parameter
  // numbering, keywords and table shapes decide it). Translated once per
  // distinct SQL text until the schema changes.
  sql::Translation Translate(sqlite3_stmt* stmt, bool return_rowids = false);

  // The program's spelling of a table or column that the server reports
  // in lower case, or by the name ServerName gave a long one; returns the
  // argument when unknown.
  std::string TableName(std::string_view server_name);
  std::string ColumnName(std::string_view server_table, std::string_view server_column);

  // The program's name of the schema object (table, index, view, trigger)
  // whose server name is server_name, or server_name when none has it.
  std::string ObjectName(std::string_view server_name);

 private:
  // Whether the program registered a regexp() function on the shadow
  // (asked once until Invalidate(), which registering a function calls:
  // the question is a query of pragma_function_list, ~670,000 instructions).
  bool HasRegexp();
  int has_regexp_ = -1;  // -1: not asked yet
  // The declared type of parent's column (its primary key when column is
  // ""), for a foreign key's child column.
  std::string ReferencedType(const std::string& parent, const std::string& column);

  sqlite3* db_ = nullptr;
  std::string server_schema_;
  std::map<std::string, std::string> attached_;  // name -> server schema
  std::vector<std::string> attached_order_;
  std::map<std::string, std::unique_ptr<sql::TableShape>> shapes_;
  std::unordered_map<std::string, sql::Translation> translations_;
  std::unordered_map<std::string, std::string> local_views_;
  std::unordered_map<std::string, std::vector<sql::IndexColumn>> index_keys_;  // IndexKey
};

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_SHADOW_H_
