// Pass-through overhead: a call-heavy workload (prepare once, then
// bind/step/column/reset in a loop) on the real SQLite, and the same binary
// under LD_PRELOAD=liblitelift.so, alternated in one run. Prints the median
// of each and their ratio.
//
//   bench_passthrough [--reps N] [--iters N] [--callgrind]
//
// Wall-clock times on a small shared machine drift between runs, so runs are
// interleaved pairs and the ratio reported is the median of the pairs'
// ratios. --callgrind also counts instructions under valgrind (repeatable to
// the instruction) for one run of each.

#include <dlfcn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace {

using litelift::bench::Median;

// The measured loop: 9 API calls per iteration. Kept out of line so that
// callgrind can count it alone.
__attribute__((noinline)) void MeasuredLoop(sqlite3_stmt* s, int iters, long* calls) {
  long long checksum = 0;
  for (int i = 0; i < iters; ++i) {
    sqlite3_bind_int64(s, 1, 1 + i % 1000);
    if (sqlite3_step(s) == SQLITE_ROW) {
      checksum += sqlite3_column_int64(s, 0);
      checksum += sqlite3_column_bytes(s, 1);
      checksum += reinterpret_cast<const char*>(sqlite3_column_text(s, 1))[0];
      checksum += static_cast<long long>(sqlite3_column_double(s, 2));
      checksum += sqlite3_column_type(s, 2);
    }
    sqlite3_step(s);
    sqlite3_reset(s);
    *calls += 9;
  }
  if (checksum == 42) std::puts("");  // keep the loop
}

// Runs the workload; returns nanoseconds per API call.
double Workload(int iters, long* calls_out) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT, c REAL);"
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<1000)"
               "INSERT INTO t SELECT i, i*7, 'row ' || i, i/3.0 FROM n;",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT a, b, c FROM t WHERE id = ?", -1, &s, nullptr);
  long calls = 0;
  auto start = std::chrono::steady_clock::now();
  MeasuredLoop(s, iters, &calls);
  auto ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(s);
  sqlite3_close(db);
  *calls_out = calls;
  return ns / static_cast<double>(calls);
}

// Runs the workload once under callgrind; returns instructions per call.
double CallgrindChild(const char* self, bool preload, int iters) {
  char out[] = "/tmp/litelift-cg.XXXXXX";
  int fd = mkstemp(out);
  if (fd < 0) return -1;
  close(fd);
  std::string cmd =
      std::string(preload ? "env LD_PRELOAD=" LITELIFT_LIB " " : "env -u LD_PRELOAD ") +
      "valgrind --tool=callgrind --callgrind-out-file=" + out +
      " --toggle-collect='*MeasuredLoop*' " + self + " --child " + std::to_string(iters) +
      " > /dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  std::string read = std::string("grep -m1 '^summary:' ") + out + " | awk '{print $2}'";
  FILE* p = popen(read.c_str(), "r");
  double total = -1;
  if (rc == 0 && p != nullptr && std::fscanf(p, "%lf", &total) != 1) total = -1;
  if (p != nullptr) pclose(p);
  std::remove(out);
  // Two Workload runs are counted: the warm-up and the measured one.
  return total / ((20000.0 + iters) * 9);
}

double RunChild(const char* self, bool preload, int iters) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    if (preload) {
      setenv("LD_PRELOAD", LITELIFT_LIB, 1);
    } else {
      unsetenv("LD_PRELOAD");
    }
    std::string n = std::to_string(iters);
    execl(self, self, "--child", n.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char buf[256] = {0};
  ssize_t got = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  char where[200] = {0};
  double ns = -1;
  if (std::sscanf(buf, "%lf %199s", &ns, where) != 2) return -1;
  bool shim = std::strstr(where, "liblitelift") != nullptr;
  if (shim != preload) {
    std::fprintf(stderr, "bench: sqlite3_step came from %s (preload=%d)\n", where, preload);
    return -1;
  }
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--child") == 0) {
    long calls = 0;
    Workload(20000, &calls);  // warm up
    double ns = Workload(std::atoi(argv[2]), &calls);
    Dl_info info{};
    dladdr(dlsym(RTLD_DEFAULT, "sqlite3_step"), &info);
    std::printf("%.4f %s\n", ns, info.dli_fname ? info.dli_fname : "?");
    return 0;
  }
  int reps = 9, iters = 300000;
  bool callgrind = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--iters") == 0 && i + 1 < argc) iters = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--callgrind") == 0) callgrind = true;
  }
  std::vector<double> native, shim, ratios;
  for (int r = 0; r < reps; ++r) {
    double a = RunChild("/proc/self/exe", false, iters);
    double b = RunChild("/proc/self/exe", true, iters);
    if (a < 0 || b < 0) {
      std::fprintf(stderr, "bench: a run failed\n");
      return 1;
    }
    native.push_back(a);
    shim.push_back(b);
    ratios.push_back(b / a);
    std::printf("rep %d: native %.2f ns/call, litelift %.2f ns/call\n", r + 1, a, b);
  }
  double mn = Median(native), ms = Median(shim);
  std::printf("passthrough: %ld calls per run, %d runs each\n", static_cast<long>(iters) * 9, reps);
  std::printf("median native   %.2f ns/call\n", mn);
  std::printf("median litelift %.2f ns/call\n", ms);
  double r = Median(ratios);
  std::printf("median of paired ratios %.4f (overhead %+.2f%%)\n", r, (r - 1) * 100);
  if (callgrind) {
    int n = std::min(iters, 100000);
    char self[4096] = {0};
    if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) return 1;
    double in = CallgrindChild(self, false, n);
    double is = CallgrindChild(self, true, n);
    if (in <= 0 || is <= 0) {
      std::fprintf(stderr, "bench: callgrind run failed (is valgrind installed?)\n");
      return 1;
    }
    std::printf("instructions/call native %.2f, litelift %.2f, ratio %.4f (%+.2f%%)\n", in, is,
                is / in, (is / in - 1) * 100);
  }
  return 0;
}
