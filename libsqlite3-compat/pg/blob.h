// sqlite3_blob_* on a routed database: the value is read whole from the
// server; writes replace it there, through the connection's own statements
// (so they take the write lock and respect the program's transaction).

#ifndef LITELIFT_COMPAT_PG_BLOB_H_
#define LITELIFT_COMPAT_PG_BLOB_H_

#include <sqlite3.h>

namespace litelift::compat {

class Connection;

// sqlite3_blob_open with SQLite's checks and messages (the shadow catalog
// makes them, from the schema); the caller holds the connection's mutex.
int OpenBlob(Connection* conn, const char* db_name, const char* table, const char* column,
             sqlite3_int64 rowid, int flags, sqlite3_blob** out);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_BLOB_H_
