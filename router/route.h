// Where a database lives: the decision the shim asks for at every open.
//
// Settings come from the environment (LITELIFT_BACKEND, LITELIFT_DSN,
// LITELIFT_CONFIG, LITELIFT_ROUTE_MEMORY) and, when LITELIFT_CONFIG names one,
// a TOML file of per-path routes (see docs/configuration.md). They are read
// once, on the first open. A bad setting is an error at every open, never a
// silent fallback to a local file.

#ifndef LITELIFT_ROUTER_ROUTE_H_
#define LITELIFT_ROUTER_ROUTE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace litelift::router {

enum class Backend { kSqlite, kPostgres };

// on_first_open: refuse (SQLITE_CANTOPEN naming litelift migrate), an
// empty server database with the file left untouched, or `litelift
// migrate` run at that open (pg/first_open.h). The file is never changed.
enum class FirstOpen { kRefuse = 0, kEmpty = 1, kMigrate = 2 };

// Parses "refuse" / "empty" / "migrate"; false for anything else.
bool ParseFirstOpen(std::string_view text, FirstOpen* out);

// Where one database goes.
struct Route {
  Backend backend = Backend::kSqlite;
  std::string dsn;             // libpq connection string (postgres only)
  std::string schema;          // explicit schema name, or "" for the derived one
  bool memory = false;         // the database is :memory:, "" or a memory URI
  std::string canonical_path;  // absolute path of a file database
  std::string origin;          // what decided: "LITELIFT_DSN", "config.toml:12", ...
  // true: PostgreSQL's row-level concurrency; false (default): SQLite's,
  // one writer at a time per database.
  bool native_concurrency = false;
  // The first routed open of a file holding SQLite data while the server
  // has no database for it (docs/configuration.md, on_first_open).
  FirstOpen on_first_open = FirstOpen::kRefuse;
  // Opt-in write pipelining (docs/configuration.md, pipeline_writes);
  // LITELIFT_PIPELINE_WRITES, read at each open, wins.
  bool pipeline_writes = false;
};

// One [[route]] table of the config file.
struct RouteRule {
  std::string match;  // fnmatch(3) pattern against the canonical path
  std::optional<Backend> backend;
  std::string dsn;
  std::string schema;
  std::optional<bool> native_concurrency;
  std::optional<FirstOpen> on_first_open;
  std::optional<bool> pipeline_writes;
  int line = 0;
};

// Everything the environment and the config file say.
struct Settings {
  std::optional<Backend> forced_backend;  // LITELIFT_BACKEND
  std::string dsn;                        // LITELIFT_DSN or the file's dsn
  std::string dsn_origin;
  bool route_memory = false;        // LITELIFT_ROUTE_MEMORY=1
  bool native_concurrency = false;  // LITELIFT_CONCURRENCY=native
  FirstOpen on_first_open = FirstOpen::kRefuse;  // LITELIFT_ON_FIRST_OPEN or the file's
  bool on_first_open_from_env = false;  // the variable wins over every rule
  bool pipeline_writes = false;         // the file's top-level pipeline_writes
  std::string config_path;
  std::vector<RouteRule> rules;
  std::string error;  // non-empty: every open fails with this message
};

// Reads a variable; returns nullptr when unset. Lets tests supply their own.
using GetEnv = std::function<const char*(const char*)>;

// Builds Settings from the environment and the file LITELIFT_CONFIG names.
Settings LoadSettings(const GetEnv& getenv);

// The process's settings, loaded from the real environment on first use.
// Thread-safe.
const Settings& ProcessSettings();

// Parses a config file's text into settings (file name used in messages).
// Leaves settings->error set, naming the line, on the first problem.
void ParseConfig(std::string_view text, const std::string& file_name, Settings* settings);

// Decides where the database named by filename (as given to sqlite3_open_v2,
// with its flags) goes. Returns false with *error set when it cannot be
// decided (bad settings, a postgres route without a DSN).
bool Decide(const Settings& settings, const char* filename, int flags, Route* route,
            std::string* error);

// Whether text is empty or only white space.
bool IsBlank(std::string_view text);

// The value of hex digit c (0-9, a-f, A-F), or -1 when c is none.
int HexDigitValue(char c);

// Why schema cannot be a route's explicit schema ("" when it can): litelift's
// own schema and PostgreSQL's reserved pg_ prefix, in any letter case.
std::string ReservedSchemaReason(std::string_view schema);

// The open flags a "file:" URI's mode= parameter implies (ro, rw, rwc), as
// SQLite applies them; flags unchanged for other names.
int FlagsWithUriMode(const char* filename, int flags);

// Whether filename opens an in-memory or temporary database.
bool IsMemoryDatabase(const char* filename, int flags);

// The absolute, normalised path of a file database ("file:" URIs decoded);
// symbolic links in existing directories are resolved.
std::string CanonicalPath(std::string_view filename);

}  // namespace litelift::router

#endif  // LITELIFT_ROUTER_ROUTE_H_
