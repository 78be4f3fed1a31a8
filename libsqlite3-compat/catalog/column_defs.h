// What a CREATE TABLE text says about its columns that no PRAGMA reports:
// a generated column's expression and a column's declared collation.

#ifndef LITELIFT_COMPAT_CATALOG_COLUMN_DEFS_H_
#define LITELIFT_COMPAT_CATALOG_COLUMN_DEFS_H_

#include <map>
#include <string>

namespace litelift::compat {

struct ColumnClauses {
  std::string generated;  // GENERATED ALWAYS AS (expr) / AS (expr): expr, else ""
  std::string collation;  // COLLATE name, upper-cased, else ""
};

// The clauses of each column definition of create_sql (a CREATE TABLE
// text as sqlite_master holds it), by lower-cased column name.
std::map<std::string, ColumnClauses> ColumnClausesOf(const std::string& create_sql);

// The conflict resolution (REPLACE, IGNORE, ...) that the PRIMARY KEY and
// UNIQUE constraints of create_sql name with ON CONFLICT, upper case; ""
// when none does (NOT NULL's own clause is not a key's).
std::string KeyConflictClause(const std::string& create_sql);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_COLUMN_DEFS_H_
