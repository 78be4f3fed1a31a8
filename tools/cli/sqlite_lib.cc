#include "tools/cli/sqlite_lib.h"

#include <dlfcn.h>

namespace litelift::cli {

bool LoadSqliteLib(const std::string& path, const std::string& name, SqliteLib* lib,
                   std::string* error) {
  // Never unloaded: the route's module and threads may outlive a close.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = "cannot load " + path + ": " + (why != nullptr ? why : "?");
    return false;
  }
  lib->name = name;
#define LL_FN(R, fn, params)                                   \
  lib->fn = reinterpret_cast<R(*) params>(dlsym(handle, #fn)); \
  if (lib->fn == nullptr) {                                    \
    *error = path + " has no " #fn;                            \
    return false;                                              \
  }
#include "tools/cli/sqlite_lib.inc"
#undef LL_FN
  return true;
}

Db::~Db() { Close(); }

bool Db::Open(const std::string& filename, int flags, std::string* error) {
  Close();
  int rc = lib_->sqlite3_open_v2(filename.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    *error = db_ != nullptr ? lib_->sqlite3_errmsg(db_) : "out of memory";
    Close();
    return false;
  }
  return true;
}

void Db::Close() {
  if (db_ != nullptr) lib_->sqlite3_close_v2(db_);
  db_ = nullptr;
}

std::string Db::Errmsg() const { return db_ != nullptr ? lib_->sqlite3_errmsg(db_) : "not open"; }

bool Db::Exec(const std::string& sql, std::string* error) {
  char* message = nullptr;
  if (lib_->sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    *error = message != nullptr ? message : Errmsg();
    lib_->sqlite3_free(message);
    return false;
  }
  return true;
}

bool Db::Query(const std::string& sql, std::vector<std::vector<Value>>* rows, std::string* error) {
  rows->clear();
  sqlite3_stmt* stmt = nullptr;
  if (lib_->sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    *error = Errmsg();
    return false;
  }
  int n = lib_->sqlite3_column_count(stmt);
  int rc;
  while ((rc = lib_->sqlite3_step(stmt)) == SQLITE_ROW) {
    rows->emplace_back(n);
    for (int i = 0; i < n; ++i) ReadColumn(*lib_, stmt, i, &rows->back()[i]);
  }
  if (rc != SQLITE_DONE) *error = Errmsg();
  lib_->sqlite3_finalize(stmt);
  return rc == SQLITE_DONE;
}

bool Db::QueryInt(const std::string& sql, int64_t* out, std::string* error) {
  std::vector<std::vector<Value>> rows;
  if (!Query(sql, &rows, error)) return false;
  *out = rows.empty() || rows[0].empty() ? 0 : rows[0][0].i;
  return true;
}

void ReadColumn(const SqliteLib& lib, sqlite3_stmt* stmt, int i, Value* v) {
  v->type = lib.sqlite3_column_type(stmt, i);
  switch (v->type) {
    case SQLITE_INTEGER:
      v->i = lib.sqlite3_column_int64(stmt, i);
      break;
    case SQLITE_FLOAT:
      v->d = lib.sqlite3_column_double(stmt, i);
      break;
    case SQLITE_TEXT: {
      const unsigned char* p = lib.sqlite3_column_text(stmt, i);
      v->bytes.assign(reinterpret_cast<const char*>(p), lib.sqlite3_column_bytes(stmt, i));
      break;
    }
    case SQLITE_BLOB: {
      const void* p = lib.sqlite3_column_blob(stmt, i);
      int n = lib.sqlite3_column_bytes(stmt, i);
      v->bytes.assign(p != nullptr ? static_cast<const char*>(p) : "", n);
      break;
    }
    default:
      break;
  }
}

int BindValue(const SqliteLib& lib, sqlite3_stmt* stmt, int i, const Value& v) {
  switch (v.type) {
    case SQLITE_INTEGER:
      return lib.sqlite3_bind_int64(stmt, i, v.i);
    case SQLITE_FLOAT:
      return lib.sqlite3_bind_double(stmt, i, v.d);
    case SQLITE_TEXT:
      return lib.sqlite3_bind_text(stmt, i, v.bytes.data(), static_cast<int>(v.bytes.size()),
                                   SQLITE_STATIC);
    case SQLITE_BLOB:
      // A zero-length blob stays a blob (a null pointer would bind NULL).
      return lib.sqlite3_bind_blob(stmt, i, v.bytes.data(), static_cast<int>(v.bytes.size()),
                                   SQLITE_STATIC);
    default:
      return lib.sqlite3_bind_null(stmt, i);
  }
}

namespace {

// text between two q's, each q in it doubled (SQL's quoting).
std::string Enclose(const std::string& text, char q) {
  std::string out(1, q);
  for (char c : text) {
    out += c;
    if (c == q) out += q;
  }
  return out + q;
}

}  // namespace

std::string Quote(const std::string& name) { return Enclose(name, '"'); }

std::string Literal(const std::string& text) { return Enclose(text, '\''); }

}  // namespace litelift::cli
