#include "libsqlite3-compat/pg/marker.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>

namespace litelift::compat {

namespace {

constexpr std::string_view kHeader = "litelift database marker\n";
constexpr std::string_view kSqliteHeader{"SQLite format 3\0", 16};

// The DSN's connection keywords without the password, for the marker's text.
std::string ServerText(const std::string& dsn) {
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), nullptr);
  if (opts == nullptr) return "(unparsable DSN)";
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string_view k = o->keyword;
    if (k != "host" && k != "hostaddr" && k != "port" && k != "dbname" && k != "user") continue;
    out += (out.empty() ? "" : " ") + std::string(k) + "=" + o->val;
  }
  PQconninfoFree(opts);
  return out.empty() ? "(libpq defaults)" : out;
}

}  // namespace

LocalFile ReadLocalFile(const std::string& path) {
  LocalFile f;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ELOOP) fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    f.kind = errno == ENOENT ? LocalFile::kMissing : LocalFile::kOther;
    return f;
  }
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  f.kind = LocalFile::kOther;
  if (text.substr(0, kSqliteHeader.size()) == kSqliteHeader) {
    f.kind = LocalFile::kSqliteData;
  } else if (text.substr(0, kHeader.size()) == kHeader) {
    size_t at = text.find("\nid: ");
    if (at != std::string_view::npos) {
      size_t end = text.find('\n', at + 5);
      if (end != std::string_view::npos) {
        f.kind = LocalFile::kMarker;
        f.id = std::string(text.substr(at + 5, end - at - 5));
      }
    }
  }
  return f;
}

std::string NewMarkerId() {
  unsigned char bytes[16];
  if (getrandom(bytes, sizeof(bytes), 0) != sizeof(bytes)) {
    // (Never expected; the time and pid still tell markers apart.)
    std::memset(bytes, 0, sizeof(bytes));
    long v[2] = {static_cast<long>(time(nullptr)), static_cast<long>(getpid())};
    std::memcpy(bytes, v, sizeof(v) < sizeof(bytes) ? sizeof(v) : sizeof(bytes));
  }
  static const char* kHex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

bool WriteMarker(const std::string& path, const std::string& id, const std::string& dsn,
                 const std::string& schema, std::string* error) {
  LocalFile now = ReadLocalFile(path);
  if (now.kind != LocalFile::kMissing && now.kind != LocalFile::kMarker) {
    *error = "litelift: " + path + " is not a litelift marker: left as it is";
    return false;
  }
  if (now.kind == LocalFile::kMarker && now.id == id) return true;
  std::string text = std::string(kHeader) +
                     "This file is not an SQLite database: litelift keeps this database on "
                     "PostgreSQL.\nid: " +
                     id + "\nserver: " + ServerText(dsn) + "\nschema: " + schema +
                     "\nDeleting this file deletes the database (the next open creates an empty "
                     "one);\nthe server keeps the old schema, renamed aside. See litelift's "
                     "docs/moving.md.\n";
  std::string tmp = path + ".litelift-marker-" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "litelift: cannot write the marker file " + path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = close(fd) == 0 && ok;
  if (ok && now.kind == LocalFile::kMissing) {
    // Never over a file another process created meanwhile.
    ok = link(tmp.c_str(), path.c_str()) == 0 || errno == EEXIST;
  } else if (ok) {
    ok = rename(tmp.c_str(), path.c_str()) == 0;
  }
  int saved = errno;
  unlink(tmp.c_str());
  if (!ok) {
    *error = "litelift: cannot write the marker file " + path + ": " + std::strerror(saved);
    return false;
  }
  return true;
}

}  // namespace litelift::compat
