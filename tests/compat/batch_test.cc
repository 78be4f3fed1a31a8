// The write batch's pure parts (libsqlite3-compat/pg/batch.h).

#include "libsqlite3-compat/pg/batch.h"

#include <gtest/gtest.h>

namespace litelift::compat {
namespace {

TEST(WriteBatch, MayChangeOnReplay) {
  struct Case {
    const char* sql;
    bool changes;
  };
  const Case cases[] = {
      {"INSERT INTO t (a, b) VALUES (?, ?)", false},
      {"UPDATE t SET n = n + 1 WHERE id = ?", false},
      {"DELETE FROM t WHERE b = 'x'", false},
      {"INSERT INTO t (date, time) VALUES (?, ?)", false},  // columns, not calls
      {"INSERT INTO t VALUES (random())", true},
      {"INSERT INTO t VALUES (RandomBlob(8))", true},
      {"UPDATE t SET at = datetime('now')", true},
      {"UPDATE t SET at = date ( )", true},
      {"UPDATE t SET at = julianday(?)", true},  // by name: a savepoint more
      {"INSERT INTO t VALUES (strftime('%s', ?))", true},
      {"INSERT INTO t VALUES (unixepoch())", true},
      {"INSERT INTO t VALUES (CURRENT_TIMESTAMP)", true},
      {"insert into t values (current_date)", true},
      {"INSERT INTO t VALUES ('NOW')", true},
      {"INSERT INTO t VALUES ('now is the time')", false},
      {"INSERT INTO t VALUES (\"random\")", false},  // a quoted name
      {"CREATE TABLE t (a, at DEFAULT CURRENT_TIMESTAMP)", true},
      {"CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE)", false},
      {"CREATE TABLE t (a, r DEFAULT (abs(random())))", true},
      {"-- random()\nINSERT INTO t VALUES (1)", false},  // a comment
  };
  for (const Case& c : cases) EXPECT_EQ(MayChangeOnReplay(c.sql), c.changes) << c.sql;
}

TEST(WriteBatch, BatchesDoubleFromSixtyFour) {
  WriteBatch batch;
  EXPECT_FALSE(batch.open());
  std::vector<size_t> sizes;
  size_t in_batch = 0;
  batch.Opened();
  for (int i = 0; i < 100000; ++i) {
    if (batch.Full()) {
      sizes.push_back(in_batch);
      batch.Released();
      batch.Opened();
      in_batch = 0;
    }
    BatchedWrite w;
    w.values = {"x"};
    w.types = {25};
    w.nulls = {0};
    w.formats = {0};
    batch.Add(std::move(w));
    ++in_batch;
  }
  sizes.push_back(in_batch);
  ASSERT_GE(sizes.size(), 3u);
  EXPECT_EQ(sizes[0], 64u);
  EXPECT_EQ(sizes[1], 64u);
  EXPECT_EQ(sizes[2], 128u);
  EXPECT_EQ(sizes.size(), 12u);  // 1 + log2(100000 / 64), rounded up
  batch.EndTransaction();
  EXPECT_FALSE(batch.open());
  EXPECT_EQ(batch.size(), 0u);
}

TEST(WriteBatch, AFailureStartsOverFromTheFloor) {
  WriteBatch batch;
  batch.Opened();
  for (int i = 0; i < 64 + 64 + 10; ++i) {
    if (batch.Full()) {
      batch.Released();
      batch.Opened();
    }
    batch.Add(BatchedWrite());
  }
  EXPECT_EQ(batch.size(), 10u);
  EXPECT_FALSE(batch.Full());  // the third batch holds up to 128
  batch.Failed();
  EXPECT_TRUE(batch.Full());  // the next write opens a new batch
  batch.Released();
  batch.Opened();
  for (int i = 0; i < 63; ++i) batch.Add(BatchedWrite());
  EXPECT_FALSE(batch.Full());
  batch.Add(BatchedWrite());
  EXPECT_TRUE(batch.Full());  // 64 again, not 128
}

TEST(WriteBatch, ALargeLogStartsANewBatch) {
  WriteBatch batch;
  batch.Opened();
  BatchedWrite w;
  w.values = {std::string(WriteBatch::kMaxLogBytes, 'x')};
  w.types = {17};
  w.nulls = {0};
  w.formats = {1};
  batch.Add(std::move(w));
  EXPECT_TRUE(batch.Full());
}

}  // namespace
}  // namespace litelift::compat
