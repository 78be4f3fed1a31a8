// Foreign keys on the server, enforced as SQLite enforces them: only while
// the connection has PRAGMA foreign_keys on (litelift.foreign_keys = 'on'
// in its session), with SQLite's actions, also when the parent key is not
// unique. A PostgreSQL constraint cannot be switched off per session
// without superuser rights, so each child table gets a PL/pgSQL trigger
// checking its keys, and each parent one per foreign key applying its
// ON DELETE / ON UPDATE action.

#ifndef LITELIFT_COMPAT_CATALOG_FOREIGN_KEYS_H_
#define LITELIFT_COMPAT_CATALOG_FOREIGN_KEYS_H_

#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/shadow.h"

namespace litelift::compat {

// Appends the statements that (re)make the enforcement of table's foreign
// keys as the shadow now holds them, and of the foreign keys of the other
// tables that reference table (table: just created or altered).
void ForeignKeyStatements(Shadow& shadow, const std::string& table, const std::string& schema,
                          std::vector<std::string>* out);

// Appends the statements that drop the enforcement of the foreign keys of
// table (a child by that name, which may already be gone).
void DropForeignKeys(const std::string& table, const std::string& schema,
                     std::vector<std::string>* out);

// PRAGMA foreign_key_check[(table)] on the server: the query listing, in
// SQLite's columns (table, rowid, parent, fkid), the rows whose foreign key
// finds no parent row; table "" checks every table. "" when there is no
// key to check.
std::string ForeignKeyCheckSql(Shadow& shadow, const std::string& table);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_FOREIGN_KEYS_H_
