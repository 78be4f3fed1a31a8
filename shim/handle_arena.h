// Remote handles live in one reserved range of address space, so telling a
// remote handle from a real SQLite pointer is two compares against constants,
// touches no memory and can never fault (local handles are never read).

#ifndef LITELIFT_SHIM_HANDLE_ARENA_H_
#define LITELIFT_SHIM_HANDLE_ARENA_H_

#include <atomic>
#include <cstdint>

#include "shim/remote_api.h"

namespace litelift::shim {

// The arena's size: 256 MiB of address space (16M handles), backed only
// where touched.
constexpr std::uintptr_t kArenaBytes = std::uintptr_t{256} << 20;

namespace internal {
// Where the arena starts. Until the first remote handle exists it is an
// address in the kernel's half, where no user-space pointer can be, which
// makes IsRemote() false for every pointer a program holds.
constexpr std::uintptr_t kNoArena = 0xffff800000000000u;
extern std::atomic<std::uintptr_t> g_arena_base;
}  // namespace internal

// True when p is a remote handle (or a stale pointer into the arena).
inline bool IsRemote(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p) -
             internal::g_arena_base.load(std::memory_order_relaxed) <
         kArenaBytes;
}

// True when any argument is a remote handle.
template <typename... P>
inline bool AnyRemote(P... p) {
  return (IsRemote(p) || ...);
}

// The table serving the first remote handle among the arguments; call only
// when AnyRemote(p...) is true.
template <typename... P>
inline const RemoteApi& RemoteFor(P... p) {
  const void* found = nullptr;
  ((found == nullptr && IsRemote(p) ? (found = p, 0) : 0), ...);
  return *static_cast<const RemoteHandle*>(found)->api;
}

// Allocates a remote handle served by api (non-null) with impl. Thread-safe.
// Returns nullptr when the address space cannot be reserved or is exhausted.
RemoteHandle* AllocateHandle(const RemoteApi* api, void* impl);

// Returns h to the arena. Until reused, calls on it get DefaultRemoteApi()
// (SQLITE_MISUSE), never a crash. Thread-safe; h may be nullptr.
void FreeHandle(RemoteHandle* h);

// Number of live remote handles (for tests and leak checks).
std::size_t LiveHandleCount();

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_HANDLE_ARENA_H_
