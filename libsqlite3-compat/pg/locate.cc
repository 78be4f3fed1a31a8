#include "libsqlite3-compat/pg/locate.h"

#include <sqlite3.h>

#include <mutex>
#include <unordered_set>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/pg/connection.h"

namespace litelift::compat {

namespace {

// The database's litelift.databases row (none when it is not recorded). By
// path: the derived name first when several schemas are recorded for it
// (an older explicit route), then the oldest.
std::string Pick(const Placement& p) {
  if (p.named) {
    return "SELECT * FROM litelift.databases WHERE db_schema = " + QuoteLiteral(p.derived);
  }
  return "SELECT * FROM litelift.databases WHERE path = " + QuoteLiteral(p.path) +
         " AND deleted IS NULL ORDER BY db_schema = " + QuoteLiteral(p.derived) +
         " DESC, created, db_schema LIMIT 1";
}

// Whether the owner (an oid expression) holds the connecting role's
// privileges: the trust rule of server/install.h.
std::string Trusted(const std::string& owner) {
  return "pg_catalog.pg_has_role(" + owner + ", current_user, 'USAGE')";
}

std::string Text(const PGresult* r, int col) {
  return PQgetisnull(r, 0, col) ? "" : PQgetvalue(r, 0, col);
}

}  // namespace

Placement PlacementFor(const shim::ModuleRoute& route) {
  Placement p;
  p.memory = route.memory != 0;
  p.named = !p.memory && route.schema != nullptr && *route.schema != '\0';
  p.path = p.memory ? ":memory:" : PrintablePath(route.canonical_path);
  p.derived = p.named    ? route.schema
              : p.memory ? SchemaNameForMemory()
                         : SchemaNameForPath(route.canonical_path);
  return p;
}

std::string LocateQuery(const Placement& p) {
  if (p.memory) return "";
  // (Every function and table named with its schema: the session's
  // search_path may name a schema not yet checked.)
  return "SELECT d.schema_version, d.user_version, d.application_id, c.type, c.name, "
         "c.tbl_name, c.sql, d.rowid_layout, d.db_schema, d.path, "
         "pg_catalog.pg_get_userbyid(d.owner), " +
         Trusted("d.owner") +
         ", current_user, d.marker FROM (SELECT x.*, (SELECT n.nspowner FROM "
         "pg_catalog.pg_namespace n "
         "WHERE n.nspname = x.db_schema) AS owner FROM (" +
         Pick(p) + ") x) d LEFT JOIN litelift.catalog c USING (db_schema) ORDER BY c.seq";
}

std::string StampOpenedSql(const Placement& p) {
  if (p.memory) return "";
  {
    static std::mutex mutex;
    static auto* stamped = new std::unordered_set<std::string>();  // never destroyed
    std::lock_guard<std::mutex> lock(mutex);
    if (stamped->size() >= 4096) stamped->clear();  // (bounded; a miss costs one update)
    if (!stamped->insert((p.named ? "s:" : "p:") + (p.named ? p.derived : p.path)).second) {
      return "";
    }
  }
  return "SELECT litelift.stamp_opened(" + QuoteLiteral(p.path) + ", " + QuoteLiteral(p.derived) +
         ", " + (p.named ? "true" : "false") + "); ";
}

int CheckLocated(const PGresult* res, const Placement& p, std::string* schema, std::string* error) {
  schema->clear();
  if (PQntuples(res) == 0) return SQLITE_OK;
  std::string found = Text(res, kLocatedSchema);
  std::string path = Text(res, kLocatedPath);
  if (p.named && path != p.path) {
    *error = "unable to open database file (litelift: the schema " + found +
             " holds the database of " + path + ", not of " + p.path + ")";
    return SQLITE_CANTOPEN;
  }
  if (!PQgetisnull(res, 0, kLocatedOwner) && Text(res, kLocatedTrusted) != "t") {
    *error = "unable to open database file (litelift: the schema " + found + " of " + path +
             " is owned by " + Text(res, kLocatedOwner) +
             ", which does not hold the privileges of " + Text(res, kLocatedUser) +
             ": litelift does not trust it)";
    return SQLITE_CANTOPEN;
  }
  *schema = found;
  return SQLITE_OK;
}

std::string SearchPathSql(const std::string& schema) {
  return "SET search_path = " + QuoteIdent(schema) + ", litelift";
}

std::string CreateDatabaseQuery(const Placement& p, int rowid_layout, bool set_search_path) {
  std::string call = "litelift.create_database(" + QuoteLiteral(p.derived) + ", " +
                     QuoteLiteral(p.path) + ", " + std::to_string(rowid_layout) + ", " +
                     (p.named ? "false" : "true") + ", " + (p.memory ? "true" : "false") + ")";
  if (!set_search_path) return "SELECT " + call;
  return "SELECT s, pg_catalog.set_config('search_path', pg_catalog.quote_ident(s) || "
         "', litelift', false) FROM " +
         call + " AS s";
}

}  // namespace litelift::compat
