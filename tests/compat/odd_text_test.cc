// Text PostgreSQL's text cannot hold (libsqlite3-compat/odd_text.h).

#include "libsqlite3-compat/odd_text.h"

#include <gtest/gtest.h>

#include <string>

namespace litelift::compat {
namespace {

TEST(OddText, Reason) {
  EXPECT_EQ(OddTextReason("plain"), nullptr);
  EXPECT_EQ(OddTextReason("caf\xc3\xa9 \xf0\x9f\x98\x80"), nullptr);
  EXPECT_EQ(OddTextReason(""), nullptr);
  EXPECT_STREQ(OddTextReason(std::string("a\0b", 3)), "a NUL byte");
  EXPECT_STREQ(OddTextReason(std::string("\xc3\xa9\0\xff", 4)), "a NUL byte");
  for (const char* bad : {"\xff\xfe", "\xc3", "a\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xf5\x80\x80\x80"}) {
    EXPECT_STREQ(OddTextReason(bad), "bytes that are not UTF-8") << bad;
  }
}

TEST(OddText, OnlyStoredUses) {
  EXPECT_TRUE(OnlyStoredUses("INSERT INTO u (x) VALUES (litelift.to_any($1))", 1));
  EXPECT_TRUE(OnlyStoredUses("SELECT 1 WHERE x = litelift.to_any($2) OR x = $12", 2));
  EXPECT_TRUE(OnlyStoredUses("", 1));  // not used
  EXPECT_FALSE(OnlyStoredUses("SELECT 1 WHERE x = litelift.to_any($1) OR c = $1", 1));
  EXPECT_FALSE(OnlyStoredUses("INSERT INTO t (c) VALUES (litelift.text_store($1))", 1));
  EXPECT_FALSE(OnlyStoredUses("SELECT litelift.to_any($1 || 'a')", 1));
}

TEST(OddText, Forms) {
  EXPECT_EQ(StoredOddText(std::string("a\0\xff", 3)), "{\"t\": \"6100ff\"}");
  EXPECT_EQ(OddTextForMessage(std::string("a\0b", 3)), "X'610062'");
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "61";
  EXPECT_EQ(OddTextForMessage(std::string(40, 'a')), "X'" + hex + "...'");
}

}  // namespace
}  // namespace litelift::compat
