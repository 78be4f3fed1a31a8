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
      {"host=h sslpassword=secret", "host=h sslpassword=***"},
      {"postgresql://u:a@h/db x=postgres://v:b@k/e",
       "postgresql://u:***@h/db x=postgres://v:***@k/e"},
  };
  for (const auto& c : cases) EXPECT_EQ(RedactDsn(c.in), c.out) << c.in;
}

// libpq quotes parts of a bad connection string back in its messages; the
// password must go from them whatever the form. The messages are libpq's
// own (PQconnectdb with each DSN) or plausible variants of them.
TEST(RedactSecrets, PasswordsOfKnownDsns) {
  struct Case {
    const char* dsn;
    const char* secret;
    const char* message;
  } cases[] = {
      {"postgresql://u:p%zzsecret1@127.0.0.1/db", "p%zzsecret1",
       "invalid percent-encoded token: \"p%zzsecret1\""},
      {"postgresql://u:sec%20ret2@127.0.0.1/db", "sec ret2", "bad password \"sec ret2\""},
      {"postgresql://u:sec%20ret2@127.0.0.1/db", "sec%20ret2", "token: \"sec%20ret2\""},
      {"host=127.0.0.1 pasword=secret3", "secret3",
       "invalid connection option \"pasword\" secret3"},
      {"password=secret4 bogus=1", "secret4", "invalid connection option \"bogus\" (secret4)"},
      {"host=h password='se cret\\'5'", "se cret'5", "value \"se cret'5\" is odd"},
      {"postgresql://h/db?password=p%zzsecret6", "p%zzsecret6",
       "invalid percent-encoded token: \"p%zzsecret6\""},
      {"postgresql://u:pa/ss7w@h/db", "pa/ss7w", "host \"u:pa/ss7w@h\""},
      {"postgresql://h/db?pasword=secret8", "secret8", "invalid URI query parameter: secret8"},
      {"host=h secret9word", "secret9word", "missing \"=\" after \"secret9word\""},
  };
  for (const auto& c : cases) AddSecrets(c.dsn);
  for (const auto& c : cases) {
    std::string clean = RedactSecrets(c.message);
    EXPECT_EQ(clean.find(c.secret), std::string::npos) << c.message << " -> " << clean;
    EXPECT_NE(clean.find("***"), std::string::npos) << clean;
    // The DSN itself, quoted in a message, loses its password too.
    std::string quoted = RedactSecrets(std::string("in URI: \"") + c.dsn + "\"");
    EXPECT_EQ(quoted.find(c.secret), std::string::npos) << quoted;
  }
  // Text without a secret is left alone, the values of libpq's other keys too.
  AddSecrets("host=dbhost1 user=appuser dbname=appdb password=pw10");
  EXPECT_EQ(RedactSecrets("could not connect to dbhost1 as appuser to appdb"),
            "could not connect to dbhost1 as appuser to appdb");
  EXPECT_EQ(RedactSecrets("connection to server at \"127.0.0.1\", port 1 failed"),
            "connection to server at \"127.0.0.1\", port 1 failed");
}

TEST(RedactSecrets, ShortPasswordsStayReadable) {
  AddSecrets("postgresql://u:ab@h/db");
  EXPECT_EQ(RedactSecrets("cannot connect"), "cannot connect");
  EXPECT_EQ(RedactSecrets("postgresql://u:ab@h/db"), "postgresql://u:***@h/db");
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
