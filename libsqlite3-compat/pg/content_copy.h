// Copying one database's content into another through the sqlite3 API,
// where either side may be a real SQLite connection or a routed one: what
// backup and serialize on the postgres route are built from (backup.h).

#ifndef LITELIFT_COMPAT_PG_CONTENT_COPY_H_
#define LITELIFT_COMPAT_PG_CONTENT_COPY_H_

#include <sqlite3.h>

#include <string>

namespace litelift::compat {

// An error of a copy: the code and message to report for it.
struct CopyError {
  int code = SQLITE_OK;
  std::string message;
};

// Copies database from_name of `from` into database to_name of `to`, which
// must hold no objects: tables in creation order (a virtual table, then
// rows into the tables its module made), each table's rows with their
// rowids and storage classes, sqlite_sequence, then indexes, views and
// triggers in creation order (after the rows, so no trigger fires), then
// user_version and application_id. sqlite_stat* tables are left out (only
// ANALYZE makes them). Each handle is a real SQLite connection or a routed
// one (served through its remote table); the caller holds any transaction
// it wants around the writes. SQLITE_OK, or the first failure in *error.
int CopyContent(sqlite3* from, const std::string& from_name, sqlite3* to,
                const std::string& to_name, CopyError* error);

// Drops every object of database name of db (views, then tables, which
// take their indexes and triggers) and empties its sqlite_sequence: what a
// routed destination is cleared with before CopyContent replaces it.
int DropContent(sqlite3* db, const std::string& name, CopyError* error);

// Runs one statement on db (either kind) to its end; SQLITE_OK or the
// failure in *error.
int ExecOne(sqlite3* db, const std::string& sql, CopyError* error);

// The one integer a query returns (0 without a row).
int QueryInt(sqlite3* db, const std::string& sql, sqlite3_int64* out, CopyError* error);

// A private in-memory real SQLite database (never routed, never shared).
sqlite3* OpenPrivateMemory();

// name as an SQL identifier, double-quoted.
std::string Ident(const std::string& name);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_CONTENT_COPY_H_
