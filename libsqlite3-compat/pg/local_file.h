// What an open or ATTACH of a routed database does with its local file
// (pg/marker.h; docs/design.md, "The marker file"), around finding the
// database on the server (pg/locate.h): the same steps for both, so that an
// attached database gets a marker and a deleted one is noticed there too.

#ifndef LITELIFT_COMPAT_PG_LOCAL_FILE_H_
#define LITELIFT_COMPAT_PG_LOCAL_FILE_H_

#include <libpq-fe.h>

#include <string>

#include "libsqlite3-compat/pg/locate.h"
#include "libsqlite3-compat/pg/marker.h"

namespace litelift::compat {

// The local-file facts of one open.
struct LocalFileState {
  LocalFile local;       // what is at the path
  std::string recorded;  // the marker id recorded for the database found ("": none)
};

// Before the database is created: *schema is the database LocateQuery
// found ("" when none) and state->recorded its marker id. When that
// database's marker was deleted or replaced by another's, it is set aside
// through pg (litelift.set_aside: the database keeps its schema, marked
// deleted, so that a process that has it open goes on using it, as a
// process holding an unlinked SQLite file does; only a schema the route
// names is renamed aside) and *schema cleared, so that a new database takes
// its place, as SQLite creates a new file. Fails SQLITE_CANTOPEN without
// may_create; and when a file holding SQLite data has no database on the
// server, unless empty_on_first_open. SQLITE_OK otherwise.
int CheckLocalFile(PGconn* pg, const Placement& place, bool may_create, bool empty_on_first_open,
                   LocalFileState* state, std::string* schema, std::string* error);

// After the database is found or created: when no marker is recorded for
// it and path holds nothing or a marker, records a marker id (the first
// writer wins, another open may race this one) and writes the marker at
// path. *id is the database's marker id afterwards ("" when it has none).
// False with *error on failure.
bool EnsureMarker(PGconn* pg, const std::string& path, const std::string& dsn,
                  const std::string& schema, const LocalFileState& state, std::string* id,
                  std::string* error);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_LOCAL_FILE_H_
