#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "engine/sqlite_api.h"

namespace litelift::engine {
namespace {

TEST(Engine, ResolvesTheSystemLibrary) {
  ASSERT_TRUE(Available());
  EXPECT_NE(std::string(LibraryPath()).find("libsqlite3.so"), std::string::npos) << LibraryPath();
  EXPECT_STREQ(LL_REAL(sqlite3_libversion)(), SQLITE_VERSION);
  EXPECT_EQ(LL_REAL(sqlite3_libversion_number)(), SQLITE_VERSION_NUMBER);
}

TEST(Engine, BindsTheLibrarysInternalCallsDirectly) {
  // Debian's 3.40.1 calls 168 of its own exports through its PLT.
  EXPECT_GE(DirectlyBoundSlots(), 100);
}

// The library still works after its slots were rewritten: exercise paths
// that call its own exports (exec -> prepare/step/finalize, functions ->
// value_*/result_*, free, mutexes, printf).
TEST(Engine, WorksAfterDirectBinding) {
  ASSERT_GE(DirectlyBoundSlots(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(LL_REAL_SPECIAL(sqlite3_open_v2)(":memory:", &db,
                                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
            SQLITE_OK);
  char* err = nullptr;
  ASSERT_EQ(LL_REAL(sqlite3_exec)(db,
                                  "CREATE TABLE t(x TEXT); INSERT INTO t VALUES "
                                  "(printf('%05d', 42)), (upper('abc')), (json_array(1,2))",
                                  nullptr, nullptr, &err),
            SQLITE_OK)
      << err;
  char** table = nullptr;
  int rows = 0, cols = 0;
  ASSERT_EQ(LL_REAL(sqlite3_get_table)(db, "SELECT group_concat(x, ';') FROM t", &table, &rows,
                                       &cols, nullptr),
            SQLITE_OK);
  ASSERT_EQ(rows, 1);
  EXPECT_STREQ(table[1], "00042;ABC;[1,2]");
  LL_REAL(sqlite3_free_table)(table);
  EXPECT_EQ(LL_REAL(sqlite3_close)(db), SQLITE_OK);
}

}  // namespace
}  // namespace litelift::engine
