#include "libsqlite3-compat/catalog/shadow.h"

#include <algorithm>
#include <cctype>

#include "libsqlite3-compat/catalog/column_defs.h"
#include "libsqlite3-compat/catalog/foreign_keys.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* t = SQ(sqlite3_column_text)(s, col);
  return t != nullptr ? reinterpret_cast<const char*>(t) : "";
}

// Runs a query with one text parameter, calling row(stmt) per row.
template <typename Row>
void Query(sqlite3* db, const char* sql, const std::string& arg, Row row) {
  sqlite3_stmt* s = nullptr;
  if (SQ(sqlite3_prepare_v2)(db, sql, -1, &s, nullptr) != SQLITE_OK) return;
  if (!arg.empty()) SQ(sqlite3_bind_text)(s, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  while (SQ(sqlite3_step)(s) == SQLITE_ROW) row(s);
  SQ(sqlite3_finalize)(s);
}

}  // namespace

std::string ColumnText(sqlite3_stmt* stmt, int col) { return Text(stmt, col); }

void Shadow::ForEachRow(const std::string& sql, const std::string& arg,
                        const std::function<void(sqlite3_stmt*)>& row) const {
  Query(db_, sql.c_str(), arg, row);
}

Shadow::~Shadow() { Close(); }

void Shadow::Close() {
  if (db_ != nullptr) SQ(sqlite3_close_v2)(db_);
  db_ = nullptr;
  Invalidate();
}

bool Shadow::Open(std::string* error) {
  Invalidate();
  int rc =
      SQ(sqlite3_open_v2)(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    *error = "litelift: cannot open the shadow catalog";
    return false;
  }
  SQ(sqlite3_extended_result_codes)(db_, 1);
  return true;
}

bool Shadow::Load(const std::vector<SchemaObject>& objects, std::string* error) {
  Invalidate();
  // Start from an empty schema: drop what is there (views and triggers go
  // with their tables).
  std::vector<std::string> drops;
  Query(db_,
        "SELECT type, name FROM sqlite_master WHERE type IN ('table','view')"
        " AND name NOT LIKE 'sqlite_%'",
        "", [&](sqlite3_stmt* s) {
          drops.push_back("DROP " + Text(s, 0) + " IF EXISTS \"" + Text(s, 1) + "\"");
        });
  for (const auto& d : drops) SQ(sqlite3_exec)(db_, d.c_str(), nullptr, nullptr, nullptr);
  for (const SchemaObject& o : objects) {
    if (o.sql.empty()) continue;  // automatic indexes come with their tables
    // A full-text table's shadow tables come with it (its xCreate made
    // them, as SQLite's did): the same text is not run twice.
    bool made = false;
    Query(db_, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", o.name,
          [&](sqlite3_stmt* s) { made = Text(s, 0) == o.sql; });
    if (made && o.type == "table") continue;
    if (!ApplyStoredObject(db_, o, o.sql, error)) return false;
  }
  return true;
}

bool ApplyStoredObject(sqlite3* db, const SchemaObject& o, const std::string& sql,
                       std::string* error) {
  // The shape first, by tokens: CREATE, the modifiers o's kind allows, the
  // kind's keyword, then o's own name.
  std::vector<sql::Token> tok = sql::SignificantTokens(sql);
  std::string type = Lower(o.type);
  size_t i = 1;
  bool shape = !tok.empty() && sql::IsWord(tok[0], "CREATE");
  if (shape && i < tok.size()) {
    bool temp_ok = type == "table" || type == "view" || type == "trigger";
    if (temp_ok && (sql::IsWord(tok[i], "TEMP") || sql::IsWord(tok[i], "TEMPORARY"))) {
      ++i;
    } else if ((type == "index" && sql::IsWord(tok[i], "UNIQUE")) ||
               (type == "table" && sql::IsWord(tok[i], "VIRTUAL"))) {
      ++i;
    }
  }
  shape = shape && i < tok.size() &&
          (type == "table" || type == "index" || type == "view" || type == "trigger") &&
          sql::IsWord(tok[i], type);
  size_t at = shape ? sql::CreatedNameIndex(tok) : tok.size();
  std::string storage;
  if (at < tok.size() && tok[at].type == sql::TokenType::kString) {
    tok[at].type = sql::TokenType::kQuotedName;  // SQLite takes 'name' as a name here
  }
  shape = shape && at < tok.size() &&
          (tok[at].type == sql::TokenType::kWord || tok[at].type == sql::TokenType::kQuotedName) &&
          Lower(sql::NameText(tok[at], &storage)) == Lower(o.name);
  auto refuse = [&](const std::string& why) {
    *error = "litelift: the stored schema object " + o.name + " (" + o.type + ") " + why;
    return false;
  };
  if (!shape) {
    return refuse("is not a CREATE " + Upper(type.empty() ? "?" : type) + " of that name: " +
                  "the catalog (litelift.catalog) holds something else; it is not run");
  }
  // Then exactly one statement, by SQLite's own parser: nothing after it.
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (SQ(sqlite3_prepare_v2)(db, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail) !=
      SQLITE_OK) {
    return refuse(std::string("does not apply: ") + SQ(sqlite3_errmsg)(db));
  }
  for (const sql::Token& t : sql::SignificantTokens(tail != nullptr ? tail : "")) {
    if (t.text != ";") {
      SQ(sqlite3_finalize)(stmt);
      return refuse(
          "is more than one statement: the catalog (litelift.catalog) holds "
          "something else; it is not run");
    }
  }
  int rc = stmt != nullptr ? SQ(sqlite3_step)(stmt) : SQLITE_DONE;
  SQ(sqlite3_finalize)(stmt);
  if (rc != SQLITE_DONE) return refuse(std::string("does not apply: ") + SQ(sqlite3_errmsg)(db));
  return true;
}

std::map<std::string, SchemaObject> Shadow::Snapshot() const {
  std::map<std::string, SchemaObject> out;
  Query(db_, "SELECT type, name, tbl_name, sql FROM sqlite_master", "", [&](sqlite3_stmt* s) {
    SchemaObject o{Text(s, 0), Text(s, 1), Text(s, 2), Text(s, 3)};
    out[Lower(o.name)] = o;
  });
  Query(db_, "SELECT type, name, tbl_name, sql FROM sqlite_temp_master", "", [&](sqlite3_stmt* s) {
    SchemaObject o{Text(s, 0), Text(s, 1), Text(s, 2), Text(s, 3), true, "temp"};
    out["temp." + Lower(o.name)] = o;
  });
  for (const std::string& db : attached_order_) {
    Query(db_, ("SELECT type, name, tbl_name, sql FROM \"" + db + "\".sqlite_master").c_str(), "",
          [&](sqlite3_stmt* s) {
            SchemaObject o{Text(s, 0), Text(s, 1), Text(s, 2), Text(s, 3), false, db};
            out[db + "." + Lower(o.name)] = o;
          });
  }
  return out;
}

std::string Shadow::ReferencedType(const std::string& parent, const std::string& column) {
  // The named column's declared type, or the primary key's when none is
  // named; an untyped one stays untyped ("").
  std::string type;
  Query(db_, "SELECT name, type, pk FROM pragma_table_info(?1)", parent, [&](sqlite3_stmt* s) {
    bool named = !column.empty() && Lower(Text(s, 0)) == Lower(column);
    bool key = column.empty() && SQ(sqlite3_column_int)(s, 2) == 1;
    if (named || key) type = Text(s, 1);
  });
  return type;
}

const sql::TableShape* Shadow::Table(std::string_view name) {
  std::string key = Lower(name);
  auto it = shapes_.find(key);
  if (it != shapes_.end()) return it->second.get();
  auto shape = std::make_unique<sql::TableShape>();
  // Which database holds it: the one named ("main.t", "aux.t"), else the
  // first of temp, main and the attached ones in order, as SQLite looks.
  std::vector<std::string> dbs;
  std::string lookup = key;
  size_t dot = key.find('.');
  std::string prefix = dot == std::string::npos ? "" : key.substr(0, dot);
  if (prefix == "main" || prefix == "temp" || attached_.count(prefix) != 0) {
    dbs = {prefix};
    lookup = key.substr(dot + 1);
  } else {
    dbs = {"temp", "main"};
    for (const auto& a : attached_order_) dbs.push_back(a);
  }
  for (const std::string& db : dbs) {
    Query(
        db_,
        ("SELECT name FROM \"" + db + "\".sqlite_master WHERE type = 'table' AND lower(name) = ?1")
            .c_str(),
        lookup, [&](sqlite3_stmt* s) { shape->name = Text(s, 0); });
    if (!shape->name.empty()) {
      shape->db = db;
      break;
    }
  }
  if (shape->name.empty()) return nullptr;
  // The PRAGMAs below read that database's table.
  const std::string in_main = ", '" + shape->db + "'";
  std::vector<std::pair<int, std::string>> pk;
  std::string int_pk_type;
  // hidden: 0 an ordinary column, 2 and 3 generated (VIRTUAL, STORED).
  Query(db_,
        ("SELECT name, type, pk, hidden FROM pragma_table_xinfo(?1" + in_main +
         ") WHERE hidden IN (0, 2, 3) ORDER BY cid")
            .c_str(),
        shape->name, [&](sqlite3_stmt* s) {
          shape->columns.push_back(Text(s, 0));
          shape->types.push_back(Text(s, 1));
          if (SQ(sqlite3_column_int)(s, 3) != 0) shape->generated.push_back(Text(s, 0));
          int k = SQ(sqlite3_column_int)(s, 2);
          if (k > 0) {
            pk.emplace_back(k, Text(s, 0));
            int_pk_type = Text(s, 1);
          }
        });
  std::string create_sql;
  Query(db_,
        ("SELECT sql FROM \"" + shape->db + "\".sqlite_master WHERE type = 'table' AND name = ?1")
            .c_str(),
        shape->name, [&](sqlite3_stmt* s) { create_sql = Text(s, 0); });
  std::map<std::string, ColumnClauses> clauses = ColumnClausesOf(create_sql);
  shape->default_conflict = KeyConflictClause(create_sql);
  for (const auto& t : sql::SignificantTokens(create_sql)) {
    if (sql::IsWord(t, "AUTOINCREMENT")) shape->autoincrement = true;
  }
  for (const auto& c : shape->columns) shape->collations.push_back(clauses[Lower(c)].collation);
  for (size_t i = 0; i < shape->columns.size(); ++i) {
    shape->server_types.push_back(sql::PgTypeForDeclared(shape->types[i]));
  }
  // sqlite_sequence is litelift's (name text, seq bigint) on the server.
  if (Lower(shape->name) == "sqlite_sequence" && shape->server_types.size() == 2) {
    shape->server_types = {"text", "bigint"};
  }
  // An untyped column that references another table holds that table's
  // keys: it takes the referenced column's type (a foreign key on the
  // server needs comparable types).
  Query(db_,
        ("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1" + in_main + ")")
            .c_str(),
        shape->name, [&](sqlite3_stmt* s) {
          std::string from = Text(s, 0), parent = Text(s, 1), to = Text(s, 2);
          for (size_t i = 0; i < shape->columns.size(); ++i) {
            if (Lower(shape->columns[i]) != Lower(from) || !shape->types[i].empty()) continue;
            std::string type = ReferencedType(parent, to);
            if (!type.empty()) shape->server_types[i] = sql::PgTypeForDeclared(type);
          }
        });
  std::sort(pk.begin(), pk.end());
  for (auto& [k, col] : pk) shape->primary_key.push_back(col);
  // INTEGER PRIMARY KEY (exactly that type, one column, a rowid table) is
  // the rowid alias.
  bool without_rowid = false;
  Query(db_,
        ("SELECT 1 FROM pragma_table_list WHERE name = ?1 AND wr = 1 AND schema = '" + shape->db +
         "'")
            .c_str(),
        shape->name, [&](sqlite3_stmt*) { without_rowid = true; });
  shape->without_rowid = without_rowid;
  Query(db_,
        ("SELECT 1 FROM pragma_table_list WHERE name = ?1 AND strict = 1 AND schema = '" +
         shape->db + "'")
            .c_str(),
        shape->name, [&](sqlite3_stmt*) { shape->strict = true; });
  if (pk.size() == 1 && Lower(int_pk_type) == "integer" && !without_rowid) {
    shape->rowid_column = pk[0].second;
  } else if (!without_rowid && Lower(shape->name) != "sqlite_sequence") {
    // (sqlite_sequence is litelift's own (name, seq) table on the server.)
    shape->rowid_column = kHiddenRowidColumn;
    shape->hidden_rowid = true;
  }
  Query(db_,
        ("SELECT 1 FROM pragma_index_list(?1" + in_main + ") WHERE origin != 'pk' OR " +
         (without_rowid ? "0" : "1") + " LIMIT 1")
            .c_str(),
        shape->name, [&](sqlite3_stmt*) { shape->indexed = true; });
  std::vector<std::string> unique_indexes;
  Query(db_,
        ("SELECT name FROM pragma_index_list(?1" + in_main +
         ") WHERE \"unique\" = 1 AND origin != 'pk'")
            .c_str(),
        shape->name, [&](sqlite3_stmt* s) { unique_indexes.push_back(Text(s, 0)); });
  for (const auto& index : unique_indexes) {
    std::vector<std::string> cols;
    Query(db_, ("SELECT name FROM pragma_index_info(?1" + in_main + ") ORDER BY seqno").c_str(),
          index, [&](sqlite3_stmt* s) { cols.push_back(Text(s, 0)); });
    if (!cols.empty()) shape->unique_keys.push_back(cols);
  }
  return (shapes_[key] = std::move(shape)).get();
}

std::string Shadow::ObjectName(std::string_view server_name) {
  if (!IsHashedServerName(server_name)) return std::string(server_name);
  for (const auto& [key, o] : Snapshot()) {
    if (ServerName(Lower(o.name)) == server_name) return o.name;
  }
  return std::string(server_name);
}

std::string Shadow::TableName(std::string_view server_name) {
  const sql::TableShape* t = Table(ObjectName(server_name));
  return t != nullptr ? t->name : std::string(server_name);
}

std::string Shadow::ColumnName(std::string_view server_table, std::string_view server_column) {
  const sql::TableShape* t = Table(ObjectName(server_table));
  if (t != nullptr) {
    for (const auto& c : t->columns) {
      if (ServerName(Lower(c)) == Lower(server_column)) return c;
    }
  }
  return std::string(server_column);
}

bool IsForeignKeyCheck(const std::string& sql, std::string* table) {
  std::vector<sql::Token> tok = sql::SignificantTokens(sql);
  size_t i = 1;
  if (tok.empty() || !sql::IsWord(tok[0], "PRAGMA")) return false;
  if (i + 1 < tok.size() && tok[i + 1].text == ".") i += 2;  // main.
  if (i >= tok.size() || !sql::IsWord(tok[i], "FOREIGN_KEY_CHECK")) return false;
  std::string storage;
  if (i + 2 < tok.size() && (tok[i + 1].text == "(" || tok[i + 1].text == "=")) {
    *table = std::string(sql::NameText(tok[i + 2], &storage));
    if (tok[i + 2].type == sql::TokenType::kString) {
      *table = std::string(tok[i + 2].text.substr(1, tok[i + 2].text.size() - 2));
    }
  }
  return true;
}

bool Shadow::HasRegexp() {
  if (has_regexp_ >= 0) return has_regexp_ != 0;
  bool found = false;
  Query(db_, "SELECT 1 FROM pragma_function_list WHERE name = ?1 AND narg IN (2, -1)", "regexp",
        [&](sqlite3_stmt*) { found = true; });
  has_regexp_ = found ? 1 : 0;
  return found;
}

std::vector<sql::PlanLine> Shadow::Plan(const std::string& statement) const {
  std::vector<sql::PlanLine> lines;
  Query(db_, ("EXPLAIN QUERY PLAN " + statement).c_str(), "", [&](sqlite3_stmt* s) {
    lines.push_back({SQ(sqlite3_column_int)(s, 0), SQ(sqlite3_column_int)(s, 1), Text(s, 3)});
  });
  return lines;
}

std::vector<sql::IndexColumn> Shadow::IndexKey(std::string_view index) {
  auto cached = index_keys_.find(std::string(index));
  if (cached != index_keys_.end()) return cached->second;
  std::vector<sql::IndexColumn>& key = index_keys_[std::string(index)];
  Query(db_, "SELECT cid, name, \"desc\", upper(coll) FROM pragma_index_xinfo(?1) ORDER BY seqno",
        std::string(index), [&](sqlite3_stmt* s) {
          sql::IndexColumn c;
          int cid = SQ(sqlite3_column_int)(s, 0);
          c.rowid = cid == -1;
          c.expression = cid == -2;
          if (cid >= 0) c.column = Text(s, 1);
          c.desc = SQ(sqlite3_column_int)(s, 2) != 0;
          c.collation = Text(s, 3);
          key.push_back(std::move(c));
        });
  return key;
}

sql::Translation Shadow::Translate(sqlite3_stmt* stmt, bool return_rowids) {
  std::string text = SQ(sqlite3_sql)(stmt);
  std::string key = text;
  key.push_back(return_rowids ? '\1' : '\0');
  auto it = translations_.find(key);
  if (it != translations_.end()) return it->second;
  sql::TranslateInput in;
  in.return_rowids = return_rowids;
  in.main_schema = server_schema_;
  in.regexp_function = HasRegexp();
  in.attached = &attached_;
  in.parameter_count = SQ(sqlite3_bind_parameter_count)(stmt);
  in.sql = text;
  in.parameter_index = [stmt](std::string_view name) {
    return SQ(sqlite3_bind_parameter_index)(stmt, std::string(name).c_str());
  };
  in.is_keyword = [](std::string_view w) {
    return SQ(sqlite3_keyword_check)(w.data(), static_cast<int>(w.size())) != 0;
  };
  in.table = [this](std::string_view n) { return Table(n); };
  in.plan = [this, &text] { return Plan(text); };
  in.index_key = [this](std::string_view n) { return IndexKey(n); };
  sql::Translation tr;
  std::string check_table;
  if (IsForeignKeyCheck(text, &check_table)) {
    // Run on the server's rows; with nothing to check, an empty answer.
    tr.sql = ForeignKeyCheckSql(*this, check_table);
    if (tr.sql.empty()) {
      tr.sql = "SELECT NULL::text, NULL::bigint, NULL::text, NULL::int8 WHERE false";
    }
  } else {
    tr = sql::TranslateStatement(in);
  }
  if (translations_.size() >= 2000) translations_.clear();  // a program making SQL by the million
  translations_.emplace(std::move(key), tr);
  return tr;
}

}  // namespace litelift::compat
