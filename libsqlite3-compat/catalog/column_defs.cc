#include "libsqlite3-compat/catalog/column_defs.h"

#include <vector>

#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

// Words that start a table constraint, not a column definition.
bool StartsTableConstraint(const sql::Token& t) {
  return sql::IsWord(t, "CONSTRAINT") || sql::IsWord(t, "PRIMARY") || sql::IsWord(t, "UNIQUE") ||
         sql::IsWord(t, "CHECK") || sql::IsWord(t, "FOREIGN");
}

}  // namespace

std::map<std::string, ColumnClauses> ColumnClausesOf(const std::string& create_sql) {
  std::map<std::string, ColumnClauses> out;
  std::vector<sql::Token> tokens = sql::SignificantTokens(create_sql);
  size_t i = 0;
  while (i < tokens.size() && tokens[i].text != "(") ++i;
  size_t start = i + 1;  // the current definition's first token
  int depth = 0;
  std::string storage;
  auto current = [&]() -> ColumnClauses* {
    if (start >= tokens.size() || StartsTableConstraint(tokens[start])) return nullptr;
    return &out[Lower(sql::NameText(tokens[start], &storage))];
  };
  for (; i < tokens.size(); ++i) {
    const std::string_view t = tokens[i].text;
    if (t == "(") {
      if (++depth == 1) start = i + 1;
      if (depth == 2 && i > start && sql::IsWord(tokens[i - 1], "AS")) {
        // AS (expr): the expression, as written.
        size_t from = tokens[i].offset + 1;
        int inner = 0;
        for (size_t k = i; k < tokens.size(); ++k) {
          if (tokens[k].text == "(") ++inner;
          if (tokens[k].text == ")" && --inner == 0) {
            if (ColumnClauses* c = current()) {
              c->generated = create_sql.substr(from, tokens[k].offset - from);
            }
            break;
          }
        }
      }
      continue;
    }
    if (t == ")") {
      --depth;
      continue;
    }
    if (depth != 1) continue;
    if (t == ",") {
      start = i + 1;
    } else if (sql::IsWord(tokens[i], "COLLATE") && i > start && i + 1 < tokens.size()) {
      if (ColumnClauses* c = current())
        c->collation = Upper(sql::NameText(tokens[i + 1], &storage));
    }
  }
  return out;
}

std::string KeyConflictClause(const std::string& create_sql) {
  std::vector<sql::Token> tokens = sql::SignificantTokens(create_sql);
  for (size_t i = 1; i + 2 < tokens.size(); ++i) {
    if (!sql::IsWord(tokens[i], "ON") || !sql::IsWord(tokens[i + 1], "CONFLICT")) continue;
    // The clause belongs to the constraint before it: NOT NULL's is not a key's.
    if (sql::IsWord(tokens[i - 1], "NULL")) continue;
    return Upper(tokens[i + 2].text);
  }
  return "";
}

}  // namespace litelift::compat
