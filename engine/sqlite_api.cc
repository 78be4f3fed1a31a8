#include "engine/sqlite_api.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <type_traits>

#include "engine/direct_bind.h"

namespace litelift::engine {

// The generated signatures must be exactly those of the system sqlite3.h.
#define LL_CHECK(name) \
  static_assert(std::is_same_v<decltype(&::name), decltype(Api::name)::value_type>, #name);
#define LL_HANDLE_FN(R, name, params, args, handles) LL_CHECK(name)
#define LL_PLAIN_FN(R, name, params, args) LL_CHECK(name)
#define LL_SPECIAL_FN(R, name, params) LL_CHECK(name)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
#undef LL_CHECK

namespace {

std::once_flag g_once;
bool g_available = false;
int g_direct_slots = 0;
char g_library_path[4096];

// Reports a call to a function the system library does not provide. Writes
// to stderr directly: the logger may itself need the engine.
void ReportMissing(const char* name) {
  static std::atomic<int> reported{0};
  if (reported.fetch_add(1) < 8) {
    std::fprintf(stderr, "litelift: %s is not provided by the system libsqlite3\n", name);
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

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
// Fallbacks, one per function, used where the real symbol is missing.
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

// Lazy stubs, the table's first entries: each resolves the whole table, then
// calls the function it stands for. The special (variadic, open) entries
// start null: the shim's own exports for them call Resolve() first.
#define LL_HANDLE_FN(R, name, params, args, handles) \
  R Lazy_##name params {                             \
    Resolve();                                       \
    return LL_REAL(name) args;                       \
  }
#define LL_PLAIN_FN(R, name, params, args) LL_HANDLE_FN(R, name, params, args, )
#define LL_SPECIAL_FN(R, name, params)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN

// The file holding this code (liblitelift, under whatever name it was
// loaded), as device and inode; false when it cannot be told.
bool OwnFileId(dev_t* dev, ino_t* ino) {
  Dl_info self{};
  struct stat st;
  if (dladdr(reinterpret_cast<void*>(&OwnFileId), &self) == 0 || self.dli_fname == nullptr ||
      stat(self.dli_fname, &st) != 0) {
    return false;
  }
  *dev = st.st_dev;
  *ino = st.st_ino;
  return true;
}

// Whether path is a readable file other than liblitelift itself (compared by
// identity, not by name: liblitelift may be installed as libsqlite3.so.0).
bool IsOtherLibrary(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  dev_t dev;
  ino_t ino;
  return !OwnFileId(&dev, &ino) || dev != st.st_dev || ino != st.st_ino;
}

// Finds the real library: the one already loaded after us (LD_PRELOAD, or a
// program linked against libsqlite3), else by absolute path: the one found
// at build time, then the standard directories, each skipped when it is
// liblitelift itself. Never by soname alone: with liblitelift installed as
// libsqlite3.so.0 on LD_LIBRARY_PATH that would find itself. Returns a
// dlopen handle, or nullptr with *tried listing the paths tried.
void* OpenRealLibrary(std::string* tried) {
  void* next = dlsym(RTLD_NEXT, "sqlite3_libversion_number");
  if (next != nullptr) {
    Dl_info info{};
    if (dladdr(next, &info) != 0 && info.dli_fname != nullptr && IsOtherLibrary(info.dli_fname)) {
      void* handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
      if (handle != nullptr) return handle;
    }
  }
  static const char* const kCandidates[] = {
      LITELIFT_SYSTEM_SQLITE,
      "/usr/lib/" LITELIFT_MULTIARCH "/libsqlite3.so.0",
      "/lib/" LITELIFT_MULTIARCH "/libsqlite3.so.0",
      "/usr/lib64/libsqlite3.so.0",
      "/lib64/libsqlite3.so.0",
      "/usr/lib/libsqlite3.so.0",
      "/lib/libsqlite3.so.0",
      "/usr/local/lib/libsqlite3.so.0",
  };
  for (const char* path : kCandidates) {
    if (*path == '\0' || std::strstr(path, "//") != nullptr) continue;  // none at build time
    if (!IsOtherLibrary(path)) {
      if (tried->find(path) == std::string::npos) *tried += std::string(" ") + path;
      continue;
    }
    void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) return handle;
    *tried += std::string(" ") + path + " (" + dlerror() + ")";
  }
  return nullptr;
}
// The real function behind name, for the library's internal calls: only
// the non-special entries (never an open: those must meet the router), and
// only where the real symbol exists.
void* InternalTarget(const char* name) {
#define LL_HANDLE_FN(R, fn, params, args, handles) LL_TARGET(fn)
#define LL_PLAIN_FN(R, fn, params, args) LL_TARGET(fn)
#define LL_SPECIAL_FN(R, fn, params)
#define LL_TARGET(fn)                                                 \
  if (std::strcmp(name, #fn) == 0) {                                  \
    auto p = internal::g_api.fn.load(std::memory_order_acquire);      \
    return p == &Missing_##fn ? nullptr : reinterpret_cast<void*>(p); \
  }
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
#undef LL_TARGET
  return nullptr;
}

// True when handle is liblitelift itself: resolving through it would recurse.
bool IsOurselves(void* handle) {
  Dl_info self{}, found{};
  void* probe = handle != nullptr ? dlsym(handle, "sqlite3_libversion_number") : nullptr;
  return probe != nullptr && dladdr(reinterpret_cast<void*>(&IsOurselves), &self) != 0 &&
         dladdr(probe, &found) != 0 && self.dli_fname != nullptr && found.dli_fname != nullptr &&
         std::strcmp(self.dli_fname, found.dli_fname) == 0;
}

void ResolveAll() {
  std::string tried;
  void* handle = OpenRealLibrary(&tried);
  if (IsOurselves(handle)) handle = nullptr;
  g_available = handle != nullptr;
  if (!g_available) {
    std::fprintf(stderr,
                 "litelift: cannot load the system libsqlite3 (tried:%s; liblitelift itself "
                 "skipped)\n",
                 tried.c_str());
  } else {
    Dl_info info{};
    void* probe = dlsym(handle, "sqlite3_libversion_number");
    if (probe != nullptr && dladdr(probe, &info) != 0 && info.dli_fname != nullptr) {
      std::snprintf(g_library_path, sizeof g_library_path, "%s", info.dli_fname);
    }
  }
  auto lookup = [handle](const char* name) -> void* {
    return handle != nullptr ? dlsym(handle, name) : nullptr;
  };
#define LL_SET(name)                                                                             \
  if (void* fn = lookup(#name)) {                                                                \
    internal::g_api.name.store(reinterpret_cast<decltype(internal::g_api.name)::value_type>(fn), \
                               std::memory_order_release);                                       \
  } else {                                                                                       \
    internal::g_api.name.store(&Missing_##name, std::memory_order_release);                      \
  }
#define LL_HANDLE_FN(R, name, params, args, handles) LL_SET(name)
#define LL_PLAIN_FN(R, name, params, args) LL_SET(name)
#define LL_SPECIAL_FN(R, name, params) LL_SET(name)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
#undef LL_SET
  if (g_available && std::getenv("LITELIFT_NO_DIRECT_BIND") == nullptr) {
    g_direct_slots = BindInternalCallsDirectly(
        g_library_path, [](const char* name) { return InternalTarget(name); });
  }
}

}  // namespace

namespace internal {
// Constant-initialised (no static constructor): lazy stubs and nulls.
Api g_api = {
#define LL_HANDLE_FN(R, name, params, args, handles) &Lazy_##name,
#define LL_PLAIN_FN(R, name, params, args) &Lazy_##name,
#define LL_SPECIAL_FN(R, name, params) nullptr,
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
};
}  // namespace internal

namespace {
std::atomic<void (*)()> g_resolved_hook{nullptr};
std::atomic<bool> g_resolved{false};
std::once_flag g_hook_once;
thread_local bool t_in_hook = false;
}  // namespace

void Resolve() {
  std::call_once(g_once, [] {
    ResolveAll();
    g_resolved.store(true);
  });
  // (After the table is filled: the hook may call into the real library,
  // whose calls back into the shim must find it; a call back into Resolve
  // from the hook's own thread returns at once.)
  if (g_resolved_hook.load(std::memory_order_acquire) != nullptr && !t_in_hook) {
    std::call_once(g_hook_once, [] {
      t_in_hook = true;
      g_resolved_hook.load()();
      t_in_hook = false;
    });
  }
}

void SetResolvedHook(void (*hook)()) {
  g_resolved_hook.store(hook, std::memory_order_release);
  if (g_resolved.load()) Resolve();  // resolved already: run it now
}

bool Available() {
  Resolve();
  return g_available;
}

int DirectlyBoundSlots() {
  Resolve();
  return g_direct_slots;
}

void* OpenRealLibraryHandle() {
  std::string tried;
  void* handle = OpenRealLibrary(&tried);
  return IsOurselves(handle) ? nullptr : handle;
}

const char* LibraryPath() {
  Resolve();
  return g_library_path;
}

}  // namespace litelift::engine
