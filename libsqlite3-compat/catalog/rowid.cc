#include "libsqlite3-compat/catalog/rowid.h"

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/sql/translate.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Ident(std::string_view name) { return ServerIdent(Lower(name)); }

std::string In(const std::string& schema, const std::string& name) {
  return QuoteIdent(schema) + "." + ServerIdent(name);
}

// A column's server name as a literal, for server functions that quote it
// with format('%I').
std::string ColumnLiteral(const std::string& col) { return QuoteLiteral(ServerName(Lower(col))); }

std::string Sequence(const std::string& schema, const std::string& table) {
  return In(schema, sql::RowidSequenceName(table));
}

std::string RegClass(const std::string& qualified) {
  return QuoteLiteral(qualified) + "::regclass";
}

std::string InsertFunction(const std::string& table) { return "litelift_rowid_" + Lower(table); }
std::string SyncFunction(const std::string& table) { return "litelift_rowsync_" + Lower(table); }

std::string Autoinc(const std::string& schema) { return In(schema, "litelift_autoinc"); }

// The AUTOINCREMENT tables' list, made once per schema.
std::string AutoincTable(const std::string& schema) {
  return "CREATE TABLE IF NOT EXISTS " + Autoinc(schema) +
         " (name text PRIMARY KEY, sequence regclass NOT NULL, tbl regclass NOT NULL, "
         "col text NOT NULL, floor bigint, ord bigserial)";
}

}  // namespace

void RowidNumberingStatements(const std::string& schema, const std::string& table,
                              const std::string& col, bool autoincrement,
                              std::vector<std::string>* out) {
  std::string t = In(schema, Lower(table)), c = Ident(col), seq = Sequence(schema, table);
  std::string seq_class = RegClass(seq);
  out->push_back("CREATE SEQUENCE IF NOT EXISTS " + seq +
                 " AS bigint MINVALUE -9223372036854775808 START 1 OWNED BY " + t + "." + c);
  // A row without its rowid takes the next. (An INSERT through litelift
  // numbers its rows itself, and moves the sequence past a rowid it gives:
  // litelift.rowid_take; this numbers the rows of other writers.)
  std::string insert_fn = In(schema, InsertFunction(table));
  out->push_back("CREATE OR REPLACE FUNCTION " + insert_fn +
                 "() RETURNS trigger LANGUAGE plpgsql AS $litelift$ BEGIN NEW." + c +
                 " := nextval(" + seq_class + "); RETURN NEW; END $litelift$");
  out->push_back("DROP TRIGGER IF EXISTS \"litelift_rowid\" ON " + t);
  out->push_back("CREATE TRIGGER \"litelift_rowid\" BEFORE INSERT ON " + t +
                 " FOR EACH ROW WHEN (NEW." + c + " IS NULL) EXECUTE FUNCTION " + insert_fn + "()");
  std::string last = "pg_sequence_last_value(" + seq_class + ")";
  // After a DELETE the next row takes max(rowid) + 1 again (AUTOINCREMENT:
  // the counter stays, and is kept where a rollback finds it); after an
  // UPDATE of the rowid, never below the rows.
  std::string sync_fn = In(schema, SyncFunction(table));
  std::string to_rows = "SELECT max(" + c + ") INTO m FROM " + t + "; ";
  std::string body;
  if (autoincrement) {
    body = "IF TG_OP = 'DELETE' THEN UPDATE " + Autoinc(schema) + " SET floor = " + last +
           " WHERE name = " + QuoteLiteral(table) + "; ELSE " + to_rows + "IF m > coalesce(" +
           last + ", 0) THEN PERFORM setval(" + seq_class + ", m); END IF; END IF;";
  } else {
    // (Not after the deletes of a REPLACE: SQLite numbered its row first.)
    body =
        "IF TG_OP = 'DELETE' AND current_setting('litelift.replacing', true) = 'on' THEN "
        "PERFORM set_config('litelift.replacing', '', true); RETURN NULL; END IF; " +
        to_rows + "IF m IS NULL THEN PERFORM setval(" + seq_class +
        ", 1, false); ELSE PERFORM setval(" + seq_class + ", m); END IF;";
  }
  out->push_back("CREATE OR REPLACE FUNCTION " + sync_fn +
                 "() RETURNS trigger LANGUAGE plpgsql AS $litelift$ DECLARE m bigint; BEGIN " +
                 body + " RETURN NULL; END $litelift$");
  out->push_back("DROP TRIGGER IF EXISTS \"litelift_rowid_delete\" ON " + t);
  out->push_back("DROP TRIGGER IF EXISTS \"litelift_rowid_update\" ON " + t);
  out->push_back("CREATE TRIGGER \"litelift_rowid_delete\" AFTER DELETE ON " + t +
                 " FOR EACH STATEMENT EXECUTE FUNCTION " + sync_fn + "()");
  out->push_back("CREATE TRIGGER \"litelift_rowid_update\" AFTER UPDATE OF " + c + " ON " + t +
                 " FOR EACH STATEMENT EXECUTE FUNCTION " + sync_fn + "()");
  for (const char* trigger : {"litelift_rowid", "litelift_rowid_delete", "litelift_rowid_update"}) {
    out->push_back("ALTER TABLE " + t + " ENABLE ALWAYS TRIGGER " + QuoteIdent(trigger));
  }
  if (autoincrement) {
    out->push_back(AutoincTable(schema));
    out->push_back("INSERT INTO " + Autoinc(schema) + " (name, sequence, tbl, col) VALUES (" +
                   QuoteLiteral(table) + ", " + seq_class + ", " + RegClass(t) + ", " +
                   ColumnLiteral(col) +
                   ") ON CONFLICT (name) DO UPDATE SET sequence = excluded.sequence, "
                   "tbl = excluded.tbl, col = excluded.col");
  }
}

void RowidNumberingGone(const std::string& schema, const std::string& old_name,
                        const std::string& new_name, bool autoincrement,
                        std::vector<std::string>* out) {
  for (const std::string& fn : {InsertFunction(old_name), SyncFunction(old_name)}) {
    out->push_back("DROP FUNCTION IF EXISTS " + In(schema, fn) + "() CASCADE");
  }
  if (!new_name.empty() && Lower(new_name) != Lower(old_name)) {
    out->push_back("ALTER SEQUENCE IF EXISTS " + Sequence(schema, old_name) + " RENAME TO " +
                   ServerIdent(sql::RowidSequenceName(new_name)));
  }
  if (!autoincrement) return;
  out->push_back(AutoincTable(schema));
  if (new_name.empty()) {
    out->push_back("DELETE FROM " + Autoinc(schema) +
                   " WHERE lower(name) = " + QuoteLiteral(Lower(old_name)));
  } else {
    out->push_back("UPDATE " + Autoinc(schema) + " SET name = " + QuoteLiteral(new_name) +
                   " WHERE lower(name) = " + QuoteLiteral(Lower(old_name)));
  }
}

void SqliteSequenceStatements(const std::string& schema, std::vector<std::string>* out) {
  std::string view = In(schema, "sqlite_sequence"), list = Autoinc(schema);
  out->push_back(AutoincTable(schema));
  out->push_back("CREATE OR REPLACE VIEW " + view +
                 " AS SELECT name, seq FROM (SELECT name, pg_sequence_last_value(sequence) AS "
                 "seq, ord FROM " +
                 list + ") AS counters WHERE seq IS NOT NULL ORDER BY ord");
  // Writes set the counter (never below the table's rows, which SQLite's
  // numbering also looks at) and the committed floor; a row deleted leaves
  // the table numbered from its rows, without a row here until the next.
  std::string fn = In(schema, "litelift_sqlite_sequence");
  out->push_back(
      "CREATE OR REPLACE FUNCTION " + fn +
      "() RETURNS trigger LANGUAGE plpgsql AS $litelift$ DECLARE r record; m bigint; BEGIN "
      "SELECT * INTO r FROM " +
      list +
      " WHERE name = CASE WHEN TG_OP = 'DELETE' THEN OLD.name ELSE NEW.name END; "
      "IF NOT FOUND THEN RAISE EXCEPTION 'litelift: sqlite_sequence holds only AUTOINCREMENT "
      "tables on the postgres route, not %', CASE WHEN TG_OP = 'DELETE' THEN OLD.name ELSE "
      "NEW.name END USING ERRCODE = '0A000'; END IF; "
      "EXECUTE format('SELECT max(%I) FROM %s', r.col, r.tbl) INTO m; "
      "IF TG_OP = 'DELETE' THEN PERFORM setval(r.sequence, coalesce(m, 0) + 1, false); UPDATE " +
      list +
      " SET floor = NULL WHERE name = r.name; RETURN OLD; END IF; "
      "PERFORM setval(r.sequence, greatest(coalesce(NEW.seq, 0), coalesce(m, 0))); UPDATE " +
      list + " SET floor = NEW.seq WHERE name = r.name; RETURN NEW; END $litelift$");
  out->push_back("DROP TRIGGER IF EXISTS \"litelift_write\" ON " + view);
  out->push_back("CREATE TRIGGER \"litelift_write\" INSTEAD OF INSERT OR UPDATE OR DELETE ON " +
                 view + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
}

std::string RowidResyncSql(Shadow& shadow, const std::vector<std::string>& tables) {
  std::vector<std::string> names = tables;
  if (names.empty()) {
    for (const auto& [key, o] : shadow.Snapshot()) {
      if (o.type == "table") names.push_back(o.db == "main" ? o.name : o.db + "." + o.name);
    }
  }
  std::string calls;
  for (const std::string& name : names) {
    const sql::TableShape* shape = shadow.Table(name);
    if (shape == nullptr || shape->rowid_column.empty()) continue;
    std::string schema = shadow.ServerSchemaOf(shape->db);
    std::string t = In(schema, Lower(shape->name));
    std::string floor = shape->autoincrement
                            ? "(SELECT floor FROM " + Autoinc(schema) +
                                  " WHERE name = " + QuoteLiteral(shape->name) + ")"
                            : "NULL";
    calls += (calls.empty() ? "SELECT " : ", ") +
             ("litelift.rowid_resync(" + RegClass(Sequence(schema, shape->name)) + ", " +
              RegClass(t) + ", " + ColumnLiteral(shape->rowid_column) + ", " +
              (shape->autoincrement ? "true" : "false") + ", " + floor + ")");
  }
  return calls;
}

std::string RowidRandomRestartSql(Shadow& shadow, const std::string& table) {
  const sql::TableShape* shape = shadow.Table(table);
  if (shape == nullptr || shape->rowid_column.empty()) return "";
  std::string schema = shadow.ServerSchemaOf(shape->db);
  return "SELECT litelift.rowid_random_restart(" + RegClass(Sequence(schema, shape->name)) + ", " +
         RegClass(In(schema, Lower(shape->name))) + ", " + ColumnLiteral(shape->rowid_column) + ")";
}

std::string WriterSequence(const std::string& schema) { return In(schema, "litelift_writer"); }

std::string WriterSequenceSql(const std::string& schema) {
  return "CREATE SEQUENCE IF NOT EXISTS " + WriterSequence(schema);
}

void RowidUpgradeStatements(Shadow& shadow, const std::string& db, const std::string& schema,
                            int from, std::vector<std::string>* out) {
  out->push_back(WriterSequenceSql(schema));
  if (from >= 2) return;
  std::vector<std::string> autoinc, tables;
  for (const auto& [key, o] : shadow.Snapshot()) {
    if (o.type != "table" || o.db != db) continue;
    std::string name = db == "main" ? o.name : db + "." + o.name;
    const sql::TableShape* shape = shadow.Table(name);
    if (shape == nullptr || shape->rowid_column.empty()) continue;
    tables.push_back(name);
    RowidNumberingStatements(schema, shape->name, shape->rowid_column, shape->autoincrement, out);
    if (shape->autoincrement) autoinc.push_back(shape->name);
  }
  std::string old_table = In(schema, "litelift_sqlite_sequence_v1");
  if (!autoinc.empty()) {
    // The old counters become the floors; sqlite_sequence, the view.
    out->push_back("ALTER TABLE " + In(schema, "sqlite_sequence") + " RENAME TO " +
                   QuoteIdent("litelift_sqlite_sequence_v1"));
    out->push_back("UPDATE " + Autoinc(schema) + " AS a SET floor = o.seq FROM (SELECT name, " +
                   "max(seq) AS seq FROM " + old_table +
                   " GROUP BY name) AS o WHERE o.name = " + "a.name");
    SqliteSequenceStatements(schema, out);
  }
  std::string resync = RowidResyncSql(shadow, tables);
  if (!resync.empty()) out->push_back(resync);
  if (!autoinc.empty()) out->push_back("DROP TABLE " + old_table);
}

}  // namespace litelift::compat
