// Everyday SQL that programs run without thinking (issue 11): CREATE TABLE
// ... AS SELECT, SQLite's aggregates beyond the classic seven, quote() and
// the text of reals, PRAGMA writable_schema, and functions PostgreSQL has
// but SQLite does not. Every case runs on the real SQLite and on the
// postgres route and must answer the same (rows, storage classes, column
// names, error codes and messages, changes, last_insert_rowid).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// A small table of every storage class, numbered by rowid.
const std::vector<std::string> kThings = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, p REAL, n INT, b BLOB, u, d NUMERIC)",
    "INSERT INTO t (a, p, n, b, u, d) VALUES "
    "('x', 1.5, 10, x'0102', 'one', 1.0), "
    "('y', NULL, 20, NULL, 2, '3.5'), "
    "('x', 9.350000000000001, 30, x'', 2.25, '4.5'), "
    "('z', 0.0, NULL, x'ff', NULL, 7), "
    "('y', 1e20, 40, x'00', x'41', NULL)",
};

TEST(Everyday, CreateTableAsSelect) {
  Pair p(Name());
  p.Same(kThings);
  p.Same({
      // The rows, the declared types SQLite derives, rowids from 1.
      "INSERT INTO t (a) VALUES ('w')",  // last_insert_rowid 6: CTAS keeps it
      "CREATE TABLE c AS SELECT id, p FROM t",
      "SELECT rowid, *, typeof(id), typeof(p) FROM c ORDER BY rowid",
      "SELECT sql FROM sqlite_master WHERE name = 'c'",
      "PRAGMA table_info(c)",
      "CREATE TABLE c2 AS SELECT a, p * 2 AS dbl, n + 1, b, u, d, a || 'q' AS s, "
      "CAST(n AS TEXT) AS nt, count(*) OVER () AS w FROM t WHERE id > 1 ORDER BY id DESC",
      "SELECT rowid, *, typeof(dbl), typeof(u), typeof(d), typeof(nt) FROM c2 ORDER BY rowid",
      "SELECT sql FROM sqlite_master WHERE name = 'c2'",
      // Grouped, joined, from a view, with a common table, empty.
      "CREATE TABLE g AS SELECT a, count(*) AS k, sum(n) AS s, max(p) FROM t GROUP BY a "
      "ORDER BY a",
      "SELECT rowid, * FROM g ORDER BY rowid",
      "CREATE VIEW v AS SELECT id, a FROM t WHERE n > 15",
      "CREATE TABLE fromview AS SELECT * FROM v",
      "SELECT rowid, * FROM fromview ORDER BY rowid",
      "CREATE TABLE j AS SELECT t.id, c.p FROM t JOIN c ON c.id = t.id WHERE t.id < 3",
      "SELECT rowid, * FROM j ORDER BY rowid",
      "CREATE TABLE w AS WITH r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 5) "
      "SELECT x, x * x AS sq FROM r",
      "SELECT rowid, * FROM w ORDER BY rowid",
      "CREATE TABLE e AS SELECT * FROM t WHERE 0",
      "SELECT count(*) FROM e",
      "SELECT sql FROM sqlite_master WHERE name = 'e'",
      "CREATE TABLE lit AS SELECT 1 AS one, 'two', 3.0, NULL AS nothing, x'04'",
      "SELECT rowid, *, typeof(nothing) FROM lit",
      "SELECT sql FROM sqlite_master WHERE name = 'lit'",
      // The new table is an ordinary one.
      "INSERT INTO c (id, p) VALUES (100, 2.5)",
      "SELECT rowid, * FROM c ORDER BY rowid DESC LIMIT 2",
      "UPDATE c SET p = 0 WHERE id = 1",
      "DELETE FROM c WHERE id = 2",
      "SELECT rowid, * FROM c ORDER BY rowid",
      // IF NOT EXISTS, existing: nothing copied; without: SQLite's error.
      "CREATE TABLE IF NOT EXISTS c AS SELECT id, p FROM t",
      "SELECT count(*) FROM c",
      "CREATE TABLE c AS SELECT id FROM t",
      "CREATE TABLE IF NOT EXISTS c3 AS SELECT id, a FROM t WHERE id % 2 = 1",
      "SELECT rowid, * FROM c3 ORDER BY rowid",
      // TEMP, and main.name.
      "CREATE TEMP TABLE tt AS SELECT a, n FROM t WHERE n IS NOT NULL",
      "SELECT rowid, * FROM tt ORDER BY rowid",
      "SELECT sql FROM sqlite_temp_master WHERE name = 'tt'",
      "CREATE TEMPORARY TABLE tt2 AS SELECT * FROM tt ORDER BY n DESC",
      "SELECT rowid, * FROM tt2 ORDER BY rowid",
      "CREATE TABLE main.m AS SELECT id FROM t WHERE id < 3",
      "SELECT rowid, * FROM m ORDER BY rowid",
      "CREATE TABLE \"odd \"\"name\" AS SELECT id AS \"x y\" FROM t LIMIT 2",
      "SELECT rowid, * FROM \"odd \"\"name\" ORDER BY rowid",
      // Mistakes are SQLite's.
      "CREATE TABLE bad AS SELECT nosuch FROM t",
      "CREATE TABLE bad AS SELECT * FROM nosuch",
      "SELECT name FROM sqlite_master WHERE name = 'bad'",
  });
}

TEST(Everyday, CreateTableAsSelectInTransactions) {
  Pair p(Name());
  p.Same(kThings);
  p.Same({
      // Rolled back with the program's transaction, kept with its commit.
      "BEGIN",
      "CREATE TABLE r AS SELECT id, a FROM t",
      "SELECT count(*) FROM r",
      "ROLLBACK",
      "SELECT name FROM sqlite_master WHERE name = 'r'",
      "BEGIN",
      "INSERT INTO t (a) VALUES ('new')",
      "CREATE TABLE k AS SELECT id, a FROM t",
      "SAVEPOINT s",
      "CREATE TABLE k2 AS SELECT id FROM k",
      "ROLLBACK TO s",
      "COMMIT",
      "SELECT rowid, * FROM k ORDER BY rowid",
      "SELECT name FROM sqlite_master WHERE name = 'k2'",
      // A runtime error in the SELECT leaves no table.
      "CREATE TABLE over AS SELECT abs(-9223372036854775807 - 1) FROM t",
      "SELECT name FROM sqlite_master WHERE name = 'over'",
  });
}

TEST(Everyday, CreateTableAsSelectWithParameters) {
  Pair p(Name());
  p.Same(kThings);
  for (sqlite3* db : {p.local, p.routed}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "CREATE TABLE prm AS SELECT id, ?1 AS i, :r AS r, ?3 AS s, "
                                 "?4 AS b FROM t WHERE n > ?1",
                                 -1, &st, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_bind_int64(st, 1, 15);
    sqlite3_bind_double(st, 2, 0.1 + 0.2);
    sqlite3_bind_text(st, 3, "it's", -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, "\x01\x00\x02", 3, SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(st);
  }
  p.Same(
      {"SELECT rowid, *, typeof(i), typeof(r), quote(r), typeof(s), hex(b) FROM prm "
       "ORDER BY rowid",
       "SELECT sql FROM sqlite_master WHERE name = 'prm'"});
}

TEST(Everyday, EveryAggregateIsAnAggregate) {
  Pair p(Name());
  p.Same(kThings);
  p.Same({
      "SELECT a, json_group_array(id) FROM t GROUP BY a ORDER BY a",
      "SELECT json_group_array(id) FROM t",
      "SELECT json_group_object(id, a) FROM t",
      "SELECT a, json_group_object(id, p) FROM t GROUP BY a ORDER BY a",
      "SELECT a, json_group_array(n), count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY a",
      "SELECT json_group_array(a) FROM t WHERE id > 100",
      "SELECT json_group_object(a, n) FROM t WHERE id > 100",
      "SELECT a, json_group_array(p) AS ps, max(n) FROM t GROUP BY 1 ORDER BY 1",
      "SELECT a, n, json_group_array(id) FROM t GROUP BY a ORDER BY a",
      "SELECT json_group_array(DISTINCT a), json_group_array(DISTINCT n % 20) FROM t",
      "SELECT json_group_array(u), json_group_array(d) FROM t",
      "SELECT id, json_group_array(id) OVER (ORDER BY id) FROM t ORDER BY id",
      "SELECT (SELECT json_group_array(id) FROM t AS i WHERE i.a = o.a) FROM t AS o ORDER BY id",
      "SELECT json_group_array(json_group_array(id)) FROM t",
      "SELECT json_group_array(id) FROM t WHERE json_group_array(id) IS NOT NULL",
      "SELECT json_group_array() FROM t",
      "SELECT json_group_object(id) FROM t",
      "SELECT a, total(n), group_concat(id), avg(n), min(id), max(id), sum(n), count(n) "
      "FROM t GROUP BY a ORDER BY a",
  });
}

TEST(Everyday, QuoteAndTheTextOfReals) {
  Pair p(Name());
  const char* kReals[] = {"1e20",
                          "1.0",
                          "0.1+0.2",
                          "9.350000000000001",
                          "-0.0",
                          "1e-7",
                          "123456789012345680000.0",
                          "2.5",
                          "100.0",
                          "1.0e15",
                          "1e-5",
                          "0.30000000000000004",
                          "3.14159265358979"};
  std::vector<std::string> script = {
      "CREATE TABLE r (id INTEGER PRIMARY KEY, x REAL, u, n NUMERIC, s TEXT)"};
  for (const char* r : kReals) {
    std::string v(r);
    script.push_back("INSERT INTO r (x, u, n, s) VALUES (" + v + ", " + v + ", " + v + ", " + v +
                     ")");
  }
  p.Same(script);
  p.Same({
      // (-0.0, id 5: the route's REAL column keeps the sign SQLite drops,
      // its untyped one drops the sign SQLite keeps; every text is 0.0.)
      "SELECT id, x, u, n, s FROM r WHERE id <> 5 ORDER BY id",
      "SELECT id, x = 0, u = 0, n = 0, typeof(x), typeof(u), typeof(n), x || '', quote(u) "
      "FROM r WHERE id = 5",
      "SELECT id, quote(x), quote(u), quote(n), quote(s) FROM r ORDER BY id",
      "SELECT id, CAST(x AS TEXT), x || '', printf('%s', x), printf('%.17g', x) FROM r "
      "ORDER BY id",
      "SELECT id, CAST(u AS TEXT), u || '', printf('%s', u) FROM r ORDER BY id",
      "SELECT quote(1.0), quote(1e20), quote(9.350000000000001), quote(-0.0), quote(1e-7), "
      "quote(0.1 + 0.2), quote(123456789012345680000.0), quote(1e999)",
      "SELECT quote(x) FROM r WHERE id = 1 UNION ALL SELECT quote(2.0) FROM r WHERE id = 1",
      "SELECT id, quote(x * 1), quote(x + 0.5), quote(-x) FROM r ORDER BY id",
      // The text 't' in an untyped column is text (jsonb's ? matched it).
      "INSERT INTO r (u) VALUES ('t'), ('b'), ('it''s')",
      "SELECT id, quote(u), json_quote(u), json_array(u), typeof(u) FROM r WHERE id > 13 "
      "ORDER BY id",
  });
}

TEST(Everyday, WritableSchemaIsRefused) {
  Pair p(Name());
  p.Same({"CREATE TABLE w (a)", "PRAGMA writable_schema", "PRAGMA writable_schema = 0",
          "PRAGMA writable_schema = OFF"});
  // Turning it on is SQLite's own business on a local database; on the
  // route sqlite_master edits would be lost: refused by name.
  for (const char* on : {"PRAGMA writable_schema = 1", "PRAGMA writable_schema=ON",
                         "PRAGMA main.writable_schema = yes", "PRAGMA writable_schema = 'true'"}) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(p.local, on, nullptr, nullptr, nullptr), SQLITE_OK) << on;
    sqlite3_exec(p.local, "PRAGMA writable_schema = 0", nullptr, nullptr, nullptr);
    EXPECT_EQ(sqlite3_exec(p.routed, on, nullptr, nullptr, &err), SQLITE_ERROR) << on;
    ASSERT_NE(err, nullptr) << on;
    EXPECT_NE(std::string(err).find("writable_schema"), std::string::npos) << err;
    EXPECT_EQ(sqlite3_errcode(p.routed), SQLITE_ERROR);
    sqlite3_free(err);
  }
  p.Same({"PRAGMA writable_schema", "SELECT name, sql FROM sqlite_master"});
}

TEST(Everyday, PostgresOnlyFunctionsAreNoSuchFunction) {
  Pair p(Name());
  p.Same(kThings);
  p.Same({
      "SELECT date_trunc('day', '2024-01-02 03:04:05')",
      "SELECT now()",
      "SELECT to_char(n, '999') FROM t",
      "SELECT left(a, 1) FROM t",
      "SELECT concat_ws(',', a, n) FROM t",
      "SELECT id FROM t WHERE date_trunc('day', a) IS NULL",
      "SELECT string_agg(a, ',') FROM t",
      "SELECT array_agg(id) FROM t",
      "SELECT generate_series(1, 3)",
      "SELECT id FROM generate_series(1, 3)",
      "SELECT md5(a) FROM t",
      "SELECT to_timestamp(n) FROM t",
      "SELECT current_timestamp() FROM t",
      "SELECT greatest(n, 1), least(n, 1) FROM t",
      "SELECT bool_and(n > 1) FROM t",
      "UPDATE t SET a = initcap(a)",
      "INSERT INTO t (a) VALUES (gen_random_uuid())",
      "DELETE FROM t WHERE n > extract(year FROM now())",
      "SELECT count(*) FROM t",
  });
}

}  // namespace
}  // namespace litelift::test
