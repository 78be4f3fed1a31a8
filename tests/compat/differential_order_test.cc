// Row order where SQLite's is stable and programs observe it (issue 11),
// and the compound, correlated and parameter cases of SQLite's name and
// type rules. Every case runs on the real SQLite and on the postgres route
// and must answer the same (rows in the same order, storage classes,
// column names, error codes and messages). The order cases are only those
// SQLite's plans fix: each query's plan on the real SQLite is checked to
// scan its table (no index), which is what the route promises to follow.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// Runs queries on both and expects the same, after checking that SQLite
// reads their tables by a scan (or its rowid), never by an index.
void SameScanned(Pair& p, const std::vector<std::string>& queries) {
  for (const std::string& q : queries) {
    std::string plan = Plan(p.local, q);
    bool scan = plan.find("SCAN") != std::string::npos ||
                plan.find("USING INTEGER PRIMARY KEY") != std::string::npos ||
                plan.find("USING PRIMARY KEY") != std::string::npos;
    EXPECT_TRUE(scan) << q << ": " << plan;
    EXPECT_EQ(plan.find("USING INDEX"), std::string::npos) << q << ": " << plan;
    EXPECT_EQ(plan.find("COVERING INDEX"), std::string::npos) << q << ": " << plan;
  }
  p.Same(queries);
}

// Ties, NULLs, an upper-case twin and untyped values, out of key order.
const std::vector<std::string> kRows = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INT, u)",
    "INSERT INTO t (a, n, u) VALUES ('b', 3, 'x'), ('a', 1, 2), ('b', 2, 2.5), ('c', 1, 'x'), "
    "('a', 3, NULL), (NULL, 2, 2), ('B', 1, x'01'), ('c', NULL, 2)",
    "CREATE TABLE h (a TEXT, n INT)",  // the rowid hidden
    "INSERT INTO h SELECT a, n FROM t ORDER BY id DESC",
    "CREATE TABLE w (k TEXT PRIMARY KEY, a TEXT, n INT) WITHOUT ROWID",
    "INSERT INTO w SELECT 'k' || (10 - id), a, n FROM t",
};

TEST(Order, Distinct) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(p, {
                     "SELECT DISTINCT a FROM t",
                     "SELECT DISTINCT n FROM t",
                     "SELECT DISTINCT a, n FROM t WHERE id > 1",
                     "SELECT DISTINCT u FROM t",
                     "SELECT DISTINCT n > 1, a || '!' FROM t",
                     "SELECT DISTINCT a FROM h",
                     "SELECT DISTINCT n FROM t LIMIT 2",
                     "SELECT DISTINCT a FROM t ORDER BY a IS NULL",
                     "SELECT DISTINCT a, n FROM t ORDER BY n",
                     // ORDER BY a column outside the result: the row where
                     // the scan first met each distinct row.
                     "SELECT DISTINCT a FROM t ORDER BY n",
                     "SELECT DISTINCT a FROM t ORDER BY n DESC, id",
                     "SELECT DISTINCT a, n FROM t ORDER BY u",
                     "SELECT DISTINCT a FROM h ORDER BY n DESC",
                     "SELECT DISTINCT a FROM t ORDER BY a",
                     "SELECT DISTINCT t.a FROM t ORDER BY a",
                     "SELECT DISTINCT n FROM t ORDER BY a COLLATE NOCASE LIMIT 3",
                     // Of groups: the groups in key order, each row where it
                     // first appears among them.
                     "SELECT DISTINCT a FROM t GROUP BY n, a",
                     "SELECT DISTINCT n FROM t GROUP BY a, n",
                     "SELECT DISTINCT count(*) FROM t GROUP BY a",
                     "SELECT DISTINCT u FROM t GROUP BY u, a HAVING count(*) > 0",
                 });
}

TEST(Order, AggregateElements) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(
      p, {
             "SELECT group_concat(a), json_group_array(n), group_concat(u, ';') FROM t",
             "SELECT json_group_object(a, n) FROM t WHERE a IS NOT NULL",
             "SELECT n, group_concat(a), json_group_array(u) FROM t GROUP BY n",
             "SELECT a, group_concat(n, '-') FROM t WHERE id > 2 GROUP BY a HAVING count(*) > 1",
             "SELECT group_concat(a) FILTER (WHERE n > 1), count(*) FROM t",
             "SELECT group_concat(a) FROM h",
             "SELECT n, group_concat(k) FROM w GROUP BY n",
             "SELECT group_concat(DISTINCT a) IS NOT NULL FROM t",
         });
}

TEST(Order, Windows) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(p, {
                     "SELECT n, count(*) OVER (ORDER BY n GROUPS BETWEEN 1 PRECEDING AND "
                     "CURRENT ROW) FROM t",
                     "SELECT id, a, row_number() OVER (PARTITION BY a) FROM t",
                     "SELECT id, a, n, row_number() OVER (PARTITION BY a ORDER BY n) FROM t",
                     "SELECT id, n, sum(n) OVER w, rank() OVER w FROM t WINDOW w AS (ORDER BY n "
                     "DESC)",
                     "SELECT id, ntile(2) OVER (PARTITION BY n), lag(a) OVER (PARTITION BY n), "
                     "lead(a) OVER (PARTITION BY n) FROM t",
                     "SELECT a, n, max(n) OVER (PARTITION BY a) FROM h",
                     "SELECT k, n, row_number() OVER (ORDER BY n) FROM w",
                     "SELECT id, n, sum(id) OVER (ORDER BY n ROWS 1 PRECEDING) FROM t",
                     "SELECT id, u, count(*) OVER (ORDER BY u) FROM t",
                 });
}

TEST(Order, Ties) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(p, {
                     "SELECT id, n FROM t ORDER BY n",
                     "SELECT id, n FROM t ORDER BY n DESC",
                     "SELECT id, a FROM t ORDER BY a IS NULL, n > 1 LIMIT 5",
                     "SELECT a, n FROM h ORDER BY n",
                     "SELECT k, n FROM w ORDER BY n DESC",
                     "SELECT id, u FROM t ORDER BY typeof(u)",
                     // Groups tie in key order, each key in the direction of
                     // the ORDER BY term in its place.
                     "SELECT a, count(*) FROM t GROUP BY a ORDER BY count(*)",
                     "SELECT a, count(*) FROM t GROUP BY a ORDER BY count(*) DESC",
                     "SELECT a, n, count(*) FROM t GROUP BY a, n ORDER BY count(*), n DESC",
                     "SELECT n, sum(id) FROM t GROUP BY n ORDER BY sum(id) % 2",
                 });
}

TEST(Compound, OrderByNames) {
  Pair p(Name());
  p.Same(kRows);
  p.Same({
      "SELECT a AS x FROM t UNION SELECT a FROM h ORDER BY x",
      "SELECT a AS x FROM t UNION SELECT a FROM h ORDER BY 1 DESC",
      "SELECT a AS x FROM t UNION SELECT a FROM h ORDER BY x COLLATE NOCASE",
      "SELECT a AS x FROM t UNION SELECT a FROM h ORDER BY x COLLATE NOCASE DESC LIMIT 3",
      "SELECT a FROM t UNION ALL SELECT a FROM h ORDER BY a DESC",
      "SELECT a, n FROM t EXCEPT SELECT a, n FROM h WHERE n = 1 ORDER BY n, a",
      "SELECT a, n FROM t INTERSECT SELECT a, n FROM h ORDER BY 2 DESC, a COLLATE RTRIM",
      // A name of a later query's column.
      "SELECT n FROM t UNION SELECT id AS m FROM t ORDER BY m",
      "SELECT t.a FROM t UNION SELECT a FROM h ORDER BY t.a",
      "SELECT u AS v FROM t UNION ALL SELECT n FROM t ORDER BY v",
      // What SQLite refuses, refused alike.
      "SELECT a FROM t UNION SELECT a FROM h ORDER BY 3",
      "SELECT a FROM t UNION SELECT a FROM h ORDER BY nope",
  });
}

TEST(Compound, MixedClasses) {
  Pair p(Name());
  p.Same(kRows);
  p.Same({
      "SELECT 1 AS v UNION SELECT 'a' UNION SELECT 2.5 UNION SELECT NULL",
      "SELECT 1 UNION SELECT 1.0",
      "SELECT 1 UNION ALL SELECT 1.0 UNION ALL SELECT '1'",
      "SELECT a AS x FROM t UNION SELECT n FROM t ORDER BY x",
      "SELECT n FROM t UNION ALL SELECT a FROM t ORDER BY 1 DESC",
      "SELECT id, a FROM t WHERE id < 3 UNION ALL SELECT a, id FROM t WHERE id < 3",
      "VALUES (1), ('a'), (2.5) UNION SELECT 3 ORDER BY 1",
      "SELECT u FROM t UNION SELECT a FROM t ORDER BY 1",
      "SELECT n, typeof(n) FROM t UNION SELECT x'00', 'blob' ORDER BY 1",
      // Written to tables, the columns convert them as before.
      "CREATE TABLE m (x REAL, y INT)",
      "INSERT INTO m SELECT 1, 2 UNION SELECT 2.5, 3",
      "SELECT x, typeof(x), y FROM m ORDER BY rowid",
  });
}

TEST(Names, CorrelatedOuterAlias) {
  Pair p(Name());
  p.Same(kRows);
  p.Same({
      // An outer result column's alias in a subquery of WHERE, GROUP BY,
      // HAVING: the outer row's value, also where the inner table has a
      // column of the same name.
      "SELECT n AS k FROM t WHERE EXISTS (SELECT 1 FROM h WHERE h.n = k AND h.a = 'a') "
      "ORDER BY id",
      "SELECT n + 1 AS k FROM t WHERE id IN (SELECT n FROM h WHERE n = k) ORDER BY id",
      "SELECT id, a AS n FROM t WHERE (SELECT count(*) FROM h WHERE h.a = n) > 1 ORDER BY id",
      "SELECT a AS g, count(*) FROM t GROUP BY g HAVING (SELECT max(n) FROM h WHERE h.a = g) > 1 "
      "ORDER BY g",
      "SELECT id * 10 AS k FROM t AS o WHERE (SELECT count(*) FROM t AS i WHERE i.id * 10 < k) "
      "= 2",
      // An outer column named from a subquery.
      "SELECT id, (SELECT count(*) FROM h WHERE h.n = t.n) FROM t ORDER BY id",
      "SELECT id FROM t WHERE n = (SELECT max(n) FROM h WHERE h.a = t.a) ORDER BY id",
      "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM w WHERE w.n = t.n AND k > 'k5') ORDER BY id",
  });
}

// Where no order is observable the route sends none (a count of a
// subquery, EXISTS, a lookup of one row by its key); where the rows are
// kept (INSERT ... SELECT numbers them) or one is picked (a scalar
// subquery takes the first), SQLite's order still holds.
TEST(Order, Unobserved) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(p, {
                     "SELECT count(*) FROM (SELECT a FROM t WHERE n > 1)",
                     "SELECT EXISTS (SELECT 1 FROM t WHERE n = 2 LIMIT 1)",
                     "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM h WHERE h.n = t.n LIMIT 1) "
                     "ORDER BY id",
                     "SELECT id, a FROM t WHERE id = 3",
                     "SELECT id, a FROM t WHERE rowid = 4 AND n > 0",
                     "SELECT a, n FROM h WHERE rowid = 2",
                     "SELECT * FROM w WHERE k = 'k5'",
                     "SELECT * FROM w WHERE k = ?",
                     // SQLite's value of a scalar subquery is its first row.
                     "SELECT id, (SELECT a FROM h WHERE h.rowid > t.id) FROM t",
                     "SELECT id, (SELECT k FROM w WHERE w.k > t.a) FROM t",
                     "SELECT (SELECT a FROM t WHERE n > 1)",
                     "SELECT (SELECT n FROM t WHERE n > 1 UNION SELECT 9)",
                 });
  // Rows written by INSERT ... SELECT are numbered in SQLite's order.
  p.Same({
      "CREATE TABLE c (a TEXT, n INT)",
      "INSERT INTO c SELECT a, n FROM t WHERE n > 1",
      "INSERT INTO c SELECT DISTINCT a, 0 FROM h",
      "SELECT rowid, a, n FROM c ORDER BY rowid",
  });
}

// A compound whose last operator deduplicates (UNION, EXCEPT, INTERSECT)
// comes from SQLite's temporary b-tree sorted by all its columns.
TEST(Order, CompoundRows) {
  Pair p(Name());
  p.Same(kRows);
  SameScanned(p, {
                     "SELECT a FROM t UNION SELECT a FROM h",
                     "SELECT n, a FROM t EXCEPT SELECT 1, 'a'",
                     "SELECT n FROM t INTERSECT SELECT n FROM h",
                     "SELECT a FROM t UNION ALL SELECT a FROM h UNION SELECT 'z'",
                     "SELECT u FROM t UNION SELECT a FROM t",
                     "SELECT a, n FROM t UNION SELECT a, n FROM h LIMIT 3",
                     "VALUES (3), (1) UNION SELECT n FROM t",
                     "SELECT a COLLATE NOCASE FROM t WHERE a <> 'B' UNION SELECT 'Z'",
                     "SELECT n FROM t UNION SELECT k FROM w",
                 });
}

// A CROSS JOIN, and a LEFT JOIN no WHERE makes inner, keep their order in
// SQLite's plan: the outer table's scan, then for each of its rows the
// inner table's scan (without an equality, which may build an automatic
// index whose key holds the columns read, and so its order).
TEST(Order, Joins) {
  Pair p(Name());
  p.Same(kRows);
  const std::vector<std::string> queries = {
      "SELECT t.id, h.a FROM t CROSS JOIN h ON h.n > t.n",
      "SELECT t.id, h.rowid, h.a FROM t LEFT JOIN h ON h.n < t.n",
      "SELECT * FROM h CROSS JOIN t WHERE h.n > t.n",
      "SELECT t.a, w.k FROM t LEFT JOIN w ON w.a > t.a",
      "SELECT h.a, t.id FROM h LEFT JOIN t ON t.n >= h.n AND t.a > h.a",
      "SELECT t.id, h.n FROM t CROSS JOIN h LIMIT 7",
      "SELECT w.k, h.a FROM w LEFT JOIN h ON h.n + 1 < w.n",
  };
  for (const std::string& q : queries) {
    std::string plan = Plan(p.local, q);
    std::string outer = q.substr(q.find(" FROM ") + 6, 2);
    EXPECT_EQ(plan.rfind("SCAN " + outer.substr(0, 1), 0), 0u) << q << ": " << plan;
  }
  p.Same(queries);
  // SQLite's CROSS JOIN takes ON and USING (PostgreSQL's takes neither).
  p.Same({
      "SELECT t.id, h.a FROM t CROSS JOIN h ON h.n = t.n ORDER BY t.id, h.rowid",
      "SELECT t.id, h.a FROM t CROSS JOIN h USING (n) ORDER BY t.id, h.rowid",
  });
}

// With an index SQLite reads a key's rows through it: for one value of a
// one-column index, in rowid order, as the route sends them.
TEST(Order, IndexedEquality) {
  Pair p(Name());
  p.Same(kRows);
  p.Same({
      "CREATE TABLE x (id INTEGER PRIMARY KEY, k INT, v TEXT)",
      "CREATE INDEX xk ON x (k)",
      "INSERT INTO x (k, v) SELECT n, a FROM t",
      "INSERT INTO x (k, v) SELECT n, a FROM t ORDER BY id DESC",
  });
  for (const std::string q : {"SELECT id, v FROM x WHERE k = 1", "SELECT id, v FROM x WHERE k = 3",
                              "SELECT v FROM x WHERE k = 2 AND v > 'A'"}) {
    EXPECT_NE(Plan(p.local, q).find("USING INDEX xk (k=?)"), std::string::npos) << q;
    p.Same({q});
  }
}

// Numbers kept in a TEXT column, summed once each.
TEST(Types, DistinctTextNumbers) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE n (id INTEGER PRIMARY KEY, q TEXT, k INTEGER)",
      "INSERT INTO n (q, k) VALUES ('3', 1), ('3', 1), ('4.5', 1), ('10', 2), (' 7', 2), "
      "('abc', 3), ('', 3), ('3.0', 4), (NULL, 4), ('-2', 5), ('-2', 5)",
  });
  p.Same({
      "SELECT sum(DISTINCT q), typeof(sum(DISTINCT q)), total(DISTINCT q), avg(DISTINCT q), "
      "count(DISTINCT q) FROM n",
      "SELECT k, sum(DISTINCT q), avg(DISTINCT q), total(DISTINCT q) FROM n GROUP BY k ORDER BY k",
      "SELECT sum(DISTINCT q) FROM n WHERE k IN (1, 5)",
      "SELECT sum(DISTINCT q * 1), sum(DISTINCT k) FROM n",
  });
}

// Compounds of every pair of classes and column kinds, sorted and not.
TEST(Compound, ClassGrid) {
  Pair p(Name());
  p.Same(kRows);
  const std::vector<std::string> values = {"NULL", "7", "7.0", "'7'", "x'37'", "a", "n", "u"};
  std::vector<std::string> queries;
  for (const std::string& x : values) {
    for (const std::string& y : values) {
      for (const char* op : {"UNION", "UNION ALL", "EXCEPT"}) {
        std::string q = "SELECT " + x + " AS v, typeof(" + x + ") FROM t WHERE id < 4 " +
                        std::string(op) + " SELECT " + y + ", typeof(" + y +
                        ") FROM t WHERE id > 5";
        queries.push_back(q + " ORDER BY v, 2");
        queries.push_back(q + " ORDER BY 1 DESC, 2 COLLATE NOCASE");
        // Unsorted, a deduplicating compound's rows come sorted.
        if (std::string(op) != "UNION ALL") queries.push_back(q);
      }
    }
  }
  p.Same(queries);
}

// Binds each value to both databases' statements and describes the rows.
std::string Bound(sqlite3* db, const std::string& sql, int kind) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return std::string("prepare: ") + sqlite3_errmsg(db);
  }
  for (int i = 1; i <= sqlite3_bind_parameter_count(st); ++i) {
    switch (kind) {
      case 0:
        sqlite3_bind_null(st, i);
        break;
      case 1:
        sqlite3_bind_int64(st, i, i == 1 ? 1 : 7);
        break;
      case 2:
        sqlite3_bind_double(st, i, i == 1 ? 0.5 : 2.25);
        break;
      case 3:
        sqlite3_bind_text(st, i, i == 1 ? "0" : "seven", -1, SQLITE_TRANSIENT);
        break;
      case 4:
        sqlite3_bind_blob(st, i, "\x01\x02", 2, SQLITE_TRANSIENT);
        break;
      default:
        sqlite3_bind_int64(st, i, 0);
    }
  }
  std::string out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const unsigned char* text = sqlite3_column_text(st, i);
      out += std::to_string(sqlite3_column_type(st, i)) + ":" +
             (text ? reinterpret_cast<const char*>(text) : "null") + " ";
    }
    out += "\n";
  }
  out += "rc " + std::to_string(rc);
  if (rc != SQLITE_DONE) out += std::string(" ") + sqlite3_errmsg(db);
  sqlite3_finalize(st);
  return out;
}

// CASE and coalesce whose branches are parameters: each row's value and
// class are the bound value's.
TEST(Types, ParameterBranches) {
  Pair p(Name());
  p.Same(kRows);
  const std::vector<std::string> queries = {
      "SELECT CASE WHEN ? THEN 1 ELSE 'x' END, typeof(CASE WHEN ? THEN 1 ELSE 'x' END)",
      "SELECT coalesce(?, 0), typeof(coalesce(?, 0))",
      "SELECT ifnull(?, 'none'), iif(?, 2.5, 'no'), nullif(?, 7)",
      "SELECT CASE WHEN ? IS NULL THEN 'null' ELSE ? END",
      "SELECT id, coalesce(?, n), CASE WHEN n > 1 THEN ? ELSE a END FROM t ORDER BY id",
      "SELECT id, max(?, n), min(?, a) FROM t ORDER BY id",
      "SELECT id FROM t WHERE coalesce(?, n) = n ORDER BY id",
  };
  for (const std::string& q : queries) {
    for (int kind = 0; kind < 5; ++kind) {
      EXPECT_EQ(Bound(p.routed, q, kind), Bound(p.local, q, kind)) << q << " kind " << kind;
    }
  }
}

// The order rules over table kinds × columns of each type, each query's
// plan checked to scan.
TEST(Order, Grid) {
  Pair p(Name());
  p.Same(kRows);
  p.Same({
      "CREATE TABLE r (id INTEGER PRIMARY KEY, a TEXT, n INT, u)",
      "INSERT INTO r (a, n, u) SELECT a, n, u FROM t ORDER BY id DESC",
      "CREATE TABLE hr (a TEXT, n INT, u)",
      "INSERT INTO hr SELECT a, n, u FROM t ORDER BY n",
  });
  const std::vector<std::string> tables = {"t", "r", "hr"};
  const std::vector<std::string> columns = {"a", "n", "u", "n > 1", "a || n"};
  std::vector<std::string> queries;
  for (const std::string& t : tables) {
    for (const std::string& c : columns) {
      queries.push_back("SELECT DISTINCT " + c + " FROM " + t);
      queries.push_back("SELECT DISTINCT " + c + " FROM " + t + " GROUP BY a, n");
      queries.push_back("SELECT group_concat(" + c + "), json_group_array(" + c + ") FROM " + t);
      queries.push_back("SELECT n, group_concat(" + c + ") FROM " + t + " GROUP BY n");
      queries.push_back("SELECT " + c + ", row_number() OVER (PARTITION BY " + c + ") FROM " + t);
      queries.push_back("SELECT " + c + ", count(*) OVER (ORDER BY " + c + ") FROM " + t);
      queries.push_back("SELECT a, n, u FROM " + t + " ORDER BY " + c);
      queries.push_back("SELECT a, n, u FROM " + t + " ORDER BY " + c + " DESC");
      queries.push_back("SELECT " + c + " AS k, count(*) FROM " + t +
                        " GROUP BY k ORDER BY count(*)");
      queries.push_back("SELECT DISTINCT " + c + " FROM " + t + " ORDER BY u, n DESC");
      // Compounds sorted by their rows; a scalar subquery's first row.
      queries.push_back("SELECT " + c + " FROM " + t + " UNION SELECT " + c + " FROM " + t +
                        " WHERE n > 1");
      queries.push_back("SELECT " + c + ", n FROM " + t + " EXCEPT SELECT a, 1 FROM " + t);
      queries.push_back("SELECT rowid, (SELECT " + c + " FROM " + t + " AS i WHERE i.rowid > " +
                        "o.rowid) FROM " + t + " AS o");
    }
  }
  SameScanned(p, queries);
}

}  // namespace
}  // namespace litelift::test
