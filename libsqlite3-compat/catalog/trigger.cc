#include "libsqlite3-compat/catalog/trigger.h"

#include <cstdio>

#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/sql/translate.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Ident(std::string_view name) { return ServerIdent(Lower(name)); }

std::string FunctionName(const std::string& schema, const std::string& trigger) {
  return QuoteIdent(schema) + "." + ServerIdent("litelift_trigger_" + Lower(trigger));
}

// CREATE [TEMP] TRIGGER [IF NOT EXISTS] [schema.]name [BEFORE|AFTER|INSTEAD
// OF] event [OF cols] ON table [FOR EACH ROW] [WHEN expr] BEGIN body END
struct TriggerParts {
  std::string timing = "BEFORE";     // BEFORE, AFTER, INSTEAD OF
  std::string event;                 // INSERT, UPDATE, DELETE
  std::vector<std::string> columns;  // UPDATE OF
  std::string when;                  // the WHEN expression, or ""
  std::vector<std::string> body;     // the statements
};

bool ParseTrigger(const std::string& sql, TriggerParts* t, std::string* error) {
  std::vector<sql::Token> tok = sql::SignificantTokens(sql);
  std::string storage;
  size_t i = sql::CreatedNameIndex(tok) + 1;  // after the name
  if (i < tok.size() && (sql::IsWord(tok[i], "BEFORE") || sql::IsWord(tok[i], "AFTER"))) {
    t->timing = Upper(tok[i++].text);
  } else if (i + 1 < tok.size() && sql::IsWord(tok[i], "INSTEAD")) {
    t->timing = "INSTEAD OF";
    i += 2;
  }
  if (i >= tok.size()) return false;
  t->event = Upper(tok[i++].text);
  if (t->event == "UPDATE" && i < tok.size() && sql::IsWord(tok[i], "OF")) {
    for (++i; i < tok.size() && !sql::IsWord(tok[i], "ON"); ++i) {
      if (tok[i].text != ",") t->columns.emplace_back(sql::NameText(tok[i], &storage));
    }
  }
  while (i < tok.size() && !sql::IsWord(tok[i], "WHEN") && !sql::IsWord(tok[i], "BEGIN")) ++i;
  size_t begin = i;
  while (begin < tok.size() && !sql::IsWord(tok[begin], "BEGIN")) ++begin;
  if (begin >= tok.size()) {
    *error = "litelift: cannot read the trigger";
    return false;
  }
  if (i < begin && sql::IsWord(tok[i], "WHEN")) {
    size_t from = tok[i].offset + 4;
    t->when = sql.substr(from, tok[begin].offset - from);
  }
  // The body: statements up to the last END, split at top-level ';'.
  size_t end = tok.size();
  while (end > begin && !sql::IsWord(tok[end - 1], "END")) --end;
  size_t from = tok[begin].offset + 5;
  int depth = 0;
  for (size_t k = begin + 1; k + 1 < end; ++k) {
    if (tok[k].text == "(") ++depth;
    if (tok[k].text == ")") --depth;
    if (tok[k].text == ";" && depth == 0) {
      std::string stmt = sql.substr(from, tok[k].offset - from);
      if (stmt.find_first_not_of(" \t\r\n") != std::string::npos) t->body.push_back(stmt);
      from = tok[k].offset + 1;
    }
  }
  return true;
}

bool IsKeyword(std::string_view w) {
  return SQ(sqlite3_keyword_check)(w.data(), static_cast<int>(w.size())) != 0;
}

// One statement of the body as PL/pgSQL; *ignores: it has RAISE(IGNORE).
bool BodyStatement(Shadow& shadow, const sql::TableShape* table, const std::string& stmt,
                   std::string* out, std::string* error) {
  sql::TranslateInput in;
  in.sql = stmt;
  in.is_keyword = IsKeyword;
  in.table = [&shadow](std::string_view n) { return shadow.Table(n); };
  in.in_trigger = true;
  in.trigger_table = table;
  sql::Translation tr = sql::TranslateStatement(in);
  if (tr.error.empty() && !tr.state_parameters.empty()) {
    tr.error =
        "litelift: changes(), last_insert_rowid() and total_changes() in a trigger are not "
        "supported on the postgres route yet";
  }
  if (!tr.error.empty()) {
    *error = tr.error;
    return false;
  }
  std::string text = tr.sql;
  // A SELECT's rows go nowhere: PERFORM runs it.
  if (text.rfind("SELECT ", 0) == 0) text = "PERFORM " + text.substr(7);
  *out = (tr.pre_sql.empty() ? "" : tr.pre_sql + "; ") + text + ";";
  if (tr.op != 0) {
    // SQLite's total_changes() counts a trigger's rows: the client adds
    // what this INFO (always sent, never logged by default) reports
    // (pg/session.h, CountTriggerChanges).
    *out +=
        " GET DIAGNOSTICS litelift_rows = ROW_COUNT; IF litelift_rows > 0 THEN RAISE INFO "
        "'litelift_changes %', litelift_rows; END IF;";
  }
  if (!tr.resync_rowids_of.empty()) {
    // OR IGNORE, REPLACE, an upsert: the rows it numbered but did not
    // insert leave the table's rowid sequence ahead (catalog/rowid.h).
    std::string resync = RowidResyncSql(shadow, {tr.resync_rowids_of});
    if (resync.rfind("SELECT ", 0) == 0) *out += " PERFORM " + resync.substr(7) + ";";
  }
  return true;
}

}  // namespace

std::string FiringMark(const std::string& schema, const std::string& trigger) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", Fnv1a32(Lower(schema) + "." + Lower(trigger)));
  return std::string("litelift.firing_") + hex;
}

bool CreateTrigger(Shadow& shadow, const SchemaObject& o, const std::string& schema,
                   std::vector<std::string>* out, std::string* error) {
  TriggerParts t;
  if (!ParseTrigger(o.sql, &t, error)) {
    if (error->empty()) *error = "litelift: cannot read the trigger " + o.name;
    return false;
  }
  const sql::TableShape* table = shadow.Table(o.tbl_name);
  // A view's trigger (INSTEAD OF): NEW and OLD have its columns, unknown
  // to the shapes; they are written as named.
  std::string body;
  bool ignores = false;
  for (const std::string& stmt : t.body) {
    std::string pg;
    if (!BodyStatement(shadow, table, stmt, &pg, error)) return false;
    ignores = ignores || Contains(pg, "litelift.raise('IGNORE'");
    body += pg + " ";
  }
  if (!t.when.empty()) {
    // The WHEN condition, over NEW and OLD.
    std::string cond;
    if (!BodyStatement(shadow, table, "SELECT 1 WHERE " + t.when, &cond, error)) {
      return false;
    }
    size_t where = cond.find(" WHERE ");
    cond = cond.substr(where + 7, cond.size() - where - 8);  // without the ';'
    body = "IF " + cond + " THEN " + body + "END IF; ";
  }
  std::string row = t.event == "DELETE" ? "OLD" : "NEW";
  // AFTER: ignored; INSTEAD OF: NULL, so that the view's rows count as
  // unchanged (SQLite's changes() is 0 there); BEFORE: the row goes on.
  std::string result = t.timing == "BEFORE" ? row : "NULL";
  // As SQLite without PRAGMA recursive_triggers: a trigger does not fire
  // while it runs (an AFTER UPDATE trigger that updates its own table runs
  // once). The mark is a setting local to the transaction, so that a
  // failure undoes it with the statement.
  std::string mark = QuoteLiteral(FiringMark(schema, o.name));
  std::string unmark = "PERFORM set_config(" + mark + ", '', true); ";
  if (ignores) {
    // RAISE(IGNORE): the rest of the trigger is skipped, and so is the row.
    body =
        "BEGIN " + body + "EXCEPTION WHEN SQLSTATE 'LL002' THEN " + unmark + "RETURN NULL; END; ";
  }
  std::string fn = FunctionName(schema, o.name);
  out->push_back("CREATE OR REPLACE FUNCTION " + fn +
                 "() RETURNS trigger LANGUAGE plpgsql AS $litelift$ DECLARE litelift_rows bigint; BEGIN IF "
                 "current_setting(" +
                 mark +
                 ", true) = 'on' AND current_setting('litelift.recursive_triggers', true) IS "
                 "DISTINCT FROM 'on' THEN RETURN " +
                 result + "; END IF; PERFORM set_config(" + mark + ", 'on', true); " + body +
                 unmark + "RETURN " + result + "; END $litelift$");
  std::string event = t.event;
  if (!t.columns.empty()) {
    event += " OF ";
    for (size_t k = 0; k < t.columns.size(); ++k) event += (k ? ", " : "") + Ident(t.columns[k]);
  }
  // (Made anew when its table is renamed: the old one moved with the table.)
  out->push_back("DROP TRIGGER IF EXISTS " + Ident(o.name) + " ON " + QuoteIdent(schema) + "." +
                 Ident(o.tbl_name));
  out->push_back("CREATE TRIGGER " + Ident(o.name) + " " + t.timing + " " + event + " ON " +
                 QuoteIdent(schema) + "." + Ident(o.tbl_name) + " FOR EACH ROW EXECUTE FUNCTION " +
                 fn + "()");
  // A table's trigger fires in every session mode, as in SQLite (a view's
  // cannot be altered so, and needs none).
  if (table != nullptr) {
    out->push_back("ALTER TABLE " + QuoteIdent(schema) + "." + Ident(o.tbl_name) +
                   " ENABLE ALWAYS TRIGGER " + Ident(o.name));
  }
  return true;
}

void DropTrigger(const SchemaObject& o, const std::string& schema, std::vector<std::string>* out) {
  out->push_back("DROP FUNCTION IF EXISTS " + FunctionName(schema, o.name) + "() CASCADE");
}

}  // namespace litelift::compat
