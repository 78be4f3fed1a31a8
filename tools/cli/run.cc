#include "tools/cli/run.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace litelift::cli {

namespace {

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

// The first line of fd, read a byte at a time so that nothing after it is
// taken from a pipe the command will read. False on a read error.
bool ReadFirstLine(int fd, std::string* line) {
  line->clear();
  char c;
  for (;;) {
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0 || c == '\n') return true;
    line->push_back(c);
  }
}

// The DSN the options give, into *dsn ("" when none); false with a message
// printed when it cannot be read or is blank.
bool ResolveDsn(const RunOptions& options, std::string* dsn) {
  *dsn = options.dsn;
  std::string from = "--dsn";
  if (options.dsn == "-") {
    from = "the first line of standard input (--dsn -)";
    if (!ReadFirstLine(0, dsn)) {
      std::fprintf(stderr, "litelift: cannot read the DSN from standard input: %s\n",
                   std::strerror(errno));
      return false;
    }
  } else if (!options.dsn_file.empty()) {
    from = "--dsn-file " + options.dsn_file;
    int fd = open(options.dsn_file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !ReadFirstLine(fd, dsn)) {
      std::fprintf(stderr, "litelift: cannot read the DSN from %s: %s\n", options.dsn_file.c_str(),
                   std::strerror(errno));
      if (fd >= 0) close(fd);
      return false;
    }
    close(fd);
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      std::fprintf(stderr,
                   "litelift: warning: %s can be read by other users; a file holding a "
                   "password should be mode 0600\n",
                   options.dsn_file.c_str());
    }
  } else if (!options.dsn_given) {
    return true;  // not given: the environment's LITELIFT_DSN, if any, stays
  }
  if (!dsn->empty() && dsn->back() == '\r') dsn->pop_back();
  bool blank = true;
  for (char c : *dsn) blank = blank && std::isspace(static_cast<unsigned char>(c));
  if (blank) {
    std::fprintf(stderr, "litelift: the DSN from %s is blank\n", from.c_str());
    return false;
  }
  return true;
}

// The per-user cache directory: $XDG_CACHE_HOME/litelift, ~/.cache/litelift,
// else /tmp/litelift-UID (made 0700 and checked to be ours).
std::string CacheDir() {
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/litelift";
  const char* home = getenv("HOME");
  if (home != nullptr && *home == '/' && access(home, W_OK) == 0) {
    return std::string(home) + "/.cache/litelift";
  }
  return "/tmp/litelift-" + std::to_string(getuid());
}

// mkdir -p with mode 0700 for what it creates; false with errno set.
bool MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string part = path.substr(0, i);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return false;
  if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
    errno = EPERM;  // not a directory of ours (a planted /tmp entry)
    return false;
  }
  return true;
}

// A short, stable name for library's path (FNV-1a, 64 bits).
std::string PathHash(const std::string& path) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : path) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string LibraryPathDir(const std::string& library, std::string* error) {
  const std::string dir = CacheDir() + "/lib-" + PathHash(library);
  const std::string link = dir + "/libsqlite3.so.0";
  char target[PATH_MAX];
  ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n > 0 && std::string(target, static_cast<size_t>(n)) == library) return dir;
  if (!MakeDirs(dir)) {
    *error = "cannot make " + dir + ": " + std::strerror(errno);
    return "";
  }
  // A new link under a temporary name, renamed over: concurrent runs never
  // see a missing or half-made libsqlite3.so.0.
  const std::string temp = link + ".tmp" + std::to_string(getpid());
  unlink(temp.c_str());
  if (symlink(library.c_str(), temp.c_str()) != 0 || rename(temp.c_str(), link.c_str()) != 0) {
    *error = "cannot link " + link + " to " + library + ": " + std::strerror(errno);
    unlink(temp.c_str());
    return "";
  }
  return dir;
}

std::string FindLibrary() {
  const std::string dir = ExecutableDir();
  for (const std::string& candidate :
       {dir + "/liblitelift.so", dir + "/../" LITELIFT_LIBDIR_NAME "/liblitelift.so",
        std::string(LITELIFT_INSTALL_LIBDIR) + "/liblitelift.so"}) {
    char resolved[PATH_MAX];
    if (Exists(candidate) && realpath(candidate.c_str(), resolved) != nullptr) {
      return resolved;
    }
  }
  return "";
}

int Run(const RunOptions& options) {
  std::string library = FindLibrary();
  if (library.empty()) {
    std::fprintf(stderr, "litelift: cannot find liblitelift.so beside %s or in %s\n",
                 ExecutableDir().c_str(), LITELIFT_INSTALL_LIBDIR);
    return 127;
  }
  std::string preload = library;
  // A sanitizer build of the library needs the sanitizer runtimes first.
  if (std::strlen(LITELIFT_SANITIZER_PRELOAD) > 0) {
    preload = std::string(LITELIFT_SANITIZER_PRELOAD) + ":" + preload;
  }
  if (const char* old = getenv("LD_PRELOAD"); old != nullptr && *old != '\0') {
    preload += ":" + std::string(old);
  }
  std::string dsn;
  if (!ResolveDsn(options, &dsn)) return 2;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  // Programs that bind around LD_PRELOAD (modules loaded with RTLD_DEEPBIND,
  // as PHP's) look libsqlite3.so.0 up by name: they find liblitelift there.
  std::string link_error;
  std::string dir = LibraryPathDir(library, &link_error);
  if (dir.empty()) {
    std::fprintf(stderr,
                 "litelift: warning: %s; programs that bind libsqlite3 around LD_PRELOAD "
                 "(PHP) will fail their routed opens\n",
                 link_error.c_str());
  } else {
    std::string path = dir;
    if (const char* old = getenv("LD_LIBRARY_PATH"); old != nullptr && *old != '\0') {
      path += ":" + std::string(old);
    }
    setenv("LD_LIBRARY_PATH", path.c_str(), 1);
  }
  if (!dsn.empty()) setenv("LITELIFT_DSN", dsn.c_str(), 1);
  if (!options.config.empty()) setenv("LITELIFT_CONFIG", options.config.c_str(), 1);
  if (!options.backend.empty()) setenv("LITELIFT_BACKEND", options.backend.c_str(), 1);
  if (!options.log_level.empty()) setenv("LITELIFT_LOG", options.log_level.c_str(), 1);

  std::vector<char*> argv;
  for (const auto& arg : options.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int err = errno;
  std::fprintf(stderr, "litelift: cannot run %s: %s\n", argv[0], std::strerror(err));
  return err == ENOENT ? 127 : 126;
}

}  // namespace litelift::cli
