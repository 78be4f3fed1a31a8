#include <gtest/gtest.h>

#include "router/route.h"

namespace litelift::router {
namespace {

Settings Parse(const std::string& text) {
  Settings s;
  ParseConfig(text, "app.toml", &s);
  return s;
}

TEST(ParseConfig, GoodFile) {
  Settings s = Parse(
      "# comment\n"
      "dsn = \"postgresql://h/db\"\n"
      "route_memory = true\n"
      "[[route]]\n"
      "match = \"/srv/*.db\"\n"
      "schema = \"app\"\n"
      "[[route]]\n"
      "match = \"/tmp/*\"\n"
      "backend = \"sqlite\"\n");
  ASSERT_EQ(s.error, "");
  EXPECT_EQ(s.dsn, "postgresql://h/db");
  EXPECT_EQ(s.dsn_origin, "app.toml:2");
  EXPECT_TRUE(s.route_memory);
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_EQ(s.rules[0].match, "/srv/*.db");
  EXPECT_EQ(s.rules[0].schema, "app");
  EXPECT_FALSE(s.rules[0].backend.has_value());
  EXPECT_EQ(s.rules[1].backend, Backend::kSqlite);
}

// pipeline_writes: top-level (every route's default) and per route.
TEST(ParseConfig, PipelineWrites) {
  Settings s = Parse(
      "pipeline_writes = true\n"
      "[[route]]\n"
      "match = \"/srv/load/*.db\"\n"
      "[[route]]\n"
      "match = \"/srv/app/*.db\"\n"
      "pipeline_writes = false\n");
  ASSERT_EQ(s.error, "");
  EXPECT_TRUE(s.pipeline_writes);
  ASSERT_EQ(s.rules.size(), 2u);
  EXPECT_FALSE(s.rules[0].pipeline_writes.has_value());
  EXPECT_EQ(s.rules[1].pipeline_writes, false);
  EXPECT_FALSE(Parse("dsn = \"x\"\n").pipeline_writes);
}

// Every bad file names its line.
TEST(ParseConfig, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* where;
    const char* what;
  } cases[] = {
      {"dsn = \"x\"\nbakend = \"sqlite\"\n", "app.toml:2: ", "unknown key 'bakend'"},
      {"backend = \"mysql\"\n", "app.toml:1: ", "not a backend"},
      {"dsn = 5\n", "app.toml:1: ", "dsn must be a string"},
      {"route_memory = \"yes\"\n", "app.toml:1: ", "true or false"},
      {"\n\n[[route]]\nschema = \"a\"\n", "app.toml:", "needs a match"},
      {"[[route]]\nmatch = \"/x\"\nbackend = \"oracle\"\n", "app.toml:3: ", "not a backend"},
      {"[[route]]\nmatch = \"/x\"\nfoo = 1\n", "app.toml:3: ", "unknown key 'foo'"},
      {"[[route]]\nmatch = \"/x\"\nconcurrency = \"fast\"\n", "app.toml:3: ", "not a concurrency"},
      {"concurrency = \"fast\"\n", "app.toml:1: ", "not a concurrency"},
      {"pipeline_writes = \"yes\"\n", "app.toml:1: ", "pipeline_writes must be true or false"},
      {"[[route]]\nmatch = \"/x\"\n\npipeline_writes = 1\n", "app.toml:4: ",
       "pipeline_writes must be true or false"},
      {"dsn = \"x\"\n\ndsn = = \n", "app.toml:3: ", ""},
      {"dsn = \"unterminated\n", "app.toml:1: ", ""},
      {"dsn = \"\"\n", "app.toml:1: ", "dsn is blank"},
      {"dsn = \"  \"\n", "app.toml:1: ", "dsn is blank"},
      {"[[route]]\nmatch = \"/x\"\ndsn = \"\"\n", "app.toml:3: ", "dsn is blank"},
      // litelift's own schema and PostgreSQL's pg_ are refused by name.
      {"[[route]]\nmatch = \"/x\"\nschema = \"litelift\"\n",
       "app.toml:3: ", "schema = \"litelift\" cannot hold a database: it is litelift's own schema"},
      {"[[route]]\nmatch = \"/x\"\nschema = \"LiteLift\"\n",
       "app.toml:3: ", "schema = \"LiteLift\" cannot hold a database: it is litelift's own schema"},
      {"[[route]]\nmatch = \"/x\"\nschema = \"pg_data\"\n", "app.toml:3: ",
       "schema = \"pg_data\" cannot hold a database: names starting with pg_ are reserved by "
       "PostgreSQL"},
      {"[[route]]\nmatch = \"/x\"\nschema = \"PG_Data\"\n", "app.toml:3: ",
       "schema = \"PG_Data\" cannot hold a database: names starting with pg_ are reserved"},
  };
  for (const auto& c : cases) {
    Settings s = Parse(c.text);
    EXPECT_EQ(s.error.rfind(std::string("litelift: ") + c.where, 0), 0u)
        << c.text << " -> " << s.error;
    EXPECT_NE(s.error.find(c.what), std::string::npos) << c.text << " -> " << s.error;
    EXPECT_EQ(s.error.find('\n'), std::string::npos) << s.error;
  }
}

TEST(ParseConfig, UsableSchemas) {
  for (const char* schema : {"app", "pgx", "pg", "litelift_app", "my_pg_data"}) {
    Settings s = Parse(std::string("[[route]]\nmatch = \"/x\"\nschema = \"") + schema + "\"\n");
    EXPECT_EQ(s.error, "") << schema;
    ASSERT_EQ(s.rules.size(), 1u);
    EXPECT_EQ(s.rules[0].schema, schema);
  }
}

}  // namespace
}  // namespace litelift::router
