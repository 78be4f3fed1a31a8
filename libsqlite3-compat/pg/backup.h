// The online backup API and sqlite3_serialize/sqlite3_deserialize where a
// database is on the postgres route (docs/design.md, "Backup and serialize
// on the route").
//
// A routed source is materialized into a private in-memory SQLite database
// holding the same content (content_copy.h), and the real SQLite's backup
// or serialize runs from that copy, so page counts and steps are real
// SQLite's figures. A routed destination is a private in-memory database
// the real backup writes; when the backup is done its content replaces the
// destination's in one transaction of the routed connection.

#ifndef LITELIFT_COMPAT_PG_BACKUP_H_
#define LITELIFT_COMPAT_PG_BACKUP_H_

#include <sqlite3.h>

namespace litelift::compat {

// sqlite3_backup_init where dest, src or both are routed connections (the
// other a real one): SQLite's checks and messages, set on dest; the handle
// returned is served by the remote table of backups (step, remaining,
// pagecount, finish).
sqlite3_backup* RoutedBackupInit(sqlite3* dest, const char* dest_name, sqlite3* src,
                                 const char* src_name);

class Connection;
// How many unfinished backups use c (which then does not close).
int BackupsUsing(const Connection* c);

// A backup using c has finished (remote_api.cc): a connection closed with
// close_v2 meanwhile goes once nothing else keeps it.
void BackupEnded(Connection* c);

// sqlite3_serialize of a routed connection's database: the bytes of an
// SQLite database holding its content (sqlite3_malloc64'd, the caller's),
// or NULL as SQLite gives it (unknown schema; SQLITE_SERIALIZE_NOCOPY, as
// for any database not held in contiguous memory, with *size set).
unsigned char* RoutedSerialize(sqlite3* db, const char* schema, sqlite3_int64* size,
                               unsigned int flags);

// sqlite3_deserialize into a routed connection's database: its content is
// replaced by that of the image, in one transaction. An image SQLite cannot
// read fails here (SQLite fails at the next statement), leaving the
// database as it was; SQLITE_DESERIALIZE_READONLY is refused by name.
int RoutedDeserialize(sqlite3* db, const char* schema, unsigned char* data, sqlite3_int64 size,
                      sqlite3_int64 buffer_size, unsigned flags);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_BACKUP_H_
