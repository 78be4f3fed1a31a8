// Schema objects on the server: the PostgreSQL statements that give each
// object the shadow catalog holds its SQLite meaning (column types by
// affinity, the rowid alias and AUTOINCREMENT, constraints, indexes, views).

#ifndef LITELIFT_COMPAT_CATALOG_DDL_H_
#define LITELIFT_COMPAT_CATALOG_DDL_H_

#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/shadow.h"

namespace litelift::compat {

// A column as PRAGMA table_xinfo reports it.
struct ColumnInfo {
  std::string name, type, default_sql;
  bool not_null = false;
  bool has_default = false;
  std::string generated_sql;  // a generated column's expression (SQLite's text), or ""
};

// The columns of a table in the shadow (PRAGMA table_xinfo).
std::vector<ColumnInfo> ColumnsOf(Shadow& shadow, const std::string& table);

// Appends to *out the statements that create object (as the shadow now
// holds it) in schema. False with *error naming what cannot be created yet.
bool CreateStatements(Shadow& shadow, const SchemaObject& object, const std::string& schema,
                      std::vector<std::string>* out, std::string* error);

// Whether create_sql makes a table of SQLite's full-text module fts5 (or
// an fts5vocab table over one): on the server only its shadow tables exist. (FTS3/FTS4 are refused: their
// segment directory keeps "n m" text in an INTEGER column.)
bool IsFullTextTable(const std::string& create_sql);

// Appends the statements that drop object (as it was) from schema.
void DropStatements(const SchemaObject& object, const std::string& schema,
                    std::vector<std::string>* out);

// Appends the statements that turn table `before` (its old columns) into
// what the shadow now holds under new_name (ALTER TABLE ... RENAME TO,
// RENAME COLUMN, ADD COLUMN, DROP COLUMN). False with *error otherwise.
bool AlterStatements(Shadow& shadow, const std::string& old_name,
                     const std::vector<ColumnInfo>& before, const std::string& new_name,
                     const std::string& schema, std::vector<std::string>* out, std::string* error);

// Appends the statements that make anew, when missing on the server, the
// views of the main database over the tables named (and the views over
// those, with their INSTEAD OF triggers): PostgreSQL dropped them with a
// table that SQLite let go while keeping its views, and a table of that
// name is back (created, or renamed to it).
void RestoreViews(Shadow& shadow, const std::vector<std::string>& tables, const std::string& schema,
                  std::vector<std::string>* out);

// The program's name of the CHECK constraint of table (the program's name)
// that the server calls server_name (ServerName of the constraint's name,
// or of its expression when unnamed), or server_name when none matches.
std::string CheckName(Shadow& shadow, const std::string& table, const std::string& server_name);

// A column default (PRAGMA table_info's dflt_value) as a server expression.
std::string DefaultExpression(const std::string& sqlite_default);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_DDL_H_
