#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "shim/handle_arena.h"
#include "shim/utf.h"

namespace litelift::shim {
namespace {

TEST(IsRemote, OrdinaryPointersAreLocal) {
  int on_stack = 0;
  void* on_heap = std::malloc(64);
  EXPECT_FALSE(IsRemote(&on_stack));
  EXPECT_FALSE(IsRemote(on_heap));
  EXPECT_FALSE(IsRemote(nullptr));
  EXPECT_FALSE(IsRemote(reinterpret_cast<void*>(~std::uintptr_t{0})));
  std::free(on_heap);
}

TEST(Arena, HandlesAreRemoteAndCarryTheirApi) {
  const RemoteApi* api = &DefaultRemoteApi();
  int impl = 7;
  RemoteHandle* h = AllocateHandle(api, &impl);
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(IsRemote(h));
  EXPECT_EQ(h->api, api);
  EXPECT_EQ(h->impl, &impl);
  int local = 0;
  EXPECT_TRUE(AnyRemote(static_cast<void*>(&local), static_cast<void*>(h)));
  EXPECT_FALSE(AnyRemote(static_cast<void*>(&local), static_cast<void*>(nullptr)));
  EXPECT_EQ(&RemoteFor(static_cast<void*>(&local), static_cast<void*>(h)), api);
  FreeHandle(h);
}

TEST(Arena, FreedHandlesAnswerMisuseAndAreReused) {
  size_t live = LiveHandleCount();
  RemoteHandle* h = AllocateHandle(&DefaultRemoteApi(), nullptr);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(LiveHandleCount(), live + 1);
  FreeHandle(h);
  EXPECT_EQ(LiveHandleCount(), live);
  // A stale handle still dispatches, to the default table: MISUSE, no crash.
  auto* stmt = reinterpret_cast<sqlite3_stmt*>(h);
  EXPECT_EQ(h->api->sqlite3_step(stmt), SQLITE_MISUSE);
  RemoteHandle* again = AllocateHandle(&DefaultRemoteApi(), nullptr);
  EXPECT_EQ(again, h);
  FreeHandle(again);
}

TEST(Arena, ConcurrentAllocationGivesDistinctHandles) {
  constexpr int kThreads = 4, kEach = 2000;
  std::vector<std::vector<RemoteHandle*>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        got[t].push_back(AllocateHandle(&DefaultRemoteApi(), nullptr));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<RemoteHandle*> all;
  for (auto& v : got) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  for (auto* h : all) {
    EXPECT_TRUE(IsRemote(h));
    FreeHandle(h);
  }
}

// The default table answers every kind of return type with a real SQLite
// value: result codes are SQLITE_MISUSE, pointers NULL, counts 0.
TEST(DefaultRemoteApi, AnswersWithSqliteValues) {
  const RemoteApi& api = DefaultRemoteApi();
  RemoteHandle* h = AllocateHandle(&api, nullptr);
  auto* db = reinterpret_cast<sqlite3*>(h);
  auto* stmt = reinterpret_cast<sqlite3_stmt*>(h);
  EXPECT_EQ(api.sqlite3_exec(db, "SELECT 1", nullptr, nullptr, nullptr), SQLITE_MISUSE);
  EXPECT_EQ(api.sqlite3_bind_int(stmt, 1, 1), SQLITE_MISUSE);
  EXPECT_EQ(api.sqlite3_column_text(stmt, 0), nullptr);
  EXPECT_EQ(api.sqlite3_last_insert_rowid(db), 0);
  EXPECT_EQ(api.sqlite3_column_double(stmt, 0), 0.0);
  EXPECT_EQ(api.sqlite3_db_handle(stmt), nullptr);
  api.sqlite3_interrupt(db);  // void: must simply return
  FreeHandle(h);
}

// The error calls answer as SQLite does for a handle that is not open (a
// closed connection's slot): SQLITE_MISUSE and its message, never NULL.
TEST(DefaultRemoteApi, ErrorCallsAnswerAsForAHandleNotOpen) {
  const RemoteApi& api = DefaultRemoteApi();
  RemoteHandle* h = AllocateHandle(&api, nullptr);
  auto* db = reinterpret_cast<sqlite3*>(h);
  EXPECT_EQ(api.sqlite3_errcode(db), SQLITE_MISUSE);
  EXPECT_EQ(api.sqlite3_extended_errcode(db), SQLITE_MISUSE);
  ASSERT_NE(api.sqlite3_errmsg(db), nullptr);
  EXPECT_STREQ(api.sqlite3_errmsg(db), "bad parameter or other API misuse");
  ASSERT_NE(api.sqlite3_errmsg16(db), nullptr);
  EXPECT_EQ(Utf16ToUtf8(api.sqlite3_errmsg16(db), -1), "bad parameter or other API misuse");
  EXPECT_EQ(api.sqlite3_error_offset(db), -1);
  FreeHandle(h);
}

}  // namespace
}  // namespace litelift::shim
