#include "libsqlite3-compat/pg/first_open.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/pg/session.h"
#include "router/log.h"

extern char** environ;

namespace litelift::compat {

namespace {

int TimeoutSeconds() {
  const char* t = getenv("LITELIFT_MIGRATE_TIMEOUT");
  int v = t != nullptr ? std::atoi(t) : 0;
  return v > 0 ? v : 600;
}

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The litelift program: the setting, else beside this library.
std::string Program() {
  if (const char* p = getenv("LITELIFT_MIGRATE_PROGRAM"); p != nullptr && *p != '\0') return p;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&FirstOpenLockKey), &info) == 0 || info.dli_fname == nullptr) {
    return "";
  }
  std::string lib = info.dli_fname;
  size_t slash = lib.rfind('/');
  return (slash == std::string::npos ? std::string(".") : lib.substr(0, slash)) + "/litelift";
}

// This process's environment without LD_PRELOAD: the child loads
// liblitelift itself and must not route its own file reads.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0) env.emplace_back(*e);
  }
  return env;
}

std::string LastLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  size_t nl = text.find_last_of("\r\n");
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// Reads the child's stderr until it closes or the deadline; false on the
// deadline.
bool Drain(int fd, double deadline, std::string* err) {
  char buf[4096];
  for (;;) {
    int left = static_cast<int>((deadline - Now()) * 1000);
    if (left <= 0) return false;
    pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return true;
    err->append(buf, static_cast<size_t>(got));
    if (err->size() > 65536) err->erase(0, err->size() - 16384);  // only the end is shown
  }
}

int WaitChild(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

int64_t FirstOpenLockKey(const std::string& path) {
  return (0x6c6dLL << 32) | Fnv1a32(path);  // 'lm': beside the write locks' 'll'
}

std::string AwaitFirstOpenSql(const std::string& path) {
  std::string key = std::to_string(FirstOpenLockKey(path));
  return "SELECT pg_advisory_lock_shared(" + key + "); SELECT pg_advisory_unlock_shared(" + key +
         "); ";
}

bool LockFirstOpen(PGconn* pg, const std::string& path, std::string* error) {
  PgResult r = Exec(pg, "SELECT pg_advisory_lock(" + std::to_string(FirstOpenLockKey(path)) + ")");
  if (!Ok(r.get())) {
    *error = "litelift: cannot lock the first open of " + path + ": " + ErrorText(pg, r.get());
    return false;
  }
  return true;
}

void UnlockFirstOpen(PGconn* pg, const std::string& path) {
  PgResult r =
      Exec(pg, "SELECT pg_advisory_unlock(" + std::to_string(FirstOpenLockKey(path)) + ")");
}

bool RunMigrate(const std::string& path, std::string* error) {
  std::string program = Program();
  int pipefd[2];
  if (program.empty() || pipe2(pipefd, O_CLOEXEC) != 0) {
    *error = "litelift: cannot run litelift migrate " + path + ": no program or pipe";
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string verb = "migrate";
  std::vector<char*> argv = {program.data(), verb.data(), const_cast<char*>(path.c_str()), nullptr};
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    *error = "unable to open database file (litelift: on_first_open = \"migrate\" cannot run " +
             program + " for " + path + ": " + std::strerror(rc) +
             "; set LITELIFT_MIGRATE_PROGRAM)";
    return false;
  }
  LL_INFO("migrating {} at its first routed open ({} migrate, pid {})", path, program, pid);
  int timeout = TimeoutSeconds();
  std::string err;
  bool finished = Drain(pipefd[0], Now() + timeout, &err);
  close(pipefd[0]);
  if (!finished) kill(pid, SIGKILL);
  int status = WaitChild(pid);
  if (finished && WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  std::string how =
      !finished ? "was killed after " + std::to_string(timeout) + " s (LITELIFT_MIGRATE_TIMEOUT)"
      : WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "was killed by signal " + std::to_string(WTERMSIG(status));
  *error =
      "unable to open database file (litelift: on_first_open = \"migrate\": `litelift "
      "migrate " +
      path + "` " + how + ": " + LastLine(err) + ")";
  return false;
}

}  // namespace litelift::compat
