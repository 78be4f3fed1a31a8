// The TOML config file (LITELIFT_CONFIG). Layout, in docs/configuration.md:
//
//   backend = "postgres"            # default for file databases
//   dsn = "postgresql://host/db"    # LITELIFT_DSN overrides it
//   route_memory = false
//   [[route]]
//   match = "/srv/app/*.db"         # fnmatch(3) on the canonical path
//   backend = "postgres"            # optional
//   dsn = "..."                     # optional, else the top-level dsn
//   schema = "app"                  # optional, else derived from the path
//
// Every problem is reported as "file:line: what", and makes every open fail.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <toml.hpp>

#include "router/route.h"

namespace litelift::router {

namespace {

std::string At(const std::string& file, std::uint_least32_t line) {
  return "litelift: " + file + ":" + std::to_string(line) + ": ";
}

// The first meaningful line of a toml11 message, without its "[error] f: ".
std::string Summary(const std::string& what) {
  std::string first = what.substr(0, what.find('\n'));
  for (const char* prefix : {"[error] "}) {
    if (first.rfind(prefix, 0) == 0) first.erase(0, std::string(prefix).size());
  }
  size_t colon = first.find(": ");
  if (first.rfind("toml::", 0) == 0 && colon != std::string::npos) {
    first.erase(0, colon + 2);
  }
  return first;
}

bool ParseBackendValue(const toml::value& v, const std::string& file, Backend* backend,
                       std::string* error) {
  if (!v.is_string()) {
    *error = At(file, v.location().line()) + "backend must be a string";
    return false;
  }
  const std::string& text = v.as_string().str;
  if (text == "sqlite" || text == "local") {
    *backend = Backend::kSqlite;
  } else if (text == "postgres" || text == "postgresql") {
    *backend = Backend::kPostgres;
  } else {
    *error = At(file, v.location().line()) + "backend = \"" + text +
             "\" is not a backend (use \"sqlite\" or \"postgres\")";
    return false;
  }
  return true;
}

bool StringValue(const toml::value& v, const std::string& key, const std::string& file,
                 std::string* out, std::string* error) {
  if (!v.is_string()) {
    *error = At(file, v.location().line()) + key + " must be a string";
    return false;
  }
  *out = v.as_string().str;
  return true;
}

// A blank dsn is a mistake, not "no DSN": leave the key out for that.
bool NotBlank(const toml::value& v, const std::string& key, const std::string& file,
              std::string* error) {
  if (!IsBlank(v.as_string().str)) return true;
  *error = At(file, v.location().line()) + key + " is blank (leave the key out instead)";
  return false;
}

// A boolean key's value; an error naming the line otherwise.
bool BoolValue(const toml::value& v, const std::string& key, const std::string& file, bool* out,
               std::string* error) {
  if (!v.is_boolean()) {
    *error = At(file, v.location().line()) + key + " must be true or false";
    return false;
  }
  *out = v.as_boolean();
  return true;
}

bool ParseRule(const toml::value& table, const std::string& file, RouteRule* rule,
               std::string* error) {
  rule->line = static_cast<int>(table.location().line());
  bool has_match = false;
  for (const auto& [key, v] : table.as_table()) {
    bool ok = true;
    if (key == "match") {
      ok = StringValue(v, key, file, &rule->match, error);
      has_match = true;
    } else if (key == "backend") {
      Backend b;
      ok = ParseBackendValue(v, file, &b, error);
      rule->backend = b;
    } else if (key == "dsn") {
      ok = StringValue(v, key, file, &rule->dsn, error) && NotBlank(v, key, file, error);
    } else if (key == "schema") {
      ok = StringValue(v, key, file, &rule->schema, error);
      if (ok) {
        if (std::string why = ReservedSchemaReason(rule->schema); !why.empty()) {
          *error = At(file, v.location().line()) + "schema = \"" + rule->schema +
                   "\" cannot hold a database: " + why;
          ok = false;
        }
      }
    } else if (key == "concurrency") {
      std::string c;
      ok = StringValue(v, key, file, &c, error);
      if (ok && c != "sqlite" && c != "native") {
        *error = At(file, v.location().line()) + "concurrency = \"" + c +
                 "\" is not a concurrency (use \"sqlite\" or \"native\")";
        ok = false;
      }
      rule->native_concurrency = c == "native";
    } else if (key == "on_first_open") {
      std::string text;
      FirstOpen f;
      ok = StringValue(v, key, file, &text, error);
      if (ok && !ParseFirstOpen(text, &f)) {
        *error = At(file, v.location().line()) + "on_first_open = \"" + text +
                 "\" is not a choice (use \"refuse\", \"empty\" or \"migrate\")";
        ok = false;
      }
      if (ok) rule->on_first_open = f;
    } else if (key == "pipeline_writes") {
      bool on = false;
      ok = BoolValue(v, key, file, &on, error);
      rule->pipeline_writes = on;
    } else {
      *error = At(file, v.location().line()) + "unknown key '" + key +
               "' in [[route]] (known: match, backend, dsn, schema, concurrency, on_first_open, "
               "pipeline_writes)";
      ok = false;
    }
    if (!ok) return false;
  }
  if (!has_match) {
    *error = At(file, rule->line) + "[[route]] needs a match pattern";
    return false;
  }
  return true;
}

}  // namespace

void ParseConfig(std::string_view text, const std::string& file_name, Settings* settings) {
  toml::value root;
  try {
    std::istringstream in{std::string(text)};
    root = toml::parse(in, file_name);
  } catch (const toml::exception& e) {
    settings->error = At(file_name, e.location().line()) + Summary(e.what());
    return;
  } catch (const std::exception& e) {
    settings->error = "litelift: " + file_name + ": " + Summary(e.what());
    return;
  }
  std::string& error = settings->error;
  for (const auto& [key, v] : root.as_table()) {
    if (key == "backend") {
      Backend b;
      if (!ParseBackendValue(v, file_name, &b, &error)) return;
      if (!settings->forced_backend) settings->forced_backend = b;
    } else if (key == "dsn") {
      if (!StringValue(v, key, file_name, &settings->dsn, &error)) return;
      if (!NotBlank(v, key, file_name, &error)) return;
      settings->dsn_origin = file_name + ":" + std::to_string(v.location().line());
    } else if (key == "concurrency") {
      std::string c;
      if (!StringValue(v, key, file_name, &c, &error)) return;
      if (c != "sqlite" && c != "native") {
        error = At(file_name, v.location().line()) + "concurrency = \"" + c +
                "\" is not a concurrency (use \"sqlite\" or \"native\")";
        return;
      }
      settings->native_concurrency = c == "native";
    } else if (key == "on_first_open") {
      std::string text;
      if (!StringValue(v, key, file_name, &text, &error)) return;
      if (!ParseFirstOpen(text, &settings->on_first_open)) {
        error = At(file_name, v.location().line()) + "on_first_open = \"" + text +
                "\" is not a choice (use \"refuse\", \"empty\" or \"migrate\")";
        return;
      }
    } else if (key == "pipeline_writes") {
      if (!BoolValue(v, key, file_name, &settings->pipeline_writes, &error)) return;
    } else if (key == "route_memory") {
      if (!v.is_boolean()) {
        error = At(file_name, v.location().line()) + "route_memory must be true or false";
        return;
      }
      settings->route_memory = settings->route_memory || v.as_boolean();
    } else if (key == "route") {
      if (!v.is_array()) {
        error = At(file_name, v.location().line()) +
                "route must be an array of tables, written [[route]]";
        return;
      }
      for (const auto& item : v.as_array()) {
        if (!item.is_table()) {
          error = At(file_name, item.location().line()) + "each route must be a table";
          return;
        }
        RouteRule rule;
        if (!ParseRule(item, file_name, &rule, &error)) return;
        settings->rules.push_back(std::move(rule));
      }
    } else {
      error = At(file_name, v.location().line()) + "unknown key '" + key +
              "' (known: backend, dsn, route_memory, concurrency, on_first_open, pipeline_writes, "
              "[[route]])";
      return;
    }
  }
}

void ParseConfigFile(const std::string& path, Settings* settings) {
  // Read with the system calls, not a stream: std::ifstream opens a
  // directory and reads it as an empty file, an empty config.
  auto fail = [&](const char* why) {
    settings->error = "litelift: cannot use LITELIFT_CONFIG=" + path + ": " + why;
  };
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    fail(std::strerror(errno));
  } else if (S_ISDIR(st.st_mode)) {
    fail("it is a directory, not a TOML file");
  }
  std::string text;
  char buf[8192];
  while (settings->error.empty()) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(std::strerror(errno));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (settings->error.empty()) ParseConfig(text, path, settings);
}

}  // namespace litelift::router
