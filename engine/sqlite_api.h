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
// Each starts at a stub that resolves the whole table on first use and is
// then replaced by the real function; entries are atomics (read relaxed, a
// plain load) because they change once while other threads may read them.
struct Api {
#define LL_HANDLE_FN(R, name, params, args, handles) std::atomic<R(*) params> name;
#define LL_PLAIN_FN(R, name, params, args) std::atomic<R(*) params> name;
#define LL_SPECIAL_FN(R, name, params) std::atomic<R(*) params> name;
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
};

namespace internal {
extern Api g_api;
}  // namespace internal

// Calls the real SQLite's function `name`. The first call of any function,
// from any thread, resolves every symbol once (thread-safe); afterwards it is
// one load and an indirect jump. A symbol the system library lacks, or a
// missing library, resolves to a fallback that logs the call and returns an
// SQLite error (SQLITE_ERROR, NULL, 0 or nothing, by return type).
#define LL_REAL(name) (::litelift::engine::internal::g_api.name.load(std::memory_order_relaxed))

// The same, for the special entries (variadic functions and the opens),
// which have no lazy stub: resolves first (a cheap check once resolved).
#define LL_REAL_SPECIAL(name) (::litelift::engine::Resolve(), LL_REAL(name))

// Resolves the table now (normally it resolves itself on first use).
void Resolve();

// Sets a function to run once, right after the table is resolved (by the
// first Resolve, in its thread; other threads' Resolve waits until it has
// run), or now if it is resolved already. Set once, at start-up.
void SetResolvedHook(void (*hook)());

// Whether the real library was found (false only in a broken installation).
bool Available();

// How many of the library's internal calls to its own exports were bound
// straight to it (see direct_bind.h); LITELIFT_NO_DIRECT_BIND=1 disables it.
int DirectlyBoundSlots();

// Opens the real libsqlite3 the way Resolve finds it, without resolving the
// table (no direct binding: cheap enough for a process's start). Returns a
// dlopen handle, or nullptr when there is none.
void* OpenRealLibraryHandle();

// The path of the library the table resolved to, or "" when none was found.
const char* LibraryPath();

}  // namespace litelift::engine

#endif  // LITELIFT_ENGINE_SQLITE_API_H_
