#include "engine/sqlite_api.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <type_traits>

namespace litelift::engine {

// The generated signatures must be exactly those of the system sqlite3.h.
#define LL_HANDLE_FN(R, name, params, args, handles) \
  static_assert(std::is_same_v<decltype(&::name), decltype(Api::name)>, #name);
#define LL_PLAIN_FN(R, name, params, args) \
  static_assert(std::is_same_v<decltype(&::name), decltype(Api::name)>, #name);
#define LL_SPECIAL_FN(R, name, params) \
  static_assert(std::is_same_v<decltype(&::name), decltype(Api::name)>, #name);
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN

namespace internal {
std::atomic<const Api*> g_api{nullptr};
}  // namespace internal

namespace {

Api g_table;            // filled once under g_once, then published in g_api
std::once_flag g_once;
bool g_available = false;
char g_library_path[4096];

// Reports a call to a function the system library does not provide. Writes
// to stderr directly: the logger may itself need the engine.
void ReportMissing(const char* name) {
  static std::atomic<int> reported{0};
  if (reported.fetch_add(1) < 8) {
    std::fprintf(stderr, "litelift: %s is not provided by the system libsqlite3\n",
                 name);
  }
}

template <typename R>
R FallbackValue() {
  if constexpr (std::is_void_v<R>) {
    return;
  } else if constexpr (std::is_pointer_v<R>) {
    return nullptr;
  } else if constexpr (std::is_same_v<R, int>) {
    return SQLITE_ERROR;
  } else {
    return R{};
  }
}

// Fallbacks, one per function, used where the real symbol is missing.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define LL_HANDLE_FN(R, name, params, args, handles) \
  R Missing_##name params {                          \
    ReportMissing(#name);                            \
    return FallbackValue<R>();                       \
  }
#define LL_PLAIN_FN(R, name, params, args) LL_HANDLE_FN(R, name, params, , )
#define LL_SPECIAL_FN(R, name, params) LL_HANDLE_FN(R, name, params, , )
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
#pragma GCC diagnostic pop

// Finds the real library: the one already loaded after us (LD_PRELOAD, or a
// program linked against libsqlite3), else the system's by soname (a program
// linked against litelift instead of libsqlite3). Returns a dlopen handle.
void* OpenRealLibrary() {
  Dl_info self{};
  dladdr(reinterpret_cast<void*>(&OpenRealLibrary), &self);
  void* next = dlsym(RTLD_NEXT, "sqlite3_libversion_number");
  if (next != nullptr) {
    Dl_info info{};
    if (dladdr(next, &info) != 0 && info.dli_fname != nullptr &&
        (self.dli_fname == nullptr ||
         std::strcmp(info.dli_fname, self.dli_fname) != 0)) {
      void* handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
      if (handle != nullptr) return handle;
    }
  }
  return dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
}

void Resolve() {
  void* handle = OpenRealLibrary();
  g_available = handle != nullptr;
  if (!g_available) {
    std::fprintf(stderr, "litelift: cannot load the system libsqlite3: %s\n",
                 dlerror());
  }
  bool path_known = false;
  auto lookup = [&](const char* name) -> void* {
    if (handle == nullptr) return nullptr;
    void* fn = dlsym(handle, name);
    if (fn != nullptr && !path_known) {
      Dl_info info{};
      if (dladdr(fn, &info) != 0 && info.dli_fname != nullptr) {
        std::snprintf(g_library_path, sizeof g_library_path, "%s",
                      info.dli_fname);
        path_known = true;
      }
    }
    return fn;
  };
#define LL_HANDLE_FN(R, name, params, args, handles)                    \
  if (void* fn = lookup(#name)) {                                       \
    g_table.name = reinterpret_cast<decltype(g_table.name)>(fn);        \
  } else {                                                              \
    g_table.name = &Missing_##name;                                     \
  }
#define LL_PLAIN_FN(R, name, params, args) LL_HANDLE_FN(R, name, params, , )
#define LL_SPECIAL_FN(R, name, params) LL_HANDLE_FN(R, name, params, , )
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
  internal::g_api.store(&g_table, std::memory_order_release);
}

}  // namespace

namespace internal {
const Api& ResolveOnce() {
  std::call_once(g_once, Resolve);
  return *g_api.load(std::memory_order_acquire);
}
}  // namespace internal

bool Available() {
  Real();
  return g_available;
}

const char* LibraryPath() {
  Real();
  return g_library_path;
}

}  // namespace litelift::engine
