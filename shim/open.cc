// sqlite3_open, sqlite3_open16 and sqlite3_open_v2: ask the router where the
// database lives, then open it locally (the real SQLite, untouched) or through
// the postgres route's module. A database that cannot be routed as
// configured fails to open; it never silently becomes a local file.

#include <sqlite3.h>

#include <string>

#include "engine/sqlite_api.h"
#include "router/log.h"
#include "router/route.h"
#include "shim/bypass_guard.h"
#include "shim/export.h"
#include "shim/failed_connection.h"
#include "shim/pg_module.h"
#include "shim/uri.h"
#include "shim/utf.h"

namespace litelift::shim {
namespace {

// Reports a failed open the way SQLite does: a handle that carries the
// error, or NULL with SQLITE_NOMEM when not even that can be allocated.
int FailOpen(sqlite3** db, int code, const std::string& message) {
  LL_ERROR("open failed: {}", message);
  *db = NewFailedConnection(code, message);
  return *db != nullptr ? code : SQLITE_NOMEM;
}

// Opens a database that the router sent to postgres.
int OpenRemote(const router::Route& route, const char* filename, sqlite3** db, int flags,
               const char* vfs) {
  std::string error;
  const ModuleEntry* module = PgModule(&error);
  if (module == nullptr) return FailOpen(db, SQLITE_CANTOPEN, error);
  const ModuleRoute c_route = {
      route.dsn.c_str(),    route.schema.c_str(), route.canonical_path.c_str(),
      route.memory ? 1 : 0, route.origin.c_str(), route.native_concurrency ? 1 : 0,
      static_cast<int>(route.on_first_open), route.pipeline_writes ? 1 : 0};
  // SQLite's own refusals of the name (a bad URI, an unknown VFS) first,
  // with its codes and messages; a URI's parameters set the flags.
  int checked = flags;
  bool is_uri = false;
  std::string error_text;
  int rc = CheckOpen(filename, vfs, &checked, &is_uri, &error_text);
  if (rc != SQLITE_OK) return FailOpen(db, rc, error_text);
  int open_flags = is_uri ? checked : router::FlagsWithUriMode(filename, flags);
  return module->open(&c_route, filename, db, open_flags, vfs);
}

bool Route(const char* utf8_name, sqlite3** db, int flags, const char* vfs, int* rc) {
  router::Route route;
  std::string error;
  if (!router::Decide(router::ProcessSettings(), utf8_name, flags, &route, &error)) {
    // A name SQLite itself refuses fails as SQLite says, not as the router.
    int checked = flags;
    bool is_uri = false;
    std::string uri_error;
    int uri_rc = CheckOpen(utf8_name, vfs, &checked, &is_uri, &uri_error);
    *rc = uri_rc != SQLITE_OK ? FailOpen(db, uri_rc, uri_error)
                              : FailOpen(db, SQLITE_CANTOPEN, error);
    return true;
  }
  if (route.backend == router::Backend::kSqlite) return false;
  LL_INFO("{} routes to postgres ({})", utf8_name != nullptr ? utf8_name : "", route.origin);
  *rc = OpenRemote(route, utf8_name, db, flags, vfs);
  return true;
}

// Decides the route; returns false when the database stays local. Otherwise
// the open has been done (or has failed) and *rc is its result.
bool RoutedElsewhere(const char* utf8_name, sqlite3** db, int flags, const char* vfs,
                     int* rc) noexcept {
  try {
    return Route(utf8_name, db, flags, vfs, rc);
  } catch (...) {  // only std::bad_alloc can get here
    *db = nullptr;
    *rc = SQLITE_NOMEM;
    return true;
  }
}

}  // namespace
}  // namespace litelift::shim

namespace shim = litelift::shim;

extern "C" {

LL_EXPORT int sqlite3_open_v2(const char* filename, sqlite3** db, int flags, const char* vfs) {
  if (db == nullptr) return SQLITE_MISUSE;
  int rc;
  if (shim::RoutedElsewhere(filename, db, flags, vfs, &rc)) return rc;
  shim::OwnOpenScope own;
  return LL_REAL_SPECIAL(sqlite3_open_v2)(filename, db, flags, vfs);
}

LL_EXPORT int sqlite3_open(const char* filename, sqlite3** db) {
  if (db == nullptr) return SQLITE_MISUSE;
  int rc;
  if (shim::RoutedElsewhere(filename, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr,
                            &rc)) {
    return rc;
  }
  shim::OwnOpenScope own;
  return LL_REAL_SPECIAL(sqlite3_open)(filename, db);
}

LL_EXPORT int sqlite3_open16(const void* filename, sqlite3** db) {
  if (db == nullptr) return SQLITE_MISUSE;
  std::string name = filename != nullptr ? shim::Utf16ToUtf8(filename, -1) : std::string();
  int rc;
  if (shim::RoutedElsewhere(name.c_str(), db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr,
                            &rc)) {
    return rc;
  }
  shim::OwnOpenScope own;
  return LL_REAL_SPECIAL(sqlite3_open16)(filename, db);
}

}  // extern "C"
