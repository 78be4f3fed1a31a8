#include "router/route.h"

#include <fnmatch.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "router/log.h"

namespace litelift::router {

namespace {

bool ParseBackend(std::string_view text, Backend* backend) {
  if (text == "sqlite" || text == "local") {
    *backend = Backend::kSqlite;
    return true;
  }
  if (text == "postgres" || text == "postgresql" || text == "pg") {
    *backend = Backend::kPostgres;
    return true;
  }
  return false;
}

bool IsTrue(const char* value) {
  if (value == nullptr) return false;
  std::string_view v(value);
  return v == "1" || v == "true" || v == "yes" || v == "on";
}

}  // namespace

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(std::string_view text) {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

namespace {

// The path part of a "file:" URI, percent-decoded, as SQLite reads it.
std::string UriPath(std::string_view uri) {
  std::string_view rest = uri.substr(5);  // after "file:"
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  size_t end = rest.find_first_of("?#");
  if (end != std::string_view::npos) rest = rest.substr(0, end);
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && HexDigitValue(rest[i + 1]) >= 0 &&
        HexDigitValue(rest[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexDigitValue(rest[i + 1]) * 16 + HexDigitValue(rest[i + 2])));
      i += 2;
    } else {
      out.push_back(rest[i]);
    }
  }
  return out;
}

// The value of a query parameter of a "file:" URI, or "" when absent.
std::string UriParameter(std::string_view uri, std::string_view key) {
  size_t q = uri.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = uri.substr(q + 1);
  size_t hash = query.find('#');
  if (hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      return eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return "";
}

bool IsUri(const char* filename) { return std::string_view(filename).substr(0, 5) == "file:"; }

// Collapses "." and ".." and repeated slashes of an absolute path.
std::string Normalise(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

}  // namespace

std::string ReservedSchemaReason(std::string_view schema) {
  // The name is used quoted, so PostgreSQL compares it exactly; it is refused
  // in any case all the same, as tools that fold names would mistake it.
  std::string lower;
  for (char c : schema)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "litelift") return "it is litelift's own schema (its functions and bookkeeping)";
  if (lower.rfind("pg_", 0) == 0) return "names starting with pg_ are reserved by PostgreSQL";
  return "";
}

int FlagsWithUriMode(const char* filename, int flags) {
  if (filename == nullptr || !IsUri(filename)) return flags;
  std::string mode = UriParameter(filename, "mode");
  constexpr int kAccess = SQLITE_OPEN_READONLY | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (mode == "ro") return (flags & ~kAccess) | SQLITE_OPEN_READONLY;
  if (mode == "rw") return (flags & ~kAccess) | SQLITE_OPEN_READWRITE;
  if (mode == "rwc") return (flags & ~kAccess) | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  return flags;
}

bool IsMemoryDatabase(const char* filename, int flags) {
  if (filename == nullptr || *filename == '\0') return true;
  if (flags & SQLITE_OPEN_MEMORY) return true;
  std::string_view name(filename);
  if (name == ":memory:") return true;
  if (IsUri(filename)) {
    std::string path = UriPath(name);
    return path.empty() || path == ":memory:" || UriParameter(name, "mode") == "memory";
  }
  return false;
}

std::string CanonicalPath(std::string_view filename) {
  std::string path = filename.substr(0, 5) == "file:" ? UriPath(filename) : std::string(filename);
  if (path.empty() || path[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) != nullptr) path = std::string(cwd) + "/" + path;
  }
  path = Normalise(path);
  // Resolve links in the directory (the file itself may not exist yet).
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  char resolved[PATH_MAX];
  if (realpath(dir.c_str(), resolved) != nullptr) {
    std::string base = path.substr(slash + 1);
    std::string real_dir(resolved);
    path = (real_dir == "/" ? "" : real_dir) + "/" + base;
  }
  return path;
}

void ParseConfigFile(const std::string& path, Settings* settings);  // config.cc

Settings LoadSettings(const GetEnv& getenv) {
  Settings s;
  if (const char* backend = getenv("LITELIFT_BACKEND"); backend != nullptr && *backend != '\0') {
    Backend b;
    if (!ParseBackend(backend, &b)) {
      s.error = std::string("litelift: LITELIFT_BACKEND=") + backend +
                " is not a backend (use sqlite or postgres)";
      return s;
    }
    s.forced_backend = b;
  }
  s.route_memory = IsTrue(getenv("LITELIFT_ROUTE_MEMORY"));
  if (const char* c = getenv("LITELIFT_CONCURRENCY"); c != nullptr && *c != '\0') {
    std::string_view v(c);
    if (v != "sqlite" && v != "native") {
      s.error = std::string("litelift: LITELIFT_CONCURRENCY=") + c +
                " is not a concurrency (use sqlite or native)";
      return s;
    }
    s.native_concurrency = v == "native";
  }
  std::optional<FirstOpen> env_first_open;
  if (const char* f = getenv("LITELIFT_ON_FIRST_OPEN"); f != nullptr && *f != '\0') {
    FirstOpen parsed;
    if (!ParseFirstOpen(f, &parsed)) {
      s.error = std::string("litelift: LITELIFT_ON_FIRST_OPEN=") + f +
                " is not a choice (use refuse, empty or migrate)";
      return s;
    }
    env_first_open = parsed;
  }
  // Set but blank is a mistake (an unset shell variable, an empty secret),
  // never a request to stay local: the program was meant to be routed.
  if (const char* config = getenv("LITELIFT_CONFIG"); config != nullptr) {
    if (IsBlank(config)) {
      s.error = "litelift: LITELIFT_CONFIG is set but blank (unset it, or name a TOML config file)";
      return s;
    }
    s.config_path = config;
    ParseConfigFile(config, &s);
    if (!s.error.empty()) return s;
  }
  // The variable wins over the file's keys (litelift migrate sets it).
  if (env_first_open) {
    s.on_first_open = *env_first_open;
    s.on_first_open_from_env = true;
  }
  if (const char* dsn = getenv("LITELIFT_DSN"); dsn != nullptr) {
    if (IsBlank(dsn)) {
      s.error =
          "litelift: LITELIFT_DSN is set but blank (unset it to keep databases local, or give "
          "a PostgreSQL connection string)";
      return s;
    }
    s.dsn = dsn;
    s.dsn_origin = "LITELIFT_DSN";
  }
  return s;
}

bool ParseFirstOpen(std::string_view text, FirstOpen* out) {
  if (text == "refuse") {
    *out = FirstOpen::kRefuse;
  } else if (text == "empty") {
    *out = FirstOpen::kEmpty;
  } else if (text == "migrate") {
    *out = FirstOpen::kMigrate;
  } else {
    return false;
  }
  return true;
}

const Settings& ProcessSettings() {
  static std::once_flag once;
  static Settings* settings = nullptr;  // never destroyed: used until exit
  std::call_once(once, [] {
    settings = new Settings(LoadSettings([](const char* n) { return std::getenv(n); }));
    // From now on no message or log line of this process shows their passwords.
    log::AddSecrets(settings->dsn);
    for (const RouteRule& rule : settings->rules) log::AddSecrets(rule.dsn);
  });
  return *settings;
}

bool Decide(const Settings& settings, const char* filename, int flags, Route* route,
            std::string* error) {
  *route = Route();
  if (!settings.error.empty()) {
    *error = settings.error;
    return false;
  }
  route->memory = IsMemoryDatabase(filename, flags);
  if (settings.forced_backend == Backend::kSqlite) {
    route->origin = "LITELIFT_BACKEND";
    return true;
  }
  if (settings.rules.empty() && settings.dsn.empty() && !settings.forced_backend) {
    route->origin = "default";  // nothing configured: no path work at all
    return true;
  }
  if (!route->memory) route->canonical_path = CanonicalPath(filename);

  const RouteRule* rule = nullptr;
  if (!route->memory) {
    for (const auto& r : settings.rules) {
      if (fnmatch(r.match.c_str(), route->canonical_path.c_str(), 0) == 0) {
        rule = &r;
        break;
      }
    }
  }
  if (rule != nullptr) {
    route->origin = settings.config_path + ":" + std::to_string(rule->line);
    route->backend = rule->backend.value_or(
        settings.dsn.empty() && rule->dsn.empty() ? Backend::kSqlite : Backend::kPostgres);
    route->dsn = rule->dsn.empty() ? settings.dsn : rule->dsn;
    route->schema = rule->schema;
    route->native_concurrency = rule->native_concurrency.value_or(settings.native_concurrency);
    route->pipeline_writes = rule->pipeline_writes.value_or(settings.pipeline_writes);
    route->on_first_open = settings.on_first_open_from_env
                               ? settings.on_first_open
                               : rule->on_first_open.value_or(settings.on_first_open);
  } else if (route->memory && !settings.route_memory) {
    route->origin = "in-memory database";
    route->backend = Backend::kSqlite;
  } else if (settings.forced_backend == Backend::kPostgres || !settings.dsn.empty()) {
    route->origin = settings.forced_backend ? "LITELIFT_BACKEND" : settings.dsn_origin;
    route->backend = Backend::kPostgres;
    route->dsn = settings.dsn;
    route->native_concurrency = settings.native_concurrency;
    route->pipeline_writes = settings.pipeline_writes;
    route->on_first_open = settings.on_first_open;
  } else {
    route->origin = "default";
    route->backend = Backend::kSqlite;
  }
  if (route->backend == Backend::kPostgres && route->dsn.empty()) {
    *error = "litelift: " + route->origin +
             " routes this database to postgres but no DSN is set (set "
             "LITELIFT_DSN or dsn in the config file)";
    return false;
  }
  return true;
}

}  // namespace litelift::router
