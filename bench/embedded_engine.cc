// The second executor (issue 13): statements that call the program's own
// function run in the connection's embedded engine over the server's rows.
// Timed in the same run, each round in fresh processes:
//
//   point        SELECT id, x, s FROM t WHERE id = ?        (translated)
//   point_udf    SELECT id, x, f(s) FROM t WHERE id = ?     (the engine;
//                id = ? pushed to the server)
//   count_udf    SELECT count(*) FROM t WHERE g(x)          (the engine,
//                every row of t read; rows/s)
//   update       UPDATE t SET x = x + 1 WHERE id = ?        (translated)
//   update_udf   UPDATE t SET x = h(x) WHERE id = ?         (the engine)
//   both updates autocommit, and _txn: 200 of them inside BEGIN ... COMMIT
//
// through the sqlite3 API on the postgres route (LITELIFT_DSN set) and on
// a native file. Prints per-operation medians (us per statement; count_udf
// in rows/s), the engine's ratio to the translated statement and the
// route's to native SQLite.
//
//   bench_embedded_engine [--dsn DSN] [--rows 100000] [--iters 1000]
//                         [--rounds 5] [--only OP]
//   bench_embedded_engine --client route|native --file F ...  (one process:
//                         prints "op value" lines)

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(x)
#endif

#include "bench/bench_util.h"

namespace {

using litelift::bench::Median;
using Clock = std::chrono::steady_clock;

const char* const kOps[] = {"point",      "point_udf",  "count_udf",     "update",
                            "update_udf", "update_txn", "update_udf_txn"};

struct Options {
  std::string dsn, client, file, only;
  int rows = 100000;
  int iters = 1000;
  int rounds = 5;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_embedded_engine: %s\n", what.c_str());
  std::exit(1);
}

// The program's functions: f(s) the text's length, g(x) whether x is a
// multiple of 7, h(x) x + 1.
void F(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int(ctx, sqlite3_value_bytes(argv[0]));
}
void G(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int(ctx, sqlite3_value_int64(argv[0]) % 7 == 0);
}
void H(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) + 1);
}

struct Db {
  sqlite3* db = nullptr;
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Die(sql + ": " + (err ? err : "?"));
    }
  }
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      Die(std::string(sql) + ": " + sqlite3_errmsg(db));
    }
    return st;
  }
};

// Microseconds fn takes. Under callgrind each operation is dumped apart.
double Timed(const char* op, const std::function<void()>& fn) {
  CALLGRIND_ZERO_STATS;
  auto start = Clock::now();
  fn();
  double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  CALLGRIND_DUMP_STATS_AT(op);
  return us;
}

// Point reads of ids spread over the table; checks every row came back.
void PointReads(Db* d, const char* sql, int iters, int rows) {
  sqlite3_stmt* st = d->Prepare(sql);
  long long sink = 0;
  for (int i = 0; i < iters; ++i) {
    sqlite3_bind_int(st, 1, 1 + (i * 7919) % rows);
    if (sqlite3_step(st) != SQLITE_ROW) Die(std::string(sql) + ": " + sqlite3_errmsg(d->db));
    sink += sqlite3_column_int64(st, 0) + sqlite3_column_int64(st, 2);
    if (sqlite3_step(st) != SQLITE_DONE) Die(std::string(sql) + ": " + sqlite3_errmsg(d->db));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (sink == 42) std::printf("#\n");
}

void PointUpdates(Db* d, const char* sql, int iters, int rows) {
  sqlite3_stmt* st = d->Prepare(sql);
  for (int i = 0; i < iters; ++i) {
    sqlite3_bind_int(st, 1, 1 + (i * 7919) % rows);
    if (sqlite3_step(st) != SQLITE_DONE) Die(std::string(sql) + ": " + sqlite3_errmsg(d->db));
    if (sqlite3_changes(d->db) != 1) Die(std::string(sql) + ": not one row changed");
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
}

std::map<std::string, double> RunClient(const Options& o) {
  std::map<std::string, double> out;
  Db d;
  if (sqlite3_open(o.file.c_str(), &d.db) != SQLITE_OK) Die("open " + o.file);
  for (auto [name, fn] : {std::pair{"f", F}, std::pair{"g", G}, std::pair{"h", H}}) {
    sqlite3_create_function_v2(d.db, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, fn,
                               nullptr, nullptr, nullptr);
  }
  d.Exec("DROP TABLE IF EXISTS t");
  d.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, s TEXT)");
  d.Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
         std::to_string(o.rows) + ") INSERT INTO t (id, x, s) SELECT i, i, 'name-' || i FROM n");
  auto want = [&](const char* op) { return o.only.empty() || o.only == op; };
  int n = o.iters;
  // Warm both paths (the engine is made on first need; server statements
  // are prepared on first use) so that a round times the steady state.
  PointReads(&d, "SELECT id, x, s FROM t WHERE id = ?", 5, o.rows);
  PointReads(&d, "SELECT id, x, f(s) FROM t WHERE id = ?", 5, o.rows);
  if (want("point")) {
    out["point"] =
        Timed("point", [&] { PointReads(&d, "SELECT id, x, s FROM t WHERE id = ?", n, o.rows); }) /
        n;
  }
  if (want("point_udf")) {
    out["point_udf"] =
        Timed("point_udf",
              [&] { PointReads(&d, "SELECT id, x, f(s) FROM t WHERE id = ?", n, o.rows); }) /
        n;
  }
  if (want("count_udf")) {
    sqlite3_stmt* st = d.Prepare("SELECT count(*) FROM t WHERE g(x)");
    long long count = 0;
    double us = Timed("count_udf", [&] {
      if (sqlite3_step(st) != SQLITE_ROW) Die(std::string("count: ") + sqlite3_errmsg(d.db));
      count = sqlite3_column_int64(st, 0);
    });
    sqlite3_finalize(st);
    if (count != o.rows / 7) Die("count_udf: wrong count " + std::to_string(count));
    out["count_udf"] = o.rows / (us / 1e6);  // rows/s
  }
  if (want("update")) {
    out["update"] =
        Timed("update",
              [&] { PointUpdates(&d, "UPDATE t SET x = x + 1 WHERE id = ?", n / 4, o.rows); }) /
        (n / 4);
  }
  if (want("update_udf")) {
    out["update_udf"] =
        Timed("update_udf",
              [&] { PointUpdates(&d, "UPDATE t SET x = h(x) WHERE id = ?", n / 4, o.rows); }) /
        (n / 4);
  }
  if (want("update_txn")) {
    d.Exec("BEGIN");
    out["update_txn"] =
        Timed("update_txn",
              [&] { PointUpdates(&d, "UPDATE t SET x = x + 1 WHERE id = ?", n / 4, o.rows); }) /
        (n / 4);
    d.Exec("COMMIT");
  }
  if (want("update_udf_txn")) {
    d.Exec("BEGIN");
    out["update_udf_txn"] =
        Timed("update_udf_txn",
              [&] { PointUpdates(&d, "UPDATE t SET x = h(x) WHERE id = ?", n / 4, o.rows); }) /
        (n / 4);
    d.Exec("COMMIT");
  }
  d.Exec("DROP TABLE t");
  sqlite3_close(d.db);
  return out;
}

std::map<std::string, double> Spawn(const Options& o, const std::string& client,
                                    const std::string& file) {
  std::vector<std::string> args = {"/proc/self/exe",
                                   "--client",
                                   client,
                                   "--file",
                                   file,
                                   "--rows",
                                   std::to_string(o.rows),
                                   "--iters",
                                   std::to_string(o.iters)};
  if (!o.only.empty()) args.insert(args.end(), {"--only", o.only});
  int fds[2];
  if (pipe(fds) != 0) Die("pipe");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    if (client == "route") {
      setenv("LITELIFT_DSN", o.dsn.c_str(), 1);
    } else {
      unsetenv("LITELIFT_DSN");
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t got; (got = read(fds[0], buf, sizeof buf)) > 0;) {
    text.append(buf, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die(client + " client failed");
  std::map<std::string, double> out;
  std::stringstream in(text);
  std::string op;
  double v;
  while (in >> op >> v) out[op] = v;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (const char* d = std::getenv("LITELIFT_TEST_DSN")) o.dsn = d;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--dsn") {
      o.dsn = v;
    } else if (a == "--client") {
      o.client = v;
    } else if (a == "--file") {
      o.file = v;
    } else if (a == "--only") {
      o.only = v;
    } else if (a == "--rows") {
      o.rows = std::atoi(v.c_str());
    } else if (a == "--iters") {
      o.iters = std::atoi(v.c_str());
    } else if (a == "--rounds") {
      o.rounds = std::atoi(v.c_str());
    } else {
      Die("unknown option " + a);
    }
  }
  if (!o.client.empty()) {
    for (const auto& [op, v] : RunClient(o)) std::printf("%s %.6f\n", op.c_str(), v);
    return 0;
  }
  if (o.dsn.empty()) Die("set LITELIFT_TEST_DSN or pass --dsn");
  char dir[] = "/tmp/litelift-embedded-XXXXXX";
  if (mkdtemp(dir) == nullptr) Die("mkdtemp");
  std::map<std::string, std::map<std::string, std::vector<double>>> all;
  for (int r = 0; r < o.rounds; ++r) {
    for (const char* c : {"native", "route"}) {
      std::string file = std::string(dir) + "/" + c + std::to_string(r) + ".db";
      for (const auto& [op, v] : Spawn(o, c, file)) all[c][op].push_back(v);
      std::remove(file.c_str());
    }
  }
  std::string rm = std::string("rm -rf ") + dir;
  (void)std::system(rm.c_str());
  auto med = [&](const char* c, const std::string& op) {
    auto it = all[c].find(op);
    return it == all[c].end() ? -1.0 : Median(it->second);
  };
  std::printf("%-16s %12s %12s %14s %12s\n", "operation", "native", "route", "vs translated",
              "route/native");
  for (const char* op : kOps) {
    double nat = med("native", op), route = med("route", op);
    if (route < 0) continue;
    std::string base = std::string(op) == "point_udf"        ? "point"
                       : std::string(op) == "update_udf"     ? "update"
                       : std::string(op) == "update_udf_txn" ? "update_txn"
                                                             : "";
    char vs[32] = "";
    if (!base.empty() && med("route", base) > 0) {
      std::snprintf(vs, sizeof vs, "%.2fx", route / med("route", base));
    }
    if (std::string(op) == "count_udf") {
      std::printf("%-16s %10.0f/s %10.0f/s %14s %11.2fx\n", op, nat, route, vs,
                  route > 0 ? nat / route : 0);
    } else {
      std::printf("%-16s %9.1f us %9.1f us %14s %11.1fx\n", op, nat, route, vs,
                  nat > 0 ? route / nat : 0);
    }
  }
  std::printf(
      "(medians of %d rounds; %d rows; %d point reads, %d updates per round; count_udf in "
      "rows/s, its ratio native/route; vs translated: the engine's statement against the same "
      "one without the program's function on the route)\n",
      o.rounds, o.rows, o.iters, o.iters / 4);
  return 0;
}
