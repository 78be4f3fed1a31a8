// One long write transaction of N single-row INSERTs, and what it costs
// everybody else: while it runs, 2 readers (raw libpq, one thread each) run
// point SELECTs on a table that an updater keeps changing (so the rows'
// versions are newer than the writer's transaction, and every reader's
// snapshot must decide about them). The writer runs
//   libpq      BEGIN; N x INSERT; COMMIT            (the baseline)
//   libpq+sp   the same, each INSERT pipelined as SAVEPOINT; INSERT; RELEASE
//   libpq+batch  the rolling batch savepoint of docs/design.md (not built in
//              litelift): one savepoint held across statements, a new one
//              when the batch holds as many statements as ran before it
//              (at least 64), pipelined with the INSERT that starts it
//   litelift   BEGIN; N x sqlite3_step(INSERT); COMMIT through the postgres
//              route (one savepoint per statement, pg/statement.cc)
// Past 64 subtransactions with a transaction id, the writer's PGPROC
// subxid cache overflows: every snapshot taken then is "suboverflowed" and
// each visibility check of a transaction id newer than its xmin looks the
// id up in pg_subtrans. Prints, per mode and N, medians over the rounds of:
// reader throughput and latency before the transaction, during it (past
// 64 statements) and after its commit; the writer's time per insert; and
// the transaction ids the transaction consumed (txid_current() delta, in a
// quiet run with nobody else writing); and the pg_subtrans pages the server
// looked up over the run (pg_stat_slru 'Subtrans' hits + reads).
//
//   bench_subxact [--dsn DSN] [--rounds N] [--sizes 1000,10000,100000]
//                 [--phase-ms MS]   (DSN: LITELIFT_TEST_DSN)

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"

namespace {

using litelift::bench::Median;

using Clock = std::chrono::steady_clock;

constexpr int kHotRows = 10000;
constexpr int kReaders = 2;
constexpr int kSubxidCache = 64;  // PGPROC_MAX_CACHED_SUBXIDS

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench: %s failed\n", what);
    std::exit(1);
  }
}

PGconn* Connect(const char* dsn) {
  PGconn* pg = PQconnectdb(dsn);
  Check(PQstatus(pg) == CONNECTION_OK, "PQconnectdb");
  return pg;
}

void Exec(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  ExecStatusType s = PQresultStatus(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "bench: %s: %s", sql.c_str(), PQerrorMessage(pg));
    std::exit(1);
  }
  PQclear(r);
}

// pg_subtrans pages looked up so far (pg_stat_slru: hits and reads).
int64_t SubtransLookups(PGconn* pg) {
  PGresult* r = PQexec(pg, "SELECT blks_hit + blks_read FROM pg_stat_slru WHERE name = 'Subtrans'");
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "pg_stat_slru");
  int64_t v = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

int64_t TxidCurrent(PGconn* pg) {
  PGresult* r = PQexec(pg, "SELECT txid_current()");
  Check(PQresultStatus(r) == PGRES_TUPLES_OK, "txid_current");
  int64_t v = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

// Where the readers' samples go: before / during (past 64 statements) /
// after the writer's transaction; kIdle drops them.
enum Phase { kBefore, kDuring, kAfter, kIdle, kPhases };

struct Samples {
  std::mutex mu;
  std::vector<double> latency_us[kPhases];
  int64_t count[kPhases] = {};
  double seconds[kPhases] = {};
};

// The background load: kReaders point readers and one updater, each on a
// session of its own, until stop.
class Load {
 public:
  explicit Load(const char* dsn) : dsn_(dsn) {}

  void Start() {
    stop_ = false;
    for (int i = 0; i < kReaders; ++i) threads_.emplace_back([this, i] { Reader(i); });
    threads_.emplace_back([this] { Updater(); });
  }

  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

  // Starts counting the readers' samples into phase p (and the time spent
  // in it), ending the previous phase's clock.
  void Enter(Phase p) {
    auto now = Clock::now();
    std::lock_guard<std::mutex> lock(samples_.mu);
    samples_.seconds[phase_] += std::chrono::duration<double>(now - phase_start_).count();
    phase_ = p;
    phase_start_ = now;
  }

  // Reader figures of phase p since the last Reset: queries per second
  // (all readers together) and median latency in microseconds.
  void Figures(Phase p, double* qps, double* median_us) {
    std::lock_guard<std::mutex> lock(samples_.mu);
    double s = samples_.seconds[p];
    *qps = s > 0 ? samples_.count[p] / s : 0;
    *median_us = Median(samples_.latency_us[p]);
  }

  void Reset() {
    std::lock_guard<std::mutex> lock(samples_.mu);
    for (int p = 0; p < kPhases; ++p) {
      samples_.latency_us[p].clear();
      samples_.count[p] = 0;
      samples_.seconds[p] = 0;
    }
    phase_ = kIdle;
    phase_start_ = Clock::now();
  }

  int64_t updates() const { return updates_; }

 private:
  void Reader(int seed) {
    PGconn* pg = Connect(dsn_);
    PQclear(PQprepare(pg, "sel", "SELECT v FROM hot WHERE id = $1", 1, nullptr));
    std::mt19937 rng(seed + 1);
    while (!stop_) {
      std::string id = std::to_string(1 + rng() % kHotRows);
      const char* v = id.c_str();
      int p;
      {
        std::lock_guard<std::mutex> lock(samples_.mu);
        p = phase_;
      }
      auto t0 = Clock::now();
      PGresult* r = PQexecPrepared(pg, "sel", 1, &v, nullptr, nullptr, 0);
      double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
      Check(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "reader select");
      PQclear(r);
      std::lock_guard<std::mutex> lock(samples_.mu);
      if (phase_ == p && p != kIdle) {  // a sample that straddles two phases is dropped
        samples_.latency_us[p].push_back(us);
        ++samples_.count[p];
      }
    }
    PQfinish(pg);
  }

  // Single-row updates in autocommit mode, about one every 200 us: row
  // versions newer than the writer's transaction keep appearing.
  void Updater() {
    PGconn* pg = Connect(dsn_);
    PQclear(PQprepare(pg, "upd", "UPDATE hot SET v = v + 1 WHERE id = $1", 1, nullptr));
    std::mt19937 rng(99);
    while (!stop_) {
      std::string id = std::to_string(1 + rng() % kHotRows);
      const char* v = id.c_str();
      PGresult* r = PQexecPrepared(pg, "upd", 1, &v, nullptr, nullptr, 0);
      Check(PQresultStatus(r) == PGRES_COMMAND_OK, "updater update");
      PQclear(r);
      ++updates_;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    PQfinish(pg);
  }

  const char* dsn_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> updates_{0};
  std::vector<std::thread> threads_;
  Samples samples_;
  int phase_ = kIdle;
  Clock::time_point phase_start_ = Clock::now();
};

enum Mode { kLibpq, kLibpqSavepoint, kLibpqBatch, kLitelift, kModes };
const char* const kModeNames[kModes] = {"libpq", "libpq+sp", "libpq+batch", "litelift"};

// The writer: one transaction of n single-row inserts, by mode; after
// each insert, progress(i) with the number done.
class Writer {
 public:
  Writer(const char* dsn, const std::string& path) {
    pg_ = Connect(dsn);
    Check(sqlite3_open(path.c_str(), &db_) == SQLITE_OK, "open");
    Check(sqlite3_exec(db_, "CREATE TABLE IF NOT EXISTS bulk (id INTEGER PRIMARY KEY, v TEXT)",
                       nullptr, nullptr, nullptr) == SQLITE_OK,
          "create bulk");
    Check(
        sqlite3_prepare_v2(db_, "INSERT INTO bulk (v) VALUES (?)", -1, &ins_, nullptr) == SQLITE_OK,
        "prepare insert");
    PGresult* r = PQexec(
        pg_, ("SELECT db_schema FROM litelift.databases WHERE path = '" + path + "'").c_str());
    Check(PQntuples(r) == 1, "find schema");
    schema_ = PQgetvalue(r, 0, 0);
    PQclear(r);
    // The INSERT litelift sends for a row without its rowid (numbered by
    // the table's sequence), by raw libpq.
    std::string table = "\"" + schema_ + "\".\"bulk\"";
    PQclear(PQprepare(pg_, "ins",
                      ("INSERT INTO " + table + " (\"id\", \"v\") VALUES (nextval('\"" + schema_ +
                       "\".\"litelift_seq_bulk\"'::regclass), $1)")
                          .c_str(),
                      1, nullptr));
    PQclear(PQprepare(pg_, "sp", "SAVEPOINT s", 0, nullptr));
    PQclear(PQprepare(pg_, "rel", "RELEASE SAVEPOINT s", 0, nullptr));
  }

  ~Writer() {
    sqlite3_finalize(ins_);
    sqlite3_close(db_);
    PQfinish(pg_);
  }

  // Empties the table between runs (raw libpq: not a statement measured).
  void Truncate() { Exec(pg_, "TRUNCATE \"" + schema_ + "\".\"bulk\""); }

  // Seconds the transaction took, from BEGIN to the end of COMMIT.
  template <typename Progress>
  double Run(Mode mode, int n, Progress progress) {
    auto t0 = Clock::now();
    if (mode == kLitelift) {
      Check(sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK, "BEGIN");
      for (int i = 0; i < n; ++i) {
        std::string v = "value " + std::to_string(i);
        sqlite3_bind_text(ins_, 1, v.c_str(), -1, SQLITE_TRANSIENT);
        Check(sqlite3_step(ins_) == SQLITE_DONE, "litelift insert");
        sqlite3_reset(ins_);
        progress(i + 1);
      }
      Check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK, "COMMIT");
    } else {
      Exec(pg_, "BEGIN");
      int batch_end = 0;  // libpq+batch: where the next batch starts
      for (int i = 0; i < n; ++i) {
        std::string v = "value " + std::to_string(i);
        const char* value = v.c_str();
        bool batch_start = false;
        if (mode == kLibpqBatch && i == batch_end) {
          batch_start = true;
          batch_end = i + std::max(64, i);
        }
        if (mode == kLibpq || (mode == kLibpqBatch && !batch_start)) {
          PGresult* r = PQexecPrepared(pg_, "ins", 1, &value, nullptr, nullptr, 0);
          Check(PQresultStatus(r) == PGRES_COMMAND_OK, "libpq insert");
          PQclear(r);
        } else if (mode == kLibpqBatch) {
          // The batch's first statement: (RELEASE;) SAVEPOINT; INSERT.
          Check(PQenterPipelineMode(pg_) == 1, "pipeline");
          PQsendQueryParams(pg_, i == 0 ? "SAVEPOINT s" : "RELEASE SAVEPOINT s", 0, nullptr,
                            nullptr, nullptr, nullptr, 0);
          if (i > 0) PQsendQueryPrepared(pg_, "sp", 0, nullptr, nullptr, nullptr, 0);
          PQsendQueryPrepared(pg_, "ins", 1, &value, nullptr, nullptr, 0);
          PQpipelineSync(pg_);
          for (int k = 0; k < (i == 0 ? 2 : 3); ++k) {
            PGresult* r = PQgetResult(pg_);
            Check(PQresultStatus(r) == PGRES_COMMAND_OK, "libpq+batch command");
            PQclear(r);
            Check(PQgetResult(pg_) == nullptr, "end of command");
          }
          PGresult* r = PQgetResult(pg_);
          Check(PQresultStatus(r) == PGRES_PIPELINE_SYNC, "sync");
          PQclear(r);
          PQexitPipelineMode(pg_);
        } else {
          // One round trip, as litelift pipelines it.
          Check(PQenterPipelineMode(pg_) == 1, "pipeline");
          PQsendQueryPrepared(pg_, "sp", 0, nullptr, nullptr, nullptr, 0);
          PQsendQueryPrepared(pg_, "ins", 1, &value, nullptr, nullptr, 0);
          PQsendQueryPrepared(pg_, "rel", 0, nullptr, nullptr, nullptr, 0);
          PQpipelineSync(pg_);
          for (int k = 0; k < 3; ++k) {
            PGresult* r = PQgetResult(pg_);
            Check(PQresultStatus(r) == PGRES_COMMAND_OK, "libpq+sp command");
            PQclear(r);
            Check(PQgetResult(pg_) == nullptr, "end of command");
          }
          PGresult* r = PQgetResult(pg_);
          Check(PQresultStatus(r) == PGRES_PIPELINE_SYNC, "sync");
          PQclear(r);
          PQexitPipelineMode(pg_);
        }
        progress(i + 1);
      }
      Exec(pg_, "COMMIT");
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }

 private:
  PGconn* pg_ = nullptr;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* ins_ = nullptr;
  std::string schema_;
};

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::vector<int> ParseSizes(const char* s) {
  std::vector<int> out;
  for (const char* p = s; *p;) {
    out.push_back(std::atoi(p));
    while (*p && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  int rounds = 3, phase_ms = 1500;
  std::vector<int> sizes = {1000, 10000, 100000};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dsn") == 0) dsn = argv[i + 1];
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--sizes") == 0) sizes = ParseSizes(argv[i + 1]);
    if (std::strcmp(argv[i], "--phase-ms") == 0) phase_ms = std::atoi(argv[i + 1]);
  }
  if (dsn == nullptr || *dsn == '\0') {
    std::fprintf(stderr, "bench: set LITELIFT_TEST_DSN or pass --dsn\n");
    return 2;
  }
  setenv("LITELIFT_DSN", dsn, 1);
  char dir[] = "/tmp/litelift-bench-XXXXXX";
  Check(mkdtemp(dir) != nullptr, "mkdtemp");
  std::string path = std::string(dir) + "/subxact.db";

  // The readers' table, in the server's public schema.
  PGconn* admin = Connect(dsn);
  Exec(admin, "DROP TABLE IF EXISTS hot");
  Exec(admin, "CREATE TABLE hot (id int PRIMARY KEY, v int NOT NULL)");
  Exec(admin,
       "INSERT INTO hot SELECT i, 0 FROM generate_series(1, " + std::to_string(kHotRows) + ") i");
  Exec(admin, "VACUUM ANALYZE hot");

  Writer writer(dsn, path);

  // Transaction ids per transaction, in a quiet run (nobody else writes).
  int64_t xids[kModes][8] = {};
  for (size_t s = 0; s < sizes.size() && s < 8; ++s) {
    for (int m = 0; m < kModes; ++m) {
      int64_t before = TxidCurrent(admin);
      writer.Run(static_cast<Mode>(m), sizes[s], [](int) {});
      xids[m][s] = TxidCurrent(admin) - before - 1;  // less the second txid_current()
      writer.Truncate();
    }
  }

  Load load(dsn);
  load.Start();
  Sleep(300);
  std::printf("%-11s %7s | %-24s | %-24s | %-24s | %9s %8s %7s %10s\n", "mode", "N",
              "readers before q/s  us", "readers during q/s  us", "readers after q/s  us",
              "writer us", "vs libpq", "xids", "subtrans");
  for (size_t s = 0; s < sizes.size() && s < 8; ++s) {
    int n = sizes[s];
    std::vector<double> qps[kModes][3], lat[kModes][3], per_insert[kModes], subtrans[kModes];
    for (int round = 0; round < rounds; ++round) {
      for (int m = 0; m < kModes; ++m) {  // modes alternate within a round
        load.Reset();
        int64_t lookups = SubtransLookups(admin);
        load.Enter(kBefore);
        Sleep(phase_ms);
        load.Enter(kIdle);
        double secs = writer.Run(static_cast<Mode>(m), n, [&](int done) {
          if (done == kSubxidCache + 1) load.Enter(kDuring);
        });
        load.Enter(kAfter);
        Sleep(phase_ms);
        load.Enter(kIdle);
        for (int p = 0; p < 3; ++p) {
          double q, l;
          load.Figures(static_cast<Phase>(p), &q, &l);
          qps[m][p].push_back(q);
          lat[m][p].push_back(l);
        }
        per_insert[m].push_back(secs * 1e6 / n);
        subtrans[m].push_back(static_cast<double>(SubtransLookups(admin) - lookups));
        writer.Truncate();
        Exec(admin, "VACUUM hot");  // the same table for every run
      }
    }
    double base = Median(per_insert[kLibpq]);
    for (int m = 0; m < kModes; ++m) {
      std::printf("%-11s %7d |", kModeNames[m], n);
      for (int p = 0; p < 3; ++p) {
        std::printf(" %14.0f %8.0f |", Median(qps[m][p]), Median(lat[m][p]));
      }
      double w = Median(per_insert[m]);
      std::printf(" %9.1f %7.2fx %7lld %10.0f\n", w, w / base, static_cast<long long>(xids[m][s]),
                  Median(subtrans[m]));
      std::fflush(stdout);
    }
  }
  load.Stop();
  std::printf(
      "(medians of %d rounds; readers: %d sessions, point SELECTs on %d rows that an "
      "updater changes ~every 200 us (%lld updates); 'during' = past %d statements)\n",
      rounds, kReaders, kHotRows, static_cast<long long>(load.updates()), kSubxidCache);
  Exec(admin, "DROP TABLE hot");
  PQfinish(admin);
  return 0;
}
