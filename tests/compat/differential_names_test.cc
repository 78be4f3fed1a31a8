// Everyday SQL whose meaning rests on SQLite's name rules (issue 11):
// result-column aliases and ordinals, double-quoted strings, LIKE without
// an escape character. Each rule has its table of cases; every case runs on
// the real SQLite and on the postgres route and must answer the same
// (rows, storage classes, column names, error codes and messages).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// A usage log, as a dashboard keeps one: whole tokens per model and day.
const std::vector<std::string> kUsage = {
    "CREATE TABLE usage (id INTEGER PRIMARY KEY, model TEXT, day TEXT, prompt INT, "
    "completion INT, cr INT, rebuild INT, total REAL)",
    "INSERT INTO usage (model, day, prompt, completion, cr, rebuild, total) VALUES "
    "('big', 'mon', 40000, 2000, 30000, 50000, 1.5), "
    "('big', 'tue', 70000, 9000, 60000, 45000, 2.5), "
    "('small', 'mon', 1000, 200, 10, 20, 0.25), "
    "('small', 'tue', 3000, 100, 30, 40, NULL), "
    "('mid', 'mon', 20000, 1000, 40000, 70000, 1.0), "
    "('mid', NULL, 5, 5, NULL, 1, 3.0)",
};

void RunCases(Pair& p, const std::vector<std::string>& cases) {
  p.Same(kUsage);
  p.Same(cases);
}

TEST(Names, AliasesAndOrdinals) {
  Pair p(Name());
  RunCases(p, {
                  // Ordinals.
                  "SELECT model, day, sum(prompt) FROM usage GROUP BY 1, 2 ORDER BY 1, 2",
                  "SELECT model, count(*) FROM usage GROUP BY 1 ORDER BY 2, 1",
                  "SELECT model, sum(prompt) AS p FROM usage GROUP BY 1 ORDER BY 2 DESC",
                  "SELECT upper(model), sum(prompt) FROM usage GROUP BY 1 ORDER BY 1",
                  "SELECT model || '/' || day, prompt FROM usage ORDER BY 2",
                  "SELECT model, day FROM usage ORDER BY 2 DESC, 1",
                  // An alias as the whole ORDER BY term, grouped and not.
                  "SELECT model, sum(prompt + completion) AS billable_tokens FROM usage "
                  "GROUP BY model ORDER BY billable_tokens DESC",
                  "SELECT id, prompt * 2 AS n FROM usage ORDER BY n DESC",
                  "SELECT model AS m, count(*) AS n FROM usage GROUP BY m ORDER BY n DESC, m",
                  "SELECT DISTINCT model AS m FROM usage ORDER BY m DESC",
                  "SELECT id, total AS t FROM usage ORDER BY t",
                  "SELECT model, max(total) AS top FROM usage GROUP BY model ORDER BY top",
                  // An alias inside ORDER BY and HAVING expressions.
                  "SELECT model, sum(cr) AS cr2, sum(rebuild) AS rb FROM usage GROUP BY model "
                  "HAVING (cr2 + rb) > 100000 ORDER BY model",
                  "SELECT model, sum(total) AS tot FROM usage GROUP BY model "
                  "ORDER BY tot * 2 DESC, model",
                  "SELECT id, prompt AS x FROM usage ORDER BY x % 7, id",
                  "SELECT model, count(*) AS n FROM usage GROUP BY model HAVING n > 1 "
                  "ORDER BY model",
                  // An alias in WHERE and GROUP BY (SQLite allows both).
                  "SELECT id, prompt + completion AS all_tokens FROM usage "
                  "WHERE all_tokens > 4000 ORDER BY id",
                  "SELECT substr(day, 1, 1) AS d, count(*) FROM usage GROUP BY d ORDER BY d",
                  "SELECT prompt > 10000 AS big, count(*) FROM usage GROUP BY big ORDER BY big",
                  // Precedence: ORDER BY's whole term prefers the alias...
                  "SELECT id, -prompt AS prompt FROM usage ORDER BY prompt",
                  // ... inside an expression the table's column wins ...
                  "SELECT id, -prompt AS prompt FROM usage ORDER BY prompt + 0",
                  // ... and so in WHERE, GROUP BY and HAVING.
                  "SELECT id, -prompt AS prompt FROM usage WHERE prompt > 10000 ORDER BY id",
                  "SELECT upper(model) AS model, count(*) FROM usage GROUP BY model "
                  "ORDER BY 1",
                  "SELECT model, sum(prompt) AS prompt FROM usage GROUP BY model "
                  "HAVING max(prompt) > 3000 ORDER BY model",
                  // A subquery still sees its own tables.
                  "SELECT model AS m, (SELECT count(*) FROM usage AS u WHERE u.model = m) AS c "
                  "FROM usage GROUP BY m ORDER BY c, m",
                  // Behind a *, with a collation, a window, a bare column.
                  "SELECT *, prompt * 2 AS dbl FROM usage ORDER BY dbl DESC",
                  "SELECT id, upper(model) AS m FROM usage ORDER BY m COLLATE NOCASE DESC, id",
                  "SELECT id, row_number() OVER (ORDER BY prompt) AS rn FROM usage "
                  "ORDER BY rn DESC",
                  "SELECT model, day AS d, max(total) AS top FROM usage GROUP BY model "
                  "ORDER BY d, top",
                  "SELECT model, count(*) FROM usage GROUP BY 1 HAVING count(*) > 1 ORDER BY 1",
                  // In subqueries, common tables and INSERT ... SELECT.
                  "SELECT x.m, x.n FROM (SELECT model AS m, count(*) AS n FROM usage GROUP BY 1) "
                  "AS x ORDER BY n DESC, m",
                  "WITH per AS (SELECT model AS m, sum(prompt) AS p FROM usage GROUP BY m) "
                  "SELECT m, p FROM per WHERE p > 1000 ORDER BY p",
                  "CREATE TABLE report (model TEXT, tokens INT)",
                  "INSERT INTO report SELECT model, sum(prompt) AS s FROM usage GROUP BY 1 "
                  "ORDER BY s",
                  "SELECT rowid, * FROM report ORDER BY rowid",
                  // Mistakes are SQLite's.
                  "SELECT model, count(*) AS n FROM usage WHERE n > 1 GROUP BY model",
                  "SELECT model FROM usage GROUP BY 3",
                  "SELECT model FROM usage ORDER BY 0",
              });
}

// An alias of a long chain, copied where it is used (SQLite's depth limit
// is 1000).
TEST(Names, AliasOfADeepExpression) {
  Pair p(Name());
  std::string chain = "prompt";
  for (int i = 1; i < 900; ++i) chain += " + 1";
  RunCases(p, {"SELECT id, " + chain + " AS big FROM usage WHERE big > 2000 ORDER BY big % 7, id",
               "SELECT model, sum(" + chain +
                   ") AS s FROM usage GROUP BY 1 HAVING s > 0 "
                   "ORDER BY s * 2"});
}

TEST(Names, DoubleQuotedStrings) {
  Pair p(Name());
  RunCases(p, {
                  "CREATE TABLE foo (id INTEGER PRIMARY KEY, text TEXT, n INT)",
                  "INSERT INTO foo (text) values (\"one\")",
                  "INSERT INTO foo (text, n) VALUES (\"two\", 2), ('three', \"3\")",
                  "SELECT id, text, typeof(text), n, typeof(n) FROM foo ORDER BY id",
                  "SELECT \"nosuch\", \"text\" FROM foo ORDER BY id",
                  "SELECT \"ctid\", \"xmin\", \"tableoid\", \"cmin\", \"xmax\", \"cmax\" FROM foo "
                  "ORDER BY id",
                  "SELECT id FROM foo WHERE text = \"two\"",
                  "SELECT id FROM foo WHERE n = \"2\" OR text IN (\"one\", \"nope\") ORDER BY id",
                  "UPDATE foo SET text = \"uno\" WHERE text = \"one\"",
                  "SELECT id, text FROM foo WHERE \"id\" = 1",
                  "SELECT \"model\", \"Model\", \"rowid\" FROM usage WHERE id < 3 ORDER BY id",
                  "SELECT f.id, \"x\" || f.text FROM foo AS f ORDER BY 1",
                  "SELECT s.v, \"w\" FROM (SELECT text AS v FROM foo) AS s ORDER BY 1",
                  "SELECT count(*), \"k\" FROM foo GROUP BY \"k\"",
                  "SELECT id FROM foo ORDER BY \"n\" DESC, id",
                  "WITH w AS (SELECT text AS v FROM foo) SELECT v, \"v\", \"zz\" FROM w "
                  "ORDER BY 1",
                  "SELECT id, \"n\" FROM foo WHERE id IN (SELECT \"id\" FROM usage) ORDER BY 1",
                  "INSERT INTO foo (id, text) VALUES (1, \"a\") ON CONFLICT (id) DO UPDATE "
                  "SET text = \"b\" || excluded.text",
                  "UPDATE foo SET n = \"7\" WHERE id = 1 RETURNING id, \"text\", \"r\"",
                  "DELETE FROM foo WHERE text = \"three\"",
                  "SELECT id, text FROM foo ORDER BY id",
                  // Unquoted, PostgreSQL's system columns are no columns at all.
                  "SELECT ctid FROM foo",
                  "SELECT xmin, id FROM foo",
                  "SELECT foo.tableoid FROM foo",
                  "SELECT id FROM foo WHERE cmax = 0",
              });
}

TEST(Names, LikeHasNoEscapeCharacter) {
  Pair p(Name());
  RunCases(p, {
                  "CREATE TABLE paths (id INTEGER PRIMARY KEY, p TEXT)",
                  "INSERT INTO paths (p) VALUES ('C:\\Users\\x'), ('a\\'), ('a_b'), ('a%b'), "
                  "('C:Usersx'), ('back\\\\slash'), ('ab')",
                  "SELECT id FROM paths WHERE p LIKE 'C:\\Users\\%' ORDER BY id",
                  "SELECT id FROM paths WHERE p LIKE '%\\' ORDER BY id",
                  "SELECT id FROM paths WHERE p LIKE '%\\\\%' ORDER BY id",
                  "SELECT id FROM paths WHERE p NOT LIKE '%\\%' ORDER BY id",
                  "SELECT id, p LIKE 'a\\_b', like('a\\%', p), like('%!%%', p, '!') FROM paths "
                  "ORDER BY id",
                  "SELECT id FROM paths WHERE p LIKE 'a\\%b' ESCAPE '\\' ORDER BY id",
                  "SELECT id FROM paths WHERE p GLOB '*\\' ORDER BY id",
                  "SELECT id FROM paths WHERE p GLOB 'C:\\Users\\*' ORDER BY id",
                  "SELECT id FROM paths WHERE p GLOB '*[\\]*' ORDER BY id",
                  "SELECT id, glob('*\\*', p) FROM paths ORDER BY id",
              });
}

// SQLite sorts the groups by their keys: a grouped query without ORDER BY
// lists them in key order (NULL first, numbers, text by the term's
// collation, blobs), and NOCASE keys make one group of 'a' and 'A'.
TEST(Names, GroupsInKeyOrder) {
  Pair p(Name());
  RunCases(p, {
                  "CREATE TABLE g (id INTEGER PRIMARY KEY, a, p TEXT, n INTEGER, "
                  "c TEXT COLLATE NOCASE)",
                  "INSERT INTO g VALUES (1, 1, NULL, 5, 'b'), (2, 'x', 'pp', NULL, 'A'), "
                  "(3, NULL, 'zz', 7, 'a'), (4, 2.5, 'pp', 5, 'B'), (5, x'01', 'aa', 1, 'c'), "
                  "(6, '10', 'Zz', 7, NULL)",
                  "SELECT model, count(*) FROM usage GROUP BY model",
                  "SELECT day, model, sum(prompt) FROM usage GROUP BY day, model",
                  "SELECT p, count(*) FROM g GROUP BY p",
                  "SELECT a, count(*) FROM g GROUP BY a",
                  "SELECT n, sum(id) FROM g GROUP BY n",
                  "SELECT count(*) FROM g GROUP BY c",
                  "SELECT lower(c), count(*) FROM g GROUP BY c",
                  "SELECT count(*) FROM g GROUP BY c HAVING c <> 'c'",
                  "SELECT lower(c), count(*) FROM g GROUP BY c ORDER BY c DESC",
                  "SELECT n % 2 AS k, count(*) FROM g GROUP BY k",
                  "SELECT p, n, count(*) FROM g GROUP BY 2, 1",
                  "SELECT count(*) FROM g GROUP BY 'x'",
                  "SELECT lower(p) AS lp, sum(n) FROM g GROUP BY lp HAVING sum(n) > 0",
                  "SELECT p COLLATE NOCASE AS pc, count(*) FROM g GROUP BY pc",
                  "SELECT count(*) FROM g GROUP BY c COLLATE BINARY",
                  "SELECT p FROM g GROUP BY p LIMIT 2",
                  "SELECT * FROM (SELECT p, count(*) AS k FROM g GROUP BY p) ORDER BY k DESC, p",
                  "SELECT k FROM (SELECT n AS k FROM g GROUP BY n LIMIT 3)",
              });
}

}  // namespace
}  // namespace litelift::test
