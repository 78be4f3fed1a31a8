#include "libsqlite3-compat/catalog/ddl.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "libsqlite3-compat/catalog/column_defs.h"
#include "libsqlite3-compat/catalog/foreign_keys.h"
#include "libsqlite3-compat/catalog/local_views.h"
#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/catalog/trigger.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Ident(std::string_view name) { return ServerIdent(Lower(name)); }

std::string Qualified(const std::string& schema, std::string_view name) {
  return QuoteIdent(schema) + "." + Ident(name);
}

std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* t = SQ(sqlite3_column_text)(s, col);
  return t != nullptr ? reinterpret_cast<const char*>(t) : "";
}

bool IsKeyword(std::string_view w) {
  return SQ(sqlite3_keyword_check)(w.data(), static_cast<int>(w.size())) != 0;
}

// Translates a parameterless statement of the schema (a view's SELECT, an
// expression's SELECT) to the server's form.
bool TranslateSchemaText(Shadow& shadow, const std::string& text, std::string* out,
                         std::string* error) {
  sql::TranslateInput in;
  in.sql = text;
  in.is_keyword = IsKeyword;
  in.table = [&shadow](std::string_view n) { return shadow.Table(n); };
  sql::Translation tr = sql::TranslateStatement(in);
  if (!tr.error.empty()) {
    *error = tr.error;
    return false;
  }
  *out = std::move(tr.sql);
  return true;
}

// Translates one SQLite condition over table's columns (a CHECK, an
// index's WHERE) to the server's form.
bool TranslateExpression(Shadow& shadow, const std::string& table, const std::string& expr,
                         std::string* out, std::string* error) {
  // Over the table, so that its columns' types and collations apply.
  std::string head = " FROM " + Ident(table) + " WHERE ";
  if (!TranslateSchemaText(shadow, "SELECT 1" + head + "(" + expr + ")", out, error)) return false;
  size_t from = out->find(head) + head.size();
  size_t order = out->rfind(" ORDER BY " + Ident(table) + ".");
  *out = out->substr(from, order == std::string::npos ? std::string::npos : order - from);
  return true;
}

// Translates an expression over the columns of table (an index's) to the
// server's form.
bool TranslateTableValue(Shadow& shadow, const std::string& table, const std::string& expr,
                         std::string* out, std::string* error) {
  std::string from = " FROM " + Ident(table);
  if (!TranslateSchemaText(shadow, "SELECT (" + expr + ")" + from, out, error)) return false;
  *out =
      out->substr(std::string("SELECT ").size(), out->rfind(from) - std::string("SELECT ").size());
  return true;
}

// The text of the parenthesised group that starts at tokens[open].
std::string GroupText(const std::vector<sql::Token>& tokens, std::string_view sql, size_t open,
                      size_t* close_out) {
  int depth = 0;
  for (size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].type == sql::TokenType::kOperator && tokens[i].text == "(") ++depth;
    if (tokens[i].type == sql::TokenType::kOperator && tokens[i].text == ")") {
      if (--depth == 0) {
        *close_out = i;
        size_t from = tokens[open].offset + 1;
        return std::string(sql.substr(from, tokens[i].offset - from));
      }
    }
  }
  *close_out = tokens.size();
  return "";
}

// CHECK constraints of a CREATE TABLE text: {name (or the expression, as
// SQLite names an unnamed one in its message), expression}.
std::vector<std::pair<std::string, std::string>> Checks(const std::string& create_sql) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<sql::Token> tokens = sql::SignificantTokens(create_sql);
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!sql::IsWord(tokens[i], "CHECK")) continue;
    if (tokens[i + 1].text != "(") continue;
    size_t close;
    std::string expr = GroupText(tokens, create_sql, i + 1, &close);
    std::string name = expr;
    if (i >= 2 && sql::IsWord(tokens[i - 2], "CONSTRAINT")) {
      std::string storage;
      name = std::string(sql::NameText(tokens[i - 1], &storage));
    }
    out.emplace_back(name, expr);
    i = close;
  }
  return out;
}

bool HasWord(const std::string& sql_text, std::string_view word) {
  for (const auto& t : sql::Tokenize(sql_text)) {
    if (sql::IsWord(t, word)) return true;
  }
  return false;
}

// A column's definition on the server: name, type (by affinity; an
// untyped column referencing another table takes its key's type), a
// generated column's expression (PostgreSQL 15 stores every generated
// column; reads cannot tell), NOT NULL, DEFAULT. Values of an untyped
// (jsonb) column are stored values.
bool ColumnDefinition(Shadow& shadow, const sql::TableShape& shape, const ColumnInfo& c,
                      std::string* def, std::string* error) {
  std::string type = sql::PgTypeForDeclared(c.type), storage = type;
  for (size_t k = 0; k < shape.columns.size(); ++k) {
    if (Lower(shape.columns[k]) == Lower(c.name)) {
      type = shape.ServerType(k);
      storage = shape.Storage(k);
    }
  }
  bool stored = type == "jsonb";
  *def = Ident(c.name) + " " + (type == "text" ? type + " COLLATE \"C\"" : type);
  if (!c.generated_sql.empty()) {
    std::string pg;
    if (!TranslateTableValue(shadow, shape.name, c.generated_sql, &pg, error)) return false;
    *def += " GENERATED ALWAYS AS (" + sql::StoredValueSql(pg, storage) + ") STORED";
  }
  if (c.not_null) *def += " NOT NULL";
  if (c.has_default) {
    std::string value = DefaultExpression(c.default_sql);
    *def += " DEFAULT " + (stored ? sql::StoredValueSql(value, storage) : value);
  }
  return true;
}

bool CreateTable(Shadow& shadow, const SchemaObject& o, const std::string& schema,
                 std::vector<std::string>* out, std::string* error) {
  if (Lower(o.name) == "sqlite_sequence") {
    SqliteSequenceStatements(schema, out);
    return true;
  }
  std::vector<sql::Token> head = sql::SignificantTokens(o.sql);
  if (head.size() > 1 && sql::IsWord(head[1], "VIRTUAL")) {  // CREATE VIRTUAL TABLE
    // A full-text table is nothing on the server: its shadow tables,
    // ordinary tables, hold it (pg/embedded_fts.h).
    if (IsFullTextTable(o.sql) && schema != "pg_temp") return true;
    std::string lower = Lower(o.sql);
    bool fts4 = lower.find("fts4") != std::string::npos || lower.find("fts3") != std::string::npos;
    *error = IsFullTextTable(o.sql)
                 ? "litelift: TEMP full-text (FTS) tables are not supported on the postgres route"
             : fts4 ? "litelift: FTS3/FTS4 tables are not supported on the postgres route yet "
                      "(their segment directory keeps text in an INTEGER column); use FTS5"
                    : "litelift: virtual tables are not supported on the postgres route";
    return false;
  }
  const sql::TableShape* shape = shadow.Table(o.name);
  if (shape == nullptr) {
    *error = "litelift: the shadow catalog lost table " + o.name;
    return false;
  }
  std::vector<std::string> parts;
  for (const ColumnInfo& c : ColumnsOf(shadow, o.name)) {
    std::string def;
    if (!ColumnDefinition(shadow, *shape, c, &def, error)) return false;
    parts.push_back(def);
  }
  if (shape->hidden_rowid) {
    // Named as PostgreSQL would name it, through ServerName (a long table's
    // name would be cut).
    parts.push_back(QuoteIdent(kHiddenRowidColumn) + " bigint NOT NULL CONSTRAINT " +
                    ServerIdent(Lower(o.name) + "_" + kHiddenRowidColumn + "_key") + " UNIQUE");
  }
  // A key over a column with a NOCASE or RTRIM collation is unique under
  // it: a unique index on the collated values, made after the table (named
  // as a constraint would be, so that errors name the key alike).
  std::vector<std::string> key_indexes;
  auto collated_key = [&](const std::vector<std::string>& key, const std::string& index) {
    std::string items;
    bool collated = false;
    for (const auto& c : key) {
      std::string collation;
      for (size_t k = 0; k < shape->columns.size() && k < shape->collations.size(); ++k) {
        if (Lower(shape->columns[k]) == Lower(c)) collation = shape->collations[k];
      }
      std::string item = Ident(c);
      if (collation == "NOCASE") item = "(litelift.ascii_lower(" + item + "))";
      if (collation == "RTRIM") item = "(rtrim(" + item + ", ' '))";
      collated = collated || item[0] == '(';
      items += (items.empty() ? "" : ", ") + item;
    }
    if (!collated) return false;
    key_indexes.push_back("CREATE UNIQUE INDEX " + ServerIdent(index) + " ON " +
                          Qualified(schema, o.name) + " (" + items + ")");
    return true;
  };
  if (!shape->primary_key.empty() && !collated_key(shape->primary_key, Lower(o.name) + "_pkey")) {
    std::string cols;
    for (const auto& c : shape->primary_key) cols += (cols.empty() ? "" : ", ") + Ident(c);
    if (shape->hidden_rowid) {
      // In a rowid table a PRIMARY KEY other than the rowid may hold NULLs,
      // as SQLite has always allowed: a UNIQUE constraint, named like a key
      // so that violations report SQLITE_CONSTRAINT_PRIMARYKEY.
      parts.push_back("CONSTRAINT " + ServerIdent(Lower(o.name) + "_pkey") + " UNIQUE (" + cols +
                      ")");
    } else {
      parts.push_back("CONSTRAINT " + ServerIdent(Lower(o.name) + "_pkey") + " PRIMARY KEY (" +
                      cols + ")");
    }
  }
  for (const auto& key : shape->unique_keys) {
    std::string name = Lower(o.name);
    for (const auto& c : key) name += "_" + Lower(c);
    if (collated_key(key, name + "_key")) continue;
    std::string cols;
    for (const auto& c : key) cols += (cols.empty() ? "" : ", ") + Ident(c);
    parts.push_back("UNIQUE (" + cols + ")");
  }
  for (const auto& [name, expr] : Checks(o.sql)) {
    std::string pg;
    if (!TranslateExpression(shadow, o.name, expr, &pg, error)) return false;
    parts.push_back("CONSTRAINT " + ServerIdent(name) + " CHECK (" + pg + ")");
  }
  std::string create = "CREATE TABLE " + Qualified(schema, o.name) + " (";
  for (size_t i = 0; i < parts.size(); ++i) create += (i ? ", " : "") + parts[i];
  out->push_back(create + ")");
  out->insert(out->end(), key_indexes.begin(), key_indexes.end());
  if (!shape->rowid_column.empty()) {
    RowidNumberingStatements(schema, o.name, shape->rowid_column, HasWord(o.sql, "AUTOINCREMENT"),
                             out);
  }
  ForeignKeyStatements(shadow, o.name, schema, out);
  return true;
}

// The SQL the shadow holds for a table.
std::string TableSql(Shadow& shadow, const std::string& table) {
  std::string sql;
  shadow.ForEachRow(
      "SELECT sql FROM (SELECT sql, 0 AS k FROM sqlite_temp_master WHERE type = 'table' AND "
      "name = ?1 UNION ALL SELECT sql, 1 FROM sqlite_master WHERE type = 'table' AND name = ?1) "
      "ORDER BY k LIMIT 1",
      table, [&](sqlite3_stmt* s) { sql = Text(s, 0); });
  return sql;
}

// The indexed items of a CREATE INDEX text (between ON t( and its ")"),
// each as written.
std::vector<std::string> IndexItems(const std::string& create_sql) {
  std::vector<sql::Token> tokens = sql::SignificantTokens(create_sql);
  size_t i = 0;
  while (i < tokens.size() && !sql::IsWord(tokens[i], "ON")) ++i;
  while (i < tokens.size() && tokens[i].text != "(") ++i;
  std::vector<std::string> items;
  if (i >= tokens.size()) return items;
  size_t close = 0;
  std::string group = GroupText(tokens, create_sql, i, &close);
  int depth = 0;
  size_t from = 0;
  std::vector<sql::Token> inner = sql::Tokenize(group);
  for (const sql::Token& t : inner) {
    if (t.text == "(") ++depth;
    if (t.text == ")") --depth;
    if (t.text == "," && depth == 0) {
      items.push_back(group.substr(from, t.offset - from));
      from = t.offset + 1;
    }
  }
  items.push_back(group.substr(from));
  return items;
}

// One indexed item on the server: a column or an expression, under its
// collation (its own COLLATE, else the column's), with its order.
bool IndexItem(Shadow& shadow, const std::string& table, const std::string& item, std::string* out,
               std::string* error) {
  std::vector<sql::Token> tokens = sql::SignificantTokens(item);
  size_t end = tokens.size();
  std::string order;
  if (end > 0 && (sql::IsWord(tokens[end - 1], "ASC") || sql::IsWord(tokens[end - 1], "DESC"))) {
    order = sql::IsWord(tokens[end - 1], "DESC") ? " DESC" : "";
    --end;
  }
  std::string collation, storage;
  if (end >= 2 && sql::IsWord(tokens[end - 2], "COLLATE")) {
    collation = Upper(sql::NameText(tokens[end - 1], &storage));
    end -= 2;
  }
  if (end == 0) {
    *error = "litelift: cannot read the index item " + item;
    return false;
  }
  std::string expr = item.substr(
      tokens[0].offset, tokens[end - 1].offset + tokens[end - 1].text.size() - tokens[0].offset);
  std::string pg;
  if (end == 1 &&
      (tokens[0].type == sql::TokenType::kWord || tokens[0].type == sql::TokenType::kQuotedName)) {
    std::string column(sql::NameText(tokens[0], &storage));
    pg = Ident(column);
    if (collation.empty()) {
      const sql::TableShape* shape = shadow.Table(table);
      for (size_t k = 0; shape != nullptr && k < shape->columns.size(); ++k) {
        if (Lower(shape->columns[k]) == Lower(column) && k < shape->collations.size()) {
          collation = shape->collations[k];
        }
      }
    }
  } else {
    if (!TranslateTableValue(shadow, table, expr, &pg, error)) return false;
    pg = "(" + pg + ")";
  }
  if (collation == "NOCASE") pg = "(litelift.ascii_lower(" + pg + "))";
  if (collation == "RTRIM") pg = "(rtrim(" + pg + ", ' '))";
  *out = pg + order;
  return true;
}

bool CreateIndex(Shadow& shadow, const SchemaObject& o, const std::string& schema,
                 std::vector<std::string>* out, std::string* error) {
  std::string cols;
  for (const std::string& item : IndexItems(o.sql)) {
    std::string pg;
    if (!IndexItem(shadow, o.tbl_name, item, &pg, error)) return false;
    cols += (cols.empty() ? "" : ", ") + pg;
  }
  std::string where;
  std::vector<sql::Token> tokens = sql::SignificantTokens(o.sql);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (sql::IsWord(tokens[i], "WHERE")) {
      std::string pg;
      if (!TranslateExpression(shadow, o.tbl_name, o.sql.substr(tokens[i].offset + 5), &pg,
                               error)) {
        return false;
      }
      where = " WHERE " + pg;
      break;
    }
  }
  out->push_back(std::string("CREATE ") + (HasWord(o.sql, "UNIQUE") ? "UNIQUE " : "") + "INDEX " +
                 Ident(o.name) + " ON " + Qualified(schema, o.tbl_name) + " (" + cols + ")" +
                 where);
  return true;
}

bool CreateView(Shadow& shadow, const SchemaObject& o, const std::string& schema,
                std::vector<std::string>* out, std::string* error) {
  // One that calls the program's function stays in the shadow and the
  // catalog; the embedded engine reads it (local_views.h). (Not yet for
  // an attached database's: the engine makes views of main and temp.)
  std::string db = o.temp ? "temp" : o.db;
  if ((db == "main" || db == "temp") && !LocalViewReason(shadow, db, o.name).empty()) return true;
  std::vector<sql::Token> tokens = sql::SignificantTokens(o.sql);
  // CREATE [TEMP] VIEW [IF NOT EXISTS] [schema.]name [(cols)] AS select
  size_t i = sql::CreatedNameIndex(tokens) + 1;  // after the name
  std::string columns;
  if (i < tokens.size() && tokens[i].text == "(") {
    size_t close;
    std::string list = GroupText(tokens, o.sql, i, &close);
    std::string storage;
    for (const auto& t : sql::Tokenize(list)) {
      if (t.type == sql::TokenType::kWord || t.type == sql::TokenType::kQuotedName) {
        columns += (columns.empty() ? "" : ", ") + Ident(sql::NameText(t, &storage));
      }
    }
    i = close + 1;
  }
  if (i >= tokens.size() || !sql::IsWord(tokens[i], "AS")) {
    *error = "litelift: cannot read the view " + o.name;
    return false;
  }
  std::string select;
  if (!TranslateSchemaText(shadow, o.sql.substr(tokens[i].offset + 2), &select, error)) {
    return false;
  }
  out->push_back("CREATE VIEW " + Qualified(schema, o.name) +
                 (columns.empty() ? "" : " (" + columns + ")") + " AS " + select);
  return true;
}

}  // namespace

void RestoreViews(Shadow& shadow, const std::vector<std::string>& tables, const std::string& schema,
                  std::vector<std::string>* out) {
  std::vector<std::string> touched;
  for (const auto& t : tables) touched.push_back(Lower(t));
  std::vector<SchemaObject> views, triggers;
  shadow.ForEachRow(
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
      "ORDER BY rowid",
      "", [&](sqlite3_stmt* s) {
        SchemaObject o{Text(s, 0), Text(s, 1), Text(s, 2), Text(s, 3)};
        (o.type == "view" ? views : triggers).push_back(o);
      });
  for (const SchemaObject& view : views) {
    bool uses = false;
    std::string storage;
    for (const auto& t : sql::SignificantTokens(view.sql)) {
      if (t.type != sql::TokenType::kWord && t.type != sql::TokenType::kQuotedName) continue;
      std::string word = Lower(sql::NameText(t, &storage));
      uses = uses || std::find(touched.begin(), touched.end(), word) != touched.end();
    }
    if (!uses) continue;
    touched.push_back(Lower(view.name));
    std::vector<std::string> make;
    std::string error;
    if (!CreateStatements(shadow, view, schema, &make, &error) || make.empty()) continue;
    for (const SchemaObject& trig : triggers) {
      if (Lower(trig.tbl_name) == Lower(view.name))
        CreateStatements(shadow, trig, schema, &make, &error);
    }
    // Only when missing, and only when it can be made (its tables may be
    // gone still).
    std::string body;
    for (const auto& m : make) body += "EXECUTE " + QuoteLiteral(m) + "; ";
    // (Its own dollar quote: the statements hold $litelift$ ones.)
    out->push_back("DO $litelift_restore$ BEGIN IF to_regclass(" +
                   QuoteLiteral(Qualified(schema, view.name)) + ") IS NULL THEN " + body +
                   "END IF; EXCEPTION WHEN undefined_table OR undefined_column OR "
                   "undefined_function THEN NULL; END $litelift_restore$");
  }
}

std::vector<ColumnInfo> ColumnsOf(Shadow& shadow, const std::string& table) {
  std::vector<ColumnInfo> cols;
  sqlite3_stmt* s = nullptr;
  if (SQ(sqlite3_prepare_v2)(shadow.db(),
                             "SELECT name, type, \"notnull\", dflt_value, hidden FROM "
                             "pragma_table_xinfo(?1) WHERE hidden IN (0, 2, 3) ORDER BY cid",
                             -1, &s, nullptr) != SQLITE_OK) {
    return cols;
  }
  std::map<std::string, ColumnClauses> clauses;
  bool read_clauses = false;
  SQ(sqlite3_bind_text)(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  while (SQ(sqlite3_step)(s) == SQLITE_ROW) {
    ColumnInfo c;
    c.name = Text(s, 0);
    c.type = Text(s, 1);
    c.not_null = SQ(sqlite3_column_int)(s, 2) != 0;
    c.has_default = SQ(sqlite3_column_type)(s, 3) != SQLITE_NULL;
    c.default_sql = Text(s, 3);
    if (SQ(sqlite3_column_int)(s, 4) != 0) {
      if (!read_clauses) clauses = ColumnClausesOf(TableSql(shadow, table));
      read_clauses = true;
      c.generated_sql = clauses[Lower(c.name)].generated;
    }
    cols.push_back(c);
  }
  SQ(sqlite3_finalize)(s);
  return cols;
}

std::string CheckName(Shadow& shadow, const std::string& table, const std::string& server_name) {
  for (const auto& check : Checks(TableSql(shadow, table))) {
    if (ServerName(check.first) == server_name) return check.first;
  }
  return server_name;
}

std::string DefaultExpression(const std::string& d) {
  std::string u = d;
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // SQLite's text forms of the current moment, in UTC.
  if (u == "CURRENT_TIMESTAMP") return "to_char(timezone('UTC', now()), 'YYYY-MM-DD HH24:MI:SS')";
  if (u == "CURRENT_DATE") return "to_char(timezone('UTC', now()), 'YYYY-MM-DD')";
  if (u == "CURRENT_TIME") return "to_char(timezone('UTC', now()), 'HH24:MI:SS')";
  if (u == "TRUE") return "1";
  if (u == "FALSE") return "0";
  std::vector<sql::Token> tokens;
  for (const auto& t : sql::Tokenize(d)) {
    if (t.type != sql::TokenType::kSpace) tokens.push_back(t);
  }
  if (tokens.size() == 1 && tokens[0].type == sql::TokenType::kBlob) {
    return "'\\x" + std::string(tokens[0].text.substr(2, tokens[0].text.size() - 3)) + "'::bytea";
  }
  if (tokens.size() == 1 && tokens[0].type == sql::TokenType::kQuotedName) {
    std::string storage;  // SQLite reads DEFAULT "x" as the string 'x'
    return QuoteLiteral(sql::NameText(tokens[0], &storage));
  }
  return d;  // numbers, strings, and parenthesised expressions as written
}

bool CreateStatements(Shadow& shadow, const SchemaObject& object, const std::string& schema,
                      std::vector<std::string>* out, std::string* error) {
  if (object.type == "table") return CreateTable(shadow, object, schema, out, error);
  if (object.type == "index") {
    if (object.sql.empty()) return true;  // made by its table's constraints
    return CreateIndex(shadow, object, schema, out, error);
  }
  if (object.type == "view") return CreateView(shadow, object, schema, out, error);
  if (object.type == "trigger") {
    // One that writes a full-text table runs in the embedded engine
    // (pg/embedded_fts.h): the server, which has no such table, gets none.
    bool writes_fts = false;
    shadow.ForEachRow(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE "
        "VIRTUAL%'",
        "", [&](sqlite3_stmt* s) {
          if (!IsFullTextTable(Text(s, 1))) return;
          std::string storage;
          for (const sql::Token& t : sql::SignificantTokens(object.sql)) {
            if (t.type != sql::TokenType::kOperator &&
                Lower(sql::NameText(t, &storage)) == Lower(Text(s, 0))) {
              writes_fts = true;
            }
          }
        });
    if (writes_fts && !object.temp) return true;
    return CreateTrigger(shadow, object, schema, out, error);
  }
  *error = "litelift: CREATE " + object.type + " is not supported on the postgres route yet";
  return false;
}

bool IsFullTextTable(const std::string& create_sql) {
  std::vector<sql::Token> t = sql::SignificantTokens(create_sql);
  if (t.size() < 3 || !sql::IsWord(t[0], "CREATE") || !sql::IsWord(t[1], "VIRTUAL")) return false;
  for (size_t i = 2; i + 1 < t.size(); ++i) {
    if (!sql::IsWord(t[i], "USING")) continue;
    return sql::IsWord(t[i + 1], "fts5") || sql::IsWord(t[i + 1], "fts5vocab");
  }
  return false;
}

void DropStatements(const SchemaObject& object, const std::string& schema,
                    std::vector<std::string>* out) {
  if (object.type == "table" && IsFullTextTable(object.sql)) return;  // its shadow tables go
  if (object.type == "table") {
    DropForeignKeys(object.name, schema, out);
    // SQLite keeps the views over a dropped table (they fail until it is
    // made anew); PostgreSQL drops them with it.
    out->push_back("DROP TABLE IF EXISTS " + Qualified(schema, object.name) + " CASCADE");
    RowidNumberingGone(schema, object.name, "", HasWord(object.sql, "AUTOINCREMENT"), out);
  } else if (object.type == "index" && !object.sql.empty()) {
    out->push_back("DROP INDEX IF EXISTS " + Qualified(schema, object.name));
  } else if (object.type == "view") {
    out->push_back("DROP VIEW IF EXISTS " + Qualified(schema, object.name));
  } else if (object.type == "trigger") {
    DropTrigger(object, schema, out);
  }
}

bool AlterStatements(Shadow& shadow, const std::string& old_name,
                     const std::vector<ColumnInfo>& before, const std::string& new_name,
                     const std::string& schema, std::vector<std::string>* out, std::string* error) {
  std::string table = Qualified(schema, old_name);
  if (Lower(old_name) != Lower(new_name)) {
    out->push_back("ALTER TABLE " + table + " RENAME TO " + Ident(new_name));
    table = Qualified(schema, new_name);
    // The key's names follow the table's (errors and NumberAgain read them;
    // a new table of the old name needs them free).
    for (std::string suffix :
         {std::string("_pkey"), "_" + std::string(kHiddenRowidColumn) + "_key"}) {
      out->push_back("ALTER INDEX IF EXISTS " + QuoteIdent(schema) + "." +
                     ServerIdent(Lower(old_name) + suffix) + " RENAME TO " +
                     ServerIdent(Lower(new_name) + suffix));
    }
  }
  std::vector<ColumnInfo> after = ColumnsOf(shadow, new_name);
  // The rowid numbering names its table and column: made anew.
  RowidNumberingGone(schema, old_name, new_name,
                     HasWord(TableSql(shadow, new_name), "AUTOINCREMENT"), out);
  shadow.Invalidate();
  const sql::TableShape* shape = shadow.Table(new_name);
  std::vector<std::string> trigger;
  if (shape != nullptr && !shape->rowid_column.empty()) {
    RowidNumberingStatements(schema, shape->name, shape->rowid_column,
                             HasWord(TableSql(shadow, shape->name), "AUTOINCREMENT"), &trigger);
  }
  // Foreign keys: made anew under the table's new name and columns.
  if (Lower(old_name) != Lower(new_name)) DropForeignKeys(old_name, schema, out);
  ForeignKeyStatements(shadow, new_name, schema, &trigger);
  struct Append {
    std::vector<std::string>* out;
    std::vector<std::string> tail;
    ~Append() { out->insert(out->end(), tail.begin(), tail.end()); }
  } append{out, trigger};
  auto has = [](const std::vector<ColumnInfo>& cols, const std::string& name) {
    return std::any_of(cols.begin(), cols.end(),
                       [&](const ColumnInfo& c) { return Lower(c.name) == Lower(name); });
  };
  std::vector<const ColumnInfo*> added, dropped;
  for (const auto& c : after) {
    if (!has(before, c.name)) added.push_back(&c);
  }
  for (const auto& c : before) {
    if (!has(after, c.name)) dropped.push_back(&c);
  }
  if (added.size() == 1 && dropped.size() == 1 && after.size() == before.size()) {
    out->push_back("ALTER TABLE " + table + " RENAME COLUMN " + Ident(dropped[0]->name) + " TO " +
                   Ident(added[0]->name));
    return true;
  }
  for (const ColumnInfo* c : dropped) {
    out->push_back("ALTER TABLE " + table + " DROP COLUMN " + Ident(c->name));
  }
  for (const ColumnInfo* c : added) {
    std::string def;
    if (shape == nullptr || !ColumnDefinition(shadow, *shape, *c, &def, error)) return false;
    out->push_back("ALTER TABLE " + table + " ADD COLUMN " + def);
  }
  return true;
}

}  // namespace litelift::compat
