// The few sqlite3 functions the data commands use, taken from one library:
// the real libsqlite3 (the local file) or liblitelift.so (the route), both
// loaded into the command with RTLD_LOCAL so that each keeps its own.

#ifndef LITELIFT_TOOLS_CLI_SQLITE_LIB_H_
#define LITELIFT_TOOLS_CLI_SQLITE_LIB_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace litelift::cli {

// One library's functions, named as in sqlite3.h.
struct SqliteLib {
  std::string name;  // "SQLite" or "the route", for messages
#define LL_FN(R, fn, params) R(*fn) params = nullptr;
#include "tools/cli/sqlite_lib.inc"
#undef LL_FN
};

// Loads path (dlopen, RTLD_LOCAL) and fills *lib; false with *error set
// when it cannot be loaded or lacks a function.
bool LoadSqliteLib(const std::string& path, const std::string& name, SqliteLib* lib,
                   std::string* error);

// One value of any storage class, owned.
struct Value {
  int type = SQLITE_NULL;
  int64_t i = 0;
  double d = 0;
  std::string bytes;  // text or blob
};

// A connection through one library. Not thread-safe.
class Db {
 public:
  explicit Db(const SqliteLib* lib) : lib_(lib) {}
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Opens filename with flags; false with *error (the library's message).
  bool Open(const std::string& filename, int flags, std::string* error);
  void Close();

  // Runs sql (one or more statements, no results); false with *error.
  bool Exec(const std::string& sql, std::string* error);

  // Runs one query and returns its rows as values; false with *error.
  bool Query(const std::string& sql, std::vector<std::vector<Value>>* rows, std::string* error);

  // The single integer the query returns (0 when no row); false with *error.
  bool QueryInt(const std::string& sql, int64_t* out, std::string* error);

  // The library's message for the last failure on this connection.
  std::string Errmsg() const;

  const SqliteLib* lib() const { return lib_; }
  sqlite3* handle() const { return db_; }

 private:
  const SqliteLib* lib_;
  sqlite3* db_ = nullptr;
};

// Reads column i of stmt (through lib) into *v.
void ReadColumn(const SqliteLib& lib, sqlite3_stmt* stmt, int i, Value* v);

// Binds v as parameter i (1-based) of stmt, keeping its storage class.
int BindValue(const SqliteLib& lib, sqlite3_stmt* stmt, int i, const Value& v);

// name as an SQLite identifier: double-quoted, quotes doubled.
std::string Quote(const std::string& name);

// text as an SQL string literal: single-quoted, quotes doubled.
std::string Literal(const std::string& text);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_SQLITE_LIB_H_
