// Views whose text calls the program's function or names its collation
// (issue 13): SQLite creates them whatever the function, and checks it
// only when the view is read. On the postgres route such a view is kept in
// the shadow catalog and litelift.catalog, not on the server, and a
// statement reading it runs in the embedded engine: the same rows, classes,
// codes and messages as SQLite, in sqlite_master, on another connection
// (with the function registered there, or SQLite's error without it), and
// after DROP VIEW.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// twice(x): x * 2 for numbers, the text doubled; NULL stays NULL.
void Twice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_INTEGER:
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) * 2);
      break;
    case SQLITE_FLOAT:
      sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) * 2);
      break;
    case SQLITE_NULL:
      sqlite3_result_null(ctx);
      break;
    default: {
      std::string t(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
      sqlite3_result_text(ctx, (t + t).c_str(), -1, SQLITE_TRANSIENT);
    }
  }
}

// rev: binary order reversed.
int Reverse(void*, int n1, const void* a, int n2, const void* b) {
  int c = std::memcmp(a, b, static_cast<size_t>(n1 < n2 ? n1 : n2));
  if (c == 0) c = n1 - n2;
  return -c;
}

void Register(sqlite3* db) {
  EXPECT_EQ(sqlite3_create_function(db, "twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                    Twice, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_create_collation(db, "rev", SQLITE_UTF8, nullptr, Reverse), SQLITE_OK);
}

const std::vector<std::string> kSchema = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, name TEXT)",
    "INSERT INTO t (x, name) VALUES (1, 'a'), (2, 'b'), (3, NULL), (NULL, 'd')",
};

// Describe without the connection's counters (changes, last_insert_rowid),
// which differ between a fresh connection and the one that wrote.
std::string Rows(sqlite3* db, const std::string& sql) {
  std::string out = Describe(db, sql);
  size_t at = out.rfind(" changes ");
  return at == std::string::npos ? out : out.substr(0, at);
}

struct ViewPair : Pair {
  explicit ViewPair(const std::string& name) : Pair(name) {
    Register(local);
    Register(routed);
    Same(kSchema);
  }
};

const std::vector<std::string> kViews = {
    "CREATE VIEW v AS SELECT id, twice(x) AS d, twice(name) AS n FROM t",
    "CREATE VIEW w (k, dd) AS SELECT id, twice(d) FROM v WHERE d > 2",
    "CREATE VIEW byrev AS SELECT name FROM t WHERE name IS NOT NULL ORDER BY name COLLATE rev",
    "CREATE VIEW plain AS SELECT id, x + 1 AS y FROM t",
    "CREATE VIEW over_plain AS SELECT twice(y) AS z FROM plain",
};

const std::vector<std::string> kReads = {
    "SELECT * FROM v ORDER BY id",
    "SELECT * FROM w ORDER BY k",
    "SELECT count(*) FROM v",
    "SELECT * FROM byrev",
    "SELECT * FROM over_plain ORDER BY z",
    "SELECT * FROM plain ORDER BY id",
    "SELECT v.n, t.x FROM v JOIN t USING (id) WHERE v.d IS NOT NULL ORDER BY 1",
    "SELECT * FROM v WHERE id = 2",
    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
};

TEST(UdfViews, CreateReadDrop) {
  ViewPair p(Name());
  p.Same(kViews);
  p.Same(kReads);
  p.Same({
      "INSERT INTO t (x, name) SELECT d, n FROM v WHERE id = 1",
      "SELECT * FROM v ORDER BY id",
      "CREATE TEMP VIEW tv AS SELECT twice(id) AS i FROM t",
      "SELECT * FROM tv ORDER BY i",
      "SELECT type, name FROM sqlite_temp_master",
      "DROP VIEW tv",
      "CREATE VIEW IF NOT EXISTS v AS SELECT 1",
      "CREATE VIEW v AS SELECT 1",
      "DROP VIEW w",
      "SELECT * FROM w",
      "DROP VIEW v",
      "SELECT * FROM v",
      "SELECT type, name FROM sqlite_master ORDER BY name",
      "CREATE VIEW v AS SELECT twice(twice(x)) AS q FROM t",
      "SELECT * FROM v ORDER BY q",
  });
}

// A function no one registered yet: SQLite creates the view and fails on
// reading it; once registered, the view reads.
TEST(UdfViews, FunctionRegisteredLater) {
  ViewPair p(Name());
  p.Same({
      "CREATE VIEW later AS SELECT id, thrice(x) AS t3 FROM t",
      "SELECT * FROM later",
      "SELECT name FROM sqlite_master WHERE type = 'view'",
  });
  for (sqlite3* db : {p.local, p.routed}) {
    EXPECT_EQ(
        sqlite3_create_function(db, "thrice", 1, SQLITE_UTF8, nullptr, Twice, nullptr, nullptr),
        SQLITE_OK);
  }
  p.Same({"SELECT * FROM later ORDER BY id"});
}

// A view made by one connection is in sqlite_master of another (and after
// a reconnect); read there with the function registered, it gives
// SQLite's rows, and without it, SQLite's error.
TEST(UdfViews, AnotherConnection) {
  ViewPair p(Name());
  p.Same(kViews);
  std::string path = g_dir + "/" + Name() + ".db";
  for (bool registered : {true, false}) {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
    sqlite3_extended_result_codes(other, 1);
    if (registered) Register(other);
    for (const std::string& sql : kReads) {
      std::string want = Rows(p.local, sql);
      if (!registered) {
        // SQLite's answer on a connection without the function: the
        // same views, the function and collation removed after.
        sqlite3* bare = nullptr;
        ASSERT_EQ(sqlite3_open(":memory:", &bare), SQLITE_OK);
        sqlite3_extended_result_codes(bare, 1);
        Register(bare);
        for (const auto& s : kSchema) sqlite3_exec(bare, s.c_str(), nullptr, nullptr, nullptr);
        for (const auto& s : kViews) sqlite3_exec(bare, s.c_str(), nullptr, nullptr, nullptr);
        sqlite3_create_function(bare, "twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                nullptr, nullptr, nullptr);
        sqlite3_create_collation(bare, "rev", SQLITE_UTF8, nullptr, nullptr);
        want = Rows(bare, sql);
        sqlite3_close(bare);
      }
      EXPECT_EQ(Rows(other, sql), want) << "statement: " << sql << " registered " << registered;
    }
    EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
  }
  // Dropped by the first connection: gone for a new one.
  p.Same({"DROP VIEW over_plain"});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  Register(other);
  const char* names = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name";
  EXPECT_EQ(Rows(other, names), Rows(p.local, names));
  EXPECT_EQ(Rows(other, "SELECT * FROM over_plain"), Rows(p.local, "SELECT * FROM over_plain"));
  EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
}

}  // namespace
}  // namespace litelift::test
