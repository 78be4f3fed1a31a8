// The interface between liblitelift.so and the postgres route's module,
// liblitelift-pg.so, which the shim loads with dlopen on the first routed
// open, so that a process that never routes never loads libpq.

#ifndef LITELIFT_SHIM_MODULE_API_H_
#define LITELIFT_SHIM_MODULE_API_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "engine/sqlite_api.h"
#include "shim/remote_api.h"

namespace litelift::shim {

// Bumped whenever ModuleHost or ModuleEntry change; both sides must agree.
constexpr std::uint32_t kModuleAbiVersion = 6;

// Only C types cross this boundary: the shim carries its own (hidden) C++
// runtime, and the module may use another.

// Where the router sent the database (router::Route, as C strings).
struct ModuleRoute {
  const char* dsn;             // libpq connection string
  const char* schema;          // explicit schema name, or ""
  const char* canonical_path;  // absolute path of a file database, or ""
  int memory;                  // :memory:, "" or a memory URI
  const char* origin;          // what decided the route, for messages
  int native_concurrency;      // PostgreSQL's row locks instead of one writer
  int on_first_open;           // router::FirstOpen: 0 refuse, 1 empty
  int pipeline_writes;         // the route's pipeline_writes (the variable wins)
};

// route_for's answers.
constexpr int kStaysLocal = 0;
constexpr int kRoutedToPostgres = 1;
constexpr int kRouteError = 2;

// What the shim lends the module.
struct ModuleHost {
  std::uint32_t abi_version;
  const engine::Api* engine;  // the real SQLite (shadow catalogs use it)
  RemoteHandle* (*allocate_handle)(const RemoteApi* api, void* impl);
  void (*free_handle)(RemoteHandle* handle);
  const RemoteApi* default_api;
  sqlite3* (*new_failed_connection)(int code, const char* message);
  bool (*is_remote)(const void* handle);
  // Where the router sends another database (ATTACH): kRoutedToPostgres
  // (*out filled, its strings valid until the thread's next call),
  // kStaysLocal, or kRouteError (the settings are in error; out->origin
  // says why).
  int (*route_for)(const char* filename, int flags, ModuleRoute* out);
};

// What the module offers.
struct ModuleEntry {
  std::uint32_t abi_version;
  // Opens filename on route with sqlite3_open_v2's contract: returns an
  // SQLite code and, unless out of memory, sets *db to a handle (a failed
  // connection when the code is not SQLITE_OK).
  int (*open)(const ModuleRoute* route, const char* filename, sqlite3** db, int flags,
              const char* vfs);
};

// The module's one exported symbol.
using ModuleInitFn = const ModuleEntry* (*)(const ModuleHost* host);
constexpr const char* kModuleInitSymbol = "litelift_pg_module_init";
constexpr const char* kModuleFileName = "liblitelift-pg.so";

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_MODULE_API_H_
