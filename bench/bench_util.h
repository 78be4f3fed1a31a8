// Helpers the benchmarks share: the median of a run's rounds and the
// process's peak resident set size.

#ifndef LITELIFT_BENCH_BENCH_UTIL_H_
#define LITELIFT_BENCH_BENCH_UTIL_H_

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace litelift::bench {

// The median of v (the mean of the middle two for an even count); 0 when
// v is empty.
inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Peak resident set size of this process so far, in MB (VmHWM); -1 when
// /proc does not say.
inline double PeakRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

}  // namespace litelift::bench

#endif  // LITELIFT_BENCH_BENCH_UTIL_H_
