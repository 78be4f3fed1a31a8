#include "libsqlite3-compat/catalog/schema_name.h"

#include <gtest/gtest.h>

namespace litelift::compat {
namespace {

TEST(SchemaNameForPath, Table) {
  struct Case {
    const char* path;
    const char* stem;
  } cases[] = {
      {"/data/cache/token-dashboard.db", "token_dashboard_"},
      {"/x/App.Data.sqlite3", "app_data_"},
      {"/x/2024.db", "db_2024_"},
      {"/x/.db", "db_"},
      {"/x/ümlaut file.db", "mlaut_file_"},
      // PostgreSQL reserves pg_ (CREATE SCHEMA refuses it); litelift is ours.
      {"/x/pg.db", "db_pg_"},
      {"/x/pg_something.db", "db_pg_something_"},
      {"/x/PG-Data.sqlite", "db_pg_data_"},
      {"/x/pg_.db", "db_pg_"},
      {"/x/litelift.db", "db_litelift_"},
      {"/x/LiteLift.db", "db_litelift_"},
      {"/x/pgdata.db", "pgdata_"},
      {"/x/litelift2.db", "litelift2_"},
      {"/x/very-long-name-that-goes-on-and-on-and-on-and-on-forever.db",
       "very_long_name_that_goes_on_and_on_and_o_"},
  };
  for (const auto& c : cases) {
    std::string name = SchemaNameForPath(c.path);
    EXPECT_EQ(name.rfind(c.stem, 0), 0u) << c.path << " -> " << name;
    EXPECT_EQ(name.size(), std::string(c.stem).size() + 8) << name;
    EXPECT_LE(name.size(), 63u);
    for (char ch : name)
      EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') << name;
  }
}

TEST(SchemaNameForPath, StableAndDistinctByFolder) {
  EXPECT_EQ(SchemaNameForPath("/a/app.db"), SchemaNameForPath("/a/app.db"));
  EXPECT_NE(SchemaNameForPath("/a/app.db"), SchemaNameForPath("/b/app.db"));
  char expected[32];
  snprintf(expected, sizeof expected, "app_%08x", Fnv1a32("/a/app.db"));
  EXPECT_EQ(SchemaNameForPath("/a/app.db"), expected);
}

TEST(SchemaNameForMemory, Unique) {
  EXPECT_NE(SchemaNameForMemory(), SchemaNameForMemory());
  EXPECT_EQ(SchemaNameForMemory().rfind("mem_", 0), 0u);
}

TEST(Quote, Table) {
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

}  // namespace
}  // namespace litelift::compat
