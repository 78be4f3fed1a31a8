#include "tools/cli/inspect.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/sqlite_api.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/server/install.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"
#include "router/route.h"
#include "tools/cli/run.h"

namespace litelift::cli {

namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

// The settings as a program would load them, with the options' overrides.
router::Settings LoadWith(const InspectOptions& options) {
  return router::LoadSettings([&options](const char* name) -> const char* {
    if (options.dsn_given && std::strcmp(name, "LITELIFT_DSN") == 0) return options.dsn.c_str();
    if (options.config_given && std::strcmp(name, "LITELIFT_CONFIG") == 0) {
      return options.config.c_str();
    }
    return std::getenv(name);
  });
}

// Every distinct DSN the settings name: the default, then the routes'.
std::vector<std::string> Dsns(const router::Settings& settings) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& dsn) {
    if (!dsn.empty() && std::find(out.begin(), out.end(), dsn) == out.end()) out.push_back(dsn);
  };
  add(settings.dsn);
  for (const auto& rule : settings.rules) add(rule.dsn);
  return out;
}

// Connects with a 5 s connect_timeout unless the DSN sets its own.
Conn Connect(const std::string& dsn, std::string* error) {
  const char* keys[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"5", dsn.c_str(), nullptr};
  Conn conn(PQconnectdbParams(keys, values, 1));
  if (conn == nullptr) {
    *error = "out of memory";
  } else if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    *error = log::RedactSecrets(message);
    conn.reset();
  }
  return conn;
}

// Who and where a connection is, without its password.
std::string Describe(PGconn* conn) {
  std::string host = PQhost(conn) != nullptr ? PQhost(conn) : "";
  return std::string(PQuser(conn)) + "@" + host + ":" + PQport(conn) + "/" + PQdb(conn);
}

Result Exec(PGconn* conn, const std::string& sql) { return Result(PQexec(conn, sql.c_str())); }

Result Query(PGconn* conn, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  return Result(PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0));
}

bool Ok(const Result& r) {
  return r != nullptr && (PQresultStatus(r.get()) == PGRES_TUPLES_OK ||
                          PQresultStatus(r.get()) == PGRES_COMMAND_OK);
}

std::string ErrorOf(const Result& r, PGconn* conn) {
  const char* primary =
      r != nullptr ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return log::RedactSecrets(primary != nullptr ? primary : PQerrorMessage(conn));
}

std::string Value(const Result& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? "" : PQgetvalue(r.get(), row, col);
}

// Whether the litelift schema exists; false with *error when the server
// cannot say or the schema is not trusted.
bool LiteliftSchema(PGconn* conn, bool* exists, std::string* error) {
  Result trust =
      Exec(conn, std::string("SET search_path = pg_catalog, pg_temp; ") + compat::TrustCheckSql());
  if (!Ok(trust)) {
    *error = ErrorOf(trust, conn);
    return false;
  }
  Result r = Exec(conn, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'litelift'");
  if (!Ok(r)) {
    *error = ErrorOf(r, conn);
    return false;
  }
  *exists = PQntuples(r.get()) == 1;
  return true;
}

// (The planner's estimate: reltuples once analysed, else the statistics'
// live rows.)
constexpr const char* kListSql = R"SQL(
SELECT d.path || coalesce(' (marker deleted ' || to_char(d.deleted, 'YYYY-MM-DD HH24:MI:SS') || ')',
                          '') AS path, d.db_schema,
  (SELECT count(*) FROM litelift.catalog c WHERE c.db_schema = d.db_schema AND c.type = 'table'
     AND c.name NOT LIKE 'sqlite\_%') AS tables,
  (SELECT coalesce(sum(CASE WHEN cl.reltuples >= 0 THEN cl.reltuples::bigint
                            ELSE coalesce(st.n_live_tup, 0) END), 0)
     FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
     LEFT JOIN pg_stat_user_tables st ON st.relid = cl.oid
     WHERE n.nspname = d.db_schema AND cl.relkind IN ('r', 'p')) AS estimate,
  (SELECT pg_size_pretty(coalesce(sum(pg_total_relation_size(cl.oid)), 0))
     FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = d.db_schema AND cl.relkind IN ('r', 'p', 'm')) AS size,
  to_char(d.created, 'YYYY-MM-DD HH24:MI:SS') AS created,
  coalesce(to_char(d.opened, 'YYYY-MM-DD HH24:MI:SS'), '-') AS opened
FROM litelift.databases d ORDER BY d.path, d.db_schema
)SQL";

// The exact row count of schema's tables (those of its catalog that exist).
bool ExactRows(PGconn* conn, const std::string& schema, long long* rows, std::string* error) {
  Result tables = Query(conn,
                        "SELECT c.name FROM litelift.catalog c WHERE c.db_schema = $1 AND c.type = "
                        "'table' AND c.name NOT LIKE 'sqlite\\_%'",
                        {schema});
  if (!Ok(tables)) {
    *error = ErrorOf(tables, conn);
    return false;
  }
  *rows = 0;
  for (int i = 0; i < PQntuples(tables.get()); ++i) {
    // The server's name of the table (folded, and hashed when long).
    std::string table =
        compat::QuoteIdent(schema) + "." + compat::ServerIdent(compat::Lower(Value(tables, i, 0)));
    Result exists =
        Exec(conn, "SELECT to_regclass(" + compat::QuoteLiteral(table) + ") IS NOT NULL");
    if (!Ok(exists)) {
      *error = ErrorOf(exists, conn);
      return false;
    }
    if (Value(exists, 0, 0) != "t") continue;
    Result n = Exec(conn, "SELECT count(*) FROM " + table);
    if (!Ok(n)) {
      *error = ErrorOf(n, conn);
      return false;
    }
    *rows += std::atoll(Value(n, 0, 0).c_str());
  }
  return true;
}

// Prints rows as columns padded to their widest cell.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

int ListServer(PGconn* conn, bool exact) {
  std::string error;
  bool exists = false;
  if (!LiteliftSchema(conn, &exists, &error)) {
    std::fprintf(stderr, "litelift ls: %s: %s\n", Describe(conn).c_str(), error.c_str());
    return 1;
  }
  std::printf("server %s\n", Describe(conn).c_str());
  if (!exists) {
    std::printf("no routed databases (the litelift schema is not installed yet)\n");
    return 0;
  }
  Result r = Exec(conn, std::string("SET search_path = pg_catalog, pg_temp; ") + kListSql);
  if (!Ok(r)) {
    std::fprintf(stderr, "litelift ls: %s: %s\n", Describe(conn).c_str(), ErrorOf(r, conn).c_str());
    return 1;
  }
  if (PQntuples(r.get()) == 0) {
    std::printf("no routed databases\n");
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {
      {"PATH", "SCHEMA", "TABLES", exact ? "ROWS" : "ROWS(est)", "SIZE", "CREATED", "OPENED"}};
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::string count = Value(r, i, 3);
    if (exact) {
      long long n = 0;
      if (!ExactRows(conn, Value(r, i, 1), &n, &error)) {
        std::fprintf(stderr, "litelift ls: %s: %s\n", Value(r, i, 1).c_str(), error.c_str());
        return 1;
      }
      count = std::to_string(n);
    }
    rows.push_back({Value(r, i, 0), Value(r, i, 1), Value(r, i, 2), count, Value(r, i, 4),
                    Value(r, i, 5), Value(r, i, 6)});
  }
  PrintTable(rows);
  return 0;
}

// doctor's report: one line per check, a fix for each problem.
class Report {
 public:
  void Ok(const std::string& what) { std::printf("ok    %s\n", what.c_str()); }
  void Note(const std::string& what) { std::printf("note  %s\n", what.c_str()); }
  void Warn(const std::string& what, const std::string& fix) {
    std::printf("warn  %s\n      fix: %s\n", what.c_str(), fix.c_str());
  }
  void Fail(const std::string& what, const std::string& fix) {
    ++failures_;
    std::printf("FAIL  %s\n      fix: %s\n", what.c_str(), fix.c_str());
  }
  int failures() const { return failures_; }

 private:
  int failures_ = 0;
};

void CheckSettings(const InspectOptions& options, const router::Settings& settings, Report* out) {
  const char* backend = std::getenv("LITELIFT_BACKEND");
  if (backend != nullptr) {
    if (std::strcmp(backend, "sqlite") == 0) {
      out->Note("LITELIFT_BACKEND=sqlite: every database stays local (the rollback switch)");
    } else if (std::strcmp(backend, "postgres") == 0) {
      out->Ok("LITELIFT_BACKEND=postgres");
    }
  }
  std::string dsn_from = options.dsn_given ? "--dsn" : "LITELIFT_DSN";
  const char* dsn = options.dsn_given ? options.dsn.c_str() : std::getenv("LITELIFT_DSN");
  std::string config_from = options.config_given ? "--config" : "LITELIFT_CONFIG";
  const char* config =
      options.config_given ? options.config.c_str() : std::getenv("LITELIFT_CONFIG");
  if (!settings.error.empty()) {
    std::string fix = "correct the setting named above";
    if (dsn != nullptr && router::IsBlank(dsn)) {
      fix = "unset " + dsn_from +
            " to keep databases local, or set it to a PostgreSQL "
            "connection string such as postgresql://user@host/dbname";
    } else if (config != nullptr && router::IsBlank(config)) {
      fix = "unset " + config_from + ", or name a TOML config file";
    } else if (config != nullptr) {
      fix = "correct " + std::string(config) +
            " (docs/configuration.md lists its keys), or unset " + config_from;
    }
    out->Fail(settings.error, fix);
    return;
  }
  if (config != nullptr) {
    out->Ok(config_from + "=" + config + ": " + std::to_string(settings.rules.size()) +
            " route(s) read");
  }
  if (!settings.dsn.empty()) {
    out->Ok((settings.dsn_origin.empty() ? "dsn" : settings.dsn_origin) + " = " +
            log::RedactDsn(settings.dsn));
  } else if (settings.rules.empty()) {
    out->Note(
        "no DSN and no config file: every database stays local (set LITELIFT_DSN to route "
        "them to PostgreSQL)");
  }
}

void CheckLibrary(Report* out) {
  std::string library = FindLibrary();
  if (library.empty()) {
    out->Fail("liblitelift.so is not beside this litelift nor in " LITELIFT_INSTALL_LIBDIR,
              "install litelift (cmake --install), or run the litelift of a build tree");
    return;
  }
  out->Ok("library " + library);
  if (!engine::Available()) {
    out->Fail("the real libsqlite3 cannot be loaded (local databases cannot be opened)",
              "install libsqlite3-0 (Debian) or your system's SQLite library");
  } else {
    out->Ok("real libsqlite3 " + std::string(engine::LibraryPath()) + " (SQLite " +
            LL_REAL(sqlite3_libversion)() + ")");
  }
  std::string error;
  std::string dir = LibraryPathDir(library, &error);
  if (dir.empty()) {
    out->Warn(error +
                  ": programs that bind libsqlite3 around LD_PRELOAD (modules loaded with "
                  "RTLD_DEEPBIND, as PHP's pdo_sqlite and sqlite3) cannot be routed, and "
                  "their routed opens fail",
              "make $XDG_CACHE_HOME or ~/.cache writable");
  } else {
    out->Ok("litelift run puts " + dir +
            " (libsqlite3.so.0 -> liblitelift) first on LD_LIBRARY_PATH, for programs that bind "
            "libsqlite3 around LD_PRELOAD (PHP); without litelift run, such a program's routed "
            "opens fail with \"opened through the real libsqlite3, around litelift\"");
  }
}

bool LocalHost(PGconn* conn) {
  const char* host = PQhost(conn);
  return host == nullptr || *host == '/' || *host == '\0' || std::strcmp(host, "localhost") == 0 ||
         std::strcmp(host, "127.0.0.1") == 0 || std::strcmp(host, "::1") == 0;
}

void CheckServer(const std::string& dsn, Report* out) {
  std::string error;
  Conn conn = Connect(dsn, &error);
  std::string where = log::RedactDsn(dsn);
  if (conn == nullptr) {
    out->Fail("cannot connect to " + where + ": " + error,
              "check that the server runs and listens there (host, port, listen_addresses), "
              "that pg_hba.conf lets this client in, and the user and password (~/.pgpass or "
              "PGPASSWORD keep it out of the DSN)");
    return;
  }
  PGconn* c = conn.get();
  int version = PQserverVersion(c);
  out->Ok("connected to " + Describe(c) + ", PostgreSQL " + std::to_string(version / 10000) + "." +
          std::to_string(version % 10000));
  if (PQsslInUse(c)) {
    const char* protocol = PQsslAttribute(c, "protocol");
    out->Ok(std::string("TLS in use (") + (protocol != nullptr ? protocol : "?") + ")");
  } else if (LocalHost(c)) {
    out->Ok("TLS not in use (a local connection)");
  } else {
    out->Warn("TLS not in use: the connection to " + Describe(c) + " is not encrypted",
              "add sslmode=verify-full (or require) to the DSN");
  }
  Result priv = Exec(c,
                     "SELECT current_user, pg_catalog.has_database_privilege(current_database(), "
                     "'CREATE'), current_database()");
  if (!Ok(priv)) {
    out->Fail("cannot read the role's privileges: " + ErrorOf(priv, c), "check the server's log");
    return;
  }
  std::string user = Value(priv, 0, 0);
  bool can_create = Value(priv, 0, 1) == "t";
  std::string db = Value(priv, 0, 2);
  bool exists = false;
  if (!LiteliftSchema(c, &exists, &error)) {
    out->Fail(error,
              "connect as the owner of the litelift schema, or have a superuser run ALTER "
              "SCHEMA litelift OWNER TO " +
                  compat::QuoteIdent(user) + " (and the same for every object in it)");
    return;
  }
  if (can_create) {
    out->Ok("role " + user + " may CREATE schemas in database " + db);
  } else {
    out->Fail("role " + user + " may not CREATE in database " + db +
                  ": new databases (a schema each)" + (exists ? "" : " and the litelift schema") +
                  " cannot be made",
              "as the database's owner or a superuser: GRANT CREATE ON DATABASE " +
                  compat::QuoteIdent(db) + " TO " + compat::QuoteIdent(user));
  }
  if (!exists) {
    out->Note("the litelift schema is not installed yet: the first routed open installs it");
    return;
  }
  Result meta = Exec(c,
                     "SELECT (SELECT value FROM litelift.meta WHERE key = 'version'), "
                     "pg_catalog.pg_get_userbyid(n.nspowner), (SELECT count(*) FROM "
                     "litelift.databases) FROM pg_catalog.pg_namespace n WHERE n.nspname = "
                     "'litelift'");
  if (!Ok(meta) || PQntuples(meta.get()) != 1) {
    out->Fail("cannot read the litelift schema: " + ErrorOf(meta, c),
              "grant USAGE on schema litelift and SELECT on its tables to " + user);
    return;
  }
  int installed = std::atoi(Value(meta, 0, 0).c_str());
  std::string owner = Value(meta, 0, 1);
  std::string what = "litelift schema version " + std::to_string(installed) + ", owned by " +
                     owner + ", " + Value(meta, 0, 2) + " database(s) recorded";
  if (installed > compat::kServerSchemaVersion) {
    out->Fail(what + ": newer than this litelift (" + std::to_string(compat::kServerSchemaVersion) +
                  "), which refuses it",
              "upgrade litelift on this machine to the version the other clients use");
  } else if (installed < compat::kServerSchemaVersion) {
    out->Ok(what + " (the first routed open upgrades it to version " +
            std::to_string(compat::kServerSchemaVersion) + ")");
  } else {
    out->Ok(what);
  }
}

void ExplainFile(const router::Settings& settings, const std::string& file, Report* out) {
  router::Route route;
  std::string error;
  if (!router::Decide(settings, file.c_str(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &route,
                      &error)) {
    out->Fail(file + ": cannot be routed: " + error, "correct the settings above");
    return;
  }
  if (route.backend == router::Backend::kSqlite) {
    std::string why = route.origin == "default" ? "nothing routes it (no DSN, no matching route)"
                      : route.origin == "LITELIFT_BACKEND" ? "LITELIFT_BACKEND=sqlite"
                      : route.origin == "in-memory database"
                          ? "an in-memory database (LITELIFT_ROUTE_MEMORY=1 routes those)"
                          : "the route at " + route.origin + " keeps it local";
    out->Ok(file + " stays local (the real SQLite): " + why);
    return;
  }
  std::string place = route.schema.empty()
                          ? "schema " + compat::SchemaNameForPath(route.canonical_path) +
                                " (derived from the path), unless one is already recorded for it"
                          : "schema " + route.schema + " (named by the route)";
  std::string conn_error;
  Conn conn = Connect(route.dsn, &conn_error);
  if (conn != nullptr) {
    bool exists = false;
    if (LiteliftSchema(conn.get(), &exists, &conn_error) && exists) {
      Result r =
          Query(conn.get(),
                "SELECT db_schema FROM litelift.databases WHERE path = $1 AND deleted IS NULL "
                "ORDER BY created LIMIT 1",
                {compat::PrintablePath(route.canonical_path)});
      if (Ok(r) && PQntuples(r.get()) == 1) {
        place = "schema " + Value(r, 0, 0) + " (recorded in litelift.databases)";
      }
    }
  }
  out->Ok(file + " is routed to PostgreSQL " + log::RedactDsn(route.dsn) + " by " + route.origin +
          ", " + place);
  struct stat st;
  if (stat(route.canonical_path.c_str(), &st) == 0 && st.st_size > 0) {
    out->Warn(route.canonical_path + " exists locally (" + std::to_string(st.st_size) +
                  " bytes): routed, the program does not see its data",
              "copy its data to the route (e.g. sqlite3 FILE .dump, replayed under litelift run), "
              "or keep the file local with a [[route]] backend = \"sqlite\"");
  }
}

}  // namespace

int Ls(const InspectOptions& options) {
  router::Settings settings = LoadWith(options);
  if (!settings.error.empty()) {
    std::fprintf(stderr, "litelift ls: %s\n", settings.error.c_str());
    return 2;
  }
  std::vector<std::string> dsns = Dsns(settings);
  if (dsns.empty()) {
    std::fprintf(stderr,
                 "litelift ls: no DSN: set LITELIFT_DSN, give --dsn, or a config file with dsn\n");
    return 2;
  }
  int rc = 0;
  for (const std::string& dsn : dsns) {
    log::AddSecrets(dsn);
    std::string error;
    Conn conn = Connect(dsn, &error);
    if (conn == nullptr) {
      std::fprintf(stderr, "litelift ls: cannot connect to %s: %s\n", log::RedactDsn(dsn).c_str(),
                   error.c_str());
      rc = 1;
      continue;
    }
    if (ListServer(conn.get(), options.exact) != 0) rc = 1;
  }
  return rc;
}

int Doctor(const InspectOptions& options) {
  Report out;
  router::Settings settings = LoadWith(options);
  log::AddSecrets(settings.dsn);
  for (const auto& rule : settings.rules) log::AddSecrets(rule.dsn);
  CheckSettings(options, settings, &out);
  CheckLibrary(&out);
  if (settings.error.empty()) {
    for (const std::string& dsn : Dsns(settings)) CheckServer(dsn, &out);
    if (!options.file.empty()) ExplainFile(settings, options.file, &out);
  }
  if (out.failures() == 0) {
    std::printf("OK: no problem found\n");
    return 0;
  }
  std::printf("%d problem(s) found\n", out.failures());
  return 1;
}

}  // namespace litelift::cli
