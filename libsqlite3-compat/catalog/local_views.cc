#include "libsqlite3-compat/catalog/local_views.h"

#include <vector>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/sql/translate.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

// Deeper than any real program nests views; SQLite itself refuses a view
// that reads itself.
constexpr int kMaxDepth = 64;

bool IsKeyword(std::string_view w) {
  return SQ(sqlite3_keyword_check)(w.data(), static_cast<int>(w.size())) != 0;
}

std::string MasterOf(const std::string& db) {
  return db == "temp" ? "temp.sqlite_temp_master" : QuoteIdent(db) + ".sqlite_master";
}

// The SELECT of a CREATE VIEW text ("" when it cannot be read).
std::string SelectOf(const std::string& create) {
  std::vector<sql::Token> tokens = sql::SignificantTokens(create);
  size_t i = sql::CreatedNameIndex(tokens) + 1;  // after the name
  if (i < tokens.size() && tokens[i].text == "(") {
    int depth = 0;
    for (; i < tokens.size(); ++i) {
      if (tokens[i].type != sql::TokenType::kOperator) continue;
      if (tokens[i].text == "(") ++depth;
      if (tokens[i].text == ")" && --depth == 0) break;
    }
    ++i;
  }
  if (i >= tokens.size() || !sql::IsWord(tokens[i], "AS")) return "";
  return create.substr(tokens[i].offset + 2);
}

std::string Reason(Shadow& shadow, const std::string& db, const std::string& name, int depth);

// The first view of db (or of main and temp, which an unqualified name
// may reach) that the view's text names and that is kept in the shadow.
std::string ReadsLocalView(Shadow& shadow, const std::string& db, const std::string& text,
                           int depth) {
  std::vector<std::string> dbs = {db};
  if (db != "temp") dbs.push_back("temp");
  if (db != "main") dbs.push_back("main");
  std::string storage;
  for (const sql::Token& t : sql::SignificantTokens(text)) {
    if (t.type != sql::TokenType::kWord && t.type != sql::TokenType::kQuotedName) continue;
    std::string word(sql::NameText(t, &storage));
    for (const std::string& d : dbs) {
      bool view = false;
      shadow.ForEachRow("SELECT 1 FROM " + MasterOf(d) + " WHERE type = 'view' AND name = ?1", word,
                        [&](sqlite3_stmt*) { view = true; });
      if (view && !Reason(shadow, d, word, depth + 1).empty()) {
        return "reads view " + word + ", which is kept in the shadow";
      }
    }
  }
  return "";
}

std::string Compute(Shadow& shadow, const std::string& db, const std::string& name, int depth) {
  if (depth > kMaxDepth) return "";
  std::string create;
  shadow.ForEachRow("SELECT sql FROM " + MasterOf(db) + " WHERE type = 'view' AND name = ?1", name,
                    [&](sqlite3_stmt* s) { create = ColumnText(s, 0); });
  std::string select = SelectOf(create);
  if (select.empty()) return "";
  std::string reads = ReadsLocalView(shadow, db, select, depth);
  if (!reads.empty()) return reads;
  sql::TranslateInput in;
  in.sql = select;
  in.is_keyword = IsKeyword;
  in.table = [&shadow](std::string_view n) { return shadow.Table(n); };
  sql::Translation tr = sql::TranslateStatement(in);
  return tr.error.empty() ? "" : NotSqlitesReason(shadow, tr.error);
}

std::string Reason(Shadow& shadow, const std::string& db, const std::string& name, int depth) {
  std::string key = db + "." + Lower(name);
  auto& cache = shadow.local_views();
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::string reason = Compute(shadow, db, name, depth);
  shadow.local_views()[key] = reason;
  return reason;
}

}  // namespace

std::string NotSqlitesReason(Shadow& shadow, const std::string& translate_error) {
  static const std::string kFunction = "no such function: ";
  static const std::string kCollation = "no such collation sequence: ";
  if (translate_error.rfind(kFunction, 0) == 0) {
    std::string f = translate_error.substr(kFunction.size());
    bool builtin = false;
    shadow.ForEachRow("SELECT 1 FROM pragma_function_list WHERE name = lower(?1) AND builtin = 1",
                      f, [&](sqlite3_stmt*) { builtin = true; });
    return builtin ? "" : "calls function " + f + ", which is not SQLite's";
  }
  if (translate_error.rfind(kCollation, 0) == 0) {
    std::string c = Upper(translate_error.substr(kCollation.size()));
    if (c == "BINARY" || c == "NOCASE" || c == "RTRIM") return "";
    return "names collation " + translate_error.substr(kCollation.size()) +
           ", which is not SQLite's";
  }
  return "";
}

std::string LocalViewReason(Shadow& shadow, const std::string& db, const std::string& name) {
  return Reason(shadow, db, name, 0);
}

}  // namespace litelift::compat
