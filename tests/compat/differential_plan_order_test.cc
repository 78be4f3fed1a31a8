// Row order over tables with indexes (issue 11): SQLite's plan walks an
// index or the rowid, and the route follows the plan the shadow chooses
// (libsqlite3-compat/sql/plan_order.cc). Every case runs on the real
// SQLite and on the postgres route and must answer the same (rows in the
// same order, storage classes, codes, messages); the cases that claim an
// index walk check the real SQLite's plan does walk one.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// Runs queries on both and expects the same, after checking that SQLite's
// plan for each walks an index.
void SameThroughIndex(Pair& p, const std::vector<std::string>& queries) {
  for (const std::string& q : queries) {
    std::string plan = Plan(p.local, q);
    EXPECT_NE(plan.find("INDEX"), std::string::npos) << q << ": " << plan;
  }
  p.Same(queries);
}

// Rows out of key order, ties, NULLs, a case twin; an index of each kind.
const std::vector<std::string> kIndexed = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT UNIQUE, c INT, d TEXT)",
    "INSERT INTO t VALUES (1, 'z', 3, 'p'), (2, 'a', 1, 'Q'), (3, 'm', 2, 'q'), (4, 'B', 2, NULL), "
    "(5, NULL, 1, 'p'), (6, 'b', NULL, 'r')",
    "CREATE TABLE u (x INT, y TEXT, v)",  // the rowid hidden
    "CREATE INDEX ux ON u (x)",
    "CREATE INDEX uy ON u (y COLLATE NOCASE DESC, x)",
    "INSERT INTO u VALUES (3, 'p', 1), (1, 'q', 'a'), (2, 'R', 2.5), (1, 's', NULL), "
    "(NULL, 'P', x'01'), (2, 'r', 7)",
    "CREATE TABLE w (k TEXT PRIMARY KEY, n INT, s TEXT) WITHOUT ROWID",
    "CREATE INDEX wn ON w (n DESC)",
    "INSERT INTO w VALUES ('m', 1, 'x'), ('a', 2, 'y'), ('z', 1, 'z'), ('b', 3, 'x'), ('c', 2, "
    "NULL)",
};

// group_concat and json_group_array see the rows in the order the plan
// reads them: a covering index, a range over one, a join's loops.
TEST(PlanOrder, AggregateElements) {
  Pair p(Name());
  p.Same(kIndexed);
  SameThroughIndex(p, {
                          "SELECT group_concat(b) FROM t",
                          "SELECT json_group_array(b) FROM t WHERE b > 'a'",
                          "SELECT group_concat(x), json_group_array(x) FROM u",
                          "SELECT group_concat(x) FROM u WHERE x > 1",
                          "SELECT group_concat(y, '|') FROM u WHERE y > 'a'",
                          "SELECT group_concat(x || y) FROM u WHERE y IS NOT NULL",
                          "SELECT x, group_concat(y) FROM u GROUP BY x",
                          "SELECT group_concat(k) FROM w WHERE n > 0",
                          "SELECT n, group_concat(k) FROM w GROUP BY n",
                          "SELECT group_concat(t.b || u.y) FROM t JOIN u ON u.x = t.c",
                          "SELECT t.id, group_concat(u.y) FROM t JOIN u ON u.x = t.c GROUP BY t.id",
                          "SELECT group_concat(t.b || w.k) FROM t, w WHERE w.n = t.c",
                          // (e2e_apps' Ruby program: a join grouped and
                          // sorted by the outer table's key.)
                          "SELECT t.id, count(*), group_concat(u.y) FROM t JOIN u ON u.x = t.c "
                          "GROUP BY t.id ORDER BY t.id",
                      });
  p.Same({
      // A plain scan next to an index: the rowid.
      "SELECT group_concat(d) FROM t",
      "SELECT group_concat(v) FROM u",
      "SELECT group_concat(s) FROM w",
      "SELECT group_concat(t.d || u.v) FROM t, u",
  });
}

// Plain queries, ties under ORDER BY, DISTINCT: the plan's order.
TEST(PlanOrder, Rows) {
  Pair p(Name());
  p.Same(kIndexed);
  SameThroughIndex(p, {
                          "SELECT b FROM t",
                          "SELECT id, b FROM t WHERE b > 'a'",
                          "SELECT x FROM u",
                          "SELECT rowid, x FROM u WHERE x >= 1",
                          "SELECT y, x FROM u WHERE y > 'a'",
                          "SELECT k FROM w WHERE n >= 1",
                          "SELECT n, k FROM w",
                          "SELECT DISTINCT x FROM u",
                          "SELECT DISTINCT y FROM u WHERE y > ''",
                          "SELECT t.id, u.rowid FROM t JOIN u ON u.x = t.c",
                          "SELECT t.b, w.k FROM t JOIN w ON w.n = t.c",
                          "SELECT x, y FROM u ORDER BY x",
                          "SELECT * FROM u WHERE x > 0 ORDER BY x",
                      });
}

// DISTINCT ... ORDER BY a column outside the result, over a table with
// indexes: sorted by the row the plan first met (was refused by the
// server).
TEST(PlanOrder, DistinctOrderedOutside) {
  Pair p(Name());
  p.Same(kIndexed);
  p.Same({
      "SELECT DISTINCT c FROM t ORDER BY b",
      "SELECT DISTINCT c FROM t ORDER BY d",
      "SELECT DISTINCT c FROM t ORDER BY d DESC, b",
      "SELECT DISTINCT x FROM u ORDER BY y",
      "SELECT DISTINCT x FROM u ORDER BY v",
      "SELECT DISTINCT n FROM w ORDER BY s",
      "SELECT DISTINCT n FROM w ORDER BY k DESC",
      "SELECT DISTINCT x FROM u WHERE x > 0 ORDER BY y",
  });
}

// UPDATE and DELETE ... RETURNING: SQLite gathers the rows first and
// changes them in rowid (a WITHOUT ROWID table's key) order, whatever
// index found them.
TEST(PlanOrder, ChangeReturning) {
  Pair p(Name());
  p.Same(kIndexed);
  p.Same({
      "BEGIN",
      "UPDATE t SET c = c + 1 RETURNING id, b",
      "UPDATE t SET c = c + 1 WHERE b > 'a' RETURNING id, b, c",
      "UPDATE u SET y = y || '!' WHERE x > 0 RETURNING x, y",
      "UPDATE u SET x = x + 1 WHERE x IN (2, 3) RETURNING *",
      "UPDATE w SET n = n + 1 WHERE n > 1 RETURNING k, n",
      "UPDATE w SET s = upper(s) RETURNING k",
      "WITH d AS (SELECT 2 AS v) UPDATE t SET c = (SELECT v FROM d) WHERE b < 'n' RETURNING id",
      "UPDATE t AS q SET d = 'x' WHERE q.b >= 'a' RETURNING q.id, q.d",
      "SELECT changes(), total_changes()",
      "DELETE FROM u WHERE y > 'a' RETURNING rowid, y",
      "DELETE FROM w WHERE n > 1 RETURNING k",
      "DELETE FROM t WHERE b IS NOT NULL RETURNING b",
      "SELECT changes(), total_changes()",
      "ROLLBACK",
  });
}

// total_changes() (the SQL function and sqlite3_total_changes()) counts
// the rows triggers change; changes() does not.
TEST(PlanOrder, TotalChangesCountTriggers) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE h (a)",
      "CREATE TABLE log (x)",
      "CREATE TRIGGER th AFTER INSERT ON h BEGIN INSERT INTO log VALUES (new.a); "
      "INSERT INTO log SELECT new.a + 1 UNION ALL SELECT new.a + 2; END",
      "CREATE TRIGGER tu BEFORE UPDATE ON h BEGIN UPDATE log SET x = x WHERE x > old.a; END",
      "CREATE TRIGGER td AFTER DELETE ON h WHEN old.a > 1 BEGIN DELETE FROM log WHERE x = old.a; "
      "END",
      "INSERT INTO h VALUES (1)",
      "SELECT changes(), total_changes()",
      "INSERT INTO h VALUES (2), (3)",
      "SELECT changes(), total_changes()",
      "UPDATE h SET a = a WHERE a >= 2",
      "SELECT changes(), total_changes()",
      "DELETE FROM h",
      "SELECT changes(), total_changes()",
      "INSERT INTO log VALUES (9)",
      "SELECT changes(), total_changes()",
  });
  EXPECT_EQ(sqlite3_total_changes(p.local), sqlite3_total_changes(p.routed));
  EXPECT_EQ(sqlite3_total_changes64(p.local), sqlite3_total_changes64(p.routed));
  EXPECT_EQ(sqlite3_changes(p.local), sqlite3_changes(p.routed));
}

// The rules over index kinds × columns × query forms, each plan checked
// to walk an index where the form reads one.
TEST(PlanOrder, Grid) {
  Pair p(Name());
  p.Same(kIndexed);
  p.Same({
      "CREATE TABLE g (id INTEGER PRIMARY KEY, a TEXT, n INT, s TEXT COLLATE NOCASE)",
      "CREATE INDEX ga ON g (a)",
      "CREATE INDEX gn ON g (n DESC, a)",
      "CREATE INDEX gs ON g (s)",
      "INSERT INTO g (a, n, s) SELECT y, x, y FROM u ORDER BY rowid",
      "INSERT INTO g (a, n, s) SELECT d, c, b FROM t ORDER BY id DESC",
  });
  // (s, under NOCASE: DISTINCT and a group's bare value are gaps, see
  // docs/status.md.)
  const std::vector<std::string> columns = {"a", "n", "s"};
  std::vector<std::string> queries;
  for (const std::string& c : columns) {
    queries.push_back("SELECT " + c + " FROM g");
    queries.push_back("SELECT id, " + c + " FROM g WHERE " + c + " > 'a'");
    queries.push_back("SELECT id, " + c + " FROM g WHERE " + c + " >= 1");
    queries.push_back("SELECT group_concat(id), json_group_array(" + c + ") FROM g");
    queries.push_back("SELECT group_concat(id) FROM g WHERE " + c + " IS NOT NULL");
    queries.push_back("SELECT " + c + ", count(*) FROM g GROUP BY " + c);
    queries.push_back("SELECT id, " + c + " FROM g ORDER BY " + c);
    queries.push_back("SELECT id, " + c + " FROM g ORDER BY " + c + " DESC");
    queries.push_back("SELECT id, " + c + " FROM g WHERE " + c + " IS NOT NULL ORDER BY " + c +
                      " DESC LIMIT 4");
    queries.push_back("SELECT group_concat(g.id || '-' || u.rowid) FROM g JOIN u ON u.x = g." + c);
    if (c == "s") continue;
    queries.push_back("SELECT " + c + ", group_concat(id) FROM g GROUP BY " + c);
    queries.push_back("SELECT DISTINCT " + c + " FROM g");
    queries.push_back("SELECT DISTINCT " + c + " FROM g WHERE " + c + " IS NOT NULL");
    queries.push_back("SELECT g.id, t.id FROM g JOIN t ON t.b = g." + c);
  }
  p.Same(queries);
  int walks = 0;
  for (const std::string& q : queries) walks += Plan(p.local, q).find("INDEX") != std::string::npos;
  EXPECT_GT(walks, static_cast<int>(queries.size()) / 2);
}

// UNION under a column's NOCASE or RTRIM: SQLite's temporary b-tree keeps
// the last of the rows equal under the collation (the leftmost query's
// that has one), sorted by it.
TEST(PlanOrder, UnionUnderCollation) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE n (k TEXT COLLATE NOCASE, r TEXT COLLATE RTRIM, v INT)",
      "INSERT INTO n VALUES ('a', 'x', 1), ('A', 'x  ', 2), ('b', 'y ', 3), (NULL, NULL, 4), "
      "('B', 'Y', 5)",
      "CREATE TABLE m (s TEXT, v INT)",
      "INSERT INTO m VALUES ('b', 1), ('A', 2), ('c', 3)",
  });
  p.Same({
      "SELECT k FROM n UNION SELECT 'B'",
      "SELECT 'B' UNION SELECT k FROM n",
      "SELECT k FROM n UNION SELECT k FROM n",
      "SELECT k FROM n UNION SELECT s FROM m",
      "SELECT s FROM m UNION SELECT k FROM n",
      "SELECT s COLLATE NOCASE FROM m UNION SELECT s FROM m UNION SELECT 'C'",
      "SELECT k, v > 2 FROM n UNION SELECT s, 0 FROM m",
      "SELECT r FROM n UNION SELECT 'y'",
      "SELECT r, k FROM n UNION ALL SELECT 'x ', 'b' UNION SELECT 'z', 'a'",
      "SELECT k FROM n UNION SELECT s FROM m ORDER BY 1 DESC",
      "SELECT k FROM n UNION SELECT s FROM m LIMIT 2",
      "SELECT k FROM n UNION VALUES ('c'), ('C')",
      "SELECT count(*) FROM (SELECT k FROM n UNION SELECT s FROM m)",
  });
}

}  // namespace
}  // namespace litelift::test
