#include "shim/bypass_guard.h"

#include <dlfcn.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/sqlite_api.h"
#include "router/route.h"

namespace litelift::shim {
namespace {

thread_local int t_own_opens = 0;

// Registering the guard initializes the real library (SQLite's
// sqlite3_auto_extension calls sqlite3_initialize), which would make a
// program's later sqlite3_config() fail. These let sqlite3_config undo
// that initialization while no database has been opened yet.
int (*g_auto_extension)(void (*)(void)) = nullptr;
int (*g_shutdown)() = nullptr;
std::atomic<bool> g_installed{false};
std::atomic<long> g_opens_seen{0};

// The real library's functions the guard calls, looked up on their own.
const char* (*g_db_filename)(sqlite3*, const char*) = nullptr;
char* (*g_mprintf)(const char*, ...) = nullptr;

// Whether the environment configures any routing (a DSN or a config file,
// and no LITELIFT_BACKEND=sqlite): only then is the guard worth loading
// the real library at start-up for.
bool RoutingConfigured() {
  const char* backend = std::getenv("LITELIFT_BACKEND");
  if (backend != nullptr && std::strcmp(backend, "sqlite") == 0) return false;
  return std::getenv("LITELIFT_DSN") != nullptr || std::getenv("LITELIFT_CONFIG") != nullptr;
}

// The automatic extension: runs inside the real library's open.
int Guard(sqlite3* db, const char** error, const sqlite3_api_routines*) {
  g_opens_seen.fetch_add(1, std::memory_order_relaxed);
  if (t_own_opens > 0) return SQLITE_OK;
  const char* file = g_db_filename(db, "main");
  if (file == nullptr || *file == '\0') return SQLITE_OK;  // memory or temporary
  std::string why;
  try {
    router::Route route;
    std::string decide_error;
    if (!router::Decide(router::ProcessSettings(), file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        &route, &decide_error)) {
      why = decide_error;
    } else if (route.backend == router::Backend::kPostgres) {
      why = "litelift: " + std::string(file) + " is routed to PostgreSQL (" + route.origin +
            ") but this program opened it through the real libsqlite3, around litelift (a "
            "module bound to libsqlite3 directly, e.g. loaded with RTLD_DEEPBIND as PHP loads "
            "its extensions); run the program with `litelift run`, which also puts litelift "
            "first on LD_LIBRARY_PATH as libsqlite3.so.0 (see `litelift doctor`)";
    }
  } catch (...) {
    why = "litelift: out of memory checking the route of a database opened around litelift";
  }
  if (why.empty()) return SQLITE_OK;
  std::fprintf(stderr, "%s\n", why.c_str());
  *error = g_mprintf("%s", why.c_str());
  return SQLITE_CANTOPEN;
}

// Registers the guard in the real library: run by the engine right after
// its table is resolved (engine::SetResolvedHook), which any call into the
// real library makes happen first. Registering initializes the real
// library; a process that never calls it pays nothing for the guard.
void RegisterGuard() {
  void* real = engine::OpenRealLibraryHandle();
  if (real == nullptr) return;  // the first open reports the missing library
  g_auto_extension =
      reinterpret_cast<decltype(g_auto_extension)>(dlsym(real, "sqlite3_auto_extension"));
  g_shutdown = reinterpret_cast<decltype(g_shutdown)>(dlsym(real, "sqlite3_shutdown"));
  g_db_filename = reinterpret_cast<decltype(g_db_filename)>(dlsym(real, "sqlite3_db_filename"));
  g_mprintf = reinterpret_cast<decltype(g_mprintf)>(dlsym(real, "sqlite3_mprintf"));
  if (g_auto_extension == nullptr || g_shutdown == nullptr || g_db_filename == nullptr ||
      g_mprintf == nullptr) {
    return;
  }
  g_installed = g_auto_extension(reinterpret_cast<void (*)(void)>(&Guard)) == SQLITE_OK;
}

__attribute__((constructor)) void InstallGuard() {
  if (!RoutingConfigured()) return;
  // Claims the name libsqlite3.so.0 before the real library (whose soname
  // it is) is loaded: the dynamic loader gives a module that needs
  // libsqlite3.so.0 the first loaded object of that name. When a directory
  // on LD_LIBRARY_PATH holds liblitelift as libsqlite3.so.0 (litelift run),
  // this finds liblitelift itself, already loaded, and adds the name to it;
  // otherwise it loads the real library, as the engine is about to.
  //
  // Loaded this way (by the global scope, where liblitelift comes first),
  // the real library's calls to its own exports land in liblitelift until
  // the engine binds them directly; a module bound to the real library
  // around litelift therefore still enters liblitelift at its first call
  // (its open calls sqlite3_initialize first), which resolves the engine
  // and registers the guard before that open runs its automatic
  // extensions. Nothing more is done at start-up: resolving and
  // registering here cost ~3 ms of CPU in every process (the direct
  // binding's mprotect calls, sqlite3_initialize), needed or not.
  //
  // A library loaded already (the program links it, or loaded it before
  // loading liblitelift, as litelift migrate does) is the one the program
  // uses: the guard is registered now, as the program expects of a loaded
  // liblitelift (it pays the cost at its first call anyway).
  bool loaded_already = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_NOLOAD) != nullptr;
  dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
  engine::SetResolvedHook(&RegisterGuard);
  if (loaded_already) engine::Resolve();
}

}  // namespace

bool UninitializeForConfig() {
  if (!g_installed.load() || g_opens_seen.load() != 0) return false;
  // sqlite3_shutdown also drops the automatic extensions; ReinstallGuard
  // registers the guard again.
  if (g_shutdown() != SQLITE_OK) return false;
  g_installed = false;
  return true;
}

void ReinstallGuard() {
  if (g_installed.load() || g_auto_extension == nullptr) return;
  g_installed = g_auto_extension(reinterpret_cast<void (*)(void)>(&Guard)) == SQLITE_OK;
}

OwnOpenScope::OwnOpenScope() { ++t_own_opens; }
OwnOpenScope::~OwnOpenScope() { --t_own_opens; }

}  // namespace litelift::shim
