#include "router/log.h"

#include <gtest/gtest.h>

namespace litelift::log {
namespace {

TEST(RedactDsn, Table) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"},
      {"postgresql://u@h/db", "postgresql://u@h/db"},
      {"postgres://h/db?password=secret&sslmode=disable",
       "postgres://h/db?password=***&sslmode=disable"},
      {"host=h user=u password=secret dbname=d", "host=h user=u password=*** dbname=d"},
      {"host=h password = 'se cret' dbname=d", "host=h password = *** dbname=d"},
      {"host=/tmp dbname=d", "host=/tmp dbname=d"},
  };
  for (const auto& c : cases) EXPECT_EQ(RedactDsn(c.in), c.out) << c.in;
}

TEST(ParseLevel, Table) {
  spdlog::level::level_enum level;
  ASSERT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, spdlog::level::debug);
  ASSERT_TRUE(ParseLevel("off", &level));
  EXPECT_EQ(level, spdlog::level::off);
  EXPECT_FALSE(ParseLevel("verbose", &level));
  EXPECT_FALSE(ParseLevel("", &level));
}

TEST(Log, SilentByDefault) {
  // The test runs without LITELIFT_LOG: no logger is created.
  if (getenv("LITELIFT_LOG") == nullptr) {
    EXPECT_EQ(Get(), nullptr);
  }
}

}  // namespace
}  // namespace litelift::log
