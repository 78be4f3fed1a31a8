// The in-process engine: the machine's real libsqlite3, resolved once.
//
// Every function of the public SQLite ABI is reached through Real(), a table
// of pointers into the real library. The shim never calls an sqlite3_*
// function by name: under LD_PRELOAD that name is the shim itself.

#ifndef LITELIFT_ENGINE_SQLITE_API_H_
#define LITELIFT_ENGINE_SQLITE_API_H_

#include <sqlite3.h>

#include <atomic>

namespace litelift::engine {

// One pointer per public function of libsqlite3, named as the function.
struct Api {
#define LL_HANDLE_FN(R, name, params, args, handles) R(*name) params;
#define LL_PLAIN_FN(R, name, params, args) R(*name) params;
#define LL_SPECIAL_FN(R, name, params) R(*name) params;
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
};

namespace internal {
extern std::atomic<const Api*> g_api;
const Api& ResolveOnce();
}  // namespace internal

// Returns the real SQLite's function table. The first call (from any thread)
// resolves every symbol, thread-safely; later calls are one atomic load.
// Never fails: a symbol the system library lacks, or a missing library,
// resolves to a fallback that logs the call and returns an SQLite error
// (SQLITE_ERROR, NULL, 0 or nothing, by return type).
inline const Api& Real() {
  const Api* api = internal::g_api.load(std::memory_order_acquire);
  return api != nullptr ? *api : internal::ResolveOnce();
}

// Whether the real library was found (false only in a broken installation).
bool Available();

// The path of the library Real() resolved to, or "" when none was found.
const char* LibraryPath();

}  // namespace litelift::engine

#endif  // LITELIFT_ENGINE_SQLITE_API_H_
