#include "shim/failed_connection.h"

#include <gtest/gtest.h>

#include "shim/handle_arena.h"
#include "shim/utf.h"

namespace litelift::shim {
namespace {

const RemoteApi& ApiOf(sqlite3* db) { return *reinterpret_cast<RemoteHandle*>(db)->api; }

TEST(FailedConnection, ReportsItsErrorLikeAFailedSqliteOpen) {
  size_t live = LiveHandleCount();
  sqlite3* db = NewFailedConnection(SQLITE_CANTOPEN, "litelift: no route");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsRemote(db));
  const RemoteApi& api = ApiOf(db);
  EXPECT_EQ(api.sqlite3_errcode(db), SQLITE_CANTOPEN);
  EXPECT_EQ(api.sqlite3_extended_errcode(db), SQLITE_CANTOPEN);
  EXPECT_STREQ(api.sqlite3_errmsg(db), "litelift: no route");
  EXPECT_EQ(Utf16ToUtf8(api.sqlite3_errmsg16(db), -1), "litelift: no route");
  EXPECT_EQ(api.sqlite3_get_autocommit(db), 1);

  sqlite3_stmt* stmt = reinterpret_cast<sqlite3_stmt*>(0x1);
  const char* tail = "x";
  EXPECT_EQ(api.sqlite3_prepare_v2(db, "SELECT 1", -1, &stmt, &tail), SQLITE_MISUSE);
  EXPECT_EQ(stmt, nullptr);
  EXPECT_EQ(tail, nullptr);
  EXPECT_EQ(api.sqlite3_exec(db, "SELECT 1", nullptr, nullptr, nullptr), SQLITE_MISUSE);

  EXPECT_EQ(api.sqlite3_close(db), SQLITE_OK);
  EXPECT_EQ(LiveHandleCount(), live);
  // Closing twice is misuse, not a crash or a double free.
  EXPECT_EQ(ApiOf(db).sqlite3_close(db), SQLITE_MISUSE);
}

TEST(FailedConnection, ExtendedCodeKeepsThePrimary) {
  sqlite3* db = NewFailedConnection(SQLITE_IOERR_READ, "read");
  EXPECT_EQ(ApiOf(db).sqlite3_errcode(db), SQLITE_IOERR);
  EXPECT_EQ(ApiOf(db).sqlite3_extended_errcode(db), SQLITE_IOERR_READ);
  EXPECT_EQ(ApiOf(db).sqlite3_close_v2(db), SQLITE_OK);
}

}  // namespace
}  // namespace litelift::shim
