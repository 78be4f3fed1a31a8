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
    EXPECT_EQ(name.size(), std::string(c.stem).size() + 16) << name;
    EXPECT_LE(name.size(), 63u);
    for (char ch : name)
      EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') << name;
  }
}

TEST(SchemaNameForPath, StableAndDistinctByFolder) {
  EXPECT_EQ(SchemaNameForPath("/a/app.db"), SchemaNameForPath("/a/app.db"));
  EXPECT_NE(SchemaNameForPath("/a/app.db"), SchemaNameForPath("/b/app.db"));
  char expected[32];
  snprintf(expected, sizeof expected, "app_%016llx",
           static_cast<unsigned long long>(Fnv1a64("/a/app.db")));
  EXPECT_EQ(SchemaNameForPath("/a/app.db"), expected);
}

// Paths whose 32-bit hashes collide (as older litelift named schemas: the
// pair tests/e2e/pg_tenancy.sh opens) get two names now.
TEST(SchemaNameForPath, SixtyFourBitHash) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);  // the published test vectors
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
  // A known 32-bit collision, kept by any common suffix: one stem, and
  // the old names (8 hex digits) were one.
  EXPECT_EQ(Fnv1a32("costarring/same.db"), Fnv1a32("liquid/same.db"));
  EXPECT_NE(SchemaNameForPath("costarring/same.db"), SchemaNameForPath("liquid/same.db"));
  EXPECT_EQ(SchemaNameForPath("costarring/same.db").rfind("same_", 0), 0u);
  EXPECT_EQ(SchemaNameForPath("liquid/same.db").rfind("same_", 0), 0u);
}

TEST(SchemaNameForMemory, Unique) {
  EXPECT_NE(SchemaNameForMemory(), SchemaNameForMemory());
  EXPECT_EQ(SchemaNameForMemory().rfind("mem_", 0), 0u);
  EXPECT_LE(SchemaNameForMemory().size(), 63u);
}

TEST(ServerName, LongNamesGetAHashedNameOfTheirOwn) {
  std::string name63(63, 'a');
  EXPECT_EQ(ServerName(name63), name63);  // fits: unchanged
  EXPECT_EQ(ServerName("t"), "t");
  std::string one = std::string(70, 'x') + "_1", two = std::string(70, 'x') + "_2";
  EXPECT_EQ(ServerName(one).size(), 63u);
  EXPECT_NE(ServerName(one), ServerName(two));
  EXPECT_EQ(ServerName(one), ServerName(one));  // deterministic
  EXPECT_EQ(ServerName(one).substr(0, 47), std::string(46, 'x') + "_");
  EXPECT_EQ(ServerIdent(one), "\"" + ServerName(one) + "\"");
  // Never inside a UTF-8 character: the cut backs off to its start.
  std::string wide = "t";
  for (int i = 0; i < 40; ++i) wide += "\xc3\xa9";
  std::string server = ServerName(wide);
  EXPECT_LE(server.size(), 63u);
  EXPECT_EQ(server.substr(0, 45), wide.substr(0, 45));
  EXPECT_EQ(server[45], '_');
  EXPECT_TRUE(IsHashedServerName(server));
  EXPECT_TRUE(IsHashedServerName(ServerName(one)));
  EXPECT_FALSE(IsHashedServerName(name63));
  EXPECT_FALSE(IsHashedServerName("t"));
}

TEST(Quote, Table) {
  EXPECT_EQ(QuoteIdent("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

}  // namespace
}  // namespace litelift::compat
