#include "shim/pg_module.h"

#include <dlfcn.h>
#include <limits.h>

#include <cstdlib>
#include <mutex>

#include "router/log.h"
#include "router/route.h"
#include "shim/failed_connection.h"
#include "shim/handle_arena.h"

namespace litelift::shim {

namespace {

std::once_flag g_once;
const ModuleEntry* g_entry = nullptr;
std::string g_error;

// The module sits next to liblitelift.so (build tree and install alike),
// the file itself: liblitelift may be loaded through a link named
// libsqlite3.so.0 elsewhere. LITELIFT_PG_MODULE overrides the path.
std::string ModulePath() {
  if (const char* path = std::getenv("LITELIFT_PG_MODULE"); path && *path) {
    return path;
  }
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&ModulePath), &info) != 0 && info.dli_fname != nullptr) {
    char resolved[PATH_MAX];
    std::string self(realpath(info.dli_fname, resolved) != nullptr ? resolved : info.dli_fname);
    size_t slash = self.rfind('/');
    if (slash != std::string::npos) {
      return self.substr(0, slash + 1) + kModuleFileName;
    }
  }
  return kModuleFileName;
}

bool IsRemoteHandle(const void* handle) { return IsRemote(handle); }

sqlite3* NewFailedConnectionC(int code, const char* message) {
  return NewFailedConnection(code, message != nullptr ? message : "");
}

int RouteFor(const char* filename, int flags, ModuleRoute* out) {
  thread_local router::Route route;
  thread_local std::string error;
  route = router::Route();
  error.clear();
  try {
    if (!router::Decide(router::ProcessSettings(), filename, flags, &route, &error)) {
      out->origin = error.c_str();
      return kRouteError;
    }
  } catch (...) {  // only std::bad_alloc can get here
    error = "out of memory";
    out->origin = error.c_str();
    return kRouteError;
  }
  if (route.backend == router::Backend::kSqlite) return kStaysLocal;
  *out = {route.dsn.c_str(),    route.schema.c_str(), route.canonical_path.c_str(),
          route.memory ? 1 : 0, route.origin.c_str(), route.native_concurrency ? 1 : 0,
        static_cast<int>(route.on_first_open), route.pipeline_writes ? 1 : 0};
  return kRoutedToPostgres;
}

void Load() {
  engine::Resolve();
  static const ModuleHost host = {
      kModuleAbiVersion,   &engine::internal::g_api, &AllocateHandle, &FreeHandle,
      &DefaultRemoteApi(), &NewFailedConnectionC,    &IsRemoteHandle, &RouteFor,
  };
  std::string path = ModulePath();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    g_error = std::string("litelift: the postgres route is not available yet (") +
              (why != nullptr ? why : path) + ")";
    LL_ERROR("{}", g_error);
    return;
  }
  auto init = reinterpret_cast<ModuleInitFn>(dlsym(handle, kModuleInitSymbol));
  const ModuleEntry* entry = init != nullptr ? init(&host) : nullptr;
  if (entry == nullptr || entry->abi_version != kModuleAbiVersion) {
    g_error = "litelift: " + path + " does not match this liblitelift.so (rebuild both together)";
    LL_ERROR("{}", g_error);
    return;
  }
  LL_INFO("loaded the postgres route from {}", path);
  g_entry = entry;
}

}  // namespace

const ModuleEntry* PgModule(std::string* error) {
  std::call_once(g_once, Load);
  if (g_entry == nullptr) *error = g_error;
  return g_entry;
}

}  // namespace litelift::shim
