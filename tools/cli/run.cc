#include "tools/cli/run.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace

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
  setenv("LD_PRELOAD", preload.c_str(), 1);
  if (!options.dsn.empty()) setenv("LITELIFT_DSN", options.dsn.c_str(), 1);
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
