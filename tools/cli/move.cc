#include "tools/cli/move.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/sqlite_api.h"
#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/locate.h"
#include "router/route.h"
#include "tools/cli/run.h"
#include "tools/cli/transfer.h"

namespace litelift::cli {

namespace {

// The two sides: the real SQLite (local files) and liblitelift.so (the
// route, deciding by path and settings exactly as in a program).
struct Libs {
  SqliteLib native;
  SqliteLib routed;
};

bool LoadLibs(Libs* libs) {
  std::string error;
  engine::Resolve();
  const char* real = engine::LibraryPath();
  if (real == nullptr || *real == '\0') {
    std::fprintf(stderr, "litelift: cannot find the system libsqlite3\n");
    return false;
  }
  std::string lib = FindLibrary();
  if (lib.empty()) {
    std::fprintf(stderr, "litelift: cannot find liblitelift.so beside this program or in %s\n",
                 LITELIFT_INSTALL_LIBDIR);
    return false;
  }
  if (!LoadSqliteLib(real, "SQLite", &libs->native, &error) ||
      !LoadSqliteLib(lib, "the route", &libs->routed, &error)) {
    std::fprintf(stderr, "litelift: %s\n", error.c_str());
    return false;
  }
  // This program opens the real file through the real libsqlite3 on
  // purpose: the bypass guard that liblitelift installs there (an automatic
  // extension refusing routed paths opened around it) must not refuse it.
  libs->native.sqlite3_reset_auto_extension();
  return true;
}

// The route a program opening file would take; false (message printed)
// when it cannot be decided or is local.
bool PostgresRoute(const std::string& verb, const std::string& file, router::Route* route) {
  std::string error;
  if (!router::Decide(router::ProcessSettings(), file.c_str(),
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, route, &error)) {
    std::fprintf(stderr, "litelift %s: %s\n", verb.c_str(), error.c_str());
    return false;
  }
  if (route->backend != router::Backend::kPostgres) {
    std::fprintf(stderr,
                 "litelift %s: %s stays a local SQLite file (route: %s): set LITELIFT_DSN, or a "
                 "route in LITELIFT_CONFIG, as the program will have it\n",
                 verb.c_str(), file.c_str(), route->origin.c_str());
    return false;
  }
  return true;
}

// The schema holding route's database on the server ("" when none is
// recorded or the server cannot say), for messages.
std::string SchemaOf(const router::Route& route) {
  PGconn* conn = PQconnectdb(route.dsn.c_str());
  std::string schema, error;
  if (PQstatus(conn) == CONNECTION_OK) {
    const shim::ModuleRoute c_route = {route.dsn.c_str(),
                                       route.schema.c_str(),
                                       route.canonical_path.c_str(),
                                       route.memory ? 1 : 0,
                                       route.origin.c_str(),
                                       route.native_concurrency ? 1 : 0,
                                       static_cast<int>(route.on_first_open),
                                       route.pipeline_writes ? 1 : 0};
    compat::Placement p = compat::PlacementFor(c_route);
    PGresult* res = PQexec(conn, compat::LocateQuery(p).c_str());
    if (PQresultStatus(res) == PGRES_TUPLES_OK) compat::CheckLocated(res, p, &schema, &error);
    PQclear(res);
  }
  PQfinish(conn);
  return schema;
}

std::string Describe(const std::string& schema) {
  return schema.empty() ? "the route's schema" : "the schema " + schema;
}

// Why path holds no SQLite database ("" when it does).
std::string NotADatabase(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  char header[16] = {};
  ssize_t n = read(fd, header, sizeof header);
  close(fd);
  if (n == 0) return "it is empty (SQLite has not written it yet): nothing to migrate";
  if (n != 16 || std::memcmp(header, "SQLite format 3", 16) != 0) {
    return "it is not an SQLite database";
  }
  return "";
}

// Drops what a failed migrate created, through the route, so that it can
// be run again.
void DropCreated(Db* routed, const std::vector<SchemaObject>& created) {
  std::string ignored;
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    if (it->type == "view" || it->type == "table") {
      routed->Exec("DROP " + it->type + " IF EXISTS main." + Quote(it->name), &ignored);
    }
  }
  routed->Exec("PRAGMA user_version = 0; PRAGMA application_id = 0", &ignored);
}

// The comment an unfinished migrate leaves on its schema, so that
// --resume knows the tables there are its own; removed when it is done.
std::string InProgressMark(const router::Route& route) {
  return "litelift migrate of " + route.canonical_path + " in progress";
}

// Runs sql on conn; false with *error. *value: the first field, if any.
bool PgRun(PGconn* conn, const std::string& sql, std::string* error, std::string* value = nullptr) {
  PGresult* res = PQexec(conn, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok) {
    *error = PQresultErrorMessage(res);
    while (!error->empty() && error->back() == '\n') error->pop_back();
  } else if (value != nullptr) {
    *value = PQntuples(res) > 0 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "";
  }
  PQclear(res);
  return ok;
}

// The comment on schema ("" when none).
bool SchemaComment(PGconn* conn, const std::string& schema, std::string* comment,
                   std::string* error) {
  return PgRun(conn,
               "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = " +
                   compat::QuoteLiteral(schema),
               error, comment);
}

bool SetSchemaComment(PGconn* conn, const std::string& schema, const std::string& comment,
                      std::string* error) {
  return PgRun(conn,
               "COMMENT ON SCHEMA " + compat::QuoteIdent(schema) + " IS " +
                   (comment.empty() ? "NULL" : compat::QuoteLiteral(comment)),
               error);
}

void PrintRate(const char* verb, const Transfer& t) {
  double secs = t.copy_seconds();
  std::printf("litelift %s: %lld rows in %.2f s (%.0f rows/s)\n", verb,
              static_cast<long long>(t.rows_copied()), secs,
              secs > 0 ? static_cast<double>(t.rows_copied()) / secs : 0.0);
}

// Sets *error to why; false.
bool Fail(const std::string& why, std::string* error) {
  *error = why;
  return false;
}

// fsyncs path (a file or a directory); false with errno set.
bool Sync(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

}  // namespace

int Migrate(const MoveOptions& options) {
  const std::string& file = options.file;
  if (std::string why = NotADatabase(file); !why.empty()) {
    std::fprintf(stderr, "litelift migrate: %s holds no SQLite database to migrate: %s\n",
                 file.c_str(), why.c_str());
    return 2;
  }
  router::Route route;
  if (!PostgresRoute("migrate", file, &route)) return 2;
  // The route's first open of a file with data is what migrate is for
  // (on_first_open would refuse it otherwise).
  setenv("LITELIFT_ON_FIRST_OPEN", "empty", 1);
  Libs libs;
  if (!LoadLibs(&libs)) return 2;

  std::string error;
  Db source(&libs.native), target(&libs.routed);
  if (!source.Open(file, SQLITE_OPEN_READONLY, &error)) {
    std::fprintf(stderr, "litelift migrate: cannot open %s: %s\n", file.c_str(), error.c_str());
    return 2;
  }
  int64_t source_objects = 0;
  if (!source.QueryInt("SELECT count(*) FROM main.sqlite_master", &source_objects, &error)) {
    std::fprintf(stderr, "litelift migrate: %s holds no SQLite database to migrate: %s\n",
                 file.c_str(), error.c_str());
    return 2;
  }
  if (!target.Open(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error)) {
    std::fprintf(stderr, "litelift migrate: cannot open %s on its route (%s): %s\n", file.c_str(),
                 route.origin.c_str(), error.c_str());
    return 2;
  }
  // Reading the database's catalog through the route makes its schema.
  int64_t tables = 0;
  if (!target.QueryInt("SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND "
                       "substr(name, 1, 7) <> 'sqlite_'",
                       &tables, &error)) {
    std::fprintf(stderr, "litelift migrate: cannot read %s: %s\n",
                 Describe(SchemaOf(route)).c_str(), error.c_str());
    return 2;
  }
  std::string schema = SchemaOf(route);
  PGconn* pg = PQconnectdb(route.dsn.c_str());
  struct Closer {
    PGconn* c;
    ~Closer() { PQfinish(c); }
  } closer{pg};
  if (PQstatus(pg) != CONNECTION_OK || PQsetClientEncoding(pg, "UTF8") != 0) {
    std::fprintf(stderr, "litelift migrate: cannot connect to the route's server: %s\n",
                 PQerrorMessage(pg));
    return 2;
  }
  const std::string mark = InProgressMark(route);
  if (tables > 0) {
    std::string comment;
    if (!options.resume) {
      std::fprintf(stderr,
                   "litelift migrate: %s already holds %lld table%s for %s: refusing to copy "
                   "into it. If an earlier `litelift migrate` of this file was interrupted, run "
                   "it again with --resume; to move the tables back to a file, run `litelift "
                   "export %s`; to start over, drop them (DROP TABLE through the route, or DROP "
                   "SCHEMA %s CASCADE and its row in litelift.databases on the server)\n",
                   Describe(schema).c_str(), static_cast<long long>(tables), tables == 1 ? "" : "s",
                   file.c_str(), file.c_str(), schema.empty() ? "<schema>" : schema.c_str());
      return 2;
    }
    if (schema.empty() || !SchemaComment(pg, schema, &comment, &error) || comment != mark) {
      std::fprintf(stderr,
                   "litelift migrate: %s holds %lld table%s that no interrupted migrate of %s "
                   "left there: --resume continues only such a migrate, and refuses to touch "
                   "tables the program may have written\n",
                   Describe(schema).c_str(), static_cast<long long>(tables), tables == 1 ? "" : "s",
                   file.c_str());
      return 2;
    }
  }
  std::printf("litelift migrate: %s -> %s on the server (%s)%s\n", file.c_str(),
              schema.empty() ? "?" : schema.c_str(), route.origin.c_str(),
              tables > 0 ? ", resuming" : "");
  std::fflush(stdout);
  if (!schema.empty() && !SetSchemaComment(pg, schema, mark, &error)) {
    std::fprintf(stderr, "litelift migrate: cannot mark %s: %s\n", Describe(schema).c_str(),
                 error.c_str());
    return 1;
  }

  Transfer transfer(&source, &target, "migrate", options.batch_rows,
                    options.rows_per_insert > 0 ? options.rows_per_insert : 100);
  transfer.set_resume(tables > 0);
  CopyTarget copy_target;
  copy_target.conn = pg;
  copy_target.schema = schema;
  copy_target.lock_key = compat::WriteLockKey(schema);
  copy_target.writer_sequence = compat::WriterSequence(schema);
  if (options.via == "copy") transfer.UseCopy(&copy_target);
  if (!schema.empty()) transfer.VerifyWithServer(&copy_target, false);
  bool ok = !schema.empty() || Fail("the route named no schema for the database", &error);
  double started = Now();
  ok = ok && transfer.Begin(&error) && transfer.Copy(&error);
  if (ok) PrintRate("migrate", transfer);
  double verifying = Now();
  ok = ok && transfer.Verify(&error);
  if (ok) {
    std::printf("litelift migrate: copied in %.2f s (schema, rows), indexes made and verified "
                "(at once) in %.2f s\n",
                verifying - started, Now() - verifying);
  }
  transfer.Finish();
  if (!ok) {
    std::fprintf(stderr, "litelift migrate: %s; what this run created in %s is dropped again%s\n",
                 error.c_str(), Describe(schema).c_str(),
                 tables > 0 ? " (what earlier runs copied stays, for --resume)" : "");
    DropCreated(&target, transfer.created());
    return 1;
  }
  if (!SetSchemaComment(pg, schema, "", &error)) {
    std::fprintf(stderr, "litelift migrate: the copy is done but %s keeps its mark: %s\n",
                 Describe(schema).c_str(), error.c_str());
    return 1;
  }
  std::printf("litelift migrate: done; programs opening %s with these settings now use %s\n",
              file.c_str(), Describe(schema).c_str());
  return 0;
}

int Export(const MoveOptions& options) {
  router::Route route;
  if (!PostgresRoute("export", options.file, &route)) return 2;
  Libs libs;
  if (!LoadLibs(&libs)) return 2;

  std::string error;
  Db source(&libs.routed), target(&libs.native);
  // Read-only: a database missing on the route is an error, not created.
  if (!source.Open(options.file, SQLITE_OPEN_READONLY, &error)) {
    std::fprintf(stderr, "litelift export: no database for %s on its route (%s): %s\n",
                 options.file.c_str(), route.origin.c_str(), error.c_str());
    return 2;
  }
  std::string schema = SchemaOf(route);

  // Through a symbolic link the native SQLite opens its target: that is
  // the file replaced (the link stays).
  std::string file = options.file;
  if (char real[PATH_MAX]; realpath(options.file.c_str(), real) != nullptr) file = real;
  std::string dir = ".", base = file;
  if (size_t slash = file.rfind('/'); slash != std::string::npos) {
    dir = slash == 0 ? "/" : file.substr(0, slash);
    base = file.substr(slash + 1);
  }
  std::string tmp = dir + "/." + base + ".export-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    std::fprintf(stderr, "litelift export: cannot create a file in %s: %s\n", dir.c_str(),
                 std::strerror(errno));
    return 1;
  }
  struct stat old_st;
  bool had_file = stat(file.c_str(), &old_st) == 0;
  if (had_file) fchmod(fd, old_st.st_mode & 07777);  // the new file keeps the old one's mode
  close(fd);
  auto discard = [&] {
    target.Close();
    unlink(tmp.c_str());
    unlink((tmp + "-journal").c_str());
    unlink((tmp + "-wal").c_str());
    unlink((tmp + "-shm").c_str());
  };
  if (!target.Open(tmp, SQLITE_OPEN_READWRITE, &error) ||
      // A failed export discards the file, so it needs no journal.
      !target.Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", &error)) {
    std::fprintf(stderr, "litelift export: cannot write %s: %s\n", tmp.c_str(), error.c_str());
    discard();
    return 1;
  }
  std::printf("litelift export: %s on the server -> %s\n", schema.empty() ? "?" : schema.c_str(),
              file.c_str());
  std::fflush(stdout);
  Transfer transfer(&source, &target, "export", options.batch_rows,
                    options.rows_per_insert > 0 ? options.rows_per_insert : 1);
  // The verification reads the server's side over its own connection.
  PGconn* pg = PQconnectdb(route.dsn.c_str());
  struct Closer {
    PGconn* c;
    ~Closer() { PQfinish(c); }
  } closer{pg};
  CopyTarget server;
  // One snapshot for the rows COPY reads and for their verification.
  if (!schema.empty() && PQstatus(pg) == CONNECTION_OK && PQsetClientEncoding(pg, "UTF8") == 0 &&
      PgRun(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &error)) {
    server.conn = pg;
    server.schema = schema;
    transfer.VerifyWithServer(&server, true);
  }
  bool ok = transfer.Begin(&error) && transfer.Copy(&error);
  if (ok) PrintRate("export", transfer);
  ok = ok && transfer.Verify(&error);
  transfer.Finish();
  if (std::string ignored; server.conn != nullptr) PgRun(pg, "COMMIT", &ignored);
  source.Close();
  if (!ok) {
    std::fprintf(stderr, "litelift export: %s; %s is unchanged\n", error.c_str(), file.c_str());
    discard();
    return 1;
  }
  if (had_file) {
    // WAL mode is in the file's header: the new file keeps the old one's.
    Db old(&libs.native);
    std::vector<std::vector<Value>> mode;
    std::string ignored;
    if (old.Open(file, SQLITE_OPEN_READONLY, &ignored) &&
        old.Query("PRAGMA main.journal_mode", &mode, &ignored) && !mode.empty() &&
        mode[0][0].bytes == "wal") {
      old.Close();
      if (!target.Exec("PRAGMA main.journal_mode = WAL", &error)) {
        std::fprintf(stderr, "litelift export: cannot set WAL mode in %s: %s\n", tmp.c_str(),
                     error.c_str());
        discard();
        return 1;
      }
    }
  }
  target.Close();
  if (!Sync(tmp)) {
    std::fprintf(stderr, "litelift export: cannot sync %s: %s\n", tmp.c_str(),
                 std::strerror(errno));
    discard();
    return 1;
  }
  if (had_file) {
    // Fold a WAL the old file may have into it first (closing its last
    // connection does), so that FILE.before-export is whole and no stale
    // FILE-wal is left beside the new file.
    if (access((file + "-wal").c_str(), F_OK) == 0) {
      Db old(&libs.native);
      if (old.Open(file, SQLITE_OPEN_READWRITE, &error)) {
        std::string ignored;
        old.Exec("PRAGMA main.wal_checkpoint(TRUNCATE)", &ignored);
      }
      old.Close();
    }
    // FILE stays in place until the rename replaces it: a hard link keeps
    // the old one.
    std::string kept = file + ".before-export";
    std::string kept_tmp = kept + ".tmp";
    unlink(kept_tmp.c_str());
    if (link(file.c_str(), kept_tmp.c_str()) != 0 || rename(kept_tmp.c_str(), kept.c_str()) != 0) {
      std::fprintf(stderr, "litelift export: cannot keep %s as %s: %s; %s is unchanged\n",
                   file.c_str(), kept.c_str(), std::strerror(errno), file.c_str());
      unlink(kept_tmp.c_str());
      discard();
      return 1;
    }
    std::printf("litelift export: the old %s is kept as %s\n", file.c_str(), kept.c_str());
  }
  if (rename(tmp.c_str(), file.c_str()) != 0) {
    std::fprintf(stderr, "litelift export: cannot rename %s to %s: %s\n", tmp.c_str(), file.c_str(),
                 std::strerror(errno));
    discard();
    return 1;
  }
  Sync(dir);
  std::printf(
      "litelift export: done; %s holds the route's data (%s stays on the server, "
      "unchanged)\n",
      file.c_str(), Describe(schema).c_str());
  return 0;
}

}  // namespace litelift::cli
