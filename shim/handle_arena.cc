#include "shim/handle_arena.h"

#include <sys/mman.h>

#include <mutex>

namespace litelift::shim {

namespace internal {
std::atomic<std::uintptr_t> g_arena_base{kNoArena};
}  // namespace internal

namespace {

std::mutex g_mutex;
RemoteHandle* g_slots = nullptr;  // the arena, once reserved
std::size_t g_used = 0;           // slots ever handed out (bump pointer)
RemoteHandle* g_free = nullptr;   // freed slots, linked through impl
std::size_t g_live = 0;

bool ReserveLocked() {
  if (g_slots != nullptr) return true;
  void* base = mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) return false;
  g_slots = static_cast<RemoteHandle*>(base);
  internal::g_arena_base.store(reinterpret_cast<std::uintptr_t>(base), std::memory_order_release);
  return true;
}

}  // namespace

RemoteHandle* AllocateHandle(const RemoteApi* api, void* impl) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!ReserveLocked()) return nullptr;
  RemoteHandle* h = g_free;
  if (h != nullptr) {
    g_free = static_cast<RemoteHandle*>(h->impl);
  } else if (g_used < kArenaBytes / sizeof(RemoteHandle)) {
    h = &g_slots[g_used++];
  } else {
    return nullptr;
  }
  h->api = api;
  h->impl = impl;
  ++g_live;
  return h;
}

void FreeHandle(RemoteHandle* h) {
  if (h == nullptr) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  h->api = &DefaultRemoteApi();
  h->impl = g_free;
  g_free = h;
  --g_live;
}

std::size_t LiveHandleCount() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_live;
}

}  // namespace litelift::shim
