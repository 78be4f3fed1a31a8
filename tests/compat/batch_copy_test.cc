// Which translated one-row INSERTs go as COPY rows, and the bytes of a
// row (batch_copy.h). What the server stores from them is checked against
// SQLite in differential_write_path_test.cc (WritePath.PipelinedCopy*).

#include "libsqlite3-compat/pg/batch_copy.h"

#include <gtest/gtest.h>

#include <string>

namespace litelift::compat {
namespace {

std::string Storage(const std::string& quoted) {
  return quoted == "\"v\"" ? "double precision" : quoted == "\"t\"" ? "text" : "jsonb";
}

TEST(BatchCopy, PlansOnlyStoredParameters) {
  struct Case {
    const char* text;
    const char* copy;  // "" for no plan
  } cases[] = {
      {"INSERT INTO \"items\" (\"id\", \"k\", \"name\", \"v\") VALUES "
       "(litelift.rowid_take(litelift.rowid_store($1), '\"litelift_seq_items\"'::regclass, false), "
       "litelift.integer_store($2), litelift.text_store($3), $4) RETURNING \"id\"",
       "COPY \"items\" (\"id\", \"k\", \"name\", \"v\") FROM STDIN (FORMAT binary)"},
      {"INSERT INTO \"notes\" (\"id\", \"body\") VALUES "
       "(nextval('\"litelift_seq_notes\"'::regclass), litelift.text_store($1)) RETURNING \"id\"",
       "COPY \"notes\" (\"body\") FROM STDIN (FORMAT binary)"},
      {"INSERT INTO \"a\".\"t\" (\"b\", \"c\") VALUES (litelift.to_any($1), "
       "litelift.blob_store($2))",
       "COPY \"a\".\"t\" (\"b\", \"c\") FROM STDIN (FORMAT binary)"},
      // AUTOINCREMENT numbering, expressions, conflicts, constants,
      // a bare parameter outside a REAL column, two rows, RETURNING more.
      {"INSERT INTO \"t\" (\"id\") VALUES (litelift.rowid_take(litelift.rowid_store($1), "
       "'\"s\"'::regclass, true)) RETURNING \"id\"",
       ""},
      {"INSERT INTO \"t\" (\"k\") VALUES (litelift.integer_store(($1 + 1)))", ""},
      {"INSERT INTO \"t\" (\"k\") VALUES (litelift.integer_store($1)) ON CONFLICT DO NOTHING", ""},
      {"INSERT INTO \"t\" (\"k\") VALUES (1::int8)", ""},
      {"INSERT INTO \"t\" (\"k\") VALUES ($1)", ""},
      {"INSERT INTO \"t\" (\"v\") VALUES ($1)", "COPY \"t\" (\"v\") FROM STDIN (FORMAT binary)"},
      {"INSERT INTO \"t\" (\"k\") VALUES (litelift.integer_store($1)), "
       "(litelift.integer_store($2))",
       ""},
      {"INSERT INTO \"t\" (\"k\") VALUES (litelift.integer_store($1)) RETURNING \"k\", \"id\"", ""},
      {"INSERT INTO \"t\" (\"k\", \"j\") VALUES (litelift.integer_store($1))", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    CopyPlan plan;
    bool planned = PlanCopy(c.text, Storage, &plan);
    EXPECT_EQ(planned ? plan.copy_sql : "", c.copy);
  }
}

// Big-endian helpers for the expected bytes.
std::string I16(int v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v)}; }
std::string I32(int v) { return I16(v >> 16) + I16(v & 0xffff); }
std::string I64(int64_t v) {
  return I32(static_cast<int>(v >> 32)) + I32(static_cast<int>(v & 0xffffffff));
}

TEST(BatchCopy, RowBytesByClass) {
  CopyPlan plan;
  ASSERT_TRUE(
      PlanCopy("INSERT INTO \"t\" (\"id\", \"k\", \"t\", \"b\", \"v\", \"a\") VALUES "
               "(litelift.rowid_take(litelift.rowid_store($1), '\"s\"'::regclass, false), "
               "litelift.integer_store($2), litelift.text_store($3), litelift.blob_store($4), $5, "
               "litelift.to_any($6)) RETURNING \"id\"",
               Storage, &plan));
  double half = 0.5;
  uint64_t bits;
  memcpy(&bits, &half, 8);
  std::string real = I64(static_cast<int64_t>(bits));
  struct Case {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    std::vector<Oid> types;
    const char* expect_any;  // the jsonb text of a, or null when the row is refused
  } cases[] = {
      {{"7", "-3", "x\"y", "\x01\xff", real.data(), "a\"\n\\b"},
       {0, 0, 0, 2, 8, 0},
       {0, 0, 0, 1, 1, 0},
       {20, 20, 0, 17, 701, 0},
       "\"a\\\"\\u000a\\\\b\""},
      {{"7", "-3", "x", "\x01\xff", "5", "12"},
       {0, 0, 0, 2, 0, 0},
       {0, 0, 0, 1, 0, 0},
       {20, 20, 0, 17, 20, 20},
       "12"},
      {{"7", "-3", "x", "\x01\xff", real.data(), "\xab\x01"},
       {0, 0, 0, 2, 8, 2},
       {0, 0, 0, 1, 1, 1},
       {20, 20, 0, 17, 701, 17},
       "{\"b\": \"ab01\"}"},
      // Text into the INTEGER column, a real into it, an integer into
      // TEXT, a real with a fraction into the untyped column: refused.
      {{"7", "3", "x", "", real.data(), "1"},
       {0, 0, 0, 0, 8, 0},
       {0, 0, 0, 1, 1, 0},
       {20, 0, 0, 17, 701, 20},
       nullptr},
      {{"7", real.data(), "x", "", real.data(), "1"},
       {0, 8, 0, 0, 8, 0},
       {0, 1, 0, 1, 1, 0},
       {20, 701, 0, 17, 701, 20},
       nullptr},
      {{"7", "3", "4", "", real.data(), "1"},
       {0, 0, 0, 0, 8, 0},
       {0, 0, 0, 1, 1, 0},
       {20, 20, 20, 17, 701, 20},
       nullptr},
      {{"7", "3", "x", "", real.data(), real.data()},
       {0, 0, 0, 0, 8, 8},
       {0, 0, 0, 1, 1, 1},
       {20, 20, 0, 17, 701, 701},
       nullptr},
  };
  for (const Case& c : cases) {
    std::string out = "kept";
    CopyRowid how;
    int64_t rowid = 0;
    CopyParams p{c.values.data(), c.lengths.data(), c.formats.data(), c.types.data()};
    bool ok = AppendCopyRow(plan, p, &out, &how, &rowid);
    if (c.expect_any == nullptr) {
      EXPECT_FALSE(ok);
      EXPECT_EQ(out, "kept");
      continue;
    }
    ASSERT_TRUE(ok);
    EXPECT_EQ(how, CopyRowid::kGiven);
    EXPECT_EQ(rowid, 7);
    std::string v = c.types[4] == 20 ? I64(0x4014000000000000) : real;  // 5.0 or 0.5
    std::string any = std::string("\x01") + c.expect_any;
    std::string want = "kept" + I16(6) + I32(8) + I64(7) + I32(8) + I64(-3) +
                       I32(static_cast<int>(strlen(c.values[2]))) + c.values[2] + I32(2) +
                       "\x01\xff" + I32(8) + v + I32(static_cast<int>(any.size())) + any;
    EXPECT_EQ(out, want);
  }
  // A NULL rowid: the table numbers the row; NULLs anywhere.
  std::vector<const char*> nulls(6, nullptr);
  std::vector<int> zeros(6, 0);
  std::vector<Oid> types(6, 0);
  std::string out;
  CopyRowid how;
  int64_t rowid = 0;
  ASSERT_TRUE(AppendCopyRow(plan, {nulls.data(), zeros.data(), zeros.data(), types.data()}, &out,
                            &how, &rowid));
  EXPECT_EQ(how, CopyRowid::kNumbered);
  EXPECT_EQ(out, I16(6) + I32(-1) + I32(-1) + I32(-1) + I32(-1) + I32(-1) + I32(-1));
}

}  // namespace
}  // namespace litelift::compat
