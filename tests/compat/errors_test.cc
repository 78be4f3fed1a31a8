#include "libsqlite3-compat/pg/errors.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace litelift::compat {
namespace {

NameMapper Names() {
  NameMapper n;
  n.table = [](std::string_view t) { return t == "files" ? std::string("Files") : std::string(t); };
  n.column = [](std::string_view, std::string_view c) {
    return c == "path" ? std::string("Path") : std::string(c);
  };
  return n;
}

// One row per SQLSTATE rule.
TEST(MapPgError, Table) {
  struct Case {
    PgError in;
    int code;
    const char* message;
  } cases[] = {
      {{"23505", "duplicate key", "Key (path)=(/a) already exists.", "files", "", "files_path_key"},
       SQLITE_CONSTRAINT_UNIQUE,
       "UNIQUE constraint failed: Files.Path"},
      {{"23505", "duplicate key", "Key (a, \"B c\")=(1, 2) already exists.", "t", "", "t_pkey"},
       SQLITE_CONSTRAINT_PRIMARYKEY,
       "UNIQUE constraint failed: t.a, t.B c"},
      {{"23502", "null value", "", "files", "path", ""},
       SQLITE_CONSTRAINT_NOTNULL,
       "NOT NULL constraint failed: Files.Path"},
      {{"23503", "violates fk", "", "child", "", "child_pid_fkey"},
       SQLITE_CONSTRAINT_FOREIGNKEY,
       "FOREIGN KEY constraint failed"},
      {{"23514", "violates check", "", "t", "", "qty_positive"},
       SQLITE_CONSTRAINT_CHECK,
       "CHECK constraint failed: qty_positive"},
      {{"23P01", "exclusion", "", "t", "", "x"}, SQLITE_CONSTRAINT, "constraint failed: exclusion"},
      {{"40001", "could not serialize", "", "", "", ""}, SQLITE_BUSY_SNAPSHOT, "database is locked"},
      {{"40P01", "deadlock detected", "", "", "", ""}, SQLITE_BUSY, "database is locked"},
      {{"55P03", "lock timeout", "", "", "", ""}, SQLITE_BUSY, "database is locked"},
      {{"57014", "canceling statement", "", "", "", ""}, SQLITE_INTERRUPT, "interrupted"},
      {{"53100", "disk full", "", "", "", ""}, SQLITE_FULL, "database or disk is full"},
      {{"2200H", "nextval: reached maximum value of sequence \"litelift_seq_t\"", "", "", "", ""},
       SQLITE_FULL,
       "database or disk is full"},
      {{"LL004", "cannot store TEXT value in INT column t.x", "", "", "", ""},
       SQLITE_CONSTRAINT_DATATYPE,
       "cannot store TEXT value in INT column t.x"},
      {{"53200", "out of memory", "", "", "", ""}, SQLITE_NOMEM, "out of memory"},
      {{"25006", "read-only transaction", "", "", "", ""},
       SQLITE_READONLY,
       "attempt to write a readonly database"},
      {{"42501", "permission denied", "", "", "", ""}, SQLITE_PERM, "access permission denied"},
      {{"42883", "function foo(integer) does not exist", "", "", "", ""},
       SQLITE_ERROR,
       "no such function: foo"},
      {{"42883", "operator does not exist: text = integer", "", "", "", ""},
       SQLITE_ERROR,
       "operator does not exist: text = integer"},
      {{"42P01", "relation \"db_x.files\" does not exist", "", "", "", ""},
       SQLITE_ERROR,
       "no such table: Files"},
      {{"42P01", "relation \"t\" does not exist", "", "", "", ""}, SQLITE_ERROR, "no such table: t"},
      {{"42P01", "relation \"litelift.catalog\" does not exist", "", "", "", ""},
       SQLITE_ERROR,
       "relation \"litelift.catalog\" does not exist"},
      {{"22003", "bigint out of range", "", "", "", ""}, SQLITE_ERROR, "integer overflow"},
      {{"22P02", "invalid input syntax", "", "", "", ""}, SQLITE_MISMATCH, "datatype mismatch"},
      {{"08006", "server closed the connection", "", "", "", ""},
       SQLITE_IOERR,
       "litelift: lost the connection to postgres: server closed the connection"},
      {{"57P01", "terminating connection", "", "", "", ""},
       SQLITE_IOERR,
       "litelift: lost the connection to postgres: terminating connection"},
      {{"42601", "syntax error at or near x", "", "", "", ""},
       SQLITE_ERROR,
       "syntax error at or near x"},
  };
  for (const auto& c : cases) {
    SqliteError e = MapPgError(c.in, Names());
    EXPECT_EQ(e.code, c.code) << c.in.sqlstate << " " << c.in.message;
    EXPECT_EQ(e.message, c.message) << c.in.sqlstate;
  }
}

TEST(KeyColumnsOfDetail, Table) {
  EXPECT_EQ(KeyColumnsOfDetail("Key (a)=(1) already exists."), std::vector<std::string>{"a"});
  EXPECT_EQ(KeyColumnsOfDetail("Key (a, b)=(1, 2) already exists."),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(KeyColumnsOfDetail("Key (\"Mixed Case\")=(x) already exists."),
            std::vector<std::string>{"Mixed Case"});
  EXPECT_EQ(KeyColumnsOfDetail("Key (litelift.ascii_lower(email), n)=(a, 1) already exists."),
            (std::vector<std::string>{"email", "n"}));
  EXPECT_EQ(KeyColumnsOfDetail("Key (rtrim(\"T\", ' '::text))=(a) already exists."),
            std::vector<std::string>{"T"});
  EXPECT_EQ(KeyColumnsOfDetail("Key ((n * 2::bigint))=(4) already exists."),
            std::vector<std::string>{""});
  EXPECT_TRUE(KeyColumnsOfDetail("something else").empty());
}

}  // namespace
}  // namespace litelift::compat
