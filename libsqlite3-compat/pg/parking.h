// Closed routed connections wait here, session, shadow catalog and server
// prepared statements intact, for the next open of the same database: a
// warm open+close costs no round trip and no schema reload. A schema
// changed meanwhile is noticed through LISTEN, as for open connections.

#ifndef LITELIFT_COMPAT_PG_PARKING_H_
#define LITELIFT_COMPAT_PG_PARKING_H_

#include <string>

#include "libsqlite3-compat/pg/connection.h"

namespace litelift::compat {

// Takes a closed connection (no statements left). Returns false when it
// cannot be reused; the caller then shuts it down and deletes it.
bool Park(Connection* conn);

// A parked connection to schema on dsn (with the same read-only and
// concurrency choices), ready as
// if new; nullptr when none. Thread-safe.
Connection* Unpark(const std::string& dsn, const std::string& schema, bool readonly,
                   bool native_concurrency);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_PARKING_H_
