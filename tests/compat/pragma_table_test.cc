// The PRAGMA table (libsqlite3-compat/pg/pragmas.h), differential: each
// pragma on a file database of the real SQLite and on the postgres route,
// the same statements, the same rows, classes, codes and messages. Where
// the route cannot answer as SQLite, the test checks the real error that
// names the pragma, or the documented real value (page_count).
//
// Local files are "<name>.local.db" (kept local by a route this binary
// writes into LITELIFT_CONFIG before the first open); routed ones
// "<name>.db". A path in an answer is compared with ".local" removed.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// Before main (and so before the first open): *.local.db stays local.
struct LocalRoute {
  LocalRoute() {
    char path[] = "/tmp/litelift-pragma-route-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return;
    const char text[] = "[[route]]\nmatch = \"*.local.db\"\nbackend = \"sqlite\"\n";
    if (write(fd, text, sizeof text - 1) != static_cast<ssize_t>(sizeof text - 1)) return;
    close(fd);
    setenv("LITELIFT_CONFIG", path, 1);
    file = path;
  }
  ~LocalRoute() {
    if (!file.empty()) std::remove(file.c_str());
  }
  std::string file;
};
LocalRoute g_route;

std::string Strip(std::string s) {
  for (size_t at; (at = s.find(".local.db")) != std::string::npos;) s.replace(at, 9, ".db");
  return s;
}

// A local file database and a routed one of the running test's name.
struct Files {
  std::string local_path, routed_path;
  sqlite3* local = nullptr;
  sqlite3* routed = nullptr;
  explicit Files(const std::string& suffix = "") {
    local_path = g_dir + "/" + Name() + suffix + ".local.db";
    routed_path = g_dir + "/" + Name() + suffix + ".db";
    Open();
  }
  void Open() {
    EXPECT_EQ(sqlite3_open(local_path.c_str(), &local), SQLITE_OK);
    EXPECT_EQ(sqlite3_open(routed_path.c_str(), &routed), SQLITE_OK) << sqlite3_errmsg(routed);
    sqlite3_extended_result_codes(local, 1);
    sqlite3_extended_result_codes(routed, 1);
  }
  void Close() {
    EXPECT_EQ(sqlite3_close(local), SQLITE_OK) << sqlite3_errmsg(local);
    EXPECT_EQ(sqlite3_close(routed), SQLITE_OK) << sqlite3_errmsg(routed);
    local = routed = nullptr;
  }
  ~Files() {
    if (local != nullptr) Close();
  }
  // Each statement on both: what the program sees is the same (a local
  // path's ".local" aside). {L} in a statement is ".local" on the local side.
  void Same(const std::vector<std::string>& script) {
    for (const std::string& sql : script) {
      std::string l = sql, r = sql;
      for (size_t at; (at = l.find("{L}")) != std::string::npos;) l.replace(at, 3, ".local");
      for (size_t at; (at = r.find("{L}")) != std::string::npos;) r.erase(at, 3);
      EXPECT_EQ(Describe(routed, r), Strip(Describe(local, l))) << "statement: " << r;
    }
  }
};

// The routed side refuses sql with SQLITE_ERROR naming the pragma, where
// the real SQLite accepts it.
void Refused(sqlite3* routed, const std::string& sql, const std::string& name) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(routed, sql.c_str(), -1, &st, nullptr), SQLITE_ERROR) << sql;
  EXPECT_EQ(st, nullptr);
  std::string message = sqlite3_errmsg(routed);
  EXPECT_NE(message.find(name), std::string::npos) << sql << ": " << message;
  EXPECT_NE(message.find("postgres route"), std::string::npos) << sql << ": " << message;
}

int64_t One(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

TEST(PragmaTable, DatabaseListShowsTheFilesAndTempOnlyOnceUsed) {
  Files f;
  f.Same({"PRAGMA database_list", "CREATE TABLE t (a)", "PRAGMA database_list", "SELECT * FROM t",
          "PRAGMA database_list"});
  // The local side is the real SQLite's file (the route above kept it so).
  char header[16] = {0};
  FILE* file = std::fopen(f.local_path.c_str(), "rb");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(std::fread(header, 1, sizeof header, file), sizeof header);
  std::fclose(file);
  EXPECT_EQ(std::string(header, 15), "SQLite format 3");
  Files g("_aux");  // the attached files exist on both sides
  g.Same({"CREATE TABLE x (b)"});
  f.Same({"ATTACH '" + g_dir + "/" + Name() + "_aux{L}.db' AS aux", "PRAGMA database_list",
          "ATTACH ':memory:' AS mem", "PRAGMA database_list", "DETACH mem",
          "CREATE TEMP TABLE tt (a)", "PRAGMA database_list", "DROP TABLE tt",
          "PRAGMA database_list", "DETACH aux", "PRAGMA database_list"});
}

TEST(PragmaTable, DatabaseListAfterNamingTemp) {
  Files f;
  f.Same({"SELECT count(*) FROM temp.sqlite_master", "PRAGMA database_list"});
  Files g;
  g.Same({"PRAGMA temp.table_list", "PRAGMA database_list"});
}

TEST(PragmaTable, JournalModeIsTheFileDatabasesAsSet) {
  Files f;
  f.Same({"PRAGMA journal_mode", "PRAGMA main.journal_mode", "CREATE TABLE t (a)",
          "PRAGMA journal_mode = TRUNCATE", "PRAGMA journal_mode", "PRAGMA journal_mode = persist",
          "PRAGMA journal_mode = bogus", "PRAGMA journal_mode = MEMORY",
          "PRAGMA journal_mode = off", "PRAGMA journal_mode = delete", "PRAGMA journal_mode",
          "PRAGMA wal_checkpoint"});
  // Another connection does not see this one's TRUNCATE: per connection.
  f.Same({"PRAGMA journal_mode = truncate"});
  {
    Files other;
    other.Same({"PRAGMA journal_mode"});
  }
  // WAL is the file's: every connection (and the next open) sees it.
  f.Same({"PRAGMA journal_mode = WAL", "PRAGMA journal_mode", "INSERT INTO t VALUES (1)"});
  {
    Files other;
    other.Same({"PRAGMA journal_mode", "SELECT * FROM t"});
  }
  f.Close();
  f.Open();
  f.Same({"PRAGMA journal_mode", "BEGIN", "SELECT * FROM t", "PRAGMA journal_mode = delete",
          "PRAGMA journal_mode", "COMMIT", "PRAGMA journal_mode = DELETE", "PRAGMA journal_mode",
          "BEGIN", "PRAGMA journal_mode = wal", "ROLLBACK"});
  f.Close();
  f.Open();
  f.Same({"PRAGMA journal_mode"});
}

TEST(PragmaTable, JournalModeOfAttachedAndMemoryDatabases) {
  Files f;
  Files g("_aux");
  g.Same({"CREATE TABLE x (b)", "PRAGMA journal_mode = wal"});
  f.Same({"ATTACH '" + g_dir + "/" + Name() + "_aux{L}.db' AS aux", "ATTACH ':memory:' AS mem",
          "PRAGMA aux.journal_mode", "PRAGMA mem.journal_mode", "PRAGMA mem.journal_mode = wal",
          "PRAGMA mem.journal_mode = off", "PRAGMA mem.journal_mode", "PRAGMA journal_mode",
          "PRAGMA main.journal_mode = truncate", "PRAGMA aux.journal_mode",
          "PRAGMA mem.journal_mode", "PRAGMA journal_mode", "DETACH mem", "DETACH aux"});
  g.Same({"PRAGMA journal_mode = delete"});
}

TEST(PragmaTable, WritableSchemaEditsAreRefusedByName) {
  Files f;
  f.Same({"CREATE TABLE w (a)", "PRAGMA writable_schema", "PRAGMA writable_schema = OFF",
          "UPDATE sqlite_master SET sql = 'CREATE TABLE w (a, b)' WHERE name = 'w'"});
  for (const char* on : {"PRAGMA writable_schema = ON", "PRAGMA writable_schema = 1",
                         "PRAGMA main.writable_schema = yes"}) {
    Refused(f.routed, on, "writable_schema");
  }
  f.Same({"PRAGMA writable_schema", "SELECT name, sql FROM sqlite_master"});
}

TEST(PragmaTable, SchemaPragmasAndTheirFunctions) {
  Files f;
  f.Same({"CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x')",
          "CREATE TABLE c (id INTEGER PRIMARY KEY, p INT REFERENCES p(id), v REAL UNIQUE)",
          "CREATE INDEX c_v ON c (v DESC, p)",
          "PRAGMA table_info(c)",
          "PRAGMA table_xinfo(p)",
          "PRAGMA index_list(c)",
          "PRAGMA index_info(c_v)",
          "PRAGMA index_xinfo(c_v)",
          "PRAGMA foreign_key_list(c)",
          "PRAGMA main.table_info('p')",
          "SELECT * FROM pragma_table_info('c')",
          "SELECT name, \"unique\", origin FROM pragma_index_list('c') ORDER BY name",
          "SELECT t.name, i.name FROM sqlite_master t, pragma_index_list(t.name) i "
          "WHERE t.type = 'table' ORDER BY 1, 2",
          "PRAGMA table_info(nosuch)",
          "PRAGMA foreign_key_check",
          "PRAGMA integrity_check",
          "PRAGMA quick_check",
          "PRAGMA compile_options",
          "PRAGMA pragma_list",
          "SELECT count(*) FROM pragma_compile_options",
          "SELECT name FROM pragma_function_list WHERE name = 'upper'"});
}

TEST(PragmaTable, ConnectionSettingsReadAndSetAsSqlite) {
  Files f;
  f.Same({"CREATE TABLE t (a)"});
  for (const char* name : {"synchronous",
                           "cache_size",
                           "temp_store",
                           "locking_mode",
                           "page_size",
                           "mmap_size",
                           "auto_vacuum",
                           "encoding",
                           "busy_timeout",
                           "max_page_count",
                           "wal_autocheckpoint",
                           "journal_size_limit",
                           "cache_spill",
                           "secure_delete",
                           "automatic_index",
                           "reverse_unordered_selects",
                           "legacy_alter_table",
                           "trusted_schema",
                           "read_uncommitted",
                           "full_column_names",
                           "short_column_names",
                           "cell_size_check",
                           "fullfsync",
                           "checkpoint_fullfsync",
                           "default_cache_size",
                           "analysis_limit",
                           "threads",
                           "foreign_keys",
                           "recursive_triggers",
                           "query_only",
                           "user_version",
                           "application_id",
                           "freelist_count",
                           "ignore_check_constraints",
                           "defer_foreign_keys",
                           "count_changes",
                           "case_sensitive_like",
                           "empty_result_callbacks",
                           "writable_schema"}) {
    f.Same({std::string("PRAGMA ") + name});
  }
  f.Same({"PRAGMA synchronous = OFF",
          "PRAGMA synchronous",
          "PRAGMA synchronous = NORMAL",
          "PRAGMA synchronous",
          "PRAGMA cache_size = -4000",
          "PRAGMA cache_size",
          "PRAGMA temp_store = MEMORY",
          "PRAGMA temp_store",
          "PRAGMA mmap_size = 0",
          "PRAGMA mmap_size",
          "PRAGMA busy_timeout = 1234",
          "PRAGMA busy_timeout",
          "PRAGMA wal_autocheckpoint = 500",
          "PRAGMA wal_autocheckpoint",
          "PRAGMA journal_size_limit = 65536",
          "PRAGMA cache_spill = 0",
          "PRAGMA cache_spill",
          "PRAGMA secure_delete = 1",
          "PRAGMA automatic_index = 0",
          "PRAGMA automatic_index",
          "PRAGMA user_version = 42",
          "PRAGMA application_id = 7",
          "PRAGMA user_version",
          "PRAGMA application_id",
          "PRAGMA freelist_count",
          "PRAGMA ignore_check_constraints = 0",
          "PRAGMA defer_foreign_keys = OFF",
          "PRAGMA count_changes = 0",
          "PRAGMA case_sensitive_like = 0",
          "PRAGMA no_such_pragma",
          "PRAGMA no_such_pragma = 5",
          "PRAGMA main.no_such_pragma"});
  // user_version and application_id are the file's: the next connection's too.
  Files other;
  other.Same({"PRAGMA user_version", "PRAGMA application_id"});
}

// SQLite reads them from the file: another connection's change is seen at
// once by a connection already open.
TEST(PragmaTable, UserVersionSetByAnotherConnectionIsSeen) {
  Files f;
  f.Same({"CREATE TABLE t (a)", "PRAGMA user_version", "PRAGMA application_id"});
  {
    Files other;
    other.Same({"PRAGMA user_version = 5", "PRAGMA application_id = 77"});
  }
  f.Same({"PRAGMA user_version", "PRAGMA application_id", "BEGIN", "PRAGMA user_version = 6",
          "PRAGMA user_version", "ROLLBACK", "PRAGMA user_version"});
}

TEST(PragmaTable, SettingsTheServerCannotHonourAreRefusedByName) {
  Files f;
  Refused(f.routed, "PRAGMA ignore_check_constraints = ON", "ignore_check_constraints");
  Refused(f.routed, "PRAGMA case_sensitive_like = 1", "case_sensitive_like");
  Refused(f.routed, "PRAGMA count_changes = true", "count_changes");
  Refused(f.routed, "PRAGMA defer_foreign_keys = yes", "defer_foreign_keys");
  Refused(f.routed, "PRAGMA empty_result_callbacks = 1", "empty_result_callbacks");
  Refused(f.routed, "PRAGMA max_page_count = 100", "max_page_count");
  Refused(f.routed, "PRAGMA schema_version = 5", "schema_version");
  Refused(f.routed, "PRAGMA data_version", "data_version");
  Refused(f.routed, "SELECT * FROM pragma_database_list", "pragma_database_list");
  Refused(f.routed, "SELECT * FROM pragma_journal_mode", "pragma_journal_mode");
}

TEST(PragmaTable, QueryOnlyRefusesWritesAsSqlite) {
  Files f;
  f.Same({"CREATE TABLE t (a)", "PRAGMA query_only = 1", "PRAGMA query_only",
          "INSERT INTO t VALUES (1)", "SELECT count(*) FROM t", "PRAGMA query_only = 0",
          "INSERT INTO t VALUES (2)", "SELECT * FROM t"});
}

TEST(PragmaTable, PageCountIsTheServersSizeInPages) {
  Files f;
  f.Same({"CREATE TABLE t (a)", "PRAGMA page_size"});
  int64_t before = One(f.routed, "PRAGMA page_count");
  EXPECT_GE(before, 0);
  EXPECT_EQ(sqlite3_exec(f.routed,
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 20000) INSERT INTO t SELECT randomblob(100) FROM n",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(f.routed);
  int64_t after = One(f.routed, "PRAGMA page_count");
  // 20,000 rows of 100 bytes take at least 2 MB anywhere.
  EXPECT_GE(after, before + 2000000 / One(f.routed, "PRAGMA page_size")) << before;
}

TEST(PragmaTable, SchemaVersionChangesWithTheSchema) {
  Files f;
  for (sqlite3* db : {f.local, f.routed}) {
    int64_t v0 = One(db, "PRAGMA schema_version");
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE s (a)", nullptr, nullptr, nullptr), SQLITE_OK);
    int64_t v1 = One(db, "PRAGMA schema_version");
    EXPECT_GT(v1, v0);
    ASSERT_EQ(sqlite3_exec(db, "SELECT * FROM s", nullptr, nullptr, nullptr), SQLITE_OK);
    EXPECT_EQ(One(db, "PRAGMA schema_version"), v1);
  }
}

// A closed routed connection is parked and reused by the next open of the
// same database (pg/parking.h): the next program sees none of the last
// one's settings, as a new SQLite connection would.
TEST(PragmaTable, AReusedConnectionForgetsTheLastProgramsSettings) {
  const std::vector<std::string> settings = {
      "PRAGMA foreign_keys = ON",     "PRAGMA recursive_triggers = ON",
      "PRAGMA cache_size = 123",      "PRAGMA synchronous = OFF",
      "PRAGMA busy_timeout = 4321",   "PRAGMA journal_mode = truncate",
      "PRAGMA temp_store = 2",        "PRAGMA automatic_index = 0",
      "PRAGMA locking_mode = normal", "PRAGMA query_only = 1",
      "PRAGMA user_version = 9"};
  const std::vector<std::string> reads = {
      "PRAGMA foreign_keys", "PRAGMA recursive_triggers", "PRAGMA cache_size",
      "PRAGMA synchronous",  "PRAGMA busy_timeout",       "PRAGMA journal_mode",
      "PRAGMA temp_store",   "PRAGMA automatic_index",    "PRAGMA query_only",
      "PRAGMA user_version", "PRAGMA database_list"};
  {
    Files f;
    f.Same({"CREATE TABLE p (id INTEGER PRIMARY KEY)", "CREATE TABLE c (p INT REFERENCES p(id))"});
    f.Same(settings);
    f.Same(reads);
  }
  for (int i = 0; i < 2; ++i) {
    Files f;
    f.Same(reads);
    // Foreign keys are off again on the server too; writes are allowed.
    f.Same({"INSERT INTO c VALUES (99)", "SELECT * FROM c", "DELETE FROM c"});
    f.Same({"PRAGMA foreign_keys = ON", "INSERT INTO c VALUES (98)", "PRAGMA query_only = 1"});
  }
}

}  // namespace
}  // namespace litelift::test
