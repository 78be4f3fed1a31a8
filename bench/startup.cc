// Process start cost of having liblitelift.so preloaded: spawns /bin/true
// plainly, with LD_PRELOAD and no routing settings, and with LD_PRELOAD
// and LITELIFT_DSN set (the bypass guard's case: no database is opened, so
// ideally it costs what the preload alone costs), in interleaved batches,
// and prints the medians of wall and CPU time per process and the
// increases over the plain spawn. With --before, also the last case with
// another build of the library (e.g. an earlier commit's), same run.
//
//   bench_startup [--reps N] [--batch N] [--program PATH] [--before LIB]

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

#include "bench/bench_util.h"

namespace {

using litelift::bench::Median;

enum Mode { kPlain, kPreload, kPreloadDsn, kBeforeDsn, kModes };
const char* const kModeNames[kModes] = {"plain", "LD_PRELOAD", "LD_PRELOAD + LITELIFT_DSN",
                                        "--before + LITELIFT_DSN"};
const char* g_before = nullptr;  // --before: another build of liblitelift

struct Cost {
  double wall_us = 0;  // per spawn+wait
  double cpu_us = 0;   // the children's user + system time, per process
};

double ChildrenCpuUs() {
  rusage r{};
  getrusage(RUSAGE_CHILDREN, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
}

// The cost of batch spawns of program in mode.
bool Batch(const char* program, Mode mode, int batch, Cost* cost) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 && std::strncmp(*e, "LITELIFT_", 9) != 0) {
      env_strings.push_back(*e);
    }
  }
  if (mode != kPlain) {
    env_strings.push_back(std::string("LD_PRELOAD=") +
                          (mode == kBeforeDsn ? g_before : LITELIFT_LIB));
  }
  // (Never connected to: nothing is opened.)
  if (mode == kPreloadDsn || mode == kBeforeDsn)
    env_strings.push_back("LITELIFT_DSN=postgresql://nobody@127.0.0.1:1/x");
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  char* argv[] = {const_cast<char*>(program), nullptr};
  double cpu_before = ChildrenCpuUs();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < batch; ++i) {
    pid_t pid;
    if (posix_spawn(&pid, program, nullptr, nullptr, argv, env.data()) != 0) return false;
    int status;
    waitpid(pid, &status, 0);
  }
  cost->wall_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      batch;
  cost->cpu_us = (ChildrenCpuUs() - cpu_before) / batch;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 15, batch = 100;
  const char* program = "/bin/true";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--batch") == 0) batch = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--program") == 0) program = argv[i + 1];
    if (std::strcmp(argv[i], "--before") == 0) g_before = argv[i + 1];
  }
  int modes = g_before != nullptr ? kModes : kBeforeDsn;
  std::vector<double> wall[kModes], cpu[kModes], wall_increase[kModes], cpu_increase[kModes];
  for (int r = 0; r < reps; ++r) {
    Cost c[kModes];
    for (int m = 0; m < modes; ++m) {
      if (!Batch(program, static_cast<Mode>(m), batch, &c[m])) {
        std::fprintf(stderr, "bench: cannot spawn %s\n", program);
        return 1;
      }
      wall[m].push_back(c[m].wall_us);
      cpu[m].push_back(c[m].cpu_us);
      wall_increase[m].push_back(c[m].wall_us - c[kPlain].wall_us);
      cpu_increase[m].push_back(c[m].cpu_us - c[kPlain].cpu_us);
    }
  }
  std::printf("startup of %s, %d interleaved batches of %d (medians, us per process)\n", program,
              reps, batch);
  std::printf("%-28s %9s %9s %11s %11s %7s\n", "", "wall", "cpu", "wall incr.", "cpu incr.",
              "ratio");
  for (int m = 0; m < modes; ++m) {
    std::printf("%-28s %9.1f %9.1f %11.1f %11.1f %7.3f\n", kModeNames[m], Median(wall[m]),
                Median(cpu[m]), Median(wall_increase[m]), Median(cpu_increase[m]),
                Median(wall[m]) / Median(wall[kPlain]));
  }
  return 0;
}
