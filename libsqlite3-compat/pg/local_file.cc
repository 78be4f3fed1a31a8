#include "libsqlite3-compat/pg/local_file.h"

#include <sqlite3.h>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/session.h"
#include "router/log.h"

namespace litelift::compat {

int CheckLocalFile(PGconn* pg, const Placement& place, bool may_create, bool empty_on_first_open,
                   LocalFileState* state, std::string* schema, std::string* error) {
  const LocalFile& local = state->local;
  if (!schema->empty() && !state->recorded.empty() &&
      (local.kind == LocalFile::kMissing ||
       (local.kind == LocalFile::kMarker && local.id != state->recorded))) {
    if (!may_create) {
      *error = "unable to open database file (litelift: the marker file of " + place.path +
               " was deleted, which deletes its database; SQLITE_OPEN_CREATE creates a new one)";
      return SQLITE_CANTOPEN;
    }
    PgResult aside =
        Exec(pg, "SELECT litelift.set_aside(" + QuoteLiteral(*schema) + ", " +
                     QuoteLiteral(state->recorded) + ", " + (place.named ? "true" : "false") + ")");
    if (!Ok(aside.get())) {
      *error = "litelift: cannot set aside the deleted database " + *schema + ": " +
               ErrorText(pg, aside.get());
      return SQLITE_CANTOPEN;
    }
    if (!PQgetisnull(aside.get(), 0, 0)) {
      LL_INFO("the marker of {} was deleted: its database is kept as {}", place.path,
              PQgetvalue(aside.get(), 0, 0));
    }
    schema->clear();
    state->recorded.clear();
  }
  if (schema->empty() && local.kind == LocalFile::kSqliteData && !empty_on_first_open) {
    *error = "unable to open database file (litelift: " + place.path +
             " holds SQLite data and the server has no database for it: run `litelift migrate " +
             place.path + "` to copy it there, or set on_first_open = \"empty\" to start empty)";
    return SQLITE_CANTOPEN;
  }
  return SQLITE_OK;
}

bool EnsureMarker(PGconn* pg, const std::string& path, const std::string& dsn,
                  const std::string& schema, const LocalFileState& state, std::string* id,
                  std::string* error) {
  *id = state.recorded;
  if (!state.recorded.empty() ||
      (state.local.kind != LocalFile::kMissing && state.local.kind != LocalFile::kMarker)) {
    return true;
  }
  std::string mine = state.local.kind == LocalFile::kMarker ? state.local.id : NewMarkerId();
  PgResult rec =
      Exec(pg, "UPDATE litelift.databases SET marker = coalesce(marker, " + QuoteLiteral(mine) +
                   ") WHERE db_schema = " + QuoteLiteral(schema) + " RETURNING marker");
  if (!Ok(rec.get()) || PQntuples(rec.get()) != 1) {
    *error = "litelift: cannot record the marker of " + PrintablePath(path) + ": " +
             ErrorText(pg, rec.get());
    return false;
  }
  *id = PQgetvalue(rec.get(), 0, 0);
  return WriteMarker(path, *id, dsn, schema, error);
}

}  // namespace litelift::compat
