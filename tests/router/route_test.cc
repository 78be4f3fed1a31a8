#include "router/route.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace litelift::router {
namespace {

Settings Load(const std::map<std::string, std::string>& env) {
  return LoadSettings([&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

constexpr int kRw = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

TEST(IsMemoryDatabase, Table) {
  struct Case {
    const char* name;
    int flags;
    bool memory;
  } cases[] = {
      {":memory:", kRw, true},
      {"", kRw, true},
      {nullptr, kRw, true},
      {"app.db", kRw, false},
      {"/tmp/x.db", kRw, false},
      {"app.db", kRw | SQLITE_OPEN_MEMORY, true},
      {"file::memory:", kRw, true},
      {"file::memory:?cache=shared", kRw, true},
      {"file:shared?mode=memory&cache=shared", kRw, true},
      {"file:app.db?mode=ro", kRw, false},
      {"file:", kRw, true},
      {":memory:x", kRw, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsMemoryDatabase(c.name, c.flags), c.memory) << (c.name ? c.name : "(null)");
  }
}

TEST(CanonicalPath, Table) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  char real_cwd[4096];
  ASSERT_NE(realpath(cwd, real_cwd), nullptr);
  std::string here(real_cwd);
  struct Case {
    std::string in, out;
  } cases[] = {
      {"/data/cache/x.db", "/data/cache/x.db"}, {"/data//cache/./x.db", "/data/cache/x.db"},
      {"/data/cache/../x.db", "/data/x.db"},    {"x.db", here + "/x.db"},
      {"./sub/../x.db", here + "/x.db"},        {"file:/data/a%20b.db?mode=rwc", "/data/a b.db"},
      {"file:///data/u.db", "/data/u.db"},      {"file://localhost/data/u.db", "/data/u.db"},
      {"file:rel.db", here + "/rel.db"},
  };
  for (const auto& c : cases) EXPECT_EQ(CanonicalPath(c.in), c.out) << c.in;
}

TEST(LoadSettings, NothingSetIsAllLocal) {
  Settings s = Load({});
  EXPECT_TRUE(s.error.empty());
  Route r;
  std::string error;
  ASSERT_TRUE(Decide(s, "/tmp/app.db", kRw, &r, &error));
  EXPECT_EQ(r.backend, Backend::kSqlite);
  ASSERT_TRUE(Decide(s, ":memory:", kRw, &r, &error));
  EXPECT_EQ(r.backend, Backend::kSqlite);
}

TEST(LoadSettings, BadBackendIsAnError) {
  Settings s = Load({{"LITELIFT_BACKEND", "mysql"}});
  EXPECT_NE(s.error.find("LITELIFT_BACKEND=mysql"), std::string::npos) << s.error;
  Route r;
  std::string error;
  EXPECT_FALSE(Decide(s, ":memory:", kRw, &r, &error));
  EXPECT_EQ(error, s.error);
}

TEST(LoadSettings, Concurrency) {
  EXPECT_TRUE(Load({{"LITELIFT_CONCURRENCY", "native"}}).native_concurrency);
  EXPECT_FALSE(Load({{"LITELIFT_CONCURRENCY", "sqlite"}}).native_concurrency);
  EXPECT_FALSE(Load({}).native_concurrency);
  EXPECT_NE(Load({{"LITELIFT_CONCURRENCY", "fast"}}).error.find("LITELIFT_CONCURRENCY=fast"),
            std::string::npos);
}

TEST(LoadSettings, MissingConfigFileIsAnError) {
  Settings s = Load({{"LITELIFT_CONFIG", "/nonexistent/litelift.toml"}});
  EXPECT_NE(s.error.find("/nonexistent/litelift.toml"), std::string::npos);
  EXPECT_NE(s.error.find(std::strerror(ENOENT)), std::string::npos) << s.error;
}

// A config that cannot be used fails every open, naming the path and why;
// it is never read as an empty config (which would keep files local).
TEST(LoadSettings, UnusableConfigIsAnError) {
  char dir[] = "/tmp/litelift-config-test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  struct Case {
    std::string path, why;
  } cases[] = {
      {dir, "is a directory"},
      {std::string(dir) + "/", "is a directory"},
      // Open succeeds, read fails (EIO at address 0), also for root.
      {"/proc/self/mem", std::strerror(EIO)},
  };
  for (const auto& c : cases) {
    Settings s = Load({{"LITELIFT_CONFIG", c.path}, {"LITELIFT_DSN", "postgresql://h/db"}});
    EXPECT_EQ(s.error.rfind("litelift: cannot use LITELIFT_CONFIG=" + c.path + ": ", 0), 0u)
        << s.error;
    EXPECT_NE(s.error.find(c.why), std::string::npos) << s.error;
    Route r;
    std::string error;
    EXPECT_FALSE(Decide(s, "/tmp/a.db", kRw, &r, &error));
    EXPECT_EQ(error, s.error);
  }
  // Unreadable by permission (root reads anyway: then only the above).
  std::string locked = std::string(dir) + "/locked.toml";
  FILE* f = fopen(locked.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("dsn = \"postgresql://h/db\"\n", f);
  fclose(f);
  ASSERT_EQ(chmod(locked.c_str(), 0), 0);
  if (geteuid() != 0) {
    Settings s = Load({{"LITELIFT_CONFIG", locked}});
    EXPECT_NE(s.error.find(locked + ": " + std::strerror(EACCES)), std::string::npos) << s.error;
  }
  unlink(locked.c_str());
  rmdir(dir);
}

TEST(LoadSettings, BlankVariablesAreErrors) {
  for (const char* blank : {"", " ", "\t \n"}) {
    Settings s = Load({{"LITELIFT_DSN", blank}});
    EXPECT_EQ(s.error.rfind("litelift: LITELIFT_DSN is set but blank", 0), 0u) << s.error;
    s = Load({{"LITELIFT_CONFIG", blank}, {"LITELIFT_DSN", "postgresql://h/db"}});
    EXPECT_EQ(s.error.rfind("litelift: LITELIFT_CONFIG is set but blank", 0), 0u) << s.error;
  }
  EXPECT_EQ(Load({{"LITELIFT_DSN", " postgresql://h/db"}}).error, "");
}

TEST(ReservedSchemaReason, Table) {
  for (const char* name : {"litelift", "LiteLift", "LITELIFT"}) {
    EXPECT_NE(ReservedSchemaReason(name).find("litelift's own schema"), std::string::npos) << name;
  }
  for (const char* name : {"pg_", "pg_catalog", "pg_temp_1", "PG_toast", "Pg_x"}) {
    EXPECT_NE(ReservedSchemaReason(name).find("reserved by PostgreSQL"), std::string::npos) << name;
  }
  for (const char* name : {"app", "pgx", "pg", "litelift_app", "my_pg_", "public_pg_"}) {
    EXPECT_EQ(ReservedSchemaReason(name), "") << name;
  }
}

struct DecideCase {
  std::map<std::string, std::string> env;
  const char* filename;
  bool ok;
  Backend backend;
  const char* dsn;
};

TEST(Decide, Table) {
  const std::string dsn = "postgresql://u@h/db";
  DecideCase cases[] = {
      // A DSN routes file databases; memory stays local unless asked.
      {{{"LITELIFT_DSN", dsn}}, "/tmp/a.db", true, Backend::kPostgres, "postgresql://u@h/db"},
      {{{"LITELIFT_DSN", dsn}}, ":memory:", true, Backend::kSqlite, ""},
      {{{"LITELIFT_DSN", dsn}}, "", true, Backend::kSqlite, ""},
      {{{"LITELIFT_DSN", dsn}, {"LITELIFT_ROUTE_MEMORY", "1"}},
       ":memory:",
       true,
       Backend::kPostgres,
       "postgresql://u@h/db"},
      // The rollback switch wins over everything.
      {{{"LITELIFT_DSN", dsn}, {"LITELIFT_BACKEND", "sqlite"}},
       "/tmp/a.db",
       true,
       Backend::kSqlite,
       ""},
      // postgres without a DSN cannot be decided.
      {{{"LITELIFT_BACKEND", "postgres"}}, "/tmp/a.db", false, Backend::kSqlite, ""},
      {{{"LITELIFT_BACKEND", "postgres"}, {"LITELIFT_DSN", dsn}},
       "/tmp/a.db",
       true,
       Backend::kPostgres,
       "postgresql://u@h/db"},
      // Set but blank is an error, not "unset".
      {{{"LITELIFT_DSN", ""}}, "/tmp/a.db", false, Backend::kSqlite, ""},
      {{{"LITELIFT_DSN", " \t\n"}}, ":memory:", false, Backend::kSqlite, ""},
  };
  for (const auto& c : cases) {
    Settings s = Load(c.env);
    Route r;
    std::string error;
    bool ok = Decide(s, c.filename, kRw, &r, &error);
    EXPECT_EQ(ok, c.ok) << c.filename << " " << error;
    if (!ok) {
      EXPECT_FALSE(error.empty());
      continue;
    }
    EXPECT_EQ(r.backend, c.backend) << c.filename;
    EXPECT_EQ(r.dsn, c.dsn) << c.filename;
  }
}

TEST(Decide, RulesFirstMatchWins) {
  Settings s;
  s.dsn = "postgresql://default";
  s.config_path = "c.toml";
  RouteRule cache;
  cache.match = "/srv/cache/*";
  cache.backend = Backend::kSqlite;
  cache.line = 3;
  RouteRule srv;
  srv.match = "/srv/*.db";
  srv.dsn = "postgresql://other";
  srv.schema = "app";
  srv.native_concurrency = true;
  srv.pipeline_writes = true;
  srv.line = 7;
  s.rules.push_back(cache);
  s.rules.push_back(srv);
  Route r;
  std::string error;
  ASSERT_TRUE(Decide(s, "/srv/cache/c.db", kRw, &r, &error));
  EXPECT_EQ(r.backend, Backend::kSqlite);
  EXPECT_EQ(r.origin, "c.toml:3");
  ASSERT_TRUE(Decide(s, "/srv/main.db", kRw, &r, &error));
  EXPECT_EQ(r.backend, Backend::kPostgres);
  EXPECT_EQ(r.dsn, "postgresql://other");
  EXPECT_EQ(r.schema, "app");
  EXPECT_EQ(r.canonical_path, "/srv/main.db");
  EXPECT_TRUE(r.native_concurrency);
  EXPECT_TRUE(r.pipeline_writes);
  ASSERT_TRUE(Decide(s, "/elsewhere/x.db", kRw, &r, &error));
  EXPECT_FALSE(r.pipeline_writes);
  EXPECT_EQ(r.backend, Backend::kPostgres);
  EXPECT_EQ(r.dsn, "postgresql://default");
}

}  // namespace
}  // namespace litelift::router
