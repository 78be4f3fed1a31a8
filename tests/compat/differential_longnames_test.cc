// Names longer than PostgreSQL's 63 bytes (issue 11): SQLite has no limit,
// the server would cut them, so two long names sharing a 63-byte prefix
// would be one. The route gives each a server name of its own
// (catalog/schema_name.h ServerName) that the program never sees: every
// case runs on the real SQLite and on the postgres route and must answer
// the same (rows, column names, sqlite_master, PRAGMAs, error messages).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// 70 and more bytes, the first 63 shared.
const std::string kLong = "a_very_long_table_name_that_goes_past_the_limit_of_postgresql_ident";
const std::string kT1 = kLong + "_1";
const std::string kT2 = kLong + "_2";
const std::string kCol = "a_column_name_that_is_much_longer_than_sixty_three_bytes_of_postgresql";
const std::string kC1 = kCol + "_one";
const std::string kC2 = kCol + "_two";

// Two tables whose names share their first 63 bytes, each with two columns
// whose names do, a UNIQUE key and a CHECK over the long columns.
std::vector<std::string> Tables() {
  return {
      "CREATE TABLE " + kT1 + " (id INTEGER PRIMARY KEY, " + kC1 + " TEXT UNIQUE, " + kC2 +
          " INT NOT NULL CHECK (" + kC2 + " >= 0))",
      "CREATE TABLE " + kT2 + " (id INTEGER PRIMARY KEY, " + kC1 + " TEXT, " + kC2 + " REAL)",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('a', 1), ('b', 2), ('c', 3)",
      "INSERT INTO " + kT2 + " (" + kC1 + ", " + kC2 + ") VALUES ('x', 1.5), ('y', 2.5)",
  };
}

TEST(LongNames, TablesAndColumnsSharingPrefixes) {
  Pair p(Name());
  p.Same(Tables());
  p.Same({
      "SELECT * FROM " + kT1 + " ORDER BY id",
      "SELECT * FROM " + kT2 + " ORDER BY id",
      "SELECT " + kC2 + ", " + kC1 + " FROM " + kT1 + " WHERE " + kC2 + " > 1 ORDER BY " + kC1 +
          " DESC",
      "SELECT a." + kC1 + ", b." + kC1 + " FROM " + kT1 + " AS a JOIN " + kT2 +
          " AS b ON a.id = b.id ORDER BY a.id",
      "SELECT " + kT1 + "." + kC2 + " + " + kT2 + "." + kC2 + " FROM " + kT1 + ", " + kT2 +
          " WHERE " + kT1 + ".id = " + kT2 + ".id ORDER BY 1",
      "UPDATE " + kT1 + " SET " + kC2 + " = " + kC2 + " * 10 WHERE " + kC1 + " <> 'b'",
      "SELECT id, " + kC2 + " FROM " + kT1 + " ORDER BY id",
      "DELETE FROM " + kT2 + " WHERE " + kC1 + " = 'x'",
      "SELECT count(*), sum(" + kC2 + ") FROM " + kT2,
      // An alias longer than 63 bytes, in ORDER BY and from a subquery.
      "SELECT " + kC2 + " AS " + kCol + "_alias_one, " + kC1 + " AS " + kCol + "_alias_two FROM " +
          kT1 + " ORDER BY " + kCol + "_alias_one DESC",
      "SELECT " + kCol + "_x FROM (SELECT " + kC1 + " AS " + kCol + "_x, " + kC2 + " AS " + kCol +
          "_y FROM " + kT1 + ") ORDER BY " + kCol + "_y",
      // The program's own names, everywhere it can read them.
      "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
      "PRAGMA table_info(" + kT1 + ")",
      "PRAGMA index_list(" + kT1 + ")",
      "SELECT name FROM pragma_table_info('" + kT2 + "') ORDER BY cid",
  });
}

TEST(LongNames, ConstraintErrorsNameTheLongNames) {
  Pair p(Name());
  p.Same(Tables());
  p.Same({
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('a', 9)",
      "INSERT INTO " + kT1 + " (id, " + kC1 + ", " + kC2 + ") VALUES (1, 'q', 9)",
      "INSERT INTO " + kT1 + " (" + kC1 + ") VALUES ('z')",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('z', -1)",
      "UPDATE " + kT1 + " SET " + kC1 + " = 'a' WHERE " + kC1 + " = 'b'",
      "INSERT OR IGNORE INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('a', 5)",
      "INSERT OR REPLACE INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('a', 5)",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('a', 6) ON CONFLICT (" + kC1 +
          ") DO UPDATE SET " + kC2 + " = excluded." + kC2,
      "SELECT * FROM " + kT1 + " ORDER BY id",
      // A named CHECK and a key over two long columns.
      "CREATE TABLE " + kLong + "_checked (" + kC1 + " INT, " + kC2 + " INT, CONSTRAINT " + kCol +
          "_positive CHECK (" + kC1 + " > 0), CONSTRAINT " + kCol + "_small CHECK (" + kC2 +
          " < 10), UNIQUE (" + kC1 + ", " + kC2 + "))",
      "INSERT INTO " + kLong + "_checked VALUES (1, 1)",
      "INSERT INTO " + kLong + "_checked VALUES (0, 1)",
      "INSERT INTO " + kLong + "_checked VALUES (1, 10)",
      "INSERT INTO " + kLong + "_checked VALUES (1, 1)",
      // A table the program never made.
      "SELECT * FROM " + kLong + "_3",
      "INSERT INTO " + kLong + "_3 VALUES (1)",
  });
}

TEST(LongNames, IndexesViewsTriggers) {
  Pair p(Name());
  p.Same(Tables());
  const std::string index =
      "an_index_whose_name_is_well_past_the_sixty_three_bytes_postgres_allows";
  p.Same({
      "CREATE INDEX " + index + "_1 ON " + kT1 + " (" + kC2 + ")",
      "CREATE UNIQUE INDEX " + index + "_2 ON " + kT2 + " (" + kC1 + ")",
      "CREATE UNIQUE INDEX " + index + "_3 ON " + kT1 + " (" + kC2 + " + 1000)",
      "INSERT INTO " + kT2 + " (" + kC1 + ", " + kC2 + ") VALUES ('x', 0)",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('d', 1)",
      "PRAGMA index_list(" + kT1 + ")",
      "PRAGMA index_info(" + index + "_1)",
      "CREATE VIEW " + kLong + "_view_1 AS SELECT " + kC1 + ", " + kC2 + " * 2 AS " + kCol +
          "_doubled FROM " + kT1,
      "CREATE VIEW " + kLong + "_view_2 AS SELECT " + kC1 + " FROM " + kT2,
      "SELECT * FROM " + kLong + "_view_1 ORDER BY 1",
      "SELECT * FROM " + kLong + "_view_2 ORDER BY 1",
      "SELECT " + kCol + "_doubled FROM " + kLong + "_view_1 WHERE " + kCol +
          "_doubled > 2 ORDER BY 1",
      "CREATE TABLE " + kLong + "_log (what TEXT, " + kC1 + " TEXT)",
      "CREATE TRIGGER a_trigger_with_a_name_that_runs_well_past_sixty_three_bytes_too_1 AFTER "
      "INSERT ON " +
          kT1 + " BEGIN INSERT INTO " + kLong + "_log VALUES ('one', NEW." + kC1 + "); END",
      "CREATE TRIGGER a_trigger_with_a_name_that_runs_well_past_sixty_three_bytes_too_2 AFTER "
      "UPDATE OF " +
          kC2 + " ON " + kT1 + " BEGIN INSERT INTO " + kLong +
          "_log VALUES ('two', "
          "OLD." +
          kC1 + "); END",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('e', 5)",
      "UPDATE " + kT1 + " SET " + kC2 + " = 7 WHERE " + kC1 + " = 'a'",
      "SELECT * FROM " + kLong + "_log ORDER BY rowid",
      "SELECT type, name, tbl_name FROM sqlite_master ORDER BY name",
      "DROP TRIGGER a_trigger_with_a_name_that_runs_well_past_sixty_three_bytes_too_1",
      "DROP INDEX " + index + "_1",
      "DROP VIEW " + kLong + "_view_1",
      "INSERT INTO " + kT1 + " (" + kC1 + ", " + kC2 + ") VALUES ('f', 8)",
      "SELECT * FROM " + kLong + "_log ORDER BY rowid",
      "SELECT type, name FROM sqlite_master ORDER BY name",
  });
}

TEST(LongNames, ForeignKeysBetweenLongTables) {
  Pair p(Name());
  const std::string parent = kLong + "_parent";
  const std::string child1 = kLong + "_child_1";
  const std::string child2 = kLong + "_child_2";
  p.Same({
      "PRAGMA foreign_keys = ON",
      "CREATE TABLE " + parent + " (" + kC1 + " INTEGER PRIMARY KEY, name TEXT)",
      "CREATE TABLE " + child1 + " (id INTEGER PRIMARY KEY, " + kC2 + " INT REFERENCES " + parent +
          " (" + kC1 + ") ON DELETE CASCADE)",
      "CREATE TABLE " + child2 + " (id INTEGER PRIMARY KEY, " + kC2 + " INT REFERENCES " + parent +
          " (" + kC1 + "))",
      "INSERT INTO " + parent + " VALUES (1, 'one'), (2, 'two')",
      "INSERT INTO " + child1 + " (" + kC2 + ") VALUES (1), (2)",
      "INSERT INTO " + child2 + " (" + kC2 + ") VALUES (2)",
      "INSERT INTO " + child1 + " (" + kC2 + ") VALUES (3)",
      "INSERT INTO " + child2 + " (" + kC2 + ") VALUES (3)",
      "DELETE FROM " + parent + " WHERE " + kC1 + " = 1",
      "SELECT * FROM " + child1 + " ORDER BY id",
      "DELETE FROM " + parent + " WHERE " + kC1 + " = 2",
      "PRAGMA foreign_key_list(" + child1 + ")",
      "PRAGMA foreign_key_check",
      // Dropping one child leaves the other's keys enforced.
      "DROP TABLE " + child1,
      "INSERT INTO " + child2 + " (" + kC2 + ") VALUES (4)",
      "DELETE FROM " + parent + " WHERE " + kC1 + " = 2",
      "SELECT * FROM " + child2 + " ORDER BY id",
  });
}

TEST(LongNames, AutoincrementAndRowids) {
  Pair p(Name());
  const std::string a1 = kLong + "_auto_1", a2 = kLong + "_auto_2";
  p.Same({
      "CREATE TABLE " + a1 + " (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
      "CREATE TABLE " + a2 + " (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
      // A rowid table without a key of its own, and one whose name is under
      // 63 bytes until litelift's sequence prefix is added.
      "CREATE TABLE " + kLong + "_plain (v TEXT)",
      "CREATE TABLE short_enough_alone_but_not_with_a_prefix_of_litelift_1 (v TEXT)",
      "CREATE TABLE short_enough_alone_but_not_with_a_prefix_of_litelift_2 (v TEXT)",
      "INSERT INTO " + a1 + " (v) VALUES ('a'), ('b'), ('c')",
      "INSERT INTO " + a2 + " (v) VALUES ('x')",
      "DELETE FROM " + a1 + " WHERE id = 3",
      "INSERT INTO " + a1 + " (v) VALUES ('d')",
      "INSERT INTO " + a2 + " (v) VALUES ('y')",
      "SELECT id, v FROM " + a1 + " ORDER BY id",
      "SELECT id, v FROM " + a2 + " ORDER BY id",
      "SELECT name, seq FROM sqlite_sequence ORDER BY name",
      "UPDATE sqlite_sequence SET seq = 100 WHERE name = '" + a2 + "'",
      "INSERT INTO " + a2 + " (v) VALUES ('z')",
      "SELECT rowid, * FROM " + a2 + " ORDER BY id",
      "INSERT INTO " + kLong + "_plain VALUES ('p'), ('q')",
      "DELETE FROM " + kLong + "_plain WHERE v = 'q'",
      "INSERT INTO " + kLong + "_plain VALUES ('r')",
      "SELECT rowid, v FROM " + kLong + "_plain ORDER BY rowid",
      "INSERT INTO short_enough_alone_but_not_with_a_prefix_of_litelift_1 VALUES ('1a'), ('1b')",
      "INSERT INTO short_enough_alone_but_not_with_a_prefix_of_litelift_2 VALUES ('2a')",
      "SELECT rowid, v FROM short_enough_alone_but_not_with_a_prefix_of_litelift_2",
      "BEGIN",
      "INSERT INTO " + a1 + " (v) VALUES ('rolled back')",
      "ROLLBACK",
      "INSERT INTO " + a1 + " (v) VALUES ('e')",
      "SELECT id, v FROM " + a1 + " ORDER BY id",
      "SELECT name, seq FROM sqlite_sequence ORDER BY name",
  });
}

TEST(LongNames, RenameAndDrop) {
  Pair p(Name());
  p.Same(Tables());
  const std::string renamed = kLong + "_renamed_from_the_first";
  p.Same({
      "CREATE INDEX " + kLong + "_index ON " + kT1 + " (" + kC2 + ")",
      "ALTER TABLE " + kT1 + " RENAME TO " + renamed,
      "INSERT INTO " + renamed + " (" + kC1 + ", " + kC2 + ") VALUES ('d', 4)",
      "INSERT INTO " + renamed + " (" + kC1 + ", " + kC2 + ") VALUES ('d', 4)",
      "SELECT * FROM " + renamed + " ORDER BY id",
      "SELECT * FROM " + kT1,
      // The old name is free again, for a table with the same keys.
      "CREATE TABLE " + kT1 + " (id INTEGER PRIMARY KEY, " + kC1 + " TEXT UNIQUE)",
      "INSERT INTO " + kT1 + " (" + kC1 + ") VALUES ('new')",
      "INSERT INTO " + kT1 + " (id, " + kC1 + ") VALUES (1, 'again')",
      "ALTER TABLE " + kT2 + " RENAME COLUMN " + kC1 + " TO " + kCol + "_renamed",
      "ALTER TABLE " + kT2 + " RENAME COLUMN " + kC2 + " TO short",
      "SELECT * FROM " + kT2 + " ORDER BY id",
      "ALTER TABLE " + kT2 + " ADD COLUMN " + kCol + "_added INT DEFAULT 7",
      "SELECT * FROM " + kT2 + " ORDER BY id",
      "ALTER TABLE " + kT2 + " DROP COLUMN " + kCol + "_added",
      // To a short name and back to a long one.
      "ALTER TABLE " + kT2 + " RENAME TO short_one",
      "INSERT INTO short_one (short) VALUES (9)",
      "ALTER TABLE short_one RENAME TO " + kLong + "_long_again",
      "INSERT INTO " + kLong + "_long_again (short) VALUES (10)",
      "SELECT * FROM " + kLong + "_long_again ORDER BY id",
      "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
      "PRAGMA table_info(" + kLong + "_long_again)",
      "DROP TABLE " + renamed,
      "DROP TABLE " + kLong + "_long_again",
      "SELECT type, name FROM sqlite_master ORDER BY name",
      "SELECT * FROM " + kT1,
  });
}

TEST(LongNames, SavepointsAndNonAsciiNames) {
  Pair p(Name());
  // A multi-byte character across the cut: the server name stays UTF-8.
  const std::string wide =
      "tt_\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  p.Same({
      "CREATE TABLE \"" + wide + "_1\" (\"" + wide + "_c\" INT UNIQUE)",
      "CREATE TABLE \"" + wide + "_2\" (\"" + wide + "_c\" INT)",
      "INSERT INTO \"" + wide + "_1\" VALUES (1)",
      "INSERT INTO \"" + wide + "_1\" VALUES (1)",
      "SELECT * FROM \"" + wide + "_1\"",
      "BEGIN",
      "SAVEPOINT " + kLong + "_savepoint_1",
      "INSERT INTO \"" + wide + "_2\" VALUES (2)",
      "SAVEPOINT " + kLong + "_savepoint_2",
      "INSERT INTO \"" + wide + "_2\" VALUES (3)",
      "ROLLBACK TO " + kLong + "_savepoint_1",
      "INSERT INTO \"" + wide + "_2\" VALUES (4)",
      "RELEASE " + kLong + "_savepoint_1",
      "COMMIT",
      "SELECT * FROM \"" + wide + "_2\"",
      "SELECT name FROM sqlite_master ORDER BY name",
  });
}

}  // namespace
}  // namespace litelift::test
