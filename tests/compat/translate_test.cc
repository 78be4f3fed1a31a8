// {SQLite, PostgreSQL} pairs, one table per rewrite rule of the translator.

#include "libsqlite3-compat/sql/translate.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "libsqlite3-compat/sql/functions.h"
#include "libsqlite3-compat/sql/tokenizer.h"

namespace litelift::compat::sql {
namespace {

const std::set<std::string> kKeywords = {
    "SELECT",    "FROM", "WHERE",   "INSERT", "INTO", "VALUES", "AND",   "OR", "NOT",
    "NULL",      "AS",   "CAST",    "UPDATE", "SET",  "DELETE", "ORDER", "BY", "LIMIT",
    "RETURNING", "IN",   "DEFAULT", "LIKE",   "GLOB", "IS",     "JOIN",  "ON"};

Translation T(const std::string& sql) {
  static TableShape files{"Files",
                          {"path", "mtime", "size"},
                          {"TEXT", "REAL", "INT"},
                          {"path"},
                          "litelift_rowid",
                          false,
                          true,
                          {}};
  static TableShape notes{"notes", {"id", "body"}, {"INTEGER", "TEXT"}, {"id"}, "id",
                          false,   false,          {{"body"}}};
  static TableShape kv{"kv", {"k", "v"}, {"TEXT", "TEXT"}, {"k"}, "", true, false, {}};
  TranslateInput in;
  in.sql = sql;
  in.parameter_index = [](std::string_view n) { return n == ":a" ? 1 : n == "@b" ? 2 : 0; };
  in.is_keyword = [](std::string_view w) {
    std::string u(w);
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return kKeywords.count(u) != 0;
  };
  in.table = [](std::string_view n) -> const TableShape* {
    std::string l(n);
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l == "files" ? &files : l == "notes" ? &notes : l == "kv" ? &kv : nullptr;
  };
  return TranslateStatement(in);
}

struct Case {
  const char* sqlite;
  const char* postgres;
};

void ExpectPairs(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    Translation tr = T(c.sqlite);
    EXPECT_EQ(tr.error, "") << c.sqlite;
    EXPECT_EQ(tr.sql, c.postgres) << c.sqlite;
  }
}

TEST(Rule, NamesAreFoldedAndQuoted) {
  ExpectPairs({
      {"select [Weird Name], `x`, \"Y\" from T", "SELECT \"weird name\", \"x\", \"y\" FROM \"t\""},
      {"SELECT * FROM main.t", "SELECT * FROM \"t\""},
      {"SELECT t.a AS \"Mixed Alias\" FROM t", "SELECT \"t\".\"a\" AS \"Mixed Alias\" FROM \"t\""},
      {"SELECT key, value, user FROM t", "SELECT \"key\", \"value\", \"user\" FROM \"t\""},
      {"SELECT a FROM t INDEXED BY i, u NOT INDEXED WHERE a",
       "SELECT \"a\" FROM \"t\", \"u\" WHERE litelift.truth(\"a\")"},
  });
}

TEST(Rule, ParametersAreNumberedAsSqlite) {
  ExpectPairs({
      {"SELECT ?, ?, ?5, ?", "SELECT $1, $2, $5, $6"},
      {"SELECT :a, @b, :a", "SELECT $1, $2, $1"},
  });
}

TEST(Rule, LiteralsKeepTheirStorageClass) {
  ExpectPairs({
      {"SELECT x'00ff'", "SELECT '\\x00ff'::bytea"},
      {"SELECT 1.5, 1e3, .5", "SELECT 1.5::float8, 1e3::float8, .5::float8"},
      {"SELECT 0x10, 0xFFFFFFFFFFFFFFFF", "SELECT 16::int8, -1::int8"},
      {"SELECT 99999999999999999999", "SELECT 99999999999999999999::float8"},
      {"SELECT 'it''s', NULL, TRUE, FALSE", "SELECT 'it''s', NULL, 1, 0"},
      {"SELECT CURRENT_TIMESTAMP",
       "SELECT to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')"},
  });
}

TEST(Rule, OperatorsKeepSqlitesMeaning) {
  ExpectPairs({
      {"SELECT a FROM t WHERE b == 1", "SELECT \"a\" FROM \"t\" WHERE (\"b\" = 1::int8)"},
      {"SELECT a != b, a <> b FROM t",
       "SELECT ((\"a\" <> \"b\"))::int, ((\"a\" <> \"b\"))::int FROM \"t\""},
      {"SELECT a / b, a % b FROM t",
       "SELECT (\"a\" / NULLIF(\"b\", 0)), (\"a\" % NULLIF(\"b\", 0)) FROM \"t\""},
      {"SELECT a || 1 FROM t",
       "SELECT (litelift.cast_text(\"a\") || litelift.cast_text(1::int8)) FROM \"t\""},
      {"SELECT 1 + 2 * 3", "SELECT (1::int8 + (2::int8 * 3::int8))"},
      {"SELECT -a, ~a, +a FROM t", "SELECT (- \"a\"), (~ \"a\"), \"a\" FROM \"t\""},
      {"SELECT a << b FROM t", "SELECT (\"a\" << (\"b\")::int) FROM \"t\""},
      {"SELECT a IS b, a IS NOT b, a IS NULL, a NOTNULL FROM t",
       "SELECT ((\"a\" IS NOT DISTINCT FROM \"b\"))::int, ((\"a\" IS DISTINCT FROM \"b\"))::int, "
       "((\"a\" IS NULL))::int, ((\"a\" IS NOT NULL))::int FROM \"t\""},
      {"SELECT a IS NOT DISTINCT FROM b FROM t",
       "SELECT ((\"a\" IS NOT DISTINCT FROM \"b\"))::int FROM \"t\""},
      {"SELECT a FROM t WHERE a BETWEEN 1 AND 2 AND b NOT IN (1, 2)",
       "SELECT \"a\" FROM \"t\" WHERE ((\"a\" BETWEEN 1::int8 AND 2::int8) AND (\"b\" NOT IN "
       "(1::int8, 2::int8)))"},
      {"SELECT a FROM t WHERE a IN ()", "SELECT \"a\" FROM \"t\" WHERE false"},
      {"SELECT a FROM t WHERE a IN notes",
       "SELECT \"a\" FROM \"t\" WHERE (\"a\" IN (SELECT \"id\" FROM \"notes\"))"},
  });
}

// SQLite's name rules (names.h): a result column's alias or ordinal is
// its expression (ORDER BY's whole term prefers the alias, elsewhere a
// table's column wins); the server's ordinal where it is exactly that column.
TEST(Rule, AliasesAndOrdinals) {
  ExpectPairs({
      {"SELECT body, count(*) AS n FROM notes GROUP BY 1 ORDER BY n DESC",
       "SELECT \"body\", count(*) AS \"n\" FROM \"notes\" GROUP BY \"body\" ORDER BY 2 DESC "
       "NULLS LAST, \"body\" DESC NULLS LAST"},
      {"SELECT id * 2 AS d FROM notes WHERE d > 4",
       "SELECT (\"id\" * 2::int8) AS \"d\" FROM \"notes\" WHERE ((\"id\" * 2::int8) > 4::int8) "
       "ORDER BY \"notes\".\"id\""},
      {"SELECT -id AS id FROM notes ORDER BY id",
       "SELECT (- \"id\") AS \"id\" FROM \"notes\" ORDER BY 1 NULLS FIRST"},
      {"SELECT -id AS id FROM notes ORDER BY id + 1",
       "SELECT (- \"id\") AS \"id\" FROM \"notes\" ORDER BY (\"id\" + 1::int8) NULLS FIRST"},
      {"SELECT *, id + 1 AS k FROM notes ORDER BY k",
       "SELECT *, (\"id\" + 1::int8) AS \"k\" FROM \"notes\" ORDER BY (\"id\" + 1::int8) NULLS "
       "FIRST"},
  });
}

// A double-quoted name that names no column in scope is a string.
TEST(Rule, DoubleQuotedStrings) {
  ExpectPairs({
      {"SELECT \"body\", \"nosuch\", \"xmin\" FROM notes",
       "SELECT \"body\", 'nosuch', 'xmin' FROM \"notes\" ORDER BY \"notes\".\"id\""},
      {"SELECT \"it's\" FROM notes WHERE \"rowid\" = 1",
       "SELECT 'it''s' FROM \"notes\" WHERE (\"id\" = 1::int8) ORDER BY \"notes\".\"id\""},
      // A table it cannot see into: left a name.
      {"SELECT \"x\" FROM t", "SELECT \"x\" FROM \"t\""},
  });
}

TEST(Rule, LikeAndGlob) {
  ExpectPairs({
      {"SELECT a FROM t WHERE a LIKE 'x%'",
       "SELECT \"a\" FROM \"t\" WHERE (litelift.ascii_lower(\"a\") LIKE "
       "litelift.ascii_lower('x%') ESCAPE '')"},
      {"SELECT a FROM t WHERE a NOT LIKE 'x!%' ESCAPE '!'",
       "SELECT \"a\" FROM \"t\" WHERE (litelift.ascii_lower(\"a\") NOT LIKE "
       "litelift.ascii_lower('x!%') ESCAPE '!')"},
      {"SELECT a FROM t WHERE a GLOB 'x*'",
       "SELECT \"a\" FROM \"t\" WHERE (litelift.glob('x*', \"a\"))"},
      {"SELECT like('a%', b) FROM t",
       "SELECT ((litelift.ascii_lower(\"b\") LIKE litelift.ascii_lower('a%') ESCAPE ''))::int "
       "FROM \"t\""},
  });
}

// Integers are conditions where SQLite wants one; conditions are 0/1 values.
TEST(Rule, ConditionsAndValues) {
  ExpectPairs({
      {"SELECT a FROM t WHERE a", "SELECT \"a\" FROM \"t\" WHERE litelift.truth(\"a\")"},
      {"SELECT NOT a FROM t", "SELECT ((NOT litelift.truth(\"a\")))::int FROM \"t\""},
      {"SELECT a FROM t WHERE a AND NOT b",
       "SELECT \"a\" FROM \"t\" WHERE (litelift.truth(\"a\") AND (NOT litelift.truth(\"b\")))"},
      {"SELECT (a > 1) + 1 FROM t", "SELECT (((\"a\" > 1::int8))::int + 1::int8) FROM \"t\""},
      {"SELECT CASE WHEN a THEN 1 ELSE 2 END FROM t",
       "SELECT (CASE WHEN litelift.truth(\"a\") THEN 1::int8 ELSE 2::int8 END) FROM \"t\""},
      {"SELECT CASE a WHEN 1 THEN 'x' END FROM t",
       "SELECT (CASE \"a\" WHEN 1::int8 THEN 'x' END) FROM \"t\""},
      {"SELECT iif(a, 1, 2) FROM t",
       "SELECT (CASE WHEN litelift.truth(\"a\") THEN 1::int8 ELSE 2::int8 END) FROM \"t\""},
  });
}

TEST(Rule, CastGoesByAffinityAndIsLenient) {
  ExpectPairs({
      {"SELECT CAST(a AS INTEGER), CAST(b AS TEXT), CAST(c AS REAL), CAST(d AS BLOB), "
       "CAST(e AS NUMERIC), CAST(f AS VARCHAR(10)) FROM t",
       "SELECT litelift.cast_integer(\"a\"), litelift.cast_text(\"b\"), litelift.cast_real(\"c\"), "
       "litelift.cast_blob(\"d\"), litelift.cast_numeric(\"e\"), litelift.cast_text(\"f\") FROM "
       "\"t\""},
  });
}

TEST(Rule, Functions) {
  ExpectPairs({
      {"SELECT ifnull(a, 1), coalesce(a, b, 1), nullif(a, 1) FROM t",
       "SELECT coalesce(\"a\", 1::int8), coalesce(\"a\", \"b\", 1::int8), nullif(\"a\", 1::int8) "
       "FROM \"t\""},
      {"SELECT substr(a, -2), substring(a, 1, 2), length(a), instr(a, 'x') FROM t",
       "SELECT litelift.substr(\"a\", (- 2::int8)), litelift.substr(\"a\", 1::int8, 2::int8), "
       "litelift.length(\"a\"), litelift.instr(\"a\", 'x') FROM \"t\""},
      {"SELECT max(a, b), min(a, 1) FROM t",
       "SELECT (CASE WHEN num_nulls(\"a\", \"b\") > 0 THEN NULL ELSE greatest(\"a\", \"b\") END), "
       "(CASE WHEN num_nulls(\"a\", 1::int8) > 0 THEN NULL ELSE least(\"a\", 1::int8) END) FROM "
       "\"t\""},
      {"SELECT max(a) FROM t", "SELECT max(\"a\") FROM \"t\""},
      {"SELECT group_concat(a), group_concat(DISTINCT a, '; '), total(a), avg(a) FROM t",
       "SELECT string_agg(litelift.cast_text(\"a\"), ','), string_agg(DISTINCT "
       "litelift.cast_text(\"a\"), litelift.cast_text('; ')), coalesce(sum(\"a\")::float8, "
       "0::float8), avg(\"a\")::float8 FROM \"t\""},
      {"SELECT trim(a), ltrim(a, 'x'), rtrim(a), upper(a), lower(a) FROM t",
       "SELECT btrim(\"a\"), ltrim(\"a\", 'x'), rtrim(\"a\"), litelift.ascii_upper(\"a\"), "
       "litelift.ascii_lower(\"a\") FROM "
       "\"t\""},
      {"SELECT likely(a), unlikely(a), likelihood(a, 0.5) FROM t",
       "SELECT \"a\", \"a\", \"a\" FROM \"t\""},
      {"SELECT typeof(a), hex(a), quote(a), zeroblob(2), round(a, 1), sign(a) FROM t",
       "SELECT litelift.typeof(\"a\"), coalesce(litelift.hex(\"a\"), ''), litelift.quote(\"a\"), "
       "litelift.zeroblob(2::int8), litelift.round(\"a\", 1::int8), litelift.sign(\"a\") FROM "
       "\"t\""},
      {"SELECT char(72, 105), unicode(a), log2(a), pow(a, 2), ceil(a) FROM t",
       "SELECT concat(chr((72::int8)::int), chr((105::int8)::int)), ascii(\"a\"), log(2, "
       "\"a\")::float8, power(\"a\", 2::int8), litelift.ceil(\"a\") FROM \"t\""},
      {"SELECT count(*), count(DISTINCT a) FILTER (WHERE b) FROM t",
       "SELECT count(*), count(DISTINCT \"a\") FILTER (WHERE litelift.truth(\"b\")) FROM \"t\""},
      {"SELECT row_number() OVER (PARTITION BY a ORDER BY b DESC ROWS BETWEEN 1 PRECEDING AND "
       "CURRENT ROW) FROM t",
       "SELECT row_number() OVER (PARTITION BY \"a\" ORDER BY \"b\" DESC NULLS LAST ROWS BETWEEN "
       "1::int8 PRECEDING AND CURRENT ROW) FROM \"t\" ORDER BY \"a\" NULLS FIRST, \"b\" DESC NULLS "
       "LAST"},
      {"SELECT sum(a) OVER w FROM t WINDOW w AS (ORDER BY b)",
       "SELECT sum(\"a\") OVER \"w\" FROM \"t\" WINDOW \"w\" AS (ORDER BY \"b\" NULLS FIRST) "
       "ORDER BY \"b\" NULLS FIRST"},
  });
}

// A column neither grouped nor aggregated takes one row's value; with one
// min() or max(), that row's.
TEST(Rule, BareColumnsInAggregateQueries) {
  ExpectPairs({
      {"SELECT name, max(score) FROM t",
       "SELECT (array_agg(\"name\" ORDER BY \"score\" DESC NULLS LAST))[1], max(\"score\") FROM "
       "\"t\""},
      {"SELECT a, b, count(*) FROM t GROUP BY a ORDER BY b",
       "SELECT \"a\", (array_agg(\"b\"))[1], count(*) FROM \"t\" GROUP BY \"a\" ORDER BY "
       "(array_agg(\"b\"))[1] NULLS FIRST, \"a\" NULLS FIRST"},
      {"SELECT a FROM t WHERE b > 1 GROUP BY a HAVING count(*) > 1",
       "SELECT \"a\" FROM \"t\" WHERE (\"b\" > 1::int8) GROUP BY \"a\" HAVING (count(*) > "
       "1::int8) ORDER BY \"a\" NULLS FIRST"},
      {"SELECT count(*), (SELECT x FROM u) FROM t",
       "SELECT count(*), (SELECT \"x\" FROM \"u\" LIMIT 1) FROM \"t\""},
  });
}

// The connection's counters are bound after the program's parameters.
TEST(Rule, ConnectionValuesAreParameters) {
  TranslateInput in;
  in.sql = "SELECT ?, changes(), last_insert_rowid(), changes() FROM t";
  in.parameter_count = 1;
  Translation tr = TranslateStatement(in);
  EXPECT_EQ(tr.sql, "SELECT $1, $2, $3, $2 FROM \"t\"");
  EXPECT_EQ(tr.state_parameters, (std::vector<std::string>{"changes", "last_insert_rowid"}));
}

TEST(Rule, DateAndTimeFunctions) {
  ExpectPairs({
      {"SELECT date(a), datetime(a, 'unixepoch', ?), strftime('%Y', a), julianday() FROM t",
       "SELECT litelift.date(\"a\"), litelift.datetime(\"a\", ('unixepoch')::text, ($1)::text), "
       "litelift.strftime(('%Y')::text, \"a\"), litelift.julianday() FROM \"t\""},
  });
}

// A parameter compared with a TEXT column takes the column's affinity.
TEST(Rule, ComparisonAffinity) {
  ExpectPairs({
      {"SELECT size FROM files WHERE path = ? AND size > ? AND ? IN (path, 'x')",
       "SELECT \"size\" FROM \"files\" WHERE (((\"path\" = litelift.cast_text($1)) AND (\"size\" > "
       "$2)) AND ($3 IN (\"path\", 'x')))"},
      {"SELECT size FROM files WHERE path IN (?, ?) OR path BETWEEN ? AND 'z'",
       "SELECT \"size\" FROM \"files\" WHERE ((\"path\" IN (litelift.cast_text($1), "
       "litelift.cast_text($2))) OR (\"path\" BETWEEN litelift.cast_text($3) AND 'z')) ORDER BY "
       "\"files\".\"litelift_rowid\""},
  });
}

// Operands the server holds in different classes: SQLite's affinity picks
// the conversion (text beside a number column reads as a number), and its
// order of classes (numbers < text < blobs) decides the rest.
TEST(Rule, ComparisonsAcrossStorageClasses) {
  ExpectPairs({
      {"SELECT path FROM files WHERE size = '7' AND mtime < ' 2.5 ' AND size > 'x'",
       "SELECT \"path\" FROM \"files\" WHERE (((\"size\" = 7::int8) AND (\"mtime\" < "
       "'2.5'::float8)) AND (CASE WHEN \"size\" IS NULL THEN NULL ELSE (1 > 2) END)) ORDER BY "
       "\"files\".\"litelift_rowid\""},
      {"SELECT path FROM files WHERE path = 1 OR path = size",
       "SELECT \"path\" FROM \"files\" WHERE ((\"path\" = '1') OR (CASE WHEN \"path\" IS NULL OR "
       "\"size\" IS NULL THEN NULL WHEN litelift.numeric_affinity(\"path\") IS NOT NULL THEN "
       "litelift.numeric_affinity(\"path\") = \"size\" ELSE (2 = 1) END)) ORDER BY "
       "\"files\".\"litelift_rowid\""},
      {"SELECT size IS path, x'00' > path FROM files",
       "SELECT ((CASE WHEN \"size\" IS NULL OR \"path\" IS NULL THEN (\"size\" IS NULL) = "
       "(\"path\" IS NULL) WHEN litelift.numeric_affinity(\"path\") IS NOT NULL THEN \"size\" = "
       "litelift.numeric_affinity(\"path\") ELSE (1 = 2) END))::int, ((CASE WHEN \"path\" IS NULL "
       "THEN NULL ELSE (3 > 2) END))::int FROM \"files\" ORDER BY \"files\".\"litelift_rowid\""},
      {"SELECT path FROM files WHERE size IN (1, '2') AND size NOT IN ('x')",
       "SELECT \"path\" FROM \"files\" WHERE ((((\"size\" = 1::int8) OR (\"size\" = 2::int8))) AND "
       "(NOT ((CASE WHEN \"size\" IS NULL THEN NULL ELSE (1 = 2) END)))) ORDER BY "
       "\"files\".\"litelift_rowid\""},
      {"SELECT path FROM files WHERE size BETWEEN '1' AND 9 AND size IN (1, 2)",
       "SELECT \"path\" FROM \"files\" WHERE (((\"size\" >= 1::int8) AND (\"size\" <= 9::int8)) "
       "AND (\"size\" IN (1::int8, 2::int8))) ORDER BY \"files\".\"litelift_rowid\""},
  });
}

// JSON values travel as json; other values are quoted into it; what
// json_extract finds keeps its storage class in a hidden column.
TEST(Rule, JsonFunctions) {
  ExpectPairs({
      {"SELECT json_array(a, json('[1]'), json_extract(b, '$.x')) FROM t",
       "SELECT litelift.json_array(VARIADIC ARRAY[litelift.json_quote(\"a\"), "
       "litelift.json('[1]'), litelift.json_extract_json(\"b\", ('$.x')::text)]::json[]) FROM "
       "\"t\""},
      {"SELECT json_object('k', a), json_set(b, '$.y', 2) FROM t",
       "SELECT litelift.json_object(ARRAY[('k')::text]::text[], "
       "ARRAY[litelift.json_quote(\"a\")]::json[]), litelift.json_set(\"b\", "
       "ARRAY[('$.y')::text]::text[], ARRAY[litelift.json_quote(2::int8)]::json[]) FROM \"t\""},
      {"SELECT b -> '$.x', b ->> 'x' FROM t",
       "SELECT litelift.json_arrow(\"b\", '$.x'), litelift.json_arrow2(\"b\", 'x'), "
       "litelift.json_extract_type(\"b\", litelift.json_arrow_path('x')) FROM \"t\""},
      {"SELECT j.value FROM t, json_each(t.b) AS j",
       "SELECT \"j\".\"value\", (CASE \"j\".\"type\" WHEN 'integer' THEN 'integer' WHEN 'true' "
       "THEN 'integer' WHEN 'false' THEN 'integer' WHEN 'real' THEN 'real' WHEN 'null' THEN "
       "'null' ELSE 'text' END) FROM \"t\", litelift.json_each(\"t\".\"b\") AS \"j\""},
  });
  ExpectPairs({
      {"SELECT a FROM t WHERE json_extract(b, '$.n') > 5 AND b ->> 'm' = a",
       "SELECT \"a\" FROM \"t\" WHERE ((litelift.json_extract_real(\"b\", ('$.n')::text) > "
       "5::int8) "
       "AND (litelift.json_arrow2(\"b\", 'm') = \"a\"))"},
  });
  ExpectPairs({
      {"SELECT body FROM notes WHERE id IN (SELECT value FROM json_each(?))",
       "SELECT \"body\" FROM \"notes\" WHERE (\"id\" IN (SELECT "
       "litelift.whole_bigint(litelift.numeric_affinity(\"value\")) FROM litelift.json_each($1) AS "
       "\"json_each\")) ORDER BY \"notes\".\"id\""},
  });
  Translation tr = T("SELECT a, json_extract(b, '$.x') FROM t");
  EXPECT_EQ(tr.sql,
            "SELECT \"a\", litelift.json_extract(\"b\", ('$.x')::text), "
            "litelift.json_extract_type(\"b\", ('$.x')::text) FROM \"t\"");
  EXPECT_EQ(tr.classed_columns, std::vector<int>{1});
  // Inside another query the class column would change its shape: none.
  EXPECT_EQ(T("SELECT x FROM (SELECT json_extract(b, '$.x') AS x FROM t)").classed_columns,
            std::vector<int>{});
}

TEST(Rule, Printf) {
  ExpectPairs({
      {"SELECT printf('%d-%s', a, 'x'), format('%f', 1.5) FROM t",
       "SELECT litelift.printf(('%d-%s')::text, litelift.pf(\"a\"), litelift.pf('x')), "
       "litelift.printf(('%f')::text, litelift.pf(1.5::float8)) FROM \"t\""},
  });
}

TEST(Rule, OrderNullsAndLimits) {
  ExpectPairs({
      {"SELECT a FROM t ORDER BY a, b DESC, c NULLS LAST",
       "SELECT \"a\" FROM \"t\" ORDER BY \"a\" NULLS FIRST, \"b\" DESC NULLS LAST, \"c\" NULLS "
       "LAST"},
      {"SELECT a FROM t ORDER BY a COLLATE NOCASE",
       "SELECT \"a\" FROM \"t\" ORDER BY litelift.ascii_lower(\"a\") NULLS FIRST"},
      {"SELECT a FROM t WHERE a = b COLLATE NOCASE",
       "SELECT \"a\" FROM \"t\" WHERE (litelift.ascii_lower(\"a\") = litelift.ascii_lower(\"b\"))"},
      {"SELECT a FROM t LIMIT 5 OFFSET 2", "SELECT \"a\" FROM \"t\" LIMIT 5::int8 OFFSET 2::int8"},
      {"SELECT a FROM t LIMIT 2, 5", "SELECT \"a\" FROM \"t\" LIMIT 5::int8 OFFSET 2::int8"},
      {"SELECT a FROM t LIMIT -1", "SELECT \"a\" FROM \"t\" LIMIT NULL"},
      {"SELECT a FROM t LIMIT ? OFFSET ?",
       "SELECT \"a\" FROM \"t\" LIMIT litelift.limit_value($1) OFFSET litelift.offset_value($2)"},
  });
}

// SQLite 3.40's aggregates, all of them (func.c, json.c), and no others.
TEST(Rule, EveryAggregateIsKnown) {
  for (const char* name :
       {"avg", "count", "group_concat", "sum", "total", "json_group_array", "json_group_object"}) {
    EXPECT_TRUE(IsAggregateFunction(name, 1)) << name;
  }
  EXPECT_TRUE(IsAggregateFunction("max", 1));
  EXPECT_TRUE(IsAggregateFunction("min", 1));
  EXPECT_FALSE(IsAggregateFunction("max", 2));
  EXPECT_FALSE(IsAggregateFunction("min", 3));
  for (const char* name : {"json_array", "abs", "string_agg", "array_agg", "row_number"}) {
    EXPECT_FALSE(IsAggregateFunction(name, 1)) << name;
  }
  ExpectPairs({
      {"SELECT a, json_group_array(b) FROM t GROUP BY a",
       "SELECT \"a\", litelift.json_group_array(litelift.json_quote(\"b\")) FROM \"t\" GROUP BY "
       "\"a\" ORDER BY \"a\" NULLS FIRST"},
  });
}

TEST(Rule, QueriesInFull) {
  ExpectPairs({
      {"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM "
       "n",
       "WITH RECURSIVE \"n\" (\"i\") AS (SELECT 1::int8 UNION ALL SELECT (\"i\" + 1::int8) FROM "
       "\"n\" WHERE (\"i\" < 3::int8)) SELECT \"i\" FROM \"n\""},
      // SQLite needs no RECURSIVE for a common table that names itself.
      {"WITH n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n",
       "WITH RECURSIVE \"n\" (\"i\") AS (SELECT 1::int8 UNION ALL SELECT (\"i\" + 1::int8) FROM "
       "\"n\" WHERE (\"i\" < 3::int8)) SELECT \"i\" FROM \"n\""},
      {"WITH m(i) AS (SELECT 1) SELECT i FROM m",
       "WITH \"m\" (\"i\") AS (SELECT 1::int8) SELECT \"i\" FROM \"m\""},
      {"SELECT * FROM (SELECT 1)", "SELECT * FROM (SELECT 1::int8) AS \"litelift_subquery1\""},
      {"VALUES (1, 'a'), (2, 'b')", "VALUES (1::int8, 'a'), (2::int8, 'b')"},
      {"SELECT a FROM t LEFT JOIN u USING (a) WHERE EXISTS (SELECT 1 FROM v WHERE v.x = t.a)",
       "SELECT \"a\" FROM \"t\" LEFT JOIN \"u\" USING (\"a\") WHERE (EXISTS (SELECT 1::int8 FROM "
       "\"v\" WHERE (\"v\".\"x\" = \"t\".\"a\")))"},
      {"SELECT DISTINCT a FROM t GROUP BY a HAVING count(*) > 1 UNION SELECT b FROM u",
       "SELECT DISTINCT \"a\" FROM \"t\" GROUP BY \"a\" HAVING (count(*) > 1::int8) UNION SELECT "
       "\"b\" FROM \"u\" ORDER BY 1 NULLS FIRST"},
  });
}

// The rowid's names, and * over tables whose rowid the server keeps in a
// column of its own.
TEST(Rule, RowidsAndStars) {
  ExpectPairs({
      {"SELECT * FROM (files JOIN notes ON notes.id = files.size)",
       "SELECT \"files\".\"path\", \"files\".\"mtime\", \"files\".\"size\", \"notes\".\"id\", "
       "\"notes\".\"body\" FROM (\"files\" JOIN \"notes\" ON (\"notes\".\"id\" = "
       "\"files\".\"size\"))"},
      {"SELECT rowid, body FROM notes",
       "SELECT \"id\", \"body\" FROM \"notes\" ORDER BY \"notes\".\"id\""},
      {"SELECT n.oid FROM notes AS n",
       "SELECT \"n\".\"id\" FROM \"notes\" AS \"n\" ORDER BY \"n\".\"id\""},
      {"SELECT _rowid_, * FROM files",
       "SELECT \"litelift_rowid\", \"files\".\"path\", \"files\".\"mtime\", \"files\".\"size\" "
       "FROM \"files\" ORDER BY \"files\".\"litelift_rowid\""},
      {"SELECT f.* FROM files f",
       "SELECT \"f\".\"path\", \"f\".\"mtime\", \"f\".\"size\" FROM \"files\" AS \"f\" ORDER BY "
       "\"f\".\"litelift_rowid\""},
      {"SELECT * FROM notes", "SELECT * FROM \"notes\" ORDER BY \"notes\".\"id\""},
      {"SELECT * FROM files, (SELECT 1)",
       "SELECT \"files\".\"path\", \"files\".\"mtime\", \"files\".\"size\", "
       "\"litelift_subquery1\".* FROM \"files\", (SELECT 1::int8) AS \"litelift_subquery1\""},
      {"SELECT * FROM notes JOIN files USING (body)",
       "SELECT \"notes\".\"id\", \"notes\".\"body\", \"files\".\"path\", \"files\".\"mtime\", "
       "\"files\".\"size\" FROM \"notes\" JOIN \"files\" USING (\"body\")"},
  });
}

TEST(Rule, DataChanges) {
  ExpectPairs({
      {"INSERT INTO notes (body) VALUES (?)",
       "INSERT INTO \"notes\" (\"id\", \"body\") VALUES "
       "(nextval('\"litelift_seq_notes\"'::regclass), litelift.text_store($1)) RETURNING \"id\""},
      {"INSERT INTO notes DEFAULT VALUES", "INSERT INTO \"notes\" DEFAULT VALUES RETURNING \"id\""},
      {"INSERT INTO notes (body) SELECT path FROM files",
       "INSERT INTO \"notes\" (\"body\") SELECT litelift.text_store(litelift_source.c1) FROM "
       "(SELECT \"path\" FROM \"files\" ORDER BY \"files\".\"litelift_rowid\") AS litelift_source "
       "(c1) RETURNING \"id\""},
      {"INSERT OR IGNORE INTO files VALUES (?, ?, ?)",
       "INSERT INTO \"files\" (\"litelift_rowid\", \"path\", \"mtime\", \"size\") VALUES "
       "(nextval('\"litelift_seq_files\"'::regclass), litelift.text_store($1), $2, "
       "litelift.integer_store($3)) ON CONFLICT DO NOTHING RETURNING \"litelift_rowid\""},
      {"INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
       "INSERT INTO \"files\" (\"path\", \"mtime\", \"size\") VALUES (litelift.text_store($1), $2, "
       "litelift.integer_store($3)) ON CONFLICT (\"path\") DO UPDATE SET \"mtime\" = "
       "excluded.\"mtime\", \"size\" = excluded.\"size\", \"litelift_rowid\" = (SELECT "
       "max(\"litelift_rowid\") + 1 FROM \"files\") RETURNING \"litelift_rowid\""},
      {"REPLACE INTO files (path, mtime) VALUES (?, ?)",
       "INSERT INTO \"files\" (\"path\", \"mtime\") VALUES (litelift.text_store($1), $2) ON "
       "CONFLICT (\"path\") DO UPDATE SET \"mtime\" = excluded.\"mtime\", \"size\" = DEFAULT, "
       "\"litelift_rowid\" = (SELECT max(\"litelift_rowid\") + 1 FROM \"files\") RETURNING "
       "\"litelift_rowid\""},
      {"INSERT INTO notes (body) VALUES('x') RETURNING id",
       "INSERT INTO \"notes\" (\"id\", \"body\") VALUES "
       "(nextval('\"litelift_seq_notes\"'::regclass), 'x') RETURNING \"id\", \"id\""},
      {"INSERT INTO files (path, size) VALUES (?, 1) ON CONFLICT (path) DO UPDATE SET size = "
       "size + excluded.size WHERE excluded.size > 0",
       "INSERT INTO \"files\" (\"litelift_rowid\", \"path\", \"size\") VALUES "
       "(nextval('\"litelift_seq_files\"'::regclass), litelift.text_store($1), 1::int8) "
       "ON CONFLICT (\"path\") DO UPDATE SET \"size\" = (\"files\".\"size\" + "
       "\"excluded\".\"size\") WHERE (\"excluded\".\"size\" > 0::int8) RETURNING "
       "\"litelift_rowid\", (xmax = 0)"},
      {"INSERT INTO files (path) VALUES (?) ON CONFLICT DO UPDATE SET size = 0",
       "INSERT INTO \"files\" (\"litelift_rowid\", \"path\") VALUES "
       "(nextval('\"litelift_seq_files\"'::regclass), litelift.text_store($1)) ON "
       "CONFLICT (\"path\") DO UPDATE SET \"size\" = 0::int8 RETURNING \"litelift_rowid\", (xmax = "
       "0)"},
      {"UPDATE notes SET body = ?, id = id + 1 WHERE rowid = ?",
       "UPDATE \"notes\" SET \"body\" = litelift.text_store($1), \"id\" = (\"id\" + 1::int8) WHERE "
       "(\"id\" = $2)"},
      {"UPDATE OR ROLLBACK files SET size = 1 FROM notes WHERE notes.body = files.path",
       "UPDATE \"files\" SET \"size\" = 1::int8 FROM \"notes\" WHERE (\"notes\".\"body\" = "
       "\"files\".\"path\")"},
      {"DELETE FROM files WHERE rowid IN (SELECT rowid FROM files LIMIT 1)",
       "DELETE FROM \"files\" WHERE (\"litelift_rowid\" IN (SELECT \"litelift_rowid\" FROM "
       "\"files\" ORDER BY \"files\".\"litelift_rowid\" LIMIT 1::int8))"},
  });
}

// REPLACE first deletes the rows the new ones conflict with, on every key.
TEST(Translate, ReplaceDeletesConflictsOnEveryKey) {
  Translation tr = T("INSERT OR REPLACE INTO notes (id, body) VALUES (?, ?), (?, 'x')");
  EXPECT_EQ(
      tr.pre_sql,
      "DELETE FROM \"notes\" USING (VALUES (litelift.rowid_store($1), litelift.text_store($2)), "
      "(litelift.rowid_store($3), 'x')) AS litelift_new (\"id\", "
      "\"body\") WHERE set_config('litelift.replacing', 'on', true) = 'on' AND "
      "((\"notes\".\"id\") = (litelift_new.\"id\"::bigint) OR "
      "(\"notes\".\"body\") = (litelift_new.\"body\"::text))");
  EXPECT_EQ(tr.sql,
            "INSERT INTO \"notes\" (\"id\", \"body\") VALUES "
            "(litelift.rowid_take(litelift.rowid_store($1), '\"litelift_seq_notes\"'::regclass, "
            "false), litelift.text_store($2)), (litelift.rowid_take(litelift.rowid_store($3), "
            "'\"litelift_seq_notes\"'::regclass, false), 'x') RETURNING \"id\"");
  // A key whose columns are not given cannot conflict (it takes fresh
  // values): one key left, an upsert on it.
  Translation one = T("REPLACE INTO notes (body) VALUES (?)");
  EXPECT_EQ(one.pre_sql, "");
  EXPECT_EQ(
      one.sql,
      "INSERT INTO \"notes\" (\"body\") VALUES (litelift.text_store($1)) ON CONFLICT (\"body\") DO "
      "UPDATE SET \"id\" "
      "= (SELECT max(\"id\") + 1 FROM \"notes\") RETURNING \"id\"");
  EXPECT_EQ(T("INSERT INTO notes (body) VALUES (?)").pre_sql, "");
}

// What cannot be translated fails by name, never with wrong SQL.
TEST(Translate, ReportsWhatItCannotDo) {
  struct Refused {
    const char* sqlite;
    const char* error;
  } cases[] = {
      {"SELECT a FROM t WHERE a REGEXP 'x'", "no such function: REGEXP"},
      {"SELECT a FROM t WHERE a MATCH 'x'",
       "unable to use function MATCH in the requested context"},
      {"SELECT my_udf(a) FROM t", "no such function: my_udf"},
      {"SELECT a FROM aux.t", "unknown database aux"},
      {"INSERT INTO aux.t VALUES (1)", "unknown database aux"},
      {"SELECT * FROM generate_series(1, 3)", "table-valued function generate_series()"},
      {"UPDATE OR IGNORE t SET a = 1 LIMIT 1", "UPDATE OR IGNORE with FROM or LIMIT"},
      {"PRAGMA x", "cannot translate a statement starting with"},
  };
  for (const auto& c : cases) {
    Translation tr = T(c.sqlite);
    EXPECT_NE(tr.error.find(c.error), std::string::npos) << c.sqlite << " -> " << tr.error;
    EXPECT_EQ(tr.sql, "") << c.sqlite;
  }
}

// Row order (issues 11, 15): none where no program sees it, SQLite's where
// one does.
TEST(Rule, RowOrderOnlyWhereObserved) {
  ExpectPairs({
      // One row at most: a lookup by the rowid or a key.
      {"SELECT body FROM notes WHERE id = ?", "SELECT \"body\" FROM \"notes\" WHERE (\"id\" = $1)"},
      {"SELECT v FROM kv WHERE k = 'a'", "SELECT \"v\" FROM \"kv\" WHERE (\"k\" = 'a')"},
      {"SELECT v FROM kv WHERE k > 'a'",
       "SELECT \"v\" FROM \"kv\" WHERE (\"k\" > 'a') ORDER BY \"kv\".\"k\""},
      // EXISTS observes no order; a scalar subquery is its first row.
      {"SELECT EXISTS (SELECT 1 FROM kv LIMIT 1)",
       "SELECT ((EXISTS (SELECT 1::int8 FROM \"kv\" LIMIT 1::int8)))::int"},
      {"SELECT (SELECT v FROM kv)",
       "SELECT (SELECT \"v\" FROM \"kv\" ORDER BY \"kv\".\"k\" LIMIT 1)"},
      // A deduplicating compound comes sorted by its rows.
      {"SELECT k FROM kv EXCEPT SELECT v FROM kv",
       "SELECT \"k\" FROM \"kv\" EXCEPT SELECT \"v\" FROM \"kv\" ORDER BY 1 NULLS FIRST"},
      {"SELECT k FROM kv UNION ALL SELECT v FROM kv",
       "SELECT \"k\" FROM \"kv\" UNION ALL SELECT \"v\" FROM \"kv\""},
  });
}

TEST(Translate, ReturnsRowidOnlyWhenAsked) {
  EXPECT_TRUE(T("INSERT INTO notes (body) VALUES (1)").returns_rowid);
  EXPECT_FALSE(T("INSERT INTO notes (body) VALUES (1) RETURNING id").returns_rowid);
  EXPECT_TRUE(T("INSERT INTO files VALUES (1, 2, 3)").returns_rowid);  // its hidden rowid
  EXPECT_FALSE(T("INSERT INTO kv VALUES (1, 2)").returns_rowid);       // WITHOUT ROWID
}

TEST(PgTypeForDeclared, Affinity) {
  struct Case {
    const char* declared;
    const char* pg;
  } cases[] = {
      {"INTEGER", "bigint"},
      {"BIGINT", "bigint"},
      {"VARCHAR(10)", "text"},
      {"TEXT", "text"},
      {"CLOB", "text"},
      {"BLOB", "bytea"},
      {"", "jsonb"},
      {"REAL", "double precision"},
      {"DOUBLE PRECISION", "double precision"},
      {"FLOAT", "double precision"},
      {"NUMERIC", "numeric"},
      {"DECIMAL(10,2)", "numeric"},
      {"NUMBER(5)", "numeric"},
      {"JSON", "jsonb"},
      {"UUID", "jsonb"},
      {"STR", "jsonb"},
      {"BOOLEAN", "bigint"},
      {"DATETIME", "text"},
      {"DATE", "text"},
      {"TIMESTAMP", "text"},
  };
  for (const auto& c : cases) EXPECT_EQ(PgTypeForDeclared(c.declared), c.pg) << c.declared;
}

TEST(Tokenize, RoundTripsAndClassifies) {
  std::string sql =
      "SELECT 'it''s', \"q\"\"x\", [b], x'0a', 1.5e3, 0x1F, ?12, :n, -- c\n/* d */ a||b";
  std::string back;
  for (const Token& t : Tokenize(sql)) back += t.text;
  EXPECT_EQ(back, sql);
  std::vector<TokenType> types;
  for (const Token& t : Tokenize(sql)) {
    if (t.type != TokenType::kSpace) types.push_back(t.type);
  }
  std::vector<TokenType> expected = {
      TokenType::kWord,     TokenType::kString,     TokenType::kOperator, TokenType::kQuotedName,
      TokenType::kOperator, TokenType::kQuotedName, TokenType::kOperator, TokenType::kBlob,
      TokenType::kOperator, TokenType::kNumber,     TokenType::kOperator, TokenType::kNumber,
      TokenType::kOperator, TokenType::kVariable,   TokenType::kOperator, TokenType::kVariable,
      TokenType::kOperator, TokenType::kComment,    TokenType::kComment,  TokenType::kWord,
      TokenType::kOperator, TokenType::kWord};
  EXPECT_EQ(types, expected);
  std::string storage;
  EXPECT_EQ(NameText(Tokenize("\"q\"\"x\"")[0], &storage), "q\"x");
  EXPECT_EQ(Tokenize("'open")[0].type, TokenType::kIllegal);
  EXPECT_EQ(Tokenize("12abc")[0].type, TokenType::kIllegal);
}

}  // namespace
}  // namespace litelift::compat::sql
