// {SQLite, PostgreSQL} pairs for each rewrite the translator makes so far.

#include "libsqlite3-compat/sql/translate.h"

#include <gtest/gtest.h>

#include <set>

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

TEST(Translate, Pairs) {
  struct Case {
    const char* sqlite;
    const char* postgres;
  } cases[] = {
      {"SELECT a FROM t WHERE b == 1", "SELECT \"a\" FROM \"t\" WHERE \"b\" = 1"},
      {"select [Weird Name], `x`, \"Y\" from T", "select \"weird name\", \"x\", \"y\" from \"t\""},
      {"SELECT * FROM main.t", "SELECT * FROM \"t\""},
      {"SELECT ?, ?, ?5, ?", "SELECT $1, $2, $5, $6"},
      {"SELECT :a, @b", "SELECT $1, $2"},
      {"SELECT x'00ff'", "SELECT '\\x00ff'::bytea"},
      {"SELECT count(*) FROM t", "SELECT count(*) FROM \"t\""},
      {"SELECT CAST(a AS INTEGER), CAST(b AS TEXT) FROM t",
       "SELECT CAST(\"a\" AS bigint), CAST(\"b\" AS text) FROM \"t\""},
      {"SELECT a FROM t WHERE a LIKE 'x%'", "SELECT \"a\" FROM \"t\" WHERE \"a\" ILIKE 'x%'"},
      {"SELECT rowid, body FROM notes", "SELECT \"id\", \"body\" FROM \"notes\""},
      {"SELECT CURRENT_TIMESTAMP",
       "SELECT to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')"},
      {"INSERT INTO notes (body) VALUES (?)",
       "INSERT INTO \"notes\" (\"body\") VALUES($1) RETURNING \"id\""},
      {"INSERT OR IGNORE INTO files VALUES (?, ?, ?)",
       "INSERT INTO \"files\" (\"path\", \"mtime\", \"size\") VALUES($1, $2, $3) ON CONFLICT DO "
       "NOTHING RETURNING \"litelift_rowid\""},
      {"INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
       "INSERT INTO \"files\" (\"path\", \"mtime\", \"size\") VALUES($1, $2, $3) ON CONFLICT "
       "(\"path\") DO UPDATE SET \"mtime\" = excluded.\"mtime\", \"size\" = excluded.\"size\", "
       "\"litelift_rowid\" = (SELECT max(\"litelift_rowid\") + 1 FROM \"files\") RETURNING "
       "\"litelift_rowid\""},
      {"REPLACE INTO files (path, mtime) VALUES (?, ?)",
       "INSERT INTO \"files\" (\"path\", \"mtime\") VALUES($1, $2) ON CONFLICT (\"path\") DO "
       "UPDATE SET \"mtime\" = excluded.\"mtime\", \"size\" = DEFAULT, \"litelift_rowid\" = "
       "(SELECT max(\"litelift_rowid\") + 1 FROM \"files\") RETURNING \"litelift_rowid\""},
      {"INSERT INTO notes (body) VALUES('x') RETURNING id",
       "INSERT INTO \"notes\" (\"body\") VALUES('x') RETURNING \"id\""},
  };
  for (const auto& c : cases) {
    Translation tr = T(c.sqlite);
    EXPECT_EQ(tr.error, "") << c.sqlite;
    EXPECT_EQ(tr.sql, c.postgres) << c.sqlite;
  }
}

// REPLACE first deletes the rows the new ones conflict with, on every key.
TEST(Translate, ReplaceDeletesConflictsOnEveryKey) {
  Translation tr = T("INSERT OR REPLACE INTO notes (id, body) VALUES (?, ?), (?, 'x')");
  EXPECT_EQ(tr.pre_sql,
            "DELETE FROM \"notes\" USING (VALUES($1, $2), ($3, 'x')) AS litelift_new (\"id\", "
            "\"body\") WHERE (\"notes\".\"id\") = (litelift_new.\"id\"::bigint) OR "
            "(\"notes\".\"body\") = (litelift_new.\"body\"::text)");
  EXPECT_EQ(tr.sql,
            "INSERT INTO \"notes\" (\"id\", \"body\") VALUES($1, $2), ($3, 'x') RETURNING \"id\"");
  // A key whose columns are not given cannot conflict (it takes fresh
  // values): one key left, an upsert on it.
  Translation one = T("REPLACE INTO notes (body) VALUES (?)");
  EXPECT_EQ(one.pre_sql, "");
  EXPECT_EQ(
      one.sql,
      "INSERT INTO \"notes\" (\"body\") VALUES($1) ON CONFLICT (\"body\") DO UPDATE SET \"id\" "
      "= (SELECT max(\"id\") + 1 FROM \"notes\") RETURNING \"id\"");
  EXPECT_EQ(T("INSERT INTO notes (body) VALUES (?)").pre_sql, "");
}

TEST(Translate, ReportsWhatItCannotDo) {
  EXPECT_NE(T("SELECT a FROM t WHERE a GLOB 'x*'").error.find("GLOB"), std::string::npos);
  EXPECT_NE(T("SELECT a FROM t WHERE a REGEXP 'x'").error.find("REGEXP"), std::string::npos);
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
      {"", "text"},
      {"REAL", "double precision"},
      {"DOUBLE PRECISION", "double precision"},
      {"FLOAT", "double precision"},
      {"NUMERIC", "numeric"},
      {"DECIMAL(10,2)", "numeric"},
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
