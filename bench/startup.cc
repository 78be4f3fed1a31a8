// Process start cost of having liblitelift.so preloaded when no database is
// routed: spawns /bin/true plainly and with LD_PRELOAD, in interleaved
// batches, and prints the medians and their difference per process.
//
//   bench_startup [--reps N] [--batch N] [--program PATH]

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

// Microseconds per spawn+wait of program, batch times.
double Batch(const char* program, bool preload, int batch) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0) env_strings.push_back(*e);
  }
  if (preload) env_strings.push_back(std::string("LD_PRELOAD=") + LITELIFT_LIB);
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  char* argv[] = {const_cast<char*>(program), nullptr};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < batch; ++i) {
    pid_t pid;
    if (posix_spawn(&pid, program, nullptr, nullptr, argv, env.data()) != 0) return -1;
    int status;
    waitpid(pid, &status, 0);
  }
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
             .count() /
         batch;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 15, batch = 100;
  const char* program = "/bin/true";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--batch") == 0) batch = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--program") == 0) program = argv[i + 1];
  }
  std::vector<double> plain, preload, diffs;
  for (int r = 0; r < reps; ++r) {
    double a = Batch(program, false, batch);
    double b = Batch(program, true, batch);
    if (a < 0 || b < 0) {
      std::fprintf(stderr, "bench: cannot spawn %s\n", program);
      return 1;
    }
    plain.push_back(a);
    preload.push_back(b);
    diffs.push_back(b - a);
  }
  std::printf("startup of %s, %d batches of %d\n", program, reps, batch);
  std::printf("median plain            %8.1f us/process\n", Median(plain));
  std::printf("median LD_PRELOAD       %8.1f us/process\n", Median(preload));
  std::printf("median paired increase  %8.1f us/process (ratio %.3f)\n", Median(diffs),
              Median(preload) / Median(plain));
  return 0;
}
