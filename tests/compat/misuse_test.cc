// API misuse and limits, compared with the real SQLite: oversized binds,
// the error a failed statement leaves through reset and finalize, a
// refused BEGIN, the URIs SQLite refuses, and expressions deep enough to
// matter on a small thread stack (issue 12).
//
// Local databases are :memory: through litelift (the real SQLite), or, where
// a file is needed, files opened with the real libsqlite3 itself (dlopen),
// since every file this program opens through litelift is routed.

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// The real libsqlite3's functions, bypassing litelift.
struct Native {
  decltype(&sqlite3_open_v2) open_v2;
  decltype(&sqlite3_close) close;
  decltype(&sqlite3_exec) exec;
  decltype(&sqlite3_errcode) errcode;
  decltype(&sqlite3_errmsg) errmsg;
  decltype(&sqlite3_get_autocommit) get_autocommit;
  decltype(&sqlite3_busy_timeout) busy_timeout;
  decltype(&sqlite3_db_readonly) db_readonly;
  Native() {
    void* lib = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(lib, nullptr);
    open_v2 = reinterpret_cast<decltype(open_v2)>(dlsym(lib, "sqlite3_open_v2"));
    close = reinterpret_cast<decltype(close)>(dlsym(lib, "sqlite3_close"));
    exec = reinterpret_cast<decltype(exec)>(dlsym(lib, "sqlite3_exec"));
    errcode = reinterpret_cast<decltype(errcode)>(dlsym(lib, "sqlite3_errcode"));
    errmsg = reinterpret_cast<decltype(errmsg)>(dlsym(lib, "sqlite3_errmsg"));
    get_autocommit =
        reinterpret_cast<decltype(get_autocommit)>(dlsym(lib, "sqlite3_get_autocommit"));
    busy_timeout = reinterpret_cast<decltype(busy_timeout)>(dlsym(lib, "sqlite3_busy_timeout"));
    db_readonly = reinterpret_cast<decltype(db_readonly)>(dlsym(lib, "sqlite3_db_readonly"));
  }
};
const Native& Real() {
  static const Native n;
  return n;
}

// One side of a comparison: its open, exec, error calls.
struct Side {
  std::function<int(const std::string&, sqlite3**, int)> open;
  std::function<int(sqlite3*)> close;
  std::function<int(sqlite3*, const std::string&)> exec;
  std::function<std::string(sqlite3*)> error;  // "code message"
  std::function<int(sqlite3*)> autocommit;
  std::function<int(sqlite3*)> busy0;
  std::function<int(sqlite3*)> readonly;
  std::string dir;
};

Side NativeSide() {
  const Native& n = Real();
  Side s;
  s.open = [&n](const std::string& f, sqlite3** db, int flags) {
    return n.open_v2(f.c_str(), db, flags, nullptr);
  };
  s.close = [&n](sqlite3* db) { return n.close(db); };
  s.exec = [&n](sqlite3* db, const std::string& sql) {
    return n.exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  };
  s.error = [&n](sqlite3* db) { return std::to_string(n.errcode(db)) + " " + n.errmsg(db); };
  s.autocommit = [&n](sqlite3* db) { return n.get_autocommit(db); };
  s.busy0 = [&n](sqlite3* db) { return n.busy_timeout(db, 0); };
  s.readonly = [&n](sqlite3* db) { return n.db_readonly(db, "main"); };
  s.dir = g_dir + "/native";
  std::string mk = "mkdir -p " + s.dir;
  EXPECT_EQ(std::system(mk.c_str()), 0);
  return s;
}

Side RoutedSide() {
  Side s;
  s.open = [](const std::string& f, sqlite3** db, int flags) {
    return sqlite3_open_v2(f.c_str(), db, flags, nullptr);
  };
  s.close = [](sqlite3* db) { return sqlite3_close(db); };
  s.exec = [](sqlite3* db, const std::string& sql) {
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  };
  s.error = [](sqlite3* db) {
    return std::to_string(sqlite3_errcode(db)) + " " + sqlite3_errmsg(db);
  };
  s.autocommit = [](sqlite3* db) { return sqlite3_get_autocommit(db); };
  s.busy0 = [](sqlite3* db) { return sqlite3_busy_timeout(db, 0); };
  s.readonly = [](sqlite3* db) { return sqlite3_db_readonly(db, "main"); };
  s.dir = g_dir;
  return s;
}

// The connection's error: code and message. After a successful call
// SQLite's message can be a stale one (sqlite3_step sets the code alone), a
// quirk litelift does not copy: only an error's message is compared.
std::string Error(sqlite3* db) {
  int code = sqlite3_extended_errcode(db);
  bool error = code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE;
  return std::to_string(code) + (error ? std::string(" ") + sqlite3_errmsg(db) : "");
}

// Steps st to the end: each row's first column as text (or NULL), then the
// final code and the connection's error.
std::string StepAll(sqlite3_stmt* st) {
  std::string out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    out += "row " + std::string(t != nullptr ? reinterpret_cast<const char*>(t) : "NULL") + "; ";
  }
  return out + "step " + std::to_string(rc) + " " + Error(sqlite3_db_handle(st));
}

int g_destroyed = 0;
void CountDestroy(void*) { ++g_destroyed; }

// ---- 1. binds over SQLITE_LIMIT_LENGTH ---------------------------------------

// Each bind call on a fresh "SELECT ?1" (table-less) and on an INSERT's
// parameter (a server statement when routed): its code, the connection's
// error, how often the destructor ran, and what the parameter became.
std::string BindOutcome(sqlite3* db, const std::function<int(sqlite3_stmt*)>& bind) {
  std::string out;
  for (const char* sql : {"SELECT ?1", "INSERT INTO t VALUES (?1) RETURNING typeof(x)"}) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    // A known error first: the bind's own error handling shows.
    sqlite3_exec(db, "SELECT nosuch", nullptr, nullptr, nullptr);
    g_destroyed = 0;
    int rc = bind(st);
    out += "bind " + std::to_string(rc) + " error " + Error(db) + " destroyed " +
           std::to_string(g_destroyed) + " | " + StepAll(st) + "\n";
    sqlite3_finalize(st);
  }
  return out;
}

TEST(Misuse, BindsOverTheLengthLimit) {
  Pair p(Name());
  const char* x = "x";
  static const char16_t kHi[] = u"hi";
  static const char kHiBe[] = {0, 'h', 0, 'i', 0, 0};
  std::vector<std::pair<std::string, std::function<int(sqlite3_stmt*)>>> binds = {
      {"text64 5e9 static",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, SQLITE_STATIC, SQLITE_UTF8);
       }},
      {"text64 5e9 destructor",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, CountDestroy, SQLITE_UTF8);
       }},
      {"text64 5e9 transient",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, SQLITE_TRANSIENT, SQLITE_UTF8);
       }},
      {"text64 utf16",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, SQLITE_STATIC, SQLITE_UTF16);
       }},
      {"text64 utf16le",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, CountDestroy, SQLITE_UTF16LE);
       }},
      {"text64 utf16be",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, x, 5000000000ull, SQLITE_STATIC, SQLITE_UTF16BE);
       }},
      {"blob64 5e9",
       [&](sqlite3_stmt* s) { return sqlite3_bind_blob64(s, 1, x, 5000000000ull, CountDestroy); }},
      {"zeroblob64 3e9",
       [&](sqlite3_stmt* s) { return sqlite3_bind_zeroblob64(s, 1, 3000000000ull); }},
      {"text64 5e9 out of range",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 7, x, 5000000000ull, CountDestroy, SQLITE_UTF8);
       }},
      {"text16 hi",
       [&](sqlite3_stmt* s) { return sqlite3_bind_text16(s, 1, kHi, -1, SQLITE_STATIC); }},
      {"text64 utf16be hi",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, kHiBe, 4, SQLITE_STATIC, SQLITE_UTF16BE);
       }},
      {"text64 utf16be hi terminated",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, kHiBe, static_cast<sqlite3_uint64>(-1), SQLITE_STATIC,
                                    SQLITE_UTF16BE);
       }},
      {"zeroblob64 3", [&](sqlite3_stmt* s) { return sqlite3_bind_zeroblob64(s, 1, 3); }},
  };
  p.Same({"CREATE TABLE t (x)"});
  for (const auto& [name, bind] : binds) {
    EXPECT_EQ(BindOutcome(p.routed, bind), BindOutcome(p.local, bind)) << name;
  }
}

TEST(Misuse, BindsOverALoweredLengthLimit) {
  Pair p(Name());
  p.Same({"CREATE TABLE t (x)"});
  for (sqlite3* db : {p.local, p.routed}) {
    EXPECT_EQ(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 10), 1000000000);
  }
  static const char16_t kLong16[] = u"hello world";  // 22 bytes
  const char* text = "hello world!";
  std::vector<std::pair<std::string, std::function<int(sqlite3_stmt*)>>> binds = {
      {"text 12", [&](sqlite3_stmt* s) { return sqlite3_bind_text(s, 1, text, 12, CountDestroy); }},
      {"text -1",
       [&](sqlite3_stmt* s) { return sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC); }},
      // (A row over the limit fails too: values well under it.)
      {"text 5", [&](sqlite3_stmt* s) { return sqlite3_bind_text(s, 1, text, 5, SQLITE_STATIC); }},
      {"text16 -1",
       [&](sqlite3_stmt* s) { return sqlite3_bind_text16(s, 1, kLong16, -1, SQLITE_STATIC); }},
      {"text16 10",
       [&](sqlite3_stmt* s) { return sqlite3_bind_text16(s, 1, kLong16, 10, SQLITE_STATIC); }},
      {"text64 utf16 12",
       [&](sqlite3_stmt* s) {
         return sqlite3_bind_text64(s, 1, reinterpret_cast<const char*>(kLong16), 12, SQLITE_STATIC,
                                    SQLITE_UTF16);
       }},
      {"blob 11", [&](sqlite3_stmt* s) { return sqlite3_bind_blob(s, 1, text, 11, CountDestroy); }},
      {"blob64 5",
       [&](sqlite3_stmt* s) { return sqlite3_bind_blob64(s, 1, text, 5, SQLITE_STATIC); }},
      {"zeroblob64 11", [&](sqlite3_stmt* s) { return sqlite3_bind_zeroblob64(s, 1, 11); }},
      {"zeroblob 11", [&](sqlite3_stmt* s) { return sqlite3_bind_zeroblob(s, 1, 11); }},
      {"zeroblob 5", [&](sqlite3_stmt* s) { return sqlite3_bind_zeroblob(s, 1, 5); }},
  };
  for (const auto& [name, bind] : binds) {
    EXPECT_EQ(BindOutcome(p.routed, bind), BindOutcome(p.local, bind)) << name;
  }
}

// ---- 2. the error a statement leaves ----------------------------------------

// What a program sees through step, reset and finalize of a failing
// statement, in the order the scenario calls them.
std::string FailingStatement(sqlite3* db, const std::string& scenario) {
  sqlite3_exec(db, "CREATE TABLE u (x UNIQUE); INSERT INTO u VALUES (1)", nullptr, nullptr,
               nullptr);
  std::string out;
  sqlite3_stmt* st = nullptr;
  sqlite3_stmt* other = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO u VALUES (1)", -1, &st, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM u", -1, &other, nullptr), SQLITE_OK);
  for (char c : scenario) {
    switch (c) {
      case 's':
        out += "step " + std::to_string(sqlite3_step(st));
        break;
      case 'r':
        out += "reset " + std::to_string(sqlite3_reset(st));
        break;
      case 'f':
        out += "finalize " + std::to_string(sqlite3_finalize(st));
        st = nullptr;
        break;
      case 'o':  // another statement runs well
        out += "other " + std::to_string(sqlite3_step(other)) + "/" +
               std::to_string(sqlite3_reset(other));
        break;
      case 'n':  // a statement that never ran is reset and finalized
      {
        sqlite3_stmt* idle = nullptr;
        sqlite3_prepare_v2(db, "SELECT 1 FROM u", -1, &idle, nullptr);
        out += "idle " + std::to_string(sqlite3_reset(idle));
        out += "/" + std::to_string(sqlite3_finalize(idle));
        break;
      }
      case 'p':  // a successful prepare
      {
        sqlite3_stmt* q = nullptr;
        out += "prepare " + std::to_string(sqlite3_prepare_v2(db, "SELECT 2", -1, &q, nullptr));
        sqlite3_finalize(q);
        break;
      }
    }
    out += " -> " + Error(db) + "\n";
  }
  sqlite3_finalize(st);
  sqlite3_finalize(other);
  return out;
}

TEST(Misuse, ResetAndFinalizeKeepTheStepsError) {
  // srf: the Tcl binding's order; sf: finalize at once; s o r f: reset
  // brings the error back; s r r: a second reset has nothing to report;
  // s n: a statement that never ran leaves the error alone.
  for (const char* scenario : {"srf", "sf", "sorf", "srrf", "snf", "sprf", "ssrf", "sosf"}) {
    Pair p(Name() + scenario);
    EXPECT_EQ(FailingStatement(p.routed, scenario), FailingStatement(p.local, scenario))
        << scenario;
  }
}

TEST(Misuse, ErrorCallsOnAZombieConnection) {
  Pair p(Name());
  for (sqlite3** db : {&p.local, &p.routed}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(*db, "SELECT 1", -1, &st, nullptr), SQLITE_OK);
    sqlite3_exec(*db, "SELECT nosuch", nullptr, nullptr, nullptr);
    ASSERT_EQ(sqlite3_close_v2(*db), SQLITE_OK);  // a zombie until st goes
    EXPECT_EQ(sqlite3_errcode(*db), SQLITE_MISUSE);
    EXPECT_EQ(sqlite3_extended_errcode(*db), SQLITE_MISUSE);
    EXPECT_STREQ(sqlite3_errmsg(*db), "bad parameter or other API misuse");
    ASSERT_NE(sqlite3_errmsg16(*db), nullptr);
    EXPECT_EQ(std::u16string(static_cast<const char16_t*>(sqlite3_errmsg16(*db))),
              u"bad parameter or other API misuse");
    EXPECT_EQ(sqlite3_error_offset(*db), -1);
    EXPECT_EQ(sqlite3_finalize(st), SQLITE_OK);  // the last statement ends the connection
    *db = nullptr;
  }
}

TEST(Misuse, ErrorCallsOnAClosedRoutedHandle) {
  // SQLite frees the handle (a later call is undefined); litelift's slot
  // answers as SQLite does for a handle that is not open, never NULL.
  sqlite3* db = nullptr;
  std::string path = g_dir + "/" + Name() + ".db";
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_exec(db, "SELECT nosuch", nullptr, nullptr, nullptr);
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
  EXPECT_EQ(sqlite3_errcode(db), SQLITE_MISUSE);
  ASSERT_NE(sqlite3_errmsg(db), nullptr);
  EXPECT_STREQ(sqlite3_errmsg(db), "bad parameter or other API misuse");
  ASSERT_NE(sqlite3_errmsg16(db), nullptr);
  EXPECT_EQ(std::u16string(static_cast<const char16_t*>(sqlite3_errmsg16(db))),
            u"bad parameter or other API misuse");
  EXPECT_EQ(sqlite3_error_offset(db), -1);
}

// ---- 3. a BEGIN the other side refuses --------------------------------------

std::string RefusedBegin(const Side& s, const std::string& name, const std::string& begin) {
  std::string path = s.dir + "/" + name + ".db";
  sqlite3 *a = nullptr, *b = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  EXPECT_EQ(s.open(path, &a, flags), SQLITE_OK);
  EXPECT_EQ(s.open(path, &b, flags), SQLITE_OK);
  s.busy0(b);
  std::string out;
  auto run = [&](sqlite3* db, const char* who, const std::string& sql) {
    int rc = s.exec(db, sql);
    out += std::string(who) + " " + sql + ": " + std::to_string(rc) + " " + s.error(db) +
           " autocommit " + std::to_string(s.autocommit(db)) + "\n";
  };
  run(a, "a", "CREATE TABLE t (x)");
  run(a, "a", "BEGIN IMMEDIATE");
  run(b, "b", begin);  // the write lock is a's: SQLITE_BUSY, nothing begun
  run(b, "b", "BEGIN");
  run(b, "b", "SELECT count(*) FROM t");
  run(b, "b", "COMMIT");
  run(b, "b", begin);  // again
  run(b, "b", "SAVEPOINT s1");
  run(b, "b", "RELEASE s1");
  run(a, "a", "INSERT INTO t VALUES (1)");
  run(a, "a", "COMMIT");
  run(b, "b", begin);  // now free
  run(b, "b", "INSERT INTO t VALUES (2)");
  run(b, "b", "COMMIT");
  run(b, "b", "BEGIN");
  run(b, "b", "BEGIN");  // SQLite's own refusal, inside a transaction
  run(b, "b", "ROLLBACK");
  s.close(a);
  s.close(b);
  return out;
}

TEST(Misuse, ARefusedBeginStartsNothing) {
  for (const char* begin : {"BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"}) {
    std::string name = Name() + (begin[6] == 'I' ? "_immediate" : "_exclusive");
    EXPECT_EQ(RefusedBegin(RoutedSide(), name, begin), RefusedBegin(NativeSide(), name, begin))
        << begin;
  }
}

// ---- 4. URIs SQLite refuses -------------------------------------------------

std::string OpenOutcome(const Side& s, const std::string& uri, int flags) {
  sqlite3* db = nullptr;
  int rc = s.open(uri, &db, flags);
  std::string out = "open " + std::to_string(rc) + " " + s.error(db);
  s.close(db);
  return out;
}

TEST(Misuse, UrisSqliteRefuses) {
  Side native = NativeSide(), routed = RoutedSide();
  int rwc = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  struct Case {
    std::string before, after;  // around the path
    int flags;
  };
  std::vector<Case> cases = {
      {"file:", "/x.db?mode=bogus", rwc | SQLITE_OPEN_URI},
      {"file:", "/x.db?mode=bogus", rwc},  // URIs are on by default (SQLITE_USE_URI)
      {"file:", "/x.db?vfs=nonexistent", rwc | SQLITE_OPEN_URI},
      {"file://remotehost", "/x.db", rwc | SQLITE_OPEN_URI},
      {"file:", "/x.db?cache=bogus", rwc | SQLITE_OPEN_URI},
      {"file:", "/x.db?mode=rwc", SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI},
      {"file:", "/x.db?mode=rw", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI},
      {"file:", "/x.db?mode=ro&&=x&vfs=nonexistent", rwc | SQLITE_OPEN_URI},
      {"file:", "/x.db?mo%64e=bogus%00more", rwc | SQLITE_OPEN_URI},
      {"file:", "/x.db#?mode=bogus", rwc | SQLITE_OPEN_URI},
      {"file://localhost", "/ok.db?mode=rwc", rwc | SQLITE_OPEN_URI},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(OpenOutcome(routed, c.before + routed.dir + c.after, c.flags),
              OpenOutcome(native, c.before + native.dir + c.after, c.flags))
        << c.before << "<dir>" << c.after;
  }
  // The VFS argument of sqlite3_open_v2 too.
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2((routed.dir + "/v.db").c_str(), &db, rwc, "nonexistent"), SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(db), "no such vfs: nonexistent");
  sqlite3_close(db);
}

std::string Immutable(const Side& s, const std::string& name) {
  std::string path = s.dir + "/" + name + ".db";
  sqlite3* db = nullptr;
  std::string out;
  EXPECT_EQ(s.open(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE), SQLITE_OK);
  s.exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
  s.close(db);
  for (const char* query : {"?immutable=1", "?immutable=yes&mode=rw", "?immutable=0"}) {
    int rc = s.open("file:" + path + query, &db,
                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI);
    out += std::string(query) + ": open " + std::to_string(rc) + " readonly " +
           std::to_string(s.readonly(db));
    rc = s.exec(db, "SELECT x FROM t");
    out += " select " + std::to_string(rc);
    rc = s.exec(db, "INSERT INTO t VALUES (2)");
    out += " insert " + std::to_string(rc) + " " + s.error(db) + "\n";
    s.close(db);
  }
  return out;
}

TEST(Misuse, ImmutableOpensReadOnly) {
  EXPECT_EQ(Immutable(RoutedSide(), Name()), Immutable(NativeSide(), Name()));
}

// ---- 5. deep expressions -----------------------------------------------------

// Runs f on a thread with a 256 KB stack (the real SQLite runs these there;
// its 1000-deep trees need more, so those run on the main thread).
void OnSmallStack(const std::function<void()>& f) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, const_cast<std::function<void()>*>(&f)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

std::string Chain(const char* first, const char* op, int terms) {
  std::string e = first;
  for (int i = 1; i < terms; ++i) e += std::string(op) + "1";
  return e;
}

std::string Nested(int depth) {
  return std::string(static_cast<size_t>(depth), '(') + "x" +
         std::string(static_cast<size_t>(depth), ')');
}

TEST(Misuse, DeepExpressionsOnASmallStack) {
  Pair p(Name());
  p.Same({"CREATE TABLE t (x INTEGER, s TEXT)", "INSERT INTO t VALUES (1, 'a')"});
  std::vector<std::string> sql = {
      "SELECT " + Chain("x", " + ", 500) + " FROM t",
      "SELECT " + Chain("x", " * ", 500) + " FROM t",
      "SELECT " + Chain("s", " || ", 400) + " FROM t",
      "SELECT count(*) FROM t WHERE " + Chain("x = 1", " AND x = ", 300),
      "SELECT count(*) FROM t WHERE " + Chain("x = 2", " OR x = ", 300),
      "SELECT " + Nested(2000) + " FROM t",
      "SELECT " + Nested(95) + " + 1 FROM t",
      "SELECT " + Nested(99) + " + 1 FROM t",
      "SELECT " + Chain("abs(", "abs(", 90) + "x" + std::string(90, ')') + " FROM t",
  };
  for (const std::string& q : sql) {
    std::string local, routed;
    OnSmallStack([&] { local = Describe(p.local, q); });
    OnSmallStack([&] { routed = Describe(p.routed, q); });
    EXPECT_EQ(routed, local) << q.substr(0, 80);
  }
}

TEST(Misuse, ExpressionsUpToSqlitesLimits) {
  // SQLite: a tree 1000 deep (SQLITE_MAX_EXPR_DEPTH), and what its parser's
  // stack holds (under 100 open parentheses).
  Pair p(Name());
  p.Same({"CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)",
          "SELECT " + Chain("x", " + ", 1000) + " FROM t",
          "SELECT " + Chain("x", " + ", 1001) + " FROM t",
          "SELECT " + Chain("x", " - ", 1000) + " FROM t",
          "SELECT " + Chain("x", " + ", 2000) + " FROM t", "SELECT " + Nested(97) + " + 1 FROM t",
          "SELECT -" + Nested(90) + " FROM t", "SELECT " + Chain("- ", "- ", 95) + "x FROM t"});
}

}  // namespace
}  // namespace litelift::test
