// Differential tests of SQLite's rowid numbering on PostgreSQL (a
// sequence per table, catalog/rowid.h): every statement that moves the
// counter, on the real SQLite and on the postgres route (tests/compat/pair.h).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// The statements that move SQLite's rowid counter, for a table t whose
// rowid is key: explicit ids, NULL, deletes of the last rows, failed
// statements, rollbacks of transactions and savepoints, OR IGNORE, upserts,
// REPLACE, several rows, an UPDATE of the rowid, an emptied table.
std::vector<std::string> RowidMoves(const std::string& t, const std::string& key) {
  std::vector<std::string> s = {
      "INSERT INTO " + t + " (v) VALUES ('a')",
      "INSERT INTO " + t + " (v) VALUES ('b')",
      "INSERT INTO " + t + " (" + key + ", v) VALUES (10, 'c')",
      "INSERT INTO " + t + " (" + key + ", v) VALUES (NULL, 'd')",
      "DELETE FROM " + t + " WHERE " + key + " = 11",
      "INSERT INTO " + t + " (v) VALUES ('e')",
      "INSERT INTO " + t + " (v) VALUES ('e')",
      "INSERT INTO " + t + " (v) VALUES ('f')",
      "BEGIN",
      "INSERT INTO " + t + " (v) VALUES ('g')",
      "DELETE FROM " + t + " WHERE " + key + " >= 11",
      "ROLLBACK",
      "INSERT INTO " + t + " (v) VALUES ('h')",
      "BEGIN",
      "SAVEPOINT s",
      "INSERT INTO " + t + " (v) VALUES ('i')",
      "ROLLBACK TO s",
      "INSERT INTO " + t + " (v) VALUES ('j')",
      "INSERT INTO " + t + " (v) VALUES ('j')",
      "COMMIT",
      "INSERT OR IGNORE INTO " + t + " (v) VALUES ('a')",
      "INSERT INTO " + t + " (v) VALUES ('k')",
      "INSERT INTO " + t + " (v) VALUES ('k') ON CONFLICT (v) DO UPDATE SET v = 'k2', w = 'k2'",
      "INSERT INTO " + t + " (v) VALUES ('l')",
      "REPLACE INTO " + t + " (v, w) VALUES ('l', 'k2')",
      "INSERT INTO " + t + " (v) VALUES ('l2')",
      "INSERT INTO " + t + " (v) VALUES ('m'), ('n')",
      "INSERT INTO " + t + " (" + key + ", v) VALUES (100, 'o'), (NULL, 'p'), (50, 'q')",
      "UPDATE " + t + " SET " + key + " = 200 WHERE " + key + " = 101",
      "INSERT INTO " + t + " (v) VALUES ('r')",
      "DELETE FROM " + t + " WHERE " + key + " > 100",
      "INSERT INTO " + t + " (v) SELECT v || '2' FROM " + t + " WHERE " + key + " < 3",
      "SELECT " + key + ", v FROM " + t + " ORDER BY " + key,
      "DELETE FROM " + t,
      "INSERT INTO " + t + " (" + key + ", v) VALUES (-5, 's')",
      "INSERT INTO " + t + " (v) VALUES ('t')",
      "SELECT " + key + ", v FROM " + t + " ORDER BY " + key,
  };
  return s;
}

// SQLite's numbering, which litelift keeps in a sequence per table
// (catalog/rowid.h), for INTEGER PRIMARY KEY, AUTOINCREMENT and the hidden
// rowid; sqlite_sequence read and written.
TEST(Differential, RowidNumbering) {
  Pair p(Name());
  p.Same({"CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT UNIQUE, w UNIQUE)",
          "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT UNIQUE, w UNIQUE)",
          "CREATE TABLE h (v TEXT UNIQUE, w UNIQUE)", "SELECT * FROM sqlite_sequence"});
  p.Same(RowidMoves("n", "id"));
  p.Same(RowidMoves("a", "id"));
  p.Same(RowidMoves("h", "rowid"));
  p.Same({
      "SELECT * FROM sqlite_sequence",
      "UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'a'",
      "INSERT INTO a (v) VALUES ('u')",
      "DELETE FROM sqlite_sequence",
      "SELECT * FROM sqlite_sequence",
      "INSERT INTO a (v) VALUES ('w')",
      "SELECT * FROM sqlite_sequence",
      "INSERT INTO n (id, v) VALUES (9223372036854775807, 'max')",
      "INSERT INTO a (id, v) VALUES (9223372036854775807, 'max')",
      "INSERT INTO a (v) VALUES ('full')",
      "ALTER TABLE a RENAME TO a2",
      "DELETE FROM a2 WHERE id = 9223372036854775807",
      "INSERT INTO a2 (v) VALUES ('x')",
      "SELECT * FROM sqlite_sequence",
      "DROP TABLE a2",
      "SELECT * FROM sqlite_sequence",
  });
}

// Once a table without AUTOINCREMENT holds the largest rowid, SQLite gives
// new rows random free positive rowids (which no comparison can match:
// both sides are checked for that).
TEST(Differential, LargestRowidThenRandomOnes) {
  Pair p(Name());
  for (sqlite3* db : {p.local, p.routed}) {
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE m (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE hm (v); "
                           "INSERT INTO m VALUES (9223372036854775807, 'max'); "
                           "INSERT INTO hm (rowid, v) VALUES (9223372036854775807, 'max')",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    for (const char* table : {"m", "hm"}) {
      for (int i = 0; i < 3; ++i) {
        std::string insert = std::string("INSERT INTO ") + table + " (v) VALUES ('random')";
        ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(db);
        sqlite3_int64 rowid = sqlite3_last_insert_rowid(db);
        EXPECT_GT(rowid, 0);
        EXPECT_LT(rowid, INT64_MAX);
      }
      std::string count = std::string("SELECT count(DISTINCT rowid), min(rowid) > 0 FROM ") + table;
      EXPECT_NE(Describe(db, count).find("row: int 4 | int 1\n"), std::string::npos) << table;
    }
  }
}

// Two connections of the postgres route share one numbering, as SQLite's
// connections to one file do: each sees the other's rows, deletes and
// rollbacks (compared with one SQLite connection running the same
// statements in the same order).
TEST(Differential, RowidNumberingAcrossConnections) {
  Pair p(Name());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((g_dir + "/" + Name() + ".db").c_str(), &other), SQLITE_OK);
  struct Step {
    bool second;
    std::string sql;
  } steps[] = {
      {false, "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT)"},
      {false, "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)"},
      {false, "INSERT INTO n (v) VALUES ('1')"},
      {true, "INSERT INTO n (v) VALUES ('2')"},
      {false, "INSERT INTO a (v) VALUES ('1')"},
      {true, "INSERT INTO a (v) VALUES ('2')"},
      {true, "DELETE FROM n WHERE id = 2"},
      {true, "DELETE FROM a WHERE id = 2"},
      {false, "INSERT INTO n (v) VALUES ('3') RETURNING id"},
      {false, "INSERT INTO a (v) VALUES ('3') RETURNING id"},
      {true, "BEGIN"},
      {true, "INSERT INTO n (v) VALUES ('4')"},
      {true, "INSERT INTO a (v) VALUES ('4')"},
      {true, "ROLLBACK"},
      {false, "INSERT INTO n (v) VALUES ('5') RETURNING id"},
      {false, "INSERT INTO a (v) VALUES ('5') RETURNING id"},
      {true, "SELECT * FROM sqlite_sequence"},
  };
  for (const Step& step : steps) {
    std::string a = Describe(p.local, step.sql);
    std::string b = Describe(step.second ? other : p.routed, step.sql);
    // last_insert_rowid is each connection's own.
    a = a.substr(0, a.rfind(" rowid ")), b = b.substr(0, b.rfind(" rowid "));
    EXPECT_EQ(b, a) << "statement: " << step.sql;
  }
  sqlite3_close(other);
}

}  // namespace
}  // namespace litelift::test
