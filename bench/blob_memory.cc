// Client memory for one large blob, native SQLite against the postgres
// route, in one run: each case (route x column x size) runs in a process of
// its own, which inserts one N MB blob with sqlite3_bind_blob64
// (SQLITE_TRANSIENT) into a BLOB column or an untyped column, then reads it
// back with sqlite3_column_blob and compares the bytes. Prints the peak RSS
// (VmHWM) after opening, after the insert and after the read, minus the
// baseline after opening, and the route/native ratio.
//
//   bench_blob_memory [--dsn DSN] [--sizes 10,100]   (DSN: LITELIFT_TEST_DSN)
//   bench_blob_memory --case native|route blob|untyped MB   (one case)
//   bench_blob_memory --check MB   (the test: the route's cases, each under
//                                   3.5 x MB + 64 MB over the baseline)

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace {

using litelift::bench::PeakRssMb;

[[noreturn]] void Fail(const char* what, sqlite3* db) {
  std::fprintf(stderr, "bench_blob_memory: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

// One case; prints "base insert read" (MB) on stdout.
int RunCase(const char* column, int mb) {
  char dir[] = "/tmp/litelift-blobmem-XXXXXX";
  if (mkdtemp(dir) == nullptr) Fail("mkdtemp", nullptr);
  std::string path = std::string(dir) + "/blob.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Fail("open", db);
  std::string create = std::strcmp(column, "blob") == 0
                           ? "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)"
                           : "CREATE TABLE t (id INTEGER PRIMARY KEY, v)";
  if (sqlite3_exec(db, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Fail("create", db);
  double base = PeakRssMb();
  size_t n = static_cast<size_t>(mb) << 20;
  {
    std::vector<unsigned char> value(n);
    for (size_t i = 0; i < n; ++i) value[i] = static_cast<unsigned char>((i * 2654435761u) >> 13);
    sqlite3_stmt* ins = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO t (id, v) VALUES (1, ?)", -1, &ins, nullptr) !=
        SQLITE_OK) {
      Fail("prepare insert", db);
    }
    if (sqlite3_bind_blob64(ins, 1, value.data(), n, SQLITE_TRANSIENT) != SQLITE_OK)
      Fail("bind", db);
    if (sqlite3_step(ins) != SQLITE_DONE) Fail("insert", db);
    sqlite3_finalize(ins);
  }
  double insert = PeakRssMb();
  sqlite3_stmt* sel = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT v FROM t WHERE id = 1", -1, &sel, nullptr) != SQLITE_OK) {
    Fail("prepare select", db);
  }
  if (sqlite3_step(sel) != SQLITE_ROW) Fail("select", db);
  const auto* got = static_cast<const unsigned char*>(sqlite3_column_blob(sel, 0));
  size_t len = static_cast<size_t>(sqlite3_column_bytes(sel, 0));
  if (sqlite3_column_type(sel, 0) != SQLITE_BLOB || len != n || got == nullptr)
    Fail("read back", db);
  for (size_t i = 0; i < n; ++i) {
    if (got[i] != static_cast<unsigned char>((i * 2654435761u) >> 13)) Fail("bytes differ", db);
  }
  double read = PeakRssMb();
  sqlite3_finalize(sel);
  sqlite3_exec(db, "DROP TABLE t", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  unlink(path.c_str());
  rmdir(dir);
  std::printf("%.1f %.1f %.1f\n", base, insert, read);
  return 0;
}

// Runs one case in a child process; false on failure.
bool Child(const char* self, const char* dsn, const char* route, const char* column, int mb,
           double* insert, double* read) {
  std::string cmd =
      std::string(std::strcmp(route, "route") == 0 ? "LITELIFT_DSN='" + std::string(dsn) + "' "
                                                   : "env -u LITELIFT_DSN ") +
      "'" + self + "' --case " + route + " " + column + " " + std::to_string(mb);
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  double base = 0, ins = 0, rd = 0;
  int got = std::fscanf(p, "%lf %lf %lf", &base, &ins, &rd);
  bool ok = pclose(p) == 0 && got == 3;
  *insert = ins - base;
  *read = rd - base;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--case") == 0) return RunCase(argv[3], std::atoi(argv[4]));
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  std::string sizes = "10,100";
  int check = 0;
  bool bounded = true;  // --unbounded: the bytes only (a sanitizer's allocator holds freed memory)
  for (int i = 1; i < argc; ++i) {
    bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--unbounded") == 0) {
      bounded = false;
    } else if (has_value && std::strcmp(argv[i], "--dsn") == 0) {
      dsn = argv[++i];
    } else if (has_value && std::strcmp(argv[i], "--sizes") == 0) {
      sizes = argv[++i];
    } else if (has_value && std::strcmp(argv[i], "--check") == 0) {
      check = std::atoi(argv[++i]);
    }
  }
  if (dsn == nullptr || *dsn == '\0') {
    std::fprintf(stderr, "bench_blob_memory: set LITELIFT_TEST_DSN or pass --dsn\n");
    return 2;
  }
  if (check > 0) {
    double bound = 3.5 * check + 64;
    int failures = 0;
    for (const char* column : {"blob", "untyped"}) {
      double insert = 0, read = 0;
      bool ok = Child(argv[0], dsn, "route", column, check, &insert, &read);
      bool within = ok && (!bounded || (insert <= bound && read <= bound));
      std::printf(
          "%s: %s column, %d MB: peak RSS +%.1f MB after the insert, +%.1f MB after the "
          "read (bound %.1f MB%s)\n",
          within ? "ok" : "FAILED", column, check, insert, read, bound,
          bounded ? "" : ", not applied under a sanitizer");
      if (!within) ++failures;
    }
    return failures == 0 ? 0 : 1;
  }
  std::printf("peak RSS over the baseline after open, MB (VmHWM); one process per case\n");
  std::printf("%-8s %5s | %14s %14s | %14s %14s | %6s\n", "column", "MB", "native insert",
              "native read", "route insert", "route read", "ratio");
  int failures = 0;
  for (size_t at = 0; at < sizes.size();) {
    size_t comma = sizes.find(',', at);
    int mb = std::atoi(sizes.substr(at, comma - at).c_str());
    at = comma == std::string::npos ? sizes.size() : comma + 1;
    for (const char* column : {"blob", "untyped"}) {
      double ni = 0, nr = 0, ri = 0, rr = 0;
      bool native = Child(argv[0], dsn, "native", column, mb, &ni, &nr);
      bool route = Child(argv[0], dsn, "route", column, mb, &ri, &rr);
      if (!native || !route) ++failures;
      std::printf("%-8s %5d | %14.1f %14.1f | ", column, mb, ni, nr);
      if (route) {
        std::printf("%14.1f %14.1f | %5.2fx\n", ri, rr, nr > 0 ? rr / nr : 0.0);
      } else {
        std::printf("%14s %14s |\n", "failed", "failed");
      }
    }
  }
  return failures == 0 ? 0 : 1;
}
