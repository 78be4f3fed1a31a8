// Text PostgreSQL's text cannot hold (issue 12): a NUL byte inside, bytes
// that are not UTF-8. SQLite keeps such text as given. On the postgres
// route an untyped column keeps it too, every byte (odd_text.h); a TEXT
// column cannot, and the statement fails naming the parameter and the
// value, storing nothing. Never a cut value.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

const std::string kNul("a\0b", 3);      // SQLite's length() is 1, hex() 610062
const std::string kBad("\xff\xfe", 2);  // not UTF-8
const std::string kBoth("\xc3\xa9\0\xff", 4);
const std::string kPlain("plain");

std::string Hex(const void* p, int n) {
  std::string out;
  const auto* b = static_cast<const unsigned char*>(p);
  for (int k = 0; k < n; ++k) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", b[k]);
    out += h;
  }
  return out;
}

// Runs sql with text parameters (bound with sqlite3_bind_text and their
// length) and describes every row by each column's class and all its
// bytes (column_blob and column_bytes, so a NUL cannot hide what follows),
// then the step's result code and message.
std::string RunText(sqlite3* db, const std::string& sql,
                    const std::vector<std::string>& texts = {}) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  if (rc != SQLITE_OK) return "prepare " + std::to_string(rc) + ": " + sqlite3_errmsg(db);
  for (size_t i = 0; i < texts.size(); ++i) {
    sqlite3_bind_text(st, static_cast<int>(i + 1), texts[i].data(),
                      static_cast<int>(texts[i].size()), SQLITE_TRANSIENT);
  }
  std::string out;
  int n = sqlite3_column_count(st);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < n; ++c) {
      int type = sqlite3_column_type(st, c);
      out += c ? " | " : "row: ";
      if (type == SQLITE_INTEGER) {
        out += "int " + std::to_string(sqlite3_column_int64(st, c));
      } else if (type == SQLITE_NULL) {
        out += "null";
      } else {
        const void* p = sqlite3_column_blob(st, c);
        out += std::string(type == SQLITE_TEXT   ? "text"
                           : type == SQLITE_BLOB ? "blob"
                                                 : "real") +
               " x'" + Hex(p, sqlite3_column_bytes(st, c)) + "'";
      }
    }
    out += "\n";
  }
  out += "step " + std::to_string(rc);
  if (rc != SQLITE_DONE) out += std::string(": ") + sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return out;
}

// The same statement on both sides, the same answer.
void Same(Pair& p, const std::string& sql, const std::vector<std::string>& texts = {}) {
  EXPECT_EQ(RunText(p.routed, sql, texts), RunText(p.local, sql, texts)) << sql;
}

TEST(DifferentialText, UntypedColumnKeepsEveryByte) {
  Pair p(Name());
  Same(p, "CREATE TABLE u (id INTEGER PRIMARY KEY, x)");
  for (const std::string& v : {kNul, kBad, kBoth, kPlain}) {
    Same(p, "INSERT INTO u (x) VALUES (?)", {v});
  }
  // sqlite3_bind_text64, bind_text16 (a NUL character) and bind_value.
  for (sqlite3* db : {p.local, p.routed}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO u (x) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_bind_text64(st, 1, "x\0y\0", 4, SQLITE_STATIC, SQLITE_UTF8), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_reset(st);
    EXPECT_EQ(sqlite3_bind_text16(st, 1, u"w\0z", 6, SQLITE_STATIC), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
  }
  // A literal that is not UTF-8, stored in the untyped column.
  Same(p, "INSERT INTO u (x) VALUES ('l\xff''s')");
  Same(p,
       "SELECT id, x, typeof(x), length(x), hex(x), CAST(x AS BLOB), quote(typeof(x)) FROM u "
       "ORDER BY id");
  // A lookup by such a value finds exactly its row; ordinary text still
  // finds its own.
  Same(p, "SELECT id FROM u WHERE x = ? ORDER BY id", {kNul});
  Same(p, "SELECT id FROM u WHERE x = ? ORDER BY id", {kBad});
  Same(p, "SELECT id FROM u WHERE x = ? ORDER BY id", {std::string("a")});
  Same(p, "SELECT id FROM u WHERE x = ? ORDER BY id", {kPlain});
  Same(p, "SELECT count(*) FROM u WHERE x = 'plain'");
  // An UPDATE stores it too, and a blob handle reads all of it.
  Same(p, "UPDATE u SET x = ? WHERE id = 4", {kBoth});
  Same(p, "SELECT id, x, typeof(x), length(x) FROM u WHERE x = ? ORDER BY id", {kBoth});
  for (sqlite3* db : {p.local, p.routed}) {
    sqlite3_blob* b = nullptr;
    ASSERT_EQ(sqlite3_blob_open(db, "main", "u", "x", 1, 0, &b), SQLITE_OK) << sqlite3_errmsg(db);
    ASSERT_EQ(sqlite3_blob_bytes(b), 3);
    char buf[3];
    EXPECT_EQ(sqlite3_blob_read(b, buf, 3, 0), SQLITE_OK);
    EXPECT_EQ(std::string(buf, 3), kNul);
    sqlite3_blob_close(b);
  }
}

TEST(DifferentialText, TextColumnRefusesNamingTheParameter) {
  Pair p(Name());
  Same(p, "CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT)");
  Same(p, "INSERT INTO t (c) VALUES ('kept')");
  struct Case {
    std::string sql;
    std::string value;
    std::string reason;
  };
  const Case kCases[] = {
      {"INSERT INTO t (c) VALUES (?)", kNul, "a NUL byte"},
      {"INSERT INTO t (c) VALUES (?)", kBad, "bytes that are not UTF-8"},
      {"UPDATE t SET c = ?", kNul, "a NUL byte"},
      {"SELECT id FROM t WHERE c = ?", kBad, "bytes that are not UTF-8"},
  };
  for (const Case& c : kCases) {
    // SQLite takes it.
    EXPECT_NE(RunText(p.local, c.sql, {c.value}).find("step 101"), std::string::npos) << c.sql;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(p.routed, c.sql.c_str(), -1, &st, nullptr), SQLITE_OK);
    sqlite3_bind_text(st, 1, c.value.data(), static_cast<int>(c.value.size()), SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(st), SQLITE_MISMATCH) << c.sql;
    std::string message = sqlite3_errmsg(p.routed);
    EXPECT_NE(message.find("text with " + c.reason), std::string::npos) << message;
    EXPECT_NE(message.find("parameter ?1"), std::string::npos) << message;
    EXPECT_NE(message.find("X'" + std::string(c.value == kNul ? "610062" : "FFFE") + "'"),
              std::string::npos)
        << message;
    EXPECT_EQ(sqlite3_finalize(st), SQLITE_MISMATCH);
  }
  // A literal that is not UTF-8 is refused by name for a TEXT column.
  std::string literal = RunText(p.routed, "INSERT INTO t (c) VALUES ('\xff')");
  EXPECT_NE(literal.find("litelift: the text literal X'FF' has bytes that are not UTF-8"),
            std::string::npos)
      << literal;
  // Nothing was stored or changed; the connection goes on.
  EXPECT_EQ(RunText(p.routed, "SELECT id, c FROM t"), "row: int 1 | text x'6b657074'\nstep 101");
  // A named parameter is named.
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(p.routed, "INSERT INTO t (c) VALUES (:val)", -1, &st, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(st, 1, kNul.data(), 3, SQLITE_STATIC);
  EXPECT_EQ(sqlite3_step(st), SQLITE_MISMATCH);
  EXPECT_NE(std::string(sqlite3_errmsg(p.routed)).find("parameter :val"), std::string::npos)
      << sqlite3_errmsg(p.routed);
  sqlite3_finalize(st);
}

TEST(DifferentialText, StoredOddTextFailsWhereServerTextIsNeeded) {
  Pair p(Name());
  Same(p, "CREATE TABLE u (id INTEGER PRIMARY KEY, x)");
  Same(p, "CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT)");
  Same(p, "INSERT INTO u (x) VALUES (?)", {kNul});
  // Uses that need it as server text, or in SQLite's order, fail naming the
  // value (LL003: SQLITE_MISMATCH) rather than answer with a cut value.
  for (const char* sql : {"SELECT upper(x) FROM u", "SELECT x || 'z' FROM u",
                          "INSERT INTO t (c) SELECT x FROM u", "SELECT x FROM u ORDER BY x"}) {
    std::string got = RunText(p.routed, sql);
    EXPECT_NE(got.find("step 20: litelift: text with a NUL byte (X'610062')"), std::string::npos)
        << sql << ": " << got;
  }
  EXPECT_EQ(RunText(p.routed, "SELECT count(*) FROM t"), "row: int 0\nstep 101");
  // A stored blob read as text: never escaped or cut.
  Same(p, "INSERT INTO u (x) VALUES (x'610062'), (x'ff'), (x'6869')");
  Same(p, "SELECT CAST(x AS TEXT) FROM u WHERE x = x'6869'");
  for (const char* blob : {"x'610062'", "x'ff'"}) {
    std::string got =
        RunText(p.routed, std::string("SELECT CAST(x AS TEXT) FROM u WHERE x = ") + blob);
    EXPECT_NE(got.find("step 20: litelift: the blob X'"), std::string::npos) << got;
  }
}

TEST(DifferentialText, Utf16WithUnpairedSurrogate) {
  Pair p(Name());
  Same(p, "CREATE TABLE u (id INTEGER PRIMARY KEY, x)");
  for (sqlite3* db : {p.local, p.routed}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO u (x) VALUES (?)", -1, &st, nullptr), SQLITE_OK);
    // A high surrogate before a letter, a low one alone, one at the end, a
    // pair, a NUL character.
    const std::u16string values[] = {
        {u'a', 0xD800, u'b'}, {0xDC00, u'x'}, {u'z', 0xD801}, {0xD83D, 0xDE00}, {u'n', 0, u'l'}};
    for (const std::u16string& v : values) {
      EXPECT_EQ(sqlite3_bind_text16(st, 1, v.data(), static_cast<int>(v.size() * 2), SQLITE_STATIC),
                SQLITE_OK);
      EXPECT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
  }
  Same(p, "SELECT id, x, typeof(x), hex(x) FROM u ORDER BY id");
}

}  // namespace
}  // namespace litelift::test
