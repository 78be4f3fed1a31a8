#include "libsqlite3-compat/sql/translate.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <deque>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

namespace {

bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

bool IsOp(const Token& t, std::string_view op) {
  return t.type == TokenType::kOperator && t.text == op;
}

// A server identifier for a SQLite name: names are case-insensitive in
// SQLite, so the server holds them folded to lower case, always quoted.
std::string Ident(std::string_view name) { return QuoteIdent(Lower(name)); }

std::string CastType(std::string_view word) {
  std::string t = PgTypeForDeclared(word);
  return t;
}

bool IsRowidAlias(std::string_view word) {
  std::string w = Lower(word);
  return w == "rowid" || w == "oid" || w == "_rowid_";
}

struct Context {
  const TranslateInput& in;
  std::vector<Token> tokens;
  std::deque<std::string> made;  // text of tokens the translator adds
  std::string error;
  const TableShape* primary = nullptr;  // the statement's first table
  int positional = 0;                   // count of bare ? seen
  bool last_call = false;               // the last word emitted names a function
  std::vector<int> parameters;          // indexes used
};

// Rewrites one token into out. i may advance past tokens it consumed.
void EmitToken(Context& cx, size_t& i, std::string& out) {
  const Token& t = cx.tokens[i];
  auto next = [&](size_t k) -> const Token* {
    return i + k < cx.tokens.size() ? &cx.tokens[i + k] : nullptr;
  };
  auto prev_is = [&](std::string_view kw) { return i > 0 && IsWord(cx.tokens[i - 1], kw); };
  switch (t.type) {
    case TokenType::kWord: {
      // main.t / temp.t: the search path already points at the database.
      if ((IsWord(t, "main") || IsWord(t, "temp")) && next(1) && IsOp(*next(1), ".")) {
        ++i;  // skip the dot too
        return;
      }
      const Token* n = next(1);
      bool call = n != nullptr && IsOp(*n, "(") && !prev_is("INTO") && !prev_is("TABLE") &&
                  !prev_is("UPDATE") && !prev_is("JOIN") && !prev_is("FROM");
      bool keyword = cx.in.is_keyword && cx.in.is_keyword(t.text);
      if (call && !keyword) {
        out += Lower(t.text);
        cx.last_call = true;
        return;
      }
      if (call) cx.last_call = true;  // CAST(, VALUES(, REPLACE( ...
      if (IsRowidAlias(t.text) && cx.primary != nullptr && !cx.primary->rowid_column.empty()) {
        bool is_column =
            std::any_of(cx.primary->columns.begin(), cx.primary->columns.end(),
                        [&](const std::string& c) { return Lower(c) == Lower(t.text); });
        if (!is_column) {
          out += Ident(cx.primary->rowid_column);
          return;
        }
      }
      if (IsWord(t, "CURRENT_TIMESTAMP") || IsWord(t, "CURRENT_DATE") ||
          IsWord(t, "CURRENT_TIME")) {
        // SQLite's text, in UTC.
        const char* format = IsWord(t, "CURRENT_TIMESTAMP") ? "YYYY-MM-DD HH24:MI:SS"
                             : IsWord(t, "CURRENT_DATE")    ? "YYYY-MM-DD"
                                                            : "HH24:MI:SS";
        out += std::string("to_char(timezone('UTC', now()), '") + format + "')";
        return;
      }
      if (IsWord(t, "LIKE")) {
        out += "ILIKE";
        return;
      }
      if (IsWord(t, "GLOB") || IsWord(t, "REGEXP") || IsWord(t, "MATCH")) {
        cx.error = "litelift: " + Upper(t.text) + " is not supported on the postgres route yet";
        return;
      }
      if (keyword) {
        out += t.text;
        return;
      }
      out += Ident(t.text);
      return;
    }
    case TokenType::kQuotedName: {
      std::string storage;
      out += Ident(NameText(t, &storage));
      return;
    }
    case TokenType::kString:
      out += t.text;
      return;
    case TokenType::kBlob: {
      std::string_view hex = t.text.substr(2, t.text.size() - 3);
      out += "'\\x" + std::string(hex) + "'::bytea";
      return;
    }
    case TokenType::kNumber:
      out += t.text;
      return;
    case TokenType::kVariable: {
      int index = 0;
      if (t.text == "?") {
        index = ++cx.positional;
      } else if (t.text[0] == '?') {
        index = std::atoi(std::string(t.text.substr(1)).c_str());
        cx.positional = std::max(cx.positional, index);
      } else {
        index = cx.in.parameter_index ? cx.in.parameter_index(t.text) : 0;
      }
      if (index <= 0) {
        cx.error = "litelift: cannot number parameter " + std::string(t.text);
        return;
      }
      out += "$" + std::to_string(index);
      cx.parameters.push_back(index);
      return;
    }
    case TokenType::kOperator:
      if (t.text == "==") {
        out += "=";
      } else if (t.text == ";") {
        // the statement's own terminator: dropped
      } else {
        out += t.text;
      }
      return;
    default:
      cx.error = "litelift: cannot translate the token " + std::string(t.text);
      return;
  }
}

// Emits token i (advancing i past tokens it consumed), preceded by a space
// unless punctuation makes one needless.
void EmitOne(Context& cx, size_t& i, std::string& out) {
  const Token& t = cx.tokens[i];
  bool tight_after = !out.empty() && (out.back() == '(' || out.back() == '.' || out.back() == ' ');
  bool tight_before = IsOp(t, ")") || IsOp(t, ",") || IsOp(t, ".") || IsOp(t, ";") ||
                      (IsOp(t, "(") && cx.last_call);
  if (!out.empty() && !tight_after && !tight_before) out += ' ';
  cx.last_call = false;
  EmitToken(cx, i, out);
}

// Emits tokens [from, to).
void EmitRange(Context& cx, size_t from, size_t to, std::string& out) {
  for (size_t i = from; i < to && cx.error.empty(); ++i) EmitOne(cx, i, out);
}

// Finds the first top-level (depth 0) word kw at or after from.
size_t FindTopLevel(const Context& cx, size_t from, std::string_view kw) {
  int depth = 0;
  for (size_t i = from; i < cx.tokens.size(); ++i) {
    if (IsOp(cx.tokens[i], "(")) ++depth;
    if (IsOp(cx.tokens[i], ")")) --depth;
    if (depth == 0 && IsWord(cx.tokens[i], kw)) return i;
  }
  return cx.tokens.size();
}

std::string ColumnList(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + Ident(c);
  return out;
}

bool IsClauseEnd(const Token& t) {
  for (const char* kw : {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION",
                         "INTERSECT", "EXCEPT", "RETURNING", "ON", "USING"}) {
    if (IsWord(t, kw)) return true;
  }
  return IsOp(t, ")") || IsOp(t, ";");
}

Token Made(Context& cx, TokenType type, std::string text) {
  cx.made.push_back(std::move(text));
  return Token{type, 0, cx.made.back()};
}

// SELECT * and t.* name every column the program created; tables whose
// rowid the server keeps in a column of its own would show it, so their
// stars are spelled out (for FROM clauses of plain tables; others keep *).
void ExpandStars(Context& cx) {
  auto& tk = cx.tokens;
  for (size_t sel = 0; sel < tk.size(); ++sel) {
    if (!IsWord(tk[sel], "SELECT")) continue;
    // The FROM of this SELECT, at its depth.
    int depth = 0;
    size_t from = tk.size();
    for (size_t i = sel + 1; i < tk.size(); ++i) {
      if (IsOp(tk[i], "(")) ++depth;
      if (IsOp(tk[i], ")")) {
        if (--depth < 0) break;
      }
      if (depth == 0 && IsWord(tk[i], "FROM")) {
        from = i;
        break;
      }
    }
    if (from == tk.size()) continue;
    // Its tables: name [AS] [alias], separated by commas and JOINs.
    struct Item {
      const TableShape* shape;
      std::string qualifier;
    };
    std::vector<Item> items;
    bool simple = true, hidden = false;
    size_t i = from + 1;
    while (i < tk.size() && simple) {
      if (IsClauseEnd(tk[i])) break;
      if (IsOp(tk[i], ",") || IsWord(tk[i], "JOIN") || IsWord(tk[i], "LEFT") ||
          IsWord(tk[i], "INNER") || IsWord(tk[i], "CROSS") || IsWord(tk[i], "OUTER")) {
        ++i;
        continue;
      }
      if (IsWord(tk[i], "NATURAL") || IsOp(tk[i], "(")) {
        simple = false;
        break;
      }
      if (tk[i].type != TokenType::kWord && tk[i].type != TokenType::kQuotedName) {
        simple = false;
        break;
      }
      if (i + 2 < tk.size() && IsOp(tk[i + 1], ".")) i += 2;  // schema.table
      std::string storage;
      std::string name(NameText(tk[i], &storage));
      const TableShape* shape = cx.in.table ? cx.in.table(name) : nullptr;
      if (shape == nullptr) {
        simple = false;
        break;
      }
      std::string qualifier = name;
      ++i;
      if (i < tk.size() && IsWord(tk[i], "AS")) ++i;
      if (i < tk.size() &&
          (tk[i].type == TokenType::kWord || tk[i].type == TokenType::kQuotedName) &&
          !IsClauseEnd(tk[i]) && !IsWord(tk[i], "JOIN") && !IsWord(tk[i], "LEFT") &&
          !IsWord(tk[i], "INNER") && !IsWord(tk[i], "CROSS") && !IsWord(tk[i], "NATURAL") &&
          !IsWord(tk[i], "INDEXED") && !IsWord(tk[i], "NOT")) {
        qualifier = std::string(NameText(tk[i], &storage));
        ++i;
      }
      hidden = hidden || shape->hidden_rowid;
      items.push_back({shape, qualifier});
      // ON <expr> / USING (...) end at the next join or clause end.
    }
    // Skip ON conditions: a USING changes what * means; leave those alone.
    for (size_t k = from; k < tk.size() && !IsWord(tk[k], "WHERE"); ++k) {
      if (IsWord(tk[k], "USING")) simple = false;
    }
    if (!simple || !hidden || items.empty()) continue;
    // The stars of the select list: * or q.* at this SELECT's depth.
    std::vector<Token> out(tk.begin(), tk.begin() + static_cast<long>(sel) + 1);
    depth = 0;
    for (size_t k = sel + 1; k < from; ++k) {
      if (IsOp(tk[k], "(")) ++depth;
      if (IsOp(tk[k], ")")) --depth;
      bool bare = depth == 0 && IsOp(tk[k], "*") &&
                  (IsWord(tk[k - 1], "SELECT") || IsWord(tk[k - 1], "DISTINCT") ||
                   IsWord(tk[k - 1], "ALL") || IsOp(tk[k - 1], ","));
      bool qualified = depth == 0 && IsOp(tk[k], "*") && k >= sel + 3 && IsOp(tk[k - 1], ".");
      if (!bare && !qualified) {
        out.push_back(tk[k]);
        continue;
      }
      std::string storage;
      std::string only = qualified ? std::string(NameText(tk[k - 2], &storage)) : "";
      if (qualified) out.resize(out.size() - 2);  // drop "q ."
      bool first = true;
      for (const Item& item : items) {
        if (qualified && Lower(item.qualifier) != Lower(only)) continue;
        for (const std::string& col : item.shape->columns) {
          if (!first) out.push_back(Made(cx, TokenType::kOperator, ","));
          first = false;
          out.push_back(Made(cx, TokenType::kQuotedName, QuoteIdent(item.qualifier)));
          out.push_back(Made(cx, TokenType::kOperator, "."));
          out.push_back(Made(cx, TokenType::kQuotedName, QuoteIdent(col)));
        }
      }
    }
    out.insert(out.end(), tk.begin() + static_cast<long>(from), tk.end());
    tk = std::move(out);
  }
}

// The PRIMARY KEY and UNIQUE column sets of shape whose columns are all
// given by the INSERT (a key not given takes fresh values: no conflict).
std::vector<std::vector<std::string>> UsableKeys(const TableShape& shape,
                                                 const std::vector<std::string>& listed) {
  std::vector<std::vector<std::string>> keys, usable;
  if (!shape.primary_key.empty()) keys.push_back(shape.primary_key);
  keys.insert(keys.end(), shape.unique_keys.begin(), shape.unique_keys.end());
  for (const auto& key : keys) {
    bool given = std::all_of(key.begin(), key.end(), [&](const std::string& col) {
      return std::any_of(listed.begin(), listed.end(),
                         [&](const std::string& l) { return Lower(l) == Lower(col); });
    });
    if (given) usable.push_back(key);
  }
  return usable;
}

// INSERT OR REPLACE as SQLite does it: first delete every row that the new
// rows conflict with on any PRIMARY KEY or UNIQUE constraint, then insert.
// Returns that DELETE ("" when no constraint can conflict); the new rows
// are the statement's own VALUES or SELECT, with the same parameters.
std::string ReplaceDeletes(Context& cx, const TableShape& shape,
                           const std::vector<std::string>& listed, size_t source_start,
                           size_t source_end) {
  std::string where;
  for (const auto& key : UsableKeys(shape, listed)) {
    std::string left, right;
    for (const auto& col : key) {
      std::string type = "text";
      for (size_t k = 0; k < shape.columns.size(); ++k) {
        if (Lower(shape.columns[k]) == Lower(col) && k < shape.types.size()) {
          type = PgTypeForDeclared(shape.types[k]);
        }
      }
      left += (left.empty() ? "" : ", ") + Ident(shape.name) + "." + Ident(col);
      right +=
          (right.empty() ? "" : ", ") + std::string("litelift_new.") + Ident(col) + "::" + type;
    }
    where += (where.empty() ? "" : " OR ") + ("(" + left + ") = (" + right + ")");
  }
  if (where.empty() || source_start >= source_end || IsWord(cx.tokens[source_start], "DEFAULT")) {
    return "";
  }
  int positional = cx.positional;
  std::vector<int> parameters = cx.parameters;
  std::string source;
  EmitRange(cx, source_start, source_end, source);
  cx.positional = positional;  // the INSERT numbers them again, the same way
  cx.parameters = parameters;
  return "DELETE FROM " + Ident(shape.name) + " USING (" + source + ") AS litelift_new (" +
         ColumnList(listed) + ") WHERE " + where;
}

Translation TranslateInsert(Context& cx) {
  Translation tr;
  auto& tk = cx.tokens;
  size_t i = 0;
  std::string conflict;  // REPLACE, IGNORE, ABORT, FAIL, ROLLBACK or ""
  if (IsWord(tk[0], "REPLACE")) {
    conflict = "REPLACE";
    i = 1;
  } else {
    i = 1;  // INSERT
    if (i + 1 < tk.size() && IsWord(tk[i], "OR")) {
      conflict = Upper(tk[i + 1].text);
      i += 2;
    }
  }
  if (i >= tk.size() || !IsWord(tk[i], "INTO")) {
    tr.error = "litelift: cannot translate this INSERT";
    return tr;
  }
  ++i;
  // [schema .] table
  if (i + 1 < tk.size() && IsOp(tk[i + 1], ".")) i += 2;
  if (i >= tk.size()) {
    tr.error = "litelift: INSERT without a table";
    return tr;
  }
  std::string storage;
  std::string table_name(NameText(tk[i], &storage));
  const TableShape* shape = cx.in.table ? cx.in.table(table_name) : nullptr;
  cx.primary = shape;
  size_t after_table = i + 1;
  std::vector<std::string> listed;
  size_t j = after_table;
  if (j < tk.size() && IsWord(tk[j], "AS")) j += 2;  // alias
  if (j < tk.size() && IsOp(tk[j], "(")) {
    for (size_t k = j + 1; k < tk.size() && !IsOp(tk[k], ")"); ++k) {
      if (tk[k].type == TokenType::kWord || tk[k].type == TokenType::kQuotedName) {
        listed.emplace_back(NameText(tk[k], &storage));
      }
    }
  }
  bool explicit_columns = !listed.empty();
  if (listed.empty() && shape != nullptr) listed = shape->columns;
  // Where the rows come from: VALUES ... or SELECT ..., after the columns.
  size_t source_start = j;
  if (j < tk.size() && IsOp(tk[j], "(")) {
    for (size_t k = j + 1; k < tk.size(); ++k) {
      if (IsOp(tk[k], ")")) {
        source_start = k + 1;
        break;
      }
    }
  }

  size_t returning = FindTopLevel(cx, after_table, "RETURNING");
  // REPLACE on one key is an upsert on it; on several keys the rows that
  // conflict on any of them are deleted first (emitted first: its
  // parameters are numbered as the statement's own).
  bool replace_by_delete =
      conflict == "REPLACE" && shape != nullptr && UsableKeys(*shape, listed).size() > 1;
  if (replace_by_delete) {
    tr.pre_sql = ReplaceDeletes(cx, *shape, listed, source_start, returning);
  }
  std::string out = "INSERT INTO ";
  if (!explicit_columns && shape != nullptr && shape->hidden_rowid && j < tk.size() &&
      !IsWord(tk[j], "DEFAULT")) {
    // INSERT INTO t VALUES (...) names the program's columns, never the
    // server's rowid column.
    EmitRange(cx, i, j, out);
    out += " (" + ColumnList(shape->columns) + ")";
    EmitRange(cx, j, returning, out);
  } else {
    EmitRange(cx, i, returning, out);
  }
  tr.rollback_on_constraint = conflict == "ROLLBACK";
  if (conflict == "IGNORE") {
    out += " ON CONFLICT DO NOTHING";
  } else if (conflict == "REPLACE" && !replace_by_delete) {
    if (shape == nullptr) {
      tr.error = "litelift: INSERT OR REPLACE into an unknown table " + table_name;
      return tr;
    }
    std::vector<std::vector<std::string>> keys = UsableKeys(*shape, listed);
    std::vector<std::string> key = !keys.empty() ? keys.front() : std::vector<std::string>{};
    if (!key.empty()) {
      std::string sets;
      for (const auto& c : shape->columns) {
        bool in_key = std::any_of(key.begin(), key.end(),
                                  [&](const std::string& k) { return Lower(k) == Lower(c); });
        if (in_key) continue;
        bool is_listed = std::any_of(listed.begin(), listed.end(),
                                     [&](const std::string& l) { return Lower(l) == Lower(c); });
        std::string value = is_listed ? "excluded." + Ident(c) : std::string("DEFAULT");
        if (!is_listed && Lower(c) == Lower(shape->rowid_column)) {
          // The new row gets the next rowid, as SQLite's delete-and-insert.
          value = "(SELECT max(" + Ident(c) + ") + 1 FROM " + Ident(shape->name) + ")";
        }
        sets += (sets.empty() ? "" : ", ") + Ident(c) + " = " + value;
      }
      if (shape->hidden_rowid) {
        // REPLACE deletes the old row and inserts a new one: a new rowid.
        sets += (sets.empty() ? "" : ", ") + Ident(shape->rowid_column) + " = (SELECT max(" +
                Ident(shape->rowid_column) + ") + 1 FROM " + Ident(shape->name) + ")";
      }
      out += " ON CONFLICT (" + ColumnList(key) + ") DO " +
             (sets.empty() ? std::string("NOTHING") : "UPDATE SET " + sets);
    }
  }
  if (returning < tk.size()) {
    out += " ";
    EmitRange(cx, returning, tk.size(), out);
  } else if (shape != nullptr && !shape->rowid_column.empty()) {
    out += " RETURNING " + Ident(shape->rowid_column);
    tr.returns_rowid = true;
  }
  tr.op = SQLITE_INSERT;
  if (shape != nullptr) tr.table = shape->name;
  tr.sql = std::move(out);
  tr.error = cx.error;
  tr.parameters = cx.parameters;
  return tr;
}

}  // namespace

std::string PgTypeForDeclared(std::string_view declared_type) {
  std::string t = Upper(declared_type);
  if (Contains(t, "INT")) return "bigint";
  if (Contains(t, "CHAR") || Contains(t, "CLOB") || Contains(t, "TEXT")) return "text";
  if (Contains(t, "BLOB")) return "bytea";
  if (t.empty()) return "text";
  if (Contains(t, "REAL") || Contains(t, "FLOA") || Contains(t, "DOUB")) return "double precision";
  if (Contains(t, "DATE") || Contains(t, "TIME")) return "text";
  if (Contains(t, "BOOL")) return "bigint";
  return "numeric";
}

Translation TranslateStatement(const TranslateInput& input) {
  Context cx{input, SignificantTokens(input.sql)};
  Translation tr;
  if (cx.tokens.empty()) {
    tr.error = "litelift: empty statement";
    return tr;
  }
  ExpandStars(cx);
  if (IsWord(cx.tokens[0], "INSERT") || IsWord(cx.tokens[0], "REPLACE")) return TranslateInsert(cx);
  // UPDATE OR <conflict>: ABORT and FAIL are PostgreSQL's own behaviour for a
  // single statement, ROLLBACK ends the transaction; the others need rows
  // handled one by one, which is not done yet.
  if (IsWord(cx.tokens[0], "UPDATE") && cx.tokens.size() > 2 && IsWord(cx.tokens[1], "OR")) {
    std::string conflict = Upper(cx.tokens[2].text);
    if (conflict == "REPLACE" || conflict == "IGNORE") {
      tr.error = "litelift: UPDATE OR " + conflict + " is not supported on the postgres route yet";
      return tr;
    }
    tr.rollback_on_constraint = conflict == "ROLLBACK";
    cx.tokens.erase(cx.tokens.begin() + 1, cx.tokens.begin() + 3);
  }
  const Token& first = cx.tokens[0];
  // The first table after FROM or UPDATE or DELETE FROM names rowid aliases.
  for (size_t i = 0; i + 1 < cx.tokens.size(); ++i) {
    if (IsWord(cx.tokens[i], "FROM") || IsWord(cx.tokens[i], "UPDATE")) {
      std::string storage;
      size_t k = i + 1;
      if (k + 2 < cx.tokens.size() && IsOp(cx.tokens[k + 1], ".")) k += 2;
      if (cx.in.table) cx.primary = cx.in.table(NameText(cx.tokens[k], &storage));
      break;
    }
  }
  // CAST(x AS TYPE): the type is SQLite's; map it by affinity.
  std::string out;
  for (size_t i = 0; i < cx.tokens.size() && cx.error.empty(); ++i) {
    if (IsWord(cx.tokens[i], "AS") && i > 0) {
      // Inside CAST( ... AS type ): find whether we are in a CAST.
      int depth = 0;
      bool in_cast = false;
      for (size_t k = i; k-- > 0;) {
        if (IsOp(cx.tokens[k], ")")) ++depth;
        if (IsOp(cx.tokens[k], "(")) {
          if (depth == 0) {
            in_cast = k > 0 && IsWord(cx.tokens[k - 1], "CAST");
            break;
          }
          --depth;
        }
      }
      if (in_cast) {
        out += " AS ";
        std::string type;
        size_t k = i + 1;
        for (; k < cx.tokens.size() && !IsOp(cx.tokens[k], ")"); ++k) {
          type += (type.empty() ? "" : " ") + std::string(cx.tokens[k].text);
        }
        out += CastType(type);
        i = k - 1;
        continue;
      }
    }
    EmitOne(cx, i, out);
  }
  // UPDATE and DELETE: which table, and its rowids when asked.
  bool update = IsWord(first, "UPDATE"), del = IsWord(first, "DELETE");
  if ((update || del) && cx.primary != nullptr) {
    tr.op = update ? SQLITE_UPDATE : SQLITE_DELETE;
    tr.table = cx.primary->name;
    if (input.return_rowids && !cx.primary->rowid_column.empty() &&
        FindTopLevel(cx, 0, "RETURNING") == cx.tokens.size()) {
      out += " RETURNING " + Ident(cx.primary->rowid_column);
      tr.returns_rowid = true;
    }
  }
  tr.sql = std::move(out);
  tr.error = cx.error;
  tr.parameters = cx.parameters;
  return tr;
}

}  // namespace litelift::compat::sql
