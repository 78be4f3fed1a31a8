// Where a routed database lives on the server. A database file is found
// by its path in litelift.databases, whatever its schema is called (older
// litelift names, a name another path had taken first), and a new one gets
// the first free name from litelift.create_database, so two files never
// share a schema. Its schema is used only when owned by a role litelift
// trusts (server/install.h).

#ifndef LITELIFT_COMPAT_PG_LOCATE_H_
#define LITELIFT_COMPAT_PG_LOCATE_H_

#include <libpq-fe.h>

#include <string>

#include "shim/module_api.h"

namespace litelift::compat {

// What an open or ATTACH looks for.
struct Placement {
  std::string path;     // the canonical path as valid UTF-8 (PrintablePath), or ":memory:"
  std::string derived;  // the name a new database gets (SchemaNameForPath/ForMemory)
  bool named = false;   // the route names the schema (schema = "..."): only that one
  bool memory = false;  // a private in-memory database: always a new schema
};

// The placement of a route's database.
Placement PlacementFor(const shim::ModuleRoute& route);

// Columns of LocateQuery's result after CatalogQuery's eight.
constexpr int kLocatedSchema = 8;    // the database's schema
constexpr int kLocatedPath = 9;      // the path it is recorded for
constexpr int kLocatedOwner = 10;    // the schema's owner (NULL: no such schema)
constexpr int kLocatedTrusted = 11;  // whether litelift trusts that owner
constexpr int kLocatedUser = 12;     // current_user
constexpr int kLocatedMarker = 13;   // the marker file's id (NULL: none recorded)

// The query finding p's database: CatalogQuery's rows for it (none when it
// is not recorded), with the kLocated* columns. Empty for a memory
// placement (nothing to find). It names every function, operator's
// operands and table so that it is safe to run with any search_path (an
// open runs it with its guess, SearchPathSql(Connection::SchemaFor), in the
// same round trip, and sets the path again only when the guess was wrong).
std::string LocateQuery(const Placement& p);

// The statement recording that p's database is opened now
// (litelift.databases.opened), ending in "; " to go before LocateQuery in
// the same round trip; empty when this process stamped it already (at
// most once per process per database) or p is a memory placement. It never
// waits (a database whose row another transaction holds, a schema change in
// progress, keeps its time) and never fails on a standby
// (litelift.stamp_opened). Safe with any search_path, as LocateQuery.
std::string StampOpenedSql(const Placement& p);

// The statement making schema, then litelift, the session's search_path.
std::string SearchPathSql(const std::string& schema);

// Checks LocateQuery's result: SQLITE_OK with *schema the database's schema
// ("" when none is recorded: it is to be created), or SQLITE_CANTOPEN with
// *error when the named schema holds another path's database or its
// owner is not trusted.
int CheckLocated(const PGresult* res, const Placement& p, std::string* schema, std::string* error);

// The query creating p's database (litelift.create_database): one row, the
// schema chosen. With set_search_path it also becomes the session's.
std::string CreateDatabaseQuery(const Placement& p, int rowid_layout, bool set_search_path);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_LOCATE_H_
