#include "shim/uri.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/sqlite_api.h"
#include "router/route.h"

namespace litelift::shim {

namespace {

// -1: not configured (the compile-time default applies), else 0 or 1.
std::atomic<int> g_uri_config{-1};

// SQLite's sqlite3GetBoolean(z, 0) (getSafetyLevel without "full"/"extra").
bool UriBoolean(const std::string& z) {
  if (!z.empty() && z[0] >= '0' && z[0] <= '9') return std::atoi(z.c_str()) != 0;
  static const std::pair<const char*, bool> kWords[] = {
      {"on", true}, {"no", false}, {"off", false}, {"false", false}, {"yes", true}, {"true", true}};
  for (const auto& [word, value] : kWords) {
    std::string_view w(word);
    if (w.size() != z.size()) continue;
    bool same = true;
    for (size_t i = 0; i < w.size() && same; ++i) {
      same = w[i] == (z[i] >= 'A' && z[i] <= 'Z' ? z[i] - 'A' + 'a' : z[i]);
    }
    if (same) return value;
  }
  return false;
}

// The query parameters of a URI as sqlite3ParseUri leaves them: the path
// and name/value pairs, percent-decoded, with its handling of "%00" and of
// empty names. Returns false with *error for an authority it refuses.
bool SplitUri(std::string_view uri, std::vector<std::pair<std::string, std::string>>* options,
              std::string* error) {
  auto at = [&](size_t i) { return i < uri.size() ? uri[i] : '\0'; };
  size_t in = 5;
  if (at(5) == '/' && at(6) == '/') {  // the scheme's authority: none or "localhost"
    in = 7;
    while (at(in) != '\0' && at(in) != '/') ++in;
    if (in != 7 && (in != 16 || uri.substr(7, 9) != "localhost")) {
      *error = "invalid uri authority: " + std::string(uri.substr(7, in - 7));
      return false;
    }
  }
  std::string out;  // path NUL name NUL value NUL ...
  int state = 0;    // 0: path, 1: a parameter's name, 2: its value
  char c;
  while ((c = at(in)) != '\0' && c != '#') {
    ++in;
    if (c == '%' && router::HexDigitValue(at(in)) >= 0 && router::HexDigitValue(at(in + 1)) >= 0) {
      int octet = (router::HexDigitValue(at(in)) << 4) + router::HexDigitValue(at(in + 1));
      in += 2;
      if (octet == 0) {  // "%00": the rest of this path, name or value is ignored
        while ((c = at(in)) != '\0' && c != '#' && (state != 0 || c != '?') &&
               (state != 1 || (c != '=' && c != '&')) && (state != 2 || c != '&')) {
          ++in;
        }
        continue;
      }
      c = static_cast<char>(octet);
    } else if (state == 1 && (c == '&' || c == '=')) {
      if (out.empty() || out.back() == '\0') {  // an empty name: the option is ignored
        while (at(in) != '\0' && at(in) != '#' && at(in - 1) != '&') ++in;
        continue;
      }
      if (c == '&') {
        out.push_back('\0');
      } else {
        state = 2;
      }
      c = '\0';
    } else if ((state == 0 && c == '?') || (state == 2 && c == '&')) {
      c = '\0';
      state = 1;
    }
    out.push_back(c);
  }
  if (state == 1) out.push_back('\0');
  out.append(2, '\0');
  size_t opt = out.find('\0') + 1;  // past the path
  while (opt < out.size() && out[opt] != '\0') {
    size_t name_end = out.find('\0', opt);
    size_t value_end = out.find('\0', name_end + 1);
    options->emplace_back(out.substr(opt, name_end - opt),
                          out.substr(name_end + 1, value_end - name_end - 1));
    opt = value_end + 1;
  }
  return true;
}

}  // namespace

bool UrisByDefault() {
  int configured = g_uri_config.load(std::memory_order_relaxed);
  if (configured >= 0) return configured != 0;
  return LL_REAL(sqlite3_compileoption_used)("USE_URI") != 0;
}

void SetUrisByDefault(bool on) { g_uri_config.store(on ? 1 : 0, std::memory_order_relaxed); }

int CheckOpen(const char* filename, const char* vfs, int* flags, bool* is_uri, std::string* error) {
  std::string_view name = filename != nullptr ? filename : "";
  std::string vfs_name = vfs != nullptr ? vfs : "";
  bool named_vfs = vfs != nullptr;
  *is_uri = ((*flags & SQLITE_OPEN_URI) != 0 || UrisByDefault()) && name.substr(0, 5) == "file:";
  if (*is_uri) {
    std::vector<std::pair<std::string, std::string>> options;
    if (!SplitUri(name, &options, error)) return SQLITE_ERROR;
    bool immutable_seen = false, immutable = false;
    for (const auto& [key, value] : options) {
      if (key == "vfs") {
        vfs_name = value;
        named_vfs = true;
        continue;
      }
      struct Mode {
        const char* name;
        int flags;
      };
      static const Mode kCache[] = {{"shared", SQLITE_OPEN_SHAREDCACHE},
                                    {"private", SQLITE_OPEN_PRIVATECACHE}};
      static const Mode kAccess[] = {{"ro", SQLITE_OPEN_READONLY},
                                     {"rw", SQLITE_OPEN_READWRITE},
                                     {"rwc", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE},
                                     {"memory", SQLITE_OPEN_MEMORY}};
      const Mode* modes = nullptr;
      size_t count = 0;
      int mask = 0, limit = 0;
      const char* type = "";
      if (key == "cache") {
        modes = kCache;
        count = 2;
        mask = SQLITE_OPEN_SHAREDCACHE | SQLITE_OPEN_PRIVATECACHE;
        limit = mask;
        type = "cache";
      } else if (key == "mode") {
        modes = kAccess;
        count = 4;
        mask =
            SQLITE_OPEN_READONLY | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
        limit = mask & *flags;
        type = "access";
      } else if (key == "immutable" && !immutable_seen) {
        immutable_seen = true;  // the pager reads the first one
        immutable = UriBoolean(value);
      }
      if (modes == nullptr) continue;
      int mode = 0;
      for (size_t i = 0; i < count; ++i) {
        if (value == modes[i].name) mode = modes[i].flags;
      }
      if (mode == 0) {
        *error = std::string("no such ") + type + " mode: " + value;
        return SQLITE_ERROR;
      }
      if ((mode & ~SQLITE_OPEN_MEMORY) > limit) {
        *error = std::string(type) + " mode not allowed: " + value;
        return SQLITE_PERM;
      }
      *flags = (*flags & ~mask) | mode;
    }
    // An immutable database is read-only, whatever the mode said.
    if (immutable) {
      *flags = (*flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    }
  }
  if (named_vfs && LL_REAL(sqlite3_vfs_find)(vfs_name.c_str()) == nullptr) {
    *error = "no such vfs: " + vfs_name;
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

}  // namespace litelift::shim
