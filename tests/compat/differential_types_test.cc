// Everyday SQL whose meaning rests on SQLite's type rules (issue 11):
// CASE, coalesce, ifnull, iif, nullif and scalar min/max over values of
// mixed storage classes return each row's own value in its own class, and
// numbers kept in TEXT columns (every column after the shell's .import)
// compute as SQLite reads them. Every case runs on the real SQLite and on
// the postgres route and must answer the same (rows, storage classes,
// column names, error codes and messages).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// One column of each kind (untyped, INTEGER, REAL, TEXT); the untyped one
// holds a value of each class, and 7 appears as an integer, a real and
// text, so that nullif, min and max meet equal values of other classes.
const std::vector<std::string> kGrid = {
    "CREATE TABLE g (id INTEGER PRIMARY KEY, u, i INTEGER, r REAL, t TEXT)",
    "INSERT INTO g VALUES (1, NULL, NULL, NULL, NULL), (2, 1, 3, 2.5, '3'), "
    "(3, 1.5, -2, 4.0, 'abc'), (4, 'a', 0, -0.5, '4.5'), (5, x'01', 10, 10.0, ''), "
    "(6, '7', 7, 7.0, '7')",
};

// The expressions of each construct with branches x and y.
std::vector<std::string> Constructs(const std::string& x, const std::string& y) {
  return {
      "CASE WHEN id % 2 = 0 THEN " + x + " ELSE " + y + " END",
      "coalesce(" + x + ", " + y + ")",
      "ifnull(" + x + ", " + y + ")",
      "iif(id % 2 = 0, " + x + ", " + y + ")",
      "nullif(" + x + ", " + y + ")",
      "min(" + x + ", " + y + ")",
      "max(" + x + ", " + y + ")",
  };
}

// Constructs × a value of each storage class × column kinds, both ways
// round, and column × column.
TEST(Types, MixedClassGrid) {
  Pair p(Name());
  p.Same(kGrid);
  const std::vector<std::string> literals = {"NULL", "7", "7.0", "'7'", "x'37'"};
  const std::vector<std::string> columns = {"u", "i", "r", "t"};
  std::vector<std::string> cases;
  auto add = [&](const std::string& x, const std::string& y) {
    for (const std::string& e : Constructs(x, y)) {
      cases.push_back("SELECT id, " + e + ", typeof(" + e + ") FROM g ORDER BY id");
    }
  };
  for (const std::string& c : columns) {
    for (const std::string& l : literals) {
      add(c, l);
      add(l, c);
    }
    for (const std::string& d : columns) add(c, d);
  }
  for (const std::string& l : literals) {
    for (const std::string& m : literals) add(l, m);
  }
  p.Same(cases);
}

// What a program does with the chosen value next: reads it, compares it,
// sorts and groups by it, computes with it.
TEST(Types, MixedClassUses) {
  Pair p(Name());
  p.Same(kGrid);
  p.Same({
      // The cases.
      "SELECT id, coalesce(r, -1), typeof(coalesce(r, -1)) FROM g ORDER BY id",
      "SELECT id, ifnull(i, '') FROM g ORDER BY id",
      "SELECT id, CASE WHEN id = 2 THEN t ELSE id END FROM g ORDER BY id",
      "SELECT id, CASE WHEN t IS NULL THEN 'none' ELSE t END FROM g ORDER BY id",
      "SELECT id, iif(i > 5, 'big', i) FROM g ORDER BY id",
      "SELECT id, max(u, id), min(t, id), max(r, i), min(r, i) FROM g ORDER BY id",
      "SELECT id, nullif(i, 'x'), nullif(r, i), nullif(t, 3) FROM g ORDER BY id",
      // Used further.
      "SELECT id FROM g WHERE coalesce(r, -1) = -1 ORDER BY id",
      "SELECT id FROM g WHERE ifnull(t, 0) > 3 ORDER BY id",
      "SELECT id, coalesce(r, -1) + 1, coalesce(r, -1) * 2 FROM g ORDER BY id",
      "SELECT coalesce(r, 'none') AS v, count(*) FROM g GROUP BY v ORDER BY v",
      "SELECT id, ifnull(t, i) AS v FROM g ORDER BY v, id",
      "SELECT id, length(ifnull(t, i)), upper(ifnull(r, 'x')) FROM g ORDER BY id",
      "SELECT id, coalesce(r, -1) || '!' FROM g ORDER BY id",
      "SELECT id, CASE WHEN id > 3 THEN coalesce(r, 0) ELSE t END FROM g ORDER BY id",
      "SELECT id, CASE WHEN i > 0 THEN 1 WHEN i < 0 THEN -1.5 ELSE 'zero' END FROM g "
      "ORDER BY id",
      // CASE x WHEN ... of mixed classes compares as x = value does.
      "SELECT id, CASE t WHEN 3 THEN 'three' WHEN 'abc' THEN 'letters' ELSE 'other' END "
      "FROM g ORDER BY id",
      "SELECT id, CASE i WHEN '3' THEN 'three' WHEN 10 THEN 'ten' END FROM g ORDER BY id",
      // Same classes keep their server type (the fast path).
      "SELECT id, coalesce(i, 0), typeof(coalesce(i, 0)) FROM g ORDER BY id",
      "SELECT id, coalesce(t, 'none'), coalesce(r, 0.5) FROM g ORDER BY id",
      "SELECT id, max(i, 5), min(r, 1.5) FROM g ORDER BY id",
      // A NULL among the arguments of scalar min/max.
      "SELECT max(1, NULL, 'a'), min(x'00', 2, 'b'), max(1, 1.0), min(1, 1.0)",
      "SELECT typeof(max(1, 1.0)), typeof(min(1, 1.0)), max(2, '10'), min(2.5, 'a', 3)",
      // Wrong numbers of arguments fail as SQLite's.
      "SELECT nullif(1)",
      "SELECT ifnull(1, 2, 3)",
      "SELECT iif(1, 2)",
  });
}

// Numbers kept as text, as after the shell's .import of a CSV.
const std::vector<std::string> kText = {
    "CREATE TABLE n (id INTEGER PRIMARY KEY, q TEXT, k INTEGER)",
    "INSERT INTO n (q, k) VALUES ('3', 1), ('4.5', 1), ('10', 2), (' 7', 2), ('1e3', 3), "
    "('abc', 3), ('', 4), ('12abc', 4), (NULL, 5), ('-2', 5), ('3.0', 6), ('.5', 6), "
    "('5.', 7), ('1e', 7)",
};

TEST(Types, TextNumberArithmetic) {
  Pair p(Name());
  p.Same(kText);
  std::vector<std::string> cases;
  const std::vector<std::string> ops = {"+", "-", "*", "/", "%"};
  const std::vector<std::string> others = {"2", "2.5", "0", "k", "q"};
  for (const std::string& op : ops) {
    for (const std::string& o : others) {
      for (const std::string& e : {"q " + op + " " + o, o + " " + op + " q"}) {
        cases.push_back("SELECT id, " + e + ", typeof(" + e + ") FROM n ORDER BY id");
      }
    }
  }
  for (const std::string& e :
       {std::string("-q"), std::string("abs(q)"), std::string("round(q)"),
        std::string("round(q, 1)"), std::string("q + 0 > 4"), std::string("q > 5"),
        std::string("q = 10"), std::string("q < 4.5"), std::string("5 < q"),
        std::string("q BETWEEN 3 AND 10"), std::string("q IN (3, 10, '4.5')"), std::string("q = k"),
        std::string("q > k")}) {
    cases.push_back("SELECT id, " + e + ", typeof(" + e + ") FROM n ORDER BY id");
  }
  p.Same(cases);
}

TEST(Types, TextNumberAggregates) {
  Pair p(Name());
  p.Same(kText);
  p.Same({
      "SELECT sum(q), typeof(sum(q)), avg(q), total(q), min(q), max(q) FROM n",
      "SELECT k, sum(q), typeof(sum(q)), avg(q), total(q), min(q), max(q), count(q) "
      "FROM n GROUP BY k ORDER BY k",
      "SELECT sum(q), typeof(sum(q)) FROM n WHERE q IN ('3', '10', ' 7', '-2')",
      "SELECT sum(q), avg(q), total(q) FROM n WHERE id > 100",
      "SELECT total(q * 2), sum(q / 2), avg(-q) FROM n",
      "SELECT k, sum(q) AS s FROM n GROUP BY k HAVING sum(q) > 5 ORDER BY s",
      "SELECT id, q FROM n ORDER BY q + 0, id",
      "SELECT id FROM n WHERE q * 1 > 4 ORDER BY id",
  });
}

// The shell's .import makes every column TEXT; the reports that follow.
TEST(Types, ImportedCsvReport) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE sales (\"region\" TEXT, \"qty\" TEXT, \"price\" TEXT)",
      "INSERT INTO sales VALUES ('north', '3', '2.50'), ('south', '10', '1.25'), "
      "('north', '4', '10'), ('east', '', 'n/a')",
      "SELECT region, sum(qty), sum(qty * price), avg(price) FROM sales GROUP BY region "
      "ORDER BY region",
      "SELECT region, qty * 2, qty + 1, price / 2, qty % 3 FROM sales ORDER BY rowid",
      "SELECT region, ifnull(nullif(qty, ''), 0) FROM sales ORDER BY rowid",
      "SELECT region, max(qty), min(price), total(price) FROM sales GROUP BY region "
      "ORDER BY 1",
  });
}

}  // namespace
}  // namespace litelift::test
