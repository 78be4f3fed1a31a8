// The C API through liblitelift.so with no route set: everything must behave
// as the real SQLite. Built twice: linked in place of libsqlite3, and linked
// against libsqlite3 then run with LD_PRELOAD (LITELIFT_EXPECT_MODE).

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<std::string> g_log;  // messages seen by SQLITE_CONFIG_LOG
int g_config_log_rc = -1;

void LogCallback(void* context, int code, const char* message) {
  auto* log = static_cast<std::vector<std::string>*>(context);
  log->push_back(std::to_string(code) + ":" + message);
}

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const char* name = ":memory:") {
    EXPECT_EQ(sqlite3_open_v2(
                  name, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, nullptr),
              SQLITE_OK);
  }
  ~Db() { EXPECT_EQ(sqlite3_close(db), SQLITE_OK); }
  void Exec(const char* sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &err), SQLITE_OK) << err;
  }
};

TEST(Shim, IsTheLibraryAnsweringTheCalls) {
  void* open = dlsym(RTLD_DEFAULT, "sqlite3_open_v2");
  Dl_info info{};
  ASSERT_NE(dladdr(open, &info), 0);
  EXPECT_NE(std::strstr(info.dli_fname, "liblitelift"), nullptr)
      << LITELIFT_EXPECT_MODE << ": sqlite3_open_v2 comes from " << info.dli_fname;
  EXPECT_STREQ(sqlite3_libversion(), SQLITE_VERSION);
  EXPECT_STREQ(sqlite3_version, sqlite3_libversion());
  EXPECT_EQ(sqlite3_libversion_number(), SQLITE_VERSION_NUMBER);
  EXPECT_STREQ(sqlite3_sourceid(), SQLITE_SOURCE_ID);
}

TEST(Shim, ConfigLogBeforeInitialiseAndFormattedLog) {
  EXPECT_EQ(g_config_log_rc, SQLITE_OK);
  g_log.clear();
  sqlite3_log(SQLITE_NOTICE, "hello %d %s %q", 42, "world", "it's");
  ASSERT_EQ(g_log.size(), 1u);
  EXPECT_EQ(g_log[0], "27:hello 42 world it''s");
}

TEST(Shim, PrintfFamily) {
  char* s =
      sqlite3_mprintf("%d|%s|%q|%Q|%w|%lld|%.2f", 7, "x", "a'b", nullptr, "c\"d", 1LL << 40, 2.5);
  ASSERT_NE(s, nullptr);
  EXPECT_STREQ(s, "7|x|a''b|NULL|c\"\"d|1099511627776|2.50");
  sqlite3_free(s);
  char buf[8];
  EXPECT_EQ(sqlite3_snprintf(sizeof buf, buf, "%s", "truncated"), buf);
  EXPECT_STREQ(buf, "truncat");
  sqlite3_str* str = sqlite3_str_new(nullptr);
  sqlite3_str_appendf(str, "%d-%s", 5, "five");
  sqlite3_str_appendall(str, "!");
  char* out = sqlite3_str_finish(str);
  EXPECT_STREQ(out, "5-five!");
  sqlite3_free(out);
}

TEST(Shim, DbConfig) {
  Db d;
  int fk = -1;
  EXPECT_EQ(sqlite3_db_config(d.db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &fk), SQLITE_OK);
  EXPECT_EQ(fk, 1);
  EXPECT_EQ(sqlite3_db_config(d.db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk), SQLITE_OK);
  EXPECT_EQ(fk, 1);
  EXPECT_EQ(sqlite3_db_config(d.db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, &fk), SQLITE_OK);
  EXPECT_EQ(fk, 0);
  EXPECT_EQ(sqlite3_db_config(d.db, SQLITE_DBCONFIG_MAINDBNAME, "primary"), SQLITE_OK);
  EXPECT_STREQ(sqlite3_db_name(d.db, 0), "primary");
  EXPECT_EQ(sqlite3_db_config(d.db, 99999, 1, &fk), SQLITE_ERROR);
}

TEST(Shim, StatementsValuesAndTypes) {
  Db d;
  d.Exec("CREATE TABLE t(i INTEGER PRIMARY KEY, r REAL, s TEXT, b BLOB, n)");
  sqlite3_stmt* ins = nullptr;
  const char* tail = nullptr;
  const char* sql = "INSERT INTO t(r, s, b, n) VALUES (?, :s, @b, $n); SELECT 1";
  ASSERT_EQ(sqlite3_prepare_v2(d.db, sql, -1, &ins, &tail), SQLITE_OK);
  EXPECT_STREQ(tail, " SELECT 1");
  EXPECT_EQ(sqlite3_bind_parameter_count(ins), 4);
  EXPECT_STREQ(sqlite3_bind_parameter_name(ins, 2), ":s");
  EXPECT_EQ(sqlite3_bind_parameter_index(ins, "$n"), 4);
  EXPECT_EQ(sqlite3_bind_double(ins, 1, 1.5), SQLITE_OK);
  EXPECT_EQ(sqlite3_bind_text(ins, 2, "h\xc3\xa9", -1, SQLITE_STATIC), SQLITE_OK);
  EXPECT_EQ(sqlite3_bind_blob(ins, 3, "\x00\x01\x02", 3, SQLITE_TRANSIENT), SQLITE_OK);
  EXPECT_EQ(sqlite3_bind_null(ins, 4), SQLITE_OK);
  EXPECT_EQ(sqlite3_bind_int(ins, 5, 1), SQLITE_RANGE);
  EXPECT_EQ(sqlite3_step(ins), SQLITE_DONE);
  EXPECT_EQ(sqlite3_changes(d.db), 1);
  EXPECT_EQ(sqlite3_last_insert_rowid(d.db), 1);
  EXPECT_EQ(sqlite3_finalize(ins), SQLITE_OK);

  sqlite3_stmt* sel = nullptr;
  ASSERT_EQ(sqlite3_prepare_v3(d.db, "SELECT i, r, s, b, n FROM t", -1, 0, &sel, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_column_count(sel), 5);
  EXPECT_STREQ(sqlite3_column_decltype(sel, 1), "REAL");
  EXPECT_STREQ(sqlite3_column_name(sel, 2), "s");
  EXPECT_TRUE(sqlite3_stmt_readonly(sel));
  ASSERT_EQ(sqlite3_step(sel), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_type(sel, 0), SQLITE_INTEGER);
  EXPECT_EQ(sqlite3_column_type(sel, 1), SQLITE_FLOAT);
  EXPECT_EQ(sqlite3_column_type(sel, 2), SQLITE_TEXT);
  EXPECT_EQ(sqlite3_column_type(sel, 3), SQLITE_BLOB);
  EXPECT_EQ(sqlite3_column_type(sel, 4), SQLITE_NULL);
  EXPECT_EQ(sqlite3_column_double(sel, 1), 1.5);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(sel, 2)), "h\xc3\xa9");
  EXPECT_EQ(sqlite3_column_bytes16(sel, 2), 4);
  EXPECT_EQ(sqlite3_column_bytes(sel, 3), 3);
  EXPECT_EQ(std::memcmp(sqlite3_column_blob(sel, 3), "\x00\x01\x02", 3), 0);
  sqlite3_value* v = sqlite3_value_dup(sqlite3_column_value(sel, 1));
  EXPECT_EQ(sqlite3_value_type(v), SQLITE_FLOAT);
  sqlite3_value_free(v);
  EXPECT_EQ(sqlite3_step(sel), SQLITE_DONE);
  EXPECT_EQ(sqlite3_db_handle(sel), d.db);
  EXPECT_EQ(sqlite3_next_stmt(d.db, nullptr), sel);
  EXPECT_EQ(sqlite3_finalize(sel), SQLITE_OK);
}

TEST(Shim, ErrorsKeepSqliteCodesAndWords) {
  Db d;
  d.Exec("CREATE TABLE files(path TEXT PRIMARY KEY)");
  d.Exec("INSERT INTO files VALUES ('a')");
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(d.db, "INSERT INTO files VALUES ('a')", nullptr, nullptr, &err),
            SQLITE_CONSTRAINT);
  EXPECT_STREQ(err, "UNIQUE constraint failed: files.path");
  sqlite3_free(err);
  sqlite3_extended_result_codes(d.db, 1);
  EXPECT_EQ(sqlite3_exec(d.db, "INSERT INTO files VALUES ('a')", nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT_PRIMARYKEY);
  EXPECT_EQ(sqlite3_extended_errcode(d.db), SQLITE_CONSTRAINT_PRIMARYKEY);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(d.db, "SELECT nope FROM files", -1, &s, nullptr), SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(d.db), "no such column: nope");
  EXPECT_EQ(sqlite3_error_offset(d.db), 7);
  EXPECT_STREQ(sqlite3_errstr(SQLITE_BUSY), "database is locked");
}

// The real engine calls back into user code with its own pointers, which
// come back through the shim's exports and must pass straight through.
void Twice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, 2 * sqlite3_value_int64(argv[0]));
}
void SumStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* sum = static_cast<sqlite3_int64*>(sqlite3_aggregate_context(ctx, sizeof(sqlite3_int64)));
  *sum += sqlite3_value_int64(argv[0]);
}
void SumFinal(sqlite3_context* ctx) {
  auto* sum = static_cast<sqlite3_int64*>(sqlite3_aggregate_context(ctx, 0));
  sqlite3_result_int64(ctx, sum ? *sum : 0);
}
int Reverse(void*, int n1, const void* a, int n2, const void* b) {
  int c = std::memcmp(a, b, std::min(n1, n2));
  return c != 0 ? -c : n2 - n1;
}

TEST(Shim, CallbacksFromTheEngine) {
  Db d;
  ASSERT_EQ(sqlite3_create_function_v2(d.db, "twice", 1, SQLITE_UTF8, nullptr, Twice, nullptr,
                                       nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(
      sqlite3_create_function(d.db, "mysum", 1, SQLITE_UTF8, nullptr, nullptr, SumStep, SumFinal),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_create_collation(d.db, "REV", SQLITE_UTF8, nullptr, Reverse), SQLITE_OK);
  d.Exec("CREATE TABLE n(x); INSERT INTO n VALUES (1),(2),(3)");
  char** table = nullptr;
  int rows = 0, cols = 0;
  ASSERT_EQ(sqlite3_get_table(d.db,
                              "SELECT twice(x), (SELECT mysum(x) FROM n) FROM n "
                              "ORDER BY CAST(x AS TEXT) COLLATE REV",
                              &table, &rows, &cols, nullptr),
            SQLITE_OK);
  ASSERT_EQ(rows, 3);
  ASSERT_EQ(cols, 2);
  EXPECT_STREQ(table[2], "6");
  EXPECT_STREQ(table[3], "6");
  EXPECT_STREQ(table[6], "2");
  sqlite3_free_table(table);
  int calls = 0;
  auto cb = [](void* p, int, char**, char**) {
    ++*static_cast<int*>(p);
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(d.db, "SELECT * FROM n", cb, &calls, nullptr), SQLITE_OK);
  EXPECT_EQ(calls, 3);
}

TEST(Shim, HooksFire) {
  Db d;
  d.Exec("CREATE TABLE h(x)");
  int commits = 0, updates = 0;
  sqlite3_commit_hook(
      d.db,
      [](void* p) {
        ++*static_cast<int*>(p);
        return 0;
      },
      &commits);
  sqlite3_update_hook(
      d.db,
      [](void* p, int op, const char*, const char* table, sqlite3_int64) {
        if (op == SQLITE_INSERT && std::strcmp(table, "h") == 0) ++*static_cast<int*>(p);
      },
      &updates);
  d.Exec("INSERT INTO h VALUES (1),(2)");
  EXPECT_EQ(commits, 1);
  EXPECT_EQ(updates, 2);
  std::vector<std::string> traced;
  sqlite3_trace_v2(
      d.db, SQLITE_TRACE_STMT,
      [](unsigned, void* ctx, void* p, void*) {
        static_cast<std::vector<std::string>*>(ctx)->push_back(
            sqlite3_sql(static_cast<sqlite3_stmt*>(p)));
        return 0;
      },
      &traced);
  d.Exec("SELECT count(*) FROM h");
  ASSERT_EQ(traced.size(), 1u);
  EXPECT_EQ(traced[0], "SELECT count(*) FROM h");
}

TEST(Shim, BackupBlobAndSession) {
  Db src, dst;
  src.Exec(
      "CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB); "
      "INSERT INTO b VALUES (1, zeroblob(16))");
  sqlite3_backup* bk = sqlite3_backup_init(dst.db, "main", src.db, "main");
  ASSERT_NE(bk, nullptr);
  EXPECT_EQ(sqlite3_backup_step(bk, -1), SQLITE_DONE);
  EXPECT_EQ(sqlite3_backup_finish(bk), SQLITE_OK);

  sqlite3_blob* blob = nullptr;
  ASSERT_EQ(sqlite3_blob_open(dst.db, "main", "b", "data", 1, 1, &blob), SQLITE_OK);
  EXPECT_EQ(sqlite3_blob_bytes(blob), 16);
  EXPECT_EQ(sqlite3_blob_write(blob, "abcd", 4, 2), SQLITE_OK);
  char buf[4];
  EXPECT_EQ(sqlite3_blob_read(blob, buf, 4, 2), SQLITE_OK);
  EXPECT_EQ(std::memcmp(buf, "abcd", 4), 0);
  EXPECT_EQ(sqlite3_blob_close(blob), SQLITE_OK);

  sqlite3_session* session = nullptr;
  ASSERT_EQ(sqlite3session_create(dst.db, "main", &session), SQLITE_OK);
  ASSERT_EQ(sqlite3session_attach(session, "b"), SQLITE_OK);
  dst.Exec("INSERT INTO b VALUES (2, x'00')");
  int size = 0;
  void* changeset = nullptr;
  ASSERT_EQ(sqlite3session_changeset(session, &size, &changeset), SQLITE_OK);
  EXPECT_GT(size, 0);
  sqlite3_changeset_iter* it = nullptr;
  ASSERT_EQ(sqlite3changeset_start(&it, size, changeset), SQLITE_OK);
  int changes = 0;
  while (sqlite3changeset_next(it) == SQLITE_ROW) ++changes;
  EXPECT_EQ(sqlite3changeset_finalize(it), SQLITE_OK);
  EXPECT_EQ(changes, 1);
  sqlite3_free(changeset);
  sqlite3session_delete(session);
}

TEST(Shim, TempDirectoryVariableReachesTheEngine) {
  Db d;
  char* dir = sqlite3_mprintf("%s", "/tmp");
  sqlite3_temp_directory = dir;
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(d.db, "PRAGMA temp_store_directory", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "/tmp");
  sqlite3_finalize(s);
  sqlite3_temp_directory = nullptr;
  sqlite3_free(dir);
}

TEST(Shim, MisuseIsReportedNotCrashed) {
  EXPECT_EQ(sqlite3_open_v2(":memory:", nullptr, SQLITE_OPEN_READWRITE, nullptr), SQLITE_MISUSE);
  EXPECT_EQ(sqlite3_open(":memory:", nullptr), SQLITE_MISUSE);
  EXPECT_EQ(sqlite3_close(nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_finalize(nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_complete("SELECT 1;"), 1);
  EXPECT_EQ(sqlite3_complete("SELECT 1"), 0);
}

TEST(Shim, Open16AndFiles) {
  char path[] = "/tmp/litelift-capi-XXXXXX";
  ASSERT_NE(mkdtemp(path), nullptr);
  std::string file = std::string(path) + "/u16.db";
  std::u16string wide(file.begin(), file.end());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open16(wide.c_str(), &db), SQLITE_OK);
  EXPECT_STREQ(sqlite3_db_filename(db, "main"), file.c_str());
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE x(a)", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
  sqlite3* ro = nullptr;
  ASSERT_EQ(sqlite3_open_v2(file.c_str(), &ro, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_db_readonly(ro, "main"), 1);
  EXPECT_EQ(sqlite3_exec(ro, "INSERT INTO x VALUES (1)", nullptr, nullptr, nullptr),
            SQLITE_READONLY);
  EXPECT_EQ(sqlite3_close(ro), SQLITE_OK);
  sqlite3* missing = nullptr;
  std::string nowhere = std::string(path) + "/none/x.db";
  EXPECT_EQ(sqlite3_open(nowhere.c_str(), &missing), SQLITE_CANTOPEN);
  EXPECT_STREQ(sqlite3_errmsg(missing), "unable to open database file");
  EXPECT_EQ(sqlite3_close(missing), SQLITE_OK);
  std::remove(file.c_str());
  rmdir(path);
}

TEST(Shim, ConnectionsOnManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> sums(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &sums] {
      sqlite3* db = nullptr;
      sqlite3_open(":memory:", &db);
      sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
      sqlite3_stmt* ins = nullptr;
      sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?)", -1, &ins, nullptr);
      for (int i = 1; i <= 1000; ++i) {
        sqlite3_bind_int(ins, 1, i);
        sqlite3_step(ins);
        sqlite3_reset(ins);
      }
      sqlite3_finalize(ins);
      sqlite3_stmt* sum = nullptr;
      sqlite3_prepare_v2(db, "SELECT sum(x) FROM t", -1, &sum, nullptr);
      if (sqlite3_step(sum) == SQLITE_ROW) sums[t] = sqlite3_column_int(sum, 0);
      sqlite3_finalize(sum);
      sqlite3_close(db);
    });
  }
  for (auto& th : threads) th.join();
  for (int s : sums) EXPECT_EQ(s, 500500);
}

}  // namespace

int main(int argc, char** argv) {
  // Must precede any use of the library: checks that sqlite3_config's
  // arguments reach the real one.
  g_config_log_rc = sqlite3_config(SQLITE_CONFIG_LOG, LogCallback, &g_log);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
