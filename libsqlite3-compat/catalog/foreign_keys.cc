#include "libsqlite3-compat/catalog/foreign_keys.h"

#include <map>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Ident(std::string_view name) { return ServerIdent(Lower(name)); }

std::string Text(sqlite3_stmt* s, int col) { return ColumnText(s, col); }

struct ForeignKey {
  int id = 0;
  bool deferred = false;  // DEFERRABLE INITIALLY DEFERRED: checked at COMMIT
  std::string parent;
  std::vector<std::string> from, to;  // child columns, parent columns
  std::string on_update, on_delete;   // SQLite's words, upper case
};

std::vector<ForeignKey> ForeignKeysOf(Shadow& shadow, const std::string& table) {
  std::map<int, ForeignKey> keys;
  shadow.ForEachRow(
      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM "
      "pragma_foreign_key_list(?1) ORDER BY id, seq",
      table, [&](sqlite3_stmt* s) {
        ForeignKey& k = keys[SQ(sqlite3_column_int)(s, 0)];
        k.id = SQ(sqlite3_column_int)(s, 0);
        k.parent = Text(s, 1);
        k.from.push_back(Text(s, 2));
        if (SQ(sqlite3_column_type)(s, 3) != SQLITE_NULL) k.to.push_back(Text(s, 3));
        k.on_update = Upper(Text(s, 4));
        k.on_delete = Upper(Text(s, 5));
      });
  // PRAGMA foreign_key_list does not say which keys are deferred: a table
  // that declares INITIALLY DEFERRED has all of its keys so (as Django's).
  bool deferred = false;
  shadow.ForEachRow(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 AND upper(sql) LIKE "
      "'%INITIALLY DEFERRED%'",
      table, [&](sqlite3_stmt*) { deferred = true; });
  std::vector<ForeignKey> out;
  for (auto& [id, k] : keys) {
    k.deferred = deferred;
    if (k.to.empty()) {
      // No parent columns named: the parent's primary key (its rowid).
      const sql::TableShape* parent = shadow.Table(k.parent);
      if (parent != nullptr) {
        k.to = parent->primary_key.empty() && !parent->rowid_column.empty()
                   ? std::vector<std::string>{parent->rowid_column}
                   : parent->primary_key;
      }
    }
    if (k.to.size() == k.from.size()) out.push_back(k);
  }
  return out;
}

// The server type of a column ("" when unknown).
std::string TypeOf(Shadow& shadow, const std::string& table, const std::string& column) {
  const sql::TableShape* shape = shadow.Table(table);
  for (size_t k = 0; shape != nullptr && k < shape->columns.size(); ++k) {
    if (Lower(shape->columns[k]) == Lower(column)) return shape->ServerType(k);
  }
  if (shape != nullptr && Lower(shape->rowid_column) == Lower(column)) return "bigint";
  return "";
}

// "a.x = b.y AND ..." over the key's columns; both sides as text when the
// types differ (an INTEGER child of a TEXT parent).
std::string KeyMatch(Shadow& shadow, const ForeignKey& k, const std::string& child,
                     const std::string& child_row, const std::string& parent_row) {
  std::string out;
  for (size_t i = 0; i < k.from.size(); ++i) {
    std::string c = child_row + "." + Ident(k.from[i]), p = parent_row + "." + Ident(k.to[i]);
    if (TypeOf(shadow, child, k.from[i]) != TypeOf(shadow, k.parent, k.to[i])) {
      c += "::text";
      p += "::text";
    }
    out += (i ? " AND " : "") + c + " = " + p;
  }
  return out;
}

// The start of the names of child's foreign key functions: child's name
// when it has at most 36 bytes, else its first bytes (whole UTF-8
// characters) and its ServerName's hash, 36 bytes at most; the rest (an
// ordinal or "child") keeps the whole within 63 bytes.
std::string Prefix(const std::string& child) {
  std::string name = Lower(child);
  if (name.size() > 36) {
    std::string hashed = ServerName(name);  // ends in '_' and 16 hex digits
    size_t keep = 19;
    while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
    name = name.substr(0, keep) + hashed.substr(hashed.size() - 17);
  }
  return "litelift_fk_" + name + "_";
}

constexpr const char* kEnabled =
    "IF coalesce(current_setting('litelift.foreign_keys', true), '') <> 'on' THEN RETURN NULL; "
    "END IF; ";
constexpr const char* kFailed =
    "RAISE EXCEPTION 'FOREIGN KEY constraint failed' USING ERRCODE = '23503'; ";

void Function(const std::string& schema, const std::string& name, const std::string& body,
              std::vector<std::string>* out) {
  out->push_back("CREATE OR REPLACE FUNCTION " + QuoteIdent(schema) + "." + QuoteIdent(name) +
                 "() RETURNS trigger LANGUAGE plpgsql AS $litelift$ BEGIN " + kEnabled + body +
                 "RETURN NULL; END $litelift$");
}

// deferred: a constraint trigger that fires at COMMIT (or SET CONSTRAINTS
// ALL IMMEDIATE, which litelift's COMMIT runs first).
void Trigger(const std::string& schema, const std::string& name, const std::string& events,
             const std::string& table, bool deferred, std::vector<std::string>* out) {
  std::string t = QuoteIdent(schema) + "." + Ident(table);
  out->push_back("DROP TRIGGER IF EXISTS " + QuoteIdent(name) + " ON " + t);
  out->push_back(
      std::string(deferred ? "CREATE CONSTRAINT TRIGGER " : "CREATE TRIGGER ") + QuoteIdent(name) +
      " AFTER " + events + " ON " + t + (deferred ? " DEFERRABLE INITIALLY DEFERRED" : "") +
      " FOR EACH ROW EXECUTE FUNCTION " + QuoteIdent(schema) + "." + QuoteIdent(name) + "()");
  out->push_back("ALTER TABLE " + t + " ENABLE ALWAYS TRIGGER " + QuoteIdent(name));
}

// The parent's side of one foreign key: its action when a parent row goes
// or its key changes.
void ParentSide(Shadow& shadow, const std::string& child, const ForeignKey& k,
                const std::string& schema, std::vector<std::string>* out) {
  std::string c = QuoteIdent(schema) + "." + Ident(child);
  std::string p = QuoteIdent(schema) + "." + Ident(k.parent);
  std::string match = KeyMatch(shadow, k, child, c, "OLD");
  std::string same_key;  // another parent row with the old key
  for (size_t i = 0; i < k.to.size(); ++i) {
    same_key += (i ? " AND " : "") + p + "." + Ident(k.to[i]) + " = OLD." + Ident(k.to[i]);
  }
  auto action = [&](const std::string& what, bool update) {
    if (what == "CASCADE" && !update) return "DELETE FROM " + c + " WHERE " + match + "; ";
    if (what == "CASCADE" || what == "SET NULL" || what == "SET DEFAULT") {
      std::string sets;
      for (size_t i = 0; i < k.from.size(); ++i) {
        std::string value = what == "CASCADE"    ? "NEW." + Ident(k.to[i])
                            : what == "SET NULL" ? std::string("NULL")
                                                 : std::string("DEFAULT");
        sets += (i ? ", " : "") + Ident(k.from[i]) + " = " + value;
      }
      return "UPDATE " + c + " SET " + sets + " WHERE " + match + "; ";
    }
    // NO ACTION, RESTRICT: a child left without a parent row fails.
    return "IF EXISTS (SELECT 1 FROM " + c + " WHERE " + match +
           ") AND NOT EXISTS (SELECT 1 FROM " + p + " WHERE " + same_key + ") THEN " + kFailed +
           "END IF; ";
  };
  std::string changed;
  for (size_t i = 0; i < k.to.size(); ++i) {
    changed +=
        (i ? " OR " : "") + ("NEW." + Ident(k.to[i])) + " IS DISTINCT FROM OLD." + Ident(k.to[i]);
  }
  std::string name = Prefix(child) + std::to_string(k.id);
  Function(schema, name,
           "IF TG_OP = 'DELETE' THEN " + action(k.on_delete, false) + "ELSIF " + changed +
               " THEN " + action(k.on_update, true) + "END IF; ",
           out);
  // A deferred key's check waits for COMMIT; its actions do not.
  bool checks_only = (k.on_delete == "NO ACTION" || k.on_delete.empty()) &&
                     (k.on_update == "NO ACTION" || k.on_update.empty());
  Trigger(schema, name, "DELETE OR UPDATE", k.parent, k.deferred && checks_only, out);
}

// The child's side: a row whose key is all given must have a parent row.
void ChildSide(Shadow& shadow, const std::string& child, const std::vector<ForeignKey>& keys,
               const std::string& schema, std::vector<std::string>* out) {
  std::string body;
  for (const ForeignKey& k : keys) {
    std::string given, changed;
    for (size_t i = 0; i < k.from.size(); ++i) {
      std::string col = Ident(k.from[i]);
      given += (i ? " AND " : "") + ("NEW." + col) + " IS NOT NULL";
      changed += (i ? " OR " : "") + ("NEW." + col) + " IS DISTINCT FROM OLD." + col;
    }
    std::string p = QuoteIdent(schema) + "." + Ident(k.parent);
    // Checked at COMMIT, the row may have changed since: the key must still
    // be a child's.
    std::string still;
    if (k.deferred) {
      std::string c = QuoteIdent(schema) + "." + Ident(child), same;
      for (size_t i = 0; i < k.from.size(); ++i) {
        same += (i ? " AND " : "") + c + "." + Ident(k.from[i]) + " = NEW." + Ident(k.from[i]);
      }
      still = " AND EXISTS (SELECT 1 FROM " + c + " WHERE " + same + ")";
    }
    body += "IF " + given + " AND (TG_OP = 'INSERT' OR " + changed + ")" + still +
            " AND NOT EXISTS (SELECT 1 FROM " + p + " WHERE " +
            KeyMatch(shadow, k, child, "NEW", p) + ") THEN " + kFailed + "END IF; ";
  }
  std::string name = Prefix(child) + "child";
  Function(schema, name, body, out);
  Trigger(schema, name, "INSERT OR UPDATE", child, keys.front().deferred, out);
}

bool Exists(Shadow& shadow, const std::string& table) { return shadow.Table(table) != nullptr; }

}  // namespace

std::string ForeignKeyCheckSql(Shadow& shadow, const std::string& table) {
  std::vector<std::string> tables;
  shadow.ForEachRow(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND (?1 IS NULL OR lower(name) = "
      "lower(?1)) ORDER BY rowid",
      table, [&](sqlite3_stmt* s) { tables.push_back(Text(s, 0)); });
  std::string parts;
  int ordinal = 0;
  for (const std::string& child : tables) {
    const sql::TableShape* shape = shadow.Table(child);
    if (shape == nullptr) continue;
    std::string rowid =
        shape->rowid_column.empty() ? "NULL::bigint" : "c." + Ident(shape->rowid_column);
    ++ordinal;  // rows by table, then by rowid and key, as SQLite lists them
    for (const ForeignKey& k : ForeignKeysOf(shadow, child)) {
      std::string given;
      for (size_t i = 0; i < k.from.size(); ++i) {
        given += (i ? " AND " : "") + ("c." + Ident(k.from[i])) + " IS NOT NULL";
      }
      // No parent table: every row with a key is without a parent.
      std::string orphan = "true";
      if (shadow.Table(k.parent) != nullptr) {
        orphan = "NOT EXISTS (SELECT 1 FROM " + Ident(k.parent) + " AS p WHERE " +
                 KeyMatch(shadow, k, child, "c", "p") + ")";
      }
      parts += std::string(parts.empty() ? "" : " UNION ALL ") + "SELECT " +
               std::to_string(ordinal) + " AS o, " + QuoteLiteral(shape->name) + "::text AS t, " +
               rowid + " AS r, " + QuoteLiteral(k.parent) + "::text AS p, " + std::to_string(k.id) +
               "::int8 AS f FROM " + Ident(child) + " AS c WHERE " + given + " AND " + orphan;
    }
  }
  if (parts.empty()) return "";
  return "SELECT t, r, p, f FROM (" + parts + ") AS litelift_check ORDER BY o, r, f";
}

void DropForeignKeys(const std::string& table, const std::string& schema,
                     std::vector<std::string>* out) {
  // Exactly table's: Prefix(table) then "child" or an ordinal (a prefix
  // alone would take the functions of a table whose name extends table's).
  // A name over 36 bytes also drops the functions named before litelift
  // hashed such names (its first 36 bytes), as it always did.
  std::vector<std::string> prefixes = {Prefix(table)};
  std::string name = Lower(table);
  if (name.size() > 36 && (static_cast<unsigned char>(name[36]) & 0xC0) != 0x80) {
    prefixes.push_back("litelift_fk_" + name.substr(0, 36) + "_");
  }
  std::string which;
  for (const std::string& p : prefixes) {
    std::string q = QuoteLiteral(p);
    which += std::string(which.empty() ? "" : " OR ") + "p.proname = " + q +
             " || 'child' OR (left(p.proname, char_length(" + q + ")) = " + q +
             " AND substr(p.proname, char_length(" + q + ") + 1) ~ '^[0-9]+$')";
  }
  out->push_back(
      "DO $litelift$ DECLARE f regprocedure; BEGIN FOR f IN SELECT p.oid FROM pg_proc p JOIN "
      "pg_namespace n ON n.oid = p.pronamespace WHERE " +
      (schema == "pg_temp" ? std::string("n.oid = pg_my_temp_schema()")
                           : "n.nspname = " + QuoteLiteral(schema)) +
      " AND (" + which +
      ") LOOP EXECUTE 'DROP FUNCTION ' || f || ' CASCADE'; END LOOP; "
      "END $litelift$");
}

void ForeignKeyStatements(Shadow& shadow, const std::string& table, const std::string& schema,
                          std::vector<std::string>* out) {
  // The tables whose enforcement depends on table: itself, and each table
  // with a foreign key to it.
  std::vector<std::string> children = {table};
  shadow.ForEachRow(
      "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE "
      "m.type = 'table' AND lower(f.\"table\") = lower(?1) AND lower(m.name) != lower(?1)",
      table, [&](sqlite3_stmt* s) { children.push_back(Text(s, 0)); });
  for (const std::string& child : children) {
    DropForeignKeys(child, schema, out);
    std::vector<ForeignKey> keys = ForeignKeysOf(shadow, child);
    if (keys.empty()) continue;
    ChildSide(shadow, child, keys, schema, out);
    for (const ForeignKey& k : keys) {
      if (Exists(shadow, k.parent)) ParentSide(shadow, child, k, schema, out);
    }
  }
}

}  // namespace litelift::compat
