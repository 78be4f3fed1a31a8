// The postgres route against raw libpq on the same server, in one run:
// a point select by primary key, a single-row insert (prepared once,
// executed in a loop: PQexecPrepared for libpq), and a warm open+close of a
// routed database. Prints medians of repeated rounds and the ratios, for
// two fixed placements of client and server on the CPUs (see below).
//
//   bench_pg_route [--dsn DSN] [--rounds N] [--iters N]   (DSN: LITELIFT_TEST_DSN)

#include <libpq-fe.h>
#include <sched.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// Microseconds per call of fn over iters calls.
double Time(int iters, const std::function<void(int)>& fn) {
  auto start = Clock::now();
  for (int i = 0; i < iters; ++i) fn(i);
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / iters;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench: %s failed\n", what);
    std::exit(1);
  }
}

// Runs n calls of a and of b in alternating chunks, so that both meet the
// same moments of this noisy machine; microseconds per call of each.
void Alternate(int n, int chunk, const std::function<void(int)>& a,
               const std::function<void(int)>& b, double* ta, double* tb) {
  double sa = 0, sb = 0;
  for (int done = 0; done < n;) {
    int k = std::min(chunk, n - done);
    sa += Time(k, a) * k;
    sb += Time(k, b) * k;
    done += k;
  }
  *ta = sa / n;
  *tb = sb / n;
}

// Pins a process (0: this one) to one CPU; false when not allowed.
bool Pin(int pid, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(pid, sizeof set, &set) == 0;
}

bool PinAll(const std::vector<int>& pids, int cpu) {
  bool ok = !pids.empty();
  for (int pid : pids) ok = Pin(pid, cpu) && ok;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  int rounds = 7, iters = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dsn") == 0) dsn = argv[i + 1];
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--iters") == 0) iters = std::atoi(argv[i + 1]);
  }
  if (dsn == nullptr || *dsn == '\0') {
    std::fprintf(stderr, "bench: set LITELIFT_TEST_DSN or pass --dsn\n");
    return 2;
  }
  setenv("LITELIFT_DSN", dsn, 1);
  char dir[] = "/tmp/litelift-bench-XXXXXX";
  Check(mkdtemp(dir) != nullptr, "mkdtemp");
  std::string path = std::string(dir) + "/bench.db";

  // The routed database and its table.
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "open");
  Check(
      sqlite3_exec(db,
                   "CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT);"
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                   "SELECT i FROM n",
                   nullptr, nullptr, nullptr) == SQLITE_OK,
      "create");
  sqlite3_stmt* fill = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO kv (v) VALUES (?)", -1, &fill, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int i = 0; i < 1000; ++i) {
    std::string v = "value " + std::to_string(i);
    sqlite3_bind_text(fill, 1, v.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(fill);
    sqlite3_reset(fill);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_finalize(fill);

  // Raw libpq on the same table.
  PGconn* pg = PQconnectdb(dsn);
  Check(PQstatus(pg) == CONNECTION_OK, "PQconnectdb");
  PGresult* r =
      PQexec(pg, ("SELECT db_schema FROM litelift.databases WHERE path = '" + path + "'").c_str());
  Check(PQntuples(r) == 1, "find schema");
  std::string schema = PQgetvalue(r, 0, 0);
  PQclear(r);
  std::string table = "\"" + schema + "\".\"kv\"";
  PQclear(PQprepare(pg, "sel", ("SELECT \"v\" FROM " + table + " WHERE \"id\" = $1").c_str(), 1,
                    nullptr));
  PQclear(PQprepare(pg, "ins",
                    ("INSERT INTO " + table + " (\"v\") VALUES ($1) RETURNING \"id\"").c_str(), 1,
                    nullptr));

  sqlite3_stmt* sel = nullptr;
  sqlite3_stmt* ins = nullptr;
  Check(sqlite3_prepare_v2(db, "SELECT v FROM kv WHERE id = ?", -1, &sel, nullptr) == SQLITE_OK,
        "prepare select");
  Check(sqlite3_prepare_v2(db, "INSERT INTO kv (v) VALUES (?)", -1, &ins, nullptr) == SQLITE_OK,
        "prepare insert");

  size_t sink = 0;
  auto lite_select = [&](int i) {
    sqlite3_bind_int(sel, 1, 1 + i % 1000);
    if (sqlite3_step(sel) == SQLITE_ROW) sink += sqlite3_column_bytes(sel, 0);
    sqlite3_reset(sel);
  };
  auto pq_select = [&](int i) {
    std::string id = std::to_string(1 + i % 1000);
    const char* values[1] = {id.c_str()};
    PGresult* res = PQexecPrepared(pg, "sel", 1, values, nullptr, nullptr, 0);
    if (PQntuples(res) == 1) sink += static_cast<size_t>(PQgetlength(res, 0, 0));
    PQclear(res);
  };
  auto lite_insert = [&](int) {
    sqlite3_bind_text(ins, 1, "inserted", -1, SQLITE_STATIC);
    sqlite3_step(ins);
    sqlite3_reset(ins);
    sink += static_cast<size_t>(sqlite3_last_insert_rowid(db));
  };
  auto pq_insert = [&](int) {
    const char* values[1] = {"inserted"};
    PGresult* res = PQexecPrepared(pg, "ins", 1, values, nullptr, nullptr, 0);
    if (PQntuples(res) == 1) sink += static_cast<size_t>(std::atoll(PQgetvalue(res, 0, 0)));
    PQclear(res);
  };
  auto open_close = [&](int) {
    sqlite3* other = nullptr;
    sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_close(other);
  };
  auto pq_connect = [&](int) { PQfinish(PQconnectdb(dsn)); };

  // Warm up every path once.
  lite_select(0), pq_select(0), lite_insert(0), pq_insert(0), open_close(0);

  // Where the scheduler puts the client and the two server backends decides
  // a round trip's latency on this 2-core machine far more than either
  // client does: two identical libpq connections in one process differ by up
  // to 2.5x, whichever backend happens to share the client's CPU being the
  // fast one. So the figures are taken with fixed placements: everything on
  // one CPU, then the backends on another CPU than the client.
  std::vector<int> backends;
  r = PQexec(pg, "SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
  for (int i = 0; i < PQntuples(r); ++i) backends.push_back(std::atoi(PQgetvalue(r, i, 0)));
  PQclear(r);
  int cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  struct Placement {
    const char* name;
    int client_cpu, server_cpu;  // -1: not pinned
  };
  std::vector<Placement> placements;
  if (Pin(0, 0) && PinAll(backends, 0)) {
    placements.push_back({"client and server on one CPU", 0, 0});
    if (cpus > 1) placements.push_back({"client and server on separate CPUs", 0, 1});
  } else {
    placements.push_back({"unpinned: the scheduler decides (noisy)", -1, -1});
  }
  for (const Placement& place : placements) {
    if (place.client_cpu >= 0) Pin(0, place.client_cpu), PinAll(backends, place.server_cpu);
    struct Row {
      const char* name;
      std::vector<double> ours, base;
    } rows[] = {{"point select by primary key", {}, {}},
                {"single-row insert", {}, {}},
                {"open+close (warm) vs PQconnectdb+PQfinish", {}, {}}};
    for (int round = 0; round < rounds; ++round) {
      double a, b;
      Alternate(iters, 50, lite_select, pq_select, &a, &b);
      rows[0].ours.push_back(a);
      rows[0].base.push_back(b);
      Alternate(iters / 2, 25, lite_insert, pq_insert, &a, &b);
      rows[1].ours.push_back(a);
      rows[1].base.push_back(b);
      rows[2].ours.push_back(Time(iters / 10, open_close));
      rows[2].base.push_back(Time(std::max(iters / 100, 5), pq_connect));
    }
    std::printf(
        "postgres route vs raw libpq, %s, %d rounds (medians, microseconds per operation)\n",
        place.name, rounds);
    std::printf("%-45s %10s %10s %8s\n", "operation", "litelift", "libpq", "ratio");
    for (const Row& row : rows) {
      double a = Median(row.ours), b = Median(row.base);
      std::printf("%-45s %10.1f %10.1f %8.2f\n", row.name, a, b, a / b);
    }
    std::printf("\n");
  }
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  PQfinish(pg);
  std::string rm = std::string("rm -rf ") + dir;
  (void)std::system(rm.c_str());
  return sink == 42 ? 1 : 0;
}
