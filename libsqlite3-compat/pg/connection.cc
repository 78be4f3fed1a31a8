#include "libsqlite3-compat/pg/connection.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "libsqlite3-compat/catalog/ddl.h"
#include "libsqlite3-compat/catalog/local_views.h"
#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/first_open.h"
#include "libsqlite3-compat/pg/local_file.h"
#include "libsqlite3-compat/pg/locate.h"
#include "libsqlite3-compat/pg/marker.h"
#include "libsqlite3-compat/remote_tables.h"
#include "libsqlite3-compat/server/install.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"
#include "shim/utf.h"

namespace litelift::compat {

namespace {

// What the authorizer saw while the shadow prepared a statement.
struct Actions {
  Connection* conn = nullptr;
  bool ddl = false, txn = false, write = false, attach = false, server_read = false;
  bool pragma = false, uses_connection_state = false;
  std::string program_function;       // a function the program registered, called by it
  std::vector<std::string> contexts;  // the views (and triggers) whose code it runs
  std::string fts;                    // an FTS table it reads or writes
  // The PRAGMA's row (nullptr: one SQLite does not know), database, value.
  const PragmaInfo* pragma_info = nullptr;
  std::string pragma_db, pragma_value;
  bool pragma_sets = false;
  std::string denied;
};

bool IsSchemaTable(std::string_view t) {
  std::string l = Lower(t);
  return l == "sqlite_master" || l == "sqlite_schema" || l == "sqlite_temp_master" ||
         l == "sqlite_temp_schema" || l.rfind("pragma_", 0) == 0;
}

// Notes an FTS table of the main database the statement reads or writes
// (it then runs in the embedded engine, embedded_fts.h).
void NoteFts(Actions* acts, const char* table, const char* db) {
  const std::set<std::string>& fts = acts->conn->fts_tables;
  if (fts.empty() || table == nullptr || !acts->fts.empty()) return;
  if (db != nullptr && Lower(db) != "main") return;
  if (fts.count(Lower(table)) != 0) acts->fts = table;
}

int Authorize(void* arg, int action, const char* a1, const char* a2, const char* db,
              const char* trigger) {
  auto* acts = static_cast<Actions*>(arg);
  Connection* c = acts->conn;
  if (c->authorizer != nullptr && !c->internal_prepare) {
    int rc = c->authorizer(c->authorizer_arg, action, a1, a2, db, trigger);
    if (rc != SQLITE_OK) return rc;
  }
  if (db != nullptr && !c->internal_prepare && Lower(db) == "temp") {
    c->pragma_state.temp_named = true;  // SQLite opens its temp database
  }
  if (trigger != nullptr && (acts->contexts.empty() || acts->contexts.back() != trigger)) {
    acts->contexts.push_back(trigger);
  }
  switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE:
      acts->ddl = true;
      break;
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
      acts->ddl = true;  // in the session's own temporary schema on the server
      c->has_temp_objects = true;
      break;
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      acts->txn = true;
      break;
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      if (a1 == nullptr || !IsSchemaTable(a1)) acts->write = true;
      NoteFts(acts, a1, db);
      break;
    case SQLITE_READ:
      if (a1 != nullptr && !IsSchemaTable(a1)) acts->server_read = true;
      if (a1 != nullptr && Lower(a1).rfind("pragma_", 0) == 0) {
        // A pragma function whose answer is litelift's (or refused): the
        // shadow's would describe itself, not the program's database.
        const PragmaInfo* p = FindPragma(std::string_view(a1).substr(7));
        if (p != nullptr &&
            (p->where == PragmaWhere::kAnswer || p->refusal == PragmaRefusal::kAlways)) {
          acts->denied = std::string("litelift: the table-valued function ") + Lower(a1) +
                         " is not supported for a database on the postgres route (PRAGMA " +
                         p->name + " answers)";
          return SQLITE_DENY;
        }
      }
      NoteFts(acts, a1, db);
      break;
    case SQLITE_PRAGMA: {
      // What runs it and what it does: the PRAGMA table (pragmas.h).
      acts->pragma = true;
      acts->pragma_info = a1 != nullptr ? FindPragma(a1) : nullptr;
      acts->pragma_db = db != nullptr ? Lower(db) : "";
      acts->pragma_value = a2 != nullptr ? a2 : "";
      acts->pragma_sets =
          a2 != nullptr && acts->pragma_info != nullptr && acts->pragma_info->takes_setting;
      std::string refused =
          acts->pragma_info != nullptr ? PragmaRefusalMessage(*acts->pragma_info, a2) : "";
      if (!refused.empty()) {
        acts->denied = refused;
        return SQLITE_DENY;  // (SQLite would set it while it prepares)
      }
      break;
    }
    case SQLITE_FUNCTION:
      if (a2 != nullptr) {
        std::string f = Lower(a2);
        if (f == "changes" || f == "total_changes" || f == "last_insert_rowid") {
          acts->uses_connection_state = true;
        }
        if (acts->program_function.empty() &&
            !EmbeddedReason("no such function: " + std::string(a2), c->registrations).empty()) {
          acts->program_function = a2;
        }
      }
      break;
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      acts->attach = true;
      break;
    default:
      break;
  }
  return SQLITE_OK;
}

std::string Text(const PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

// SQLite cannot create a database in a directory that does not exist; nor
// does the postgres route, so that a wrong path fails the same way.
bool ParentExists(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  struct stat st;
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Whether a statement returns at most one row, by SQLite's own plan for
// it: a lookup of one rowid or one primary key, with nothing joined. Such
// results are read whole (cheaper than row by row); others stream.
bool AtMostOneRow(sqlite3* shadow, sqlite3_stmt* stmt) {
  if (!SQ(sqlite3_stmt_readonly)(stmt)) return false;
  std::string sql = std::string("EXPLAIN QUERY PLAN ") + SQ(sqlite3_sql)(stmt);
  sqlite3_stmt* plan = nullptr;
  if (SQ(sqlite3_prepare_v2)(shadow, sql.c_str(), -1, &plan, nullptr) != SQLITE_OK) return false;
  int lines = 0;
  bool lookup = false;
  while (SQ(sqlite3_step)(plan) == SQLITE_ROW) {
    ++lines;
    const char* d = reinterpret_cast<const char*>(SQ(sqlite3_column_text)(plan, 3));
    std::string detail = d != nullptr ? d : "";
    lookup = detail.rfind("SEARCH ", 0) == 0 &&
             (detail.find("USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos ||
              (detail.find("USING PRIMARY KEY (") != std::string::npos &&
               detail.find('>') == std::string::npos && detail.find('<') == std::string::npos));
  }
  SQ(sqlite3_finalize)(plan);
  return lines == 1 && lookup;
}

// The schemas this process found its databases files in, by DSN and path
// (SchemaFor: a parked connection is found under its schema's name).
std::mutex g_found_mutex;
std::unordered_map<std::string, std::string>* g_found = nullptr;  // never destroyed

std::string FoundKey(const shim::ModuleRoute& route) {
  return std::string(route.dsn) + '\n' + route.canonical_path;
}

void RememberSchema(const shim::ModuleRoute& route, const std::string& schema) {
  if (route.memory || (route.schema != nullptr && *route.schema)) return;
  std::lock_guard<std::mutex> lock(g_found_mutex);
  if (g_found == nullptr) g_found = new std::unordered_map<std::string, std::string>();
  if (g_found->size() >= 4096) g_found->clear();  // (bounded; a miss costs one round trip)
  (*g_found)[FoundKey(route)] = schema;
}

}  // namespace

std::string PrintablePath(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    int n = c < 0x80             ? 1
            : (c & 0xE0) == 0xC0 ? 2
            : (c & 0xF0) == 0xE0 ? 3
            : (c & 0xF8) == 0xF0 ? 4
                                 : 0;
    bool ok = n > 0 && i + n <= path.size();
    for (int k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(path[i + k]) & 0xC0) == 0x80;
    if (ok) {
      out.append(path.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
      ++i;
    }
  }
  return out;
}

bool Connection::Autocommit() { return SQ(sqlite3_get_autocommit)(shadow.db()) != 0; }

NameMapper Connection::Names() {
  NameMapper names;
  names.table = [this](std::string_view t) { return shadow.TableName(t); };
  names.column = [this](std::string_view t, std::string_view c) { return shadow.ColumnName(t, c); };
  names.index = [this](std::string_view i) { return shadow.ObjectName(i); };
  names.check = [this](std::string_view t, std::string_view c) {
    return CheckName(shadow, shadow.TableName(t), std::string(c));
  };
  return names;
}

int Connection::SetError(int code, const std::string& message, int offset) {
  err_code = code;
  err_msg = message;
  err_msg16.clear();
  err_offset = offset;
  return Masked(code);
}

void Connection::ClearError() { SetError(SQLITE_OK, "not an error"); }

int Connection::SetErrorFromShadow(int rc) {
  int code = SQ(sqlite3_extended_errcode)(shadow.db());
  if (code == SQLITE_OK || code == SQLITE_ROW || code == SQLITE_DONE) code = rc;
  return SetError(code, SQ(sqlite3_errmsg)(shadow.db()), SQ(sqlite3_error_offset)(shadow.db()));
}

int Connection::SetErrorFromServer(const PGresult* res) {
  SqliteError e = MapPgError(ErrorOf(res, pg), Names());
  LL_DEBUG("server error {} -> {} {}", ErrorOf(res, pg).sqlstate, e.code, e.message);
  if (pg != nullptr && PQstatus(pg) != CONNECTION_OK) NoteSessionLost();
  return SetError(e.code, e.message);
}

bool Connection::Run(const std::string& sql) {
  TakeSession(nullptr);
  PgResult res = Exec(pg, sql);
  if (!Ok(res.get())) {
    SetErrorFromServer(res.get());
    return false;
  }
  return true;
}

void Connection::TakeSession(Statement* stmt) {
  // litelift's own commands run now: too late to choose the isolation.
  if (stmt == nullptr) snapshot_pending = false;
  if (stmt == nullptr) SettleWrites();  // (a failure is the next statement's)
  if (streaming != nullptr && streaming != stmt) {
    streaming->Drain();
    streaming = nullptr;
  }
  // ... and inside the program's transaction.
  if (stmt == nullptr && begin_pending) SendPendingBegin();
}

int Connection::SendPendingBegin() {
  if (!begin_pending) return SQLITE_OK;
  begin_pending = false;
  PgResult res = Exec(pg, "BEGIN");
  if (!Ok(res.get())) return SetErrorFromServer(res.get());
  return SQLITE_OK;
}

// The catalog and settings of one database, in one query.
std::string CatalogQuery(const std::string& schema) {
  return "SELECT d.schema_version, d.user_version, d.application_id, c.type, c.name, "
         "c.tbl_name, c.sql, d.rowid_layout FROM litelift.databases d LEFT JOIN litelift.catalog c "
         "USING (db_schema) WHERE d.db_schema = " +
         QuoteLiteral(schema) + " ORDER BY c.seq";
}

bool Connection::LoadCatalog(std::string* error) {
  PgResult res = Exec(pg, CatalogQuery(schema));
  if (!Ok(res.get())) {
    *error = "litelift: cannot read the catalog: " + ErrorText(pg, res.get());
    return false;
  }
  return LoadCatalogFrom(res.get(), error);
}

bool Connection::LoadCatalogFrom(const PGresult* res, std::string* error) {
  std::vector<SchemaObject> objects;
  for (int i = 0; i < PQntuples(res); ++i) {
    if (PQgetisnull(res, i, 4)) continue;  // a database without objects
    objects.push_back({Text(res, i, 3), Text(res, i, 4), Text(res, i, 5), Text(res, i, 6)});
  }
  if (!shadow.Load(objects, error)) return false;
  ++schema_generation;
  if (PQntuples(res) > 0) {
    schema_version = std::atoll(PQgetvalue(res, 0, 0));
    std::string pragmas = "PRAGMA user_version = " + std::string(PQgetvalue(res, 0, 1)) +
                          "; PRAGMA application_id = " + PQgetvalue(res, 0, 2);
    SQ(sqlite3_exec)(shadow.db(), pragmas.c_str(), nullptr, nullptr, nullptr);
  }
  return true;
}

bool Connection::SchemaMayBeStale() {
  std::string message = SQ(sqlite3_errmsg)(shadow.db());
  bool missing = message.rfind("no such table", 0) == 0 ||
                 message.rfind("no such column", 0) == 0 ||
                 message.rfind("no such index", 0) == 0 || message.rfind("no such view", 0) == 0;
  if (!missing) return false;
  return ReloadStaleSchema();
}

bool Connection::ReloadStaleSchema() {
  if (pg == nullptr || session_lost || streaming != nullptr || !Autocommit()) return false;
  // The versions of this database and of the attached ones.
  std::string schemas = QuoteLiteral(schema);
  for (const Attached& a : attached) schemas += ", " + QuoteLiteral(a.schema);
  PgResult res(Exec(pg,
                    "SELECT db_schema, schema_version FROM litelift.databases WHERE db_schema "
                    "IN (" +
                        schemas + ")"));
  if (!Ok(res.get())) return false;
  bool reloaded = false;
  std::string error;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    std::string changed = PQgetvalue(res.get(), i, 0);
    int64_t version = std::atoll(PQgetvalue(res.get(), i, 1));
    if (changed == schema && version != schema_version) {
      if (!LoadCatalog(&error)) {
        LL_ERROR("{}", error);
        return false;
      }
      reloaded = true;
    }
    for (Attached& a : attached) {
      if (a.schema == changed && version != a.schema_version)
        reloaded = ReloadAttached(&a) || reloaded;
    }
  }
  return reloaded;
}

void Connection::CheckSchemaChanges() {
  if (pg == nullptr || streaming != nullptr || session_lost) return;
  PQconsumeInput(pg);
  auto heard = [this](const std::string& changed_schema) {
    if (std::find(schema_changes_heard.begin(), schema_changes_heard.end(), changed_schema) ==
        schema_changes_heard.end()) {
      schema_changes_heard.push_back(changed_schema);
    }
  };
  while (PGnotify* n = PQnotifies(pg)) {
    std::string payload = n->extra != nullptr ? n->extra : "";
    size_t colon = payload.rfind(':');
    std::string changed_schema = payload.substr(0, colon);
    int64_t version = std::atoll(payload.c_str() + colon + 1);
    if (changed_schema == schema && version != schema_version) heard(changed_schema);
    // (This session's own changes of attached databases are in the shadow.)
    bool own = n->be_pid == PQbackendPID(pg);
    for (const Attached& a : attached) {
      if (!own && a.schema == changed_schema && version != a.schema_version) heard(a.schema);
    }
    PQfreemem(n);
  }
  if (schema_changes_heard.empty() || !Autocommit()) return;
  std::vector<std::string> changed;
  changed.swap(schema_changes_heard);
  std::string error;
  for (const std::string& changed_schema : changed) {
    if (changed_schema == schema && !LoadCatalog(&error)) LL_ERROR("{}", error);
    for (Attached& a : attached) {
      if (a.schema == changed_schema) ReloadAttached(&a);
    }
  }
}

bool Connection::ReloadAttached(Attached* a) {
  PgResult catalog = Exec(pg, CatalogQuery(a->schema));
  std::string error;
  if (!Ok(catalog.get()) || !LoadAttached(a->name, a->schema, catalog.get(), &error)) {
    LL_ERROR("attached database {} not reloaded: {}", a->name,
             Ok(catalog.get()) ? error : ErrorText(pg, catalog.get()));
    return false;
  }
  if (PQntuples(catalog.get()) > 0) a->schema_version = std::atoll(PQgetvalue(catalog.get(), 0, 0));
  ++schema_generation;
  return true;
}

int Connection::Open(const shim::ModuleRoute& route, int flags, std::string* error) {
  dsn = route.dsn;
  filename = route.memory ? "" : route.canonical_path;
  memory = route.memory != 0;
  readonly = (flags & SQLITE_OPEN_READONLY) != 0;
  native_concurrency = route.native_concurrency != 0;
  pipeline_writes = route.pipeline_writes != 0;
  if (const char* p = getenv("LITELIFT_PIPELINE_WRITES"); p != nullptr) {
    pipeline_writes = std::string(p) == "1" || std::string(p) == "on";
  }
  struct stat st;
  if (!memory && stat(route.canonical_path, &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = "unable to open database file";  // SQLite cannot open a directory either
    return SQLITE_CANTOPEN;
  }
  pg = AcquireSession(dsn, error);
  if (pg == nullptr) {
    *error = "litelift: cannot connect to postgres: " + *error;
    return SQLITE_CANTOPEN;
  }
  CountTriggerChanges(pg, &total_changes);
  session_generation = ForkGeneration();
  if (!EnsureInstalled(pg, dsn, error)) return SQLITE_CANTOPEN;
  // One round trip: the session's settings, and the database found by its
  // path (pg/locate.h) with its catalog. The search_path is a guess (the
  // schema this process found for the path before, else the name a new
  // database gets), set again when wrong: once per process for a database
  // named otherwise. A new database costs a second round trip.
  Placement place = PlacementFor(route);
  std::string guess = memory ? "" : SchemaFor(route);
  std::string setup = SessionSettingsSql();
  PgResult catalog;
  LocalFileState local;
  if (!memory) local.local = ReadLocalFile(route.canonical_path);
  // on_first_open = "migrate" (pg/first_open.h): a file with data waits for
  // a migrate of it that runs, so that it finds none or a finished one.
  bool may_migrate = !memory && route.on_first_open == 2 /* router::FirstOpen::kMigrate */ &&
                     local.local.kind == LocalFile::kSqliteData;
  auto locate = [&]() -> int {
    catalog = Exec(pg, SearchPathSql(guess) + "; " + setup + StampOpenedSql(place) +
                           (may_migrate ? AwaitFirstOpenSql(place.path) : "") + LocateQuery(place));
    if (!Ok(catalog.get())) {
      *error = "litelift: " + ErrorText(pg, catalog.get());
      return SQLITE_CANTOPEN;
    }
    return CheckLocated(catalog.get(), place, &schema, error);
  };
  if (!memory) {
    if (int rc = locate(); rc != SQLITE_OK) return rc;
    if (may_migrate && schema.empty()) {
      if (int rc = MigrateFirst(place.path, locate, error); rc != SQLITE_OK) return rc;
    }
    if (!schema.empty() && schema != guess) {
      PgResult set = Exec(pg, SearchPathSql(schema));
      if (!Ok(set.get())) {
        *error = "litelift: " + ErrorText(pg, set.get());
        return SQLITE_CANTOPEN;
      }
    }
  }
  // The local file (pg/local_file.h): a database whose marker was deleted
  // (or replaced by another's) is set aside and a new one created, as
  // SQLite creates a new file; a file with SQLite data is never touched.
  if (!schema.empty() && !PQgetisnull(catalog.get(), 0, kLocatedMarker)) {
    local.recorded = PQgetvalue(catalog.get(), 0, kLocatedMarker);
  }
  if (int rc = CheckLocalFile(pg, place, (flags & SQLITE_OPEN_CREATE) && !readonly,
                              route.on_first_open == 1 /* router::FirstOpen::kEmpty */, &local,
                              &schema, error);
      rc != SQLITE_OK) {
    return rc;
  }
  if (!shadow.Open(error)) return SQLITE_CANTOPEN;
  if (schema.empty()) {
    if (!(flags & SQLITE_OPEN_CREATE) || readonly ||
        (!memory && !ParentExists(route.canonical_path))) {
      *error = "unable to open database file (litelift: no database for " + place.path +
               " on the server; SQLITE_OPEN_CREATE creates it)";
      return SQLITE_CANTOPEN;
    }
    PgResult res = Exec(pg, (memory ? setup : "") + CreateDatabaseQuery(place, kRowidLayout, true));
    if (!Ok(res.get()) || PQntuples(res.get()) != 1) {
      *error = "litelift: cannot create the database schema " + place.derived + ": " +
               ErrorText(pg, res.get());
      return SQLITE_CANTOPEN;
    }
    schema = PQgetvalue(res.get(), 0, 0);
    shadow.set_server_schema(schema);
  } else {
    shadow.set_server_schema(schema);
    if (!LoadCatalogFrom(catalog.get(), error)) return SQLITE_CANTOPEN;
    if (std::atoi(PQgetvalue(catalog.get(), 0, 7)) < kRowidLayout &&
        !UpgradeRowids("main", error)) {
      return SQLITE_CANTOPEN;
    }
  }
  marker = local.recorded;
  if (!memory && !readonly &&
      !EnsureMarker(pg, route.canonical_path, dsn, schema, local, &marker, error)) {
    return SQLITE_CANTOPEN;
  }
  RememberSchema(route, schema);
  if (SQ(sqlite3_open_v2)(":memory:", &rows_db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    *error = "litelift: cannot open the row holder";
    return SQLITE_CANTOPEN;
  }
  LL_INFO("opened {} as schema {}", filename.empty() ? ":memory:" : filename, schema);
  return SQLITE_OK;
}

void Connection::DropFailedMigrate(const std::function<int()>& locate) {
  // Under the lock no database was there before the child: what is there
  // now is the child's, half-made; the next open migrates from the start.
  if (locate() != SQLITE_OK || schema.empty()) return;
  PgResult drop = Exec(
      pg, "DROP SCHEMA IF EXISTS " + QuoteIdent(schema) +
              " CASCADE; DELETE FROM litelift.databases WHERE db_schema = " + QuoteLiteral(schema));
  if (!Ok(drop.get())) LL_WARN("cannot drop the failed migrate's {}", schema);
  schema.clear();
}

int Connection::MigrateFirst(const std::string& path, const std::function<int()>& locate,
                             std::string* error) {
  // One migrate per file: the others wait on the lock and find its result.
  if (!LockFirstOpen(pg, path, error)) return SQLITE_CANTOPEN;
  int rc = locate();
  if (rc == SQLITE_OK && schema.empty()) {
    if (RunMigrate(path, error)) {
      rc = locate();
    } else {
      rc = SQLITE_CANTOPEN;
      std::string why = *error;  // locate() may overwrite it
      DropFailedMigrate(locate);
      *error = why;
    }
    if (rc == SQLITE_OK && schema.empty()) {
      *error = "unable to open database file (litelift: `litelift migrate " + path +
               "` succeeded but the server has no database for it: is the child's route "
               "the same as this process's?)";
      rc = SQLITE_CANTOPEN;
    }
  }
  UnlockFirstOpen(pg, path);
  return rc;
}

bool Connection::HasDeferredKeys() {
  // (Asked at every COMMIT: a query on the shadow, once per schema.)
  if (deferred_keys_generation == schema_generation) return deferred_keys;
  bool found = false;
  shadow.ForEachRow(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND upper(sql) LIKE "
      "'%INITIALLY DEFERRED%' LIMIT 1",
      "", [&](sqlite3_stmt*) { found = true; });
  deferred_keys_generation = schema_generation;
  deferred_keys = found;
  return found;
}

int64_t WriteLockKey(const std::string& server_schema) {
  return (0x6c6cLL << 32) | Fnv1a32(server_schema);
}

const std::string& Connection::WriteLockSql() {
  if (write_lock_timeout_ == busy_timeout_ms && write_lock_attached_ == attached.size()) {
    // A transaction that read first writes only if nobody wrote since its
    // snapshot (litelift.writer).
    return snapshot_taken && !Autocommit() ? checked_lock_sql_ : write_lock_sql_;
  }
  // One advisory lock per database: 'll' in the high half, the schema's
  // hash in the low half; with databases attached, each of theirs too.
  // The uncontended case stays in SQL; only a wait runs the function.
  std::vector<std::string> schemas = {schema};
  for (const Attached& a : attached) schemas.push_back(a.schema);
  // Once held, the writer records itself (litelift.writer): in SQL when
  // nothing is to be checked, through the function after a read.
  std::string tries, waits, records, checks;
  for (const std::string& s : schemas) {
    std::string k = std::to_string(WriteLockKey(s));
    std::string seq = QuoteLiteral(WriterSequence(s)) + "::regclass";
    tries += (tries.empty() ? "" : " AND ") + ("pg_try_advisory_xact_lock(" + k + ")");
    waits += (waits.empty() ? "" : " AND ") +
             ("litelift.write_lock(" + k + ", " + std::to_string(busy_timeout_ms) + ") IS NULL");
    records += " AND setval(" + seq + ", txid_current()) > 0";
    checks += " AND litelift.writer(" + seq + ", true)";
  }
  std::string lock = "(CASE WHEN " + tries + " THEN true ELSE " + waits + " END)";
  write_lock_expr_ = "(" + lock + records + ")";
  write_lock_sql_ = "SELECT " + write_lock_expr_;
  checked_lock_sql_ = "SELECT (" + lock + checks + ")";
  write_lock_timeout_ = busy_timeout_ms;
  write_lock_attached_ = attached.size();
  return WriteLockSql();
}

const std::string& Connection::WriteLockExpr() {
  WriteLockSql();
  return write_lock_expr_;  // (unchecked: a statement folds it only then)
}

std::string Connection::SchemaFor(const shim::ModuleRoute& route) {
  if (route.schema != nullptr && *route.schema) return route.schema;
  if (route.memory) return SchemaNameForMemory();
  {
    std::lock_guard<std::mutex> lock(g_found_mutex);
    if (g_found != nullptr) {
      auto it = g_found->find(FoundKey(route));
      if (it != g_found->end()) return it->second;
    }
  }
  return SchemaNameForPath(route.canonical_path);
}

bool Connection::ResetForReuse() {
  // TEMP objects go with the connection: closing the session drops them.
  if (memory || pg == nullptr || session_lost || session_generation != ForkGeneration() ||
      PQstatus(pg) != CONNECTION_OK || !statements.empty() || has_temp_objects ||
      !attached.empty()) {
    return false;
  }
  TakeSession(nullptr);
  txn_statements.Clear();  // nothing of the last user's carried over
  if (!Autocommit()) {
    // Closing with an open transaction rolls it back, as in SQLite.
    SQ(sqlite3_exec)(shadow.db(), "ROLLBACK", nullptr, nullptr, nullptr);
    if (!Ok(Exec(pg, "ROLLBACK").get())) return false;
    TransactionRolledBack();
  }
  if (PQtransactionStatus(pg) != PQTRANS_IDLE) return false;
  if (!ResetPragmas(this)) return false;  // the program's PRAGMA settings undone
  SQ(sqlite3_busy_timeout)(shadow.db(), 0);
  static_cast<ConnectionState&>(*this) = ConnectionState();  // as a new connection
  if (shadow_dirty) {
    // The program registered functions or changed settings on the shadow:
    // start from a new one.
    std::string error;
    embedded.Close();
    registrations.clear();
    shadow.Close();
    if (!shadow.Open(&error) || !LoadCatalog(&error)) return false;
    shadow_dirty = false;
  }
  return true;
}

void Connection::Shutdown() {
  embedded.Close();  // before the shadow, whose registrations own the user data
  if (rows_db != nullptr) {
    SQ(sqlite3_close_v2)(rows_db);
    rows_db = nullptr;
  }
  if (pg != nullptr && (session_lost || session_generation != ForkGeneration())) {
    // Dead, or the parent's (after fork): nothing to roll back or drop here.
    DiscardSession(pg, session_generation != ForkGeneration());
    pg = nullptr;
  }
  if (pg != nullptr) {
    TakeSession(nullptr);
    if (wrote_in_txn && PQtransactionStatus(pg) != PQTRANS_IDLE) {
      // Closing with an open transaction rolls it back, as in SQLite.
      Exec(pg, "ROLLBACK");
      TransactionRolledBack();
    }
    if (!attached.empty()) Exec(pg, "ROLLBACK");
    for (const Attached& a : attached) {
      if (!a.memory) continue;  // an attached :memory: goes with the connection
      Exec(pg, "DROP SCHEMA IF EXISTS " + QuoteIdent(a.schema) +
                   " CASCADE; DELETE FROM litelift.databases WHERE db_schema = " +
                   QuoteLiteral(a.schema));
    }
    if (memory) {
      Exec(pg, "ROLLBACK");
      Exec(pg, "DROP SCHEMA IF EXISTS " + QuoteIdent(schema) +
                   " CASCADE; DELETE FROM litelift.databases WHERE db_schema = " +
                   QuoteLiteral(schema));
    }
    ReleaseSession(dsn, pg);
    pg = nullptr;
  }
}

std::string Connection::SessionSettingsSql() {
  std::string setup = std::string("LISTEN ") + kSchemaChannel + "; ";
  if (readonly) setup += "SET default_transaction_read_only = on; ";
  if (shadow.db() != nullptr) setup += PragmaSessionSql(this);
  return setup;
}

void Connection::NoteSessionLost() {
  if (session_lost) return;
  session_lost = true;
  ++session_epoch;
  LL_WARN("lost the session to {} ({}): {}", schema,
          Autocommit() ? "no transaction open" : "its transaction is lost",
          pg != nullptr ? ErrorText(pg) : "");
  // Nothing more arrives for the statements that were reading from it.
  streaming = nullptr;
  for (Statement* s : statements) s->ForgetRun();
  if (!Autocommit()) txn_lost = true;
  holds_write_lock = false;
  batch.EndTransaction();
}

int Connection::EnsureSession(Statement* stmt) {
  bool uses_server = stmt->kind != Statement::Kind::kShadow || stmt->pragma_uses_server;
  if (!uses_server) return SQLITE_OK;
  // (A COPY of pipelined rows going: its end reads the session's state.)
  if (!session_lost && streaming == nullptr &&
      (pg == nullptr || session_generation != ForkGeneration() ||
       (!copy.active && !SessionAlive(pg)))) {
    NoteSessionLost();
  }
  if (txn_lost) {
    if (stmt->kind == Statement::Kind::kTxn && stmt->txn.verb == TxnCommand::Verb::kRollback) {
      return SQLITE_OK;  // StepTxn ends the lost transaction
    }
    return SetError(SQLITE_IOERR,
                    "litelift: the transaction was lost with the connection to postgres "
                    "(its writes are not kept); ROLLBACK to go on");
  }
  if (!session_lost) return SQLITE_OK;
  std::string error;
  if (!Reconnect(&error)) {
    return SetError(SQLITE_IOERR, "litelift: lost the connection to postgres: " + error);
  }
  return SQLITE_OK;
}

bool Connection::Reconnect(std::string* error) {
  if (pg != nullptr) DiscardSession(pg, session_generation != ForkGeneration());
  pg = AcquireSession(dsn, error);
  if (pg == nullptr) return false;  // still lost: the next statement tries again
  CountTriggerChanges(pg, &total_changes);
  session_generation = ForkGeneration();
  prepared.clear();
  binary_results.clear();
  prepared_wraps.clear();
  resync_statements.clear();
  resync_generation = -1;
  PgResult catalog =
      Exec(pg, SearchPathSql(schema) + "; " + SessionSettingsSql() + CatalogQuery(schema));
  if (!Ok(catalog.get()) || PQntuples(catalog.get()) == 0) {
    *error = Ok(catalog.get()) ? "the database " + schema + " is no longer on the server"
                               : ErrorText(pg, catalog.get());
    DiscardSession(pg, false);
    pg = nullptr;
    return false;
  }
  // Schema changes made while this session was gone were announced to
  // nobody here: read the catalog again (this also re-prepares every
  // statement, whose server-side names died with the old session).
  if (!LoadCatalogFrom(catalog.get(), error)) return false;
  for (Attached& a : attached) ReloadAttached(&a);
  if (has_temp_objects) LL_WARN("TEMP objects of {} were lost with its session", schema);
  session_lost = false;
  LL_INFO("new session for {}", schema);
  return true;
}

int Connection::Prepare(const char* sql, int nbytes, unsigned flags, sqlite3_stmt** out,
                        const char** tail) {
  *out = nullptr;
  if (sql == nullptr) return SetError(SQLITE_MISUSE, "bad parameter or other API misuse");
  CheckFork();
  // Inside a transaction a heard schema change waits for autocommit
  // anyway: a kept transaction statement needs no look at the socket.
  bool in_txn = !Autocommit();
  if (!in_txn) CheckSchemaChanges();
  if (authorizer == nullptr) {  // (the program's authorizer sees every prepare)
    TxnCommand command;
    if (sqlite3_stmt* kept = txn_statements.Take(sql, nbytes, schema_generation, &command, tail)) {
      ClearError();
      auto* stmt = new Statement(this, kept, Statement::Kind::kTxn);
      stmt->txn = std::move(command);
      stmt->generation = schema_generation;
      return Publish(stmt, out);
    }
  }
  if (in_txn) CheckSchemaChanges();
  if (fts_generation != schema_generation) {
    fts_tables.clear();
    for (const FtsTable& t : FindFtsTables(this)) fts_tables.insert(Lower(t.name));
    fts_generation = schema_generation;
  }
  Actions acts;
  acts.conn = this;
  SQ(sqlite3_set_authorizer)(shadow.db(), &Authorize, &acts);
  sqlite3_stmt* sh = nullptr;
  int rc = SQ(sqlite3_prepare_v3)(shadow.db(), sql, nbytes, flags, &sh, tail);
  if (rc != SQLITE_OK && SchemaMayBeStale()) {
    // Another connection's schema change may not have been announced yet:
    // SQLite would see it already, so ask the server before failing.
    acts = Actions();
    acts.conn = this;
    rc = SQ(sqlite3_prepare_v3)(shadow.db(), sql, nbytes, flags, &sh, tail);
  }
  SQ(sqlite3_set_authorizer)(shadow.db(), nullptr, nullptr);
  if (rc != SQLITE_OK && !acts.denied.empty()) return SetError(SQLITE_ERROR, acts.denied);
  if (rc != SQLITE_OK) return SetErrorFromShadow(rc);
  ClearError();
  if (sh == nullptr) return SQLITE_OK;  // only spaces or comments
  auto fail = [&](const std::string& message) {
    SQ(sqlite3_finalize)(sh);
    return SetError(SQLITE_ERROR, message);
  };
  if (!acts.denied.empty()) return fail(acts.denied);

  Statement::Kind kind;
  if (acts.attach && SQ(sqlite3_stmt_isexplain)(sh) == 0) {
    kind = Statement::Kind::kAttach;
  } else if (SQ(sqlite3_stmt_isexplain)(sh) != 0) {
    // EXPLAIN and EXPLAIN QUERY PLAN describe SQLite's program for the
    // statement, which the schema alone decides: the shadow's answer is
    // SQLite's own.
    kind = Statement::Kind::kShadow;
  } else if (acts.ddl) {
    kind = Statement::Kind::kDdl;
  } else if (acts.txn) {
    kind = Statement::Kind::kTxn;
  } else if (acts.pragma && acts.pragma_info != nullptr &&
             acts.pragma_info->where == PragmaWhere::kServer) {
    kind = Statement::Kind::kServer;  // the rows are the server's (foreign_key_check)
  } else if (acts.pragma) {
    kind = Statement::Kind::kShadow;
  } else if (acts.write || acts.server_read || acts.uses_connection_state) {
    kind = Statement::Kind::kServer;
  } else {
    kind = Statement::Kind::kShadow;  // schema reads and table-less SELECTs
  }
  // DROP ... IF EXISTS of an object that is not there asks the authorizer
  // nothing, yet the same statement stepped again once the object exists
  // (a program's statement cache) drops it: SQLite prepares it again
  // itself, so it is a schema change whenever it runs.
  if (kind == Statement::Kind::kShadow && !acts.pragma && SQ(sqlite3_stmt_isexplain)(sh) == 0) {
    std::vector<sql::Token> words = sql::SignificantTokens(SQ(sqlite3_sql)(sh));
    if (!words.empty() && sql::IsWord(words[0], "DROP")) kind = Statement::Kind::kDdl;
  }
  // changes(), last_insert_rowid(), total_changes() read the connection's
  // values when the statement runs: the server statement gets them bound.
  // A table-less statement calling the program's function runs in the
  // embedded engine when there are routed tables: the function's
  // sqlite3_context_db_handle then reads the server's rows, not the
  // shadow's empty ones.
  std::string db_handle_reason;
  if (kind == Statement::Kind::kShadow && !acts.pragma && !acts.program_function.empty() &&
      SQ(sqlite3_stmt_isexplain)(sh) == 0 && EmbeddedEngine::HasTables(this)) {
    kind = Statement::Kind::kEmbedded;
    db_handle_reason = "function " + acts.program_function +
                       " is the program's (its sqlite3_context_db_handle reads the server)";
  }
  auto* stmt = new Statement(this, sh, kind);
  if (kind == Statement::Kind::kTxn) {
    stmt->txn = ParseTxnCommand(SQ(sqlite3_sql)(sh));
    stmt->txn.keep = flags == 0;
  }
  if (acts.pragma && kind == Statement::Kind::kShadow && SQ(sqlite3_stmt_isexplain)(sh) == 0) {
    stmt->pragma = acts.pragma_info;
    stmt->pragma_db = acts.pragma_db;
    stmt->pragma_value = acts.pragma_value;
    stmt->pragma_sets = acts.pragma_sets;
    stmt->pragma_uses_server =
        stmt->pragma != nullptr && PragmaUsesServer(*stmt->pragma, acts.pragma_sets);
    if (PreparePragma(stmt) != SQLITE_OK) {
      std::string message = err_msg;
      int code = err_code;
      delete stmt;
      return SetError(code, message);
    }
  }
  stmt->generation = schema_generation;
  // Moves stmt to the embedded engine for reason. Otherwise stmt and the
  // shadow's statement are gone and the engine's error is returned.
  auto run_embedded = [&](const std::string& reason) {
    stmt->kind = kind = Statement::Kind::kEmbedded;
    stmt->embedded_reason = reason;
    LL_DEBUG("runs in the embedded engine: {} [{}]", reason, SQ(sqlite3_sql)(sh));
    if (stmt->PrepareEmbedded() == SQLITE_OK) return SQLITE_OK;
    std::string message = err_msg;
    int code = err_code;
    stmt->shadow = nullptr;
    delete stmt;
    SQ(sqlite3_finalize)(sh);
    return SetError(code, message);
  };
  if (!db_handle_reason.empty()) {
    if (int rc = run_embedded(db_handle_reason); rc != SQLITE_OK) return rc;
  }
  if (kind == Statement::Kind::kServer && !acts.fts.empty() && !internal_prepare) {
    // SQLite's own module runs the search, over the index tables the
    // server keeps (embedded_fts.h). (The engine's own row writes, whose
    // FTS triggers it runs itself, go to the server.)
    stmt->fts = true;
    if (int rc = run_embedded("table " + acts.fts + " is a full-text (FTS) table"); rc != SQLITE_OK)
      return rc;
  }
  // A statement reading a view that lives in the shadow only (its text
  // calls the program's function) runs where such views are made.
  if (kind == Statement::Kind::kServer) {
    std::string view_reason = LocalViewRead(acts.contexts);
    if (!view_reason.empty()) {
      if (int rc = run_embedded(view_reason); rc != SQLITE_OK) return rc;
    }
  }
  if (kind == Statement::Kind::kServer) {
    stmt->single_row_result = AtMostOneRow(shadow.db(), sh);
    stmt->translation = Translate(sh);
    // A statement the translator refuses only for the program's function
    // or collation (the shadow's prepare proved it is registered) runs in
    // the embedded engine, its writes forwarded to the server.
    std::string reason;
    if (!stmt->translation.error.empty()) {
      reason = EmbeddedReason(stmt->translation.error, registrations);
    }
    if (!reason.empty()) {
      if (int rc = run_embedded(reason); rc != SQLITE_OK) return rc;
    } else if (!stmt->translation.error.empty()) {
      std::string message = stmt->translation.error;
      stmt->shadow = nullptr;
      delete stmt;
      return fail(message);
    } else {
      LL_DEBUG("translated [{}] -> [{}]", SQ(sqlite3_sql)(sh), stmt->translation.sql);
    }
  }
  return Publish(stmt, out);
}

std::string Connection::LocalViewRead(const std::vector<std::string>& contexts) {
  for (const std::string& name : contexts) {
    for (const char* db : {"temp", "main"}) {
      std::string why = LocalViewReason(shadow, db, name);
      if (!why.empty()) return "view " + name + " " + why;
    }
  }
  return "";
}

int Connection::Publish(Statement* stmt, sqlite3_stmt** out) {
  stmt->handle = g_host->allocate_handle(&StatementApi(), stmt);
  if (stmt->handle == nullptr) {
    delete stmt;
    return SetError(SQLITE_NOMEM, "out of memory");
  }
  statements.push_back(stmt);
  *out = reinterpret_cast<sqlite3_stmt*>(stmt->handle);
  return SQLITE_OK;
}

int Connection::PrepareInternal(const std::string& sql, Statement** out) {
  *out = nullptr;
  internal_prepare = true;
  sqlite3_stmt* handle = nullptr;
  int rc = Prepare(sql.c_str(), -1, 0, &handle, nullptr);
  internal_prepare = false;
  if (rc != SQLITE_OK) return rc;
  if (handle == nullptr || statements.empty())
    return SetError(SQLITE_ERROR, "litelift: no statement in [" + sql + "]");
  *out = statements.back();  // Prepare appends the statement it made
  (*out)->internal = true;
  return SQLITE_OK;
}

sql::Translation Connection::Translate(sqlite3_stmt* sh, bool return_rowids) {
  return shadow.Translate(sh, return_rowids);
}

int Connection::Finalize(Statement* stmt) {
  CheckFork();
  // (Reset reads what is left of a streamed run without keeping it, and
  // closes a chunked one unread: no Drain into memory.)
  int rc = stmt->Reset();  // SQLite's finalize resets first: the same error rules
  statements.erase(std::remove(statements.begin(), statements.end(), stmt), statements.end());
  g_host->free_handle(stmt->handle);
  // Transaction control is kept for its next prepare (txn_command.h).
  if (stmt->kind == Statement::Kind::kTxn && !stmt->internal && stmt->shadow != nullptr &&
      txn_statements.Keep(stmt->shadow, schema_generation, stmt->txn)) {
    stmt->shadow = nullptr;
  }
  delete stmt;
  return rc;
}

}  // namespace litelift::compat
