// A bulk load through the postgres route against PostgreSQL's COPY of the
// same rows into the same kind of table, same server, same run: one
// transaction of prepared one-row INSERTs (bind, step, reset; what a
// program's loader does), with and without opt-in write pipelining
// (LITELIFT_PIPELINE_WRITES=1; rows given their rowid, and rows the table
// numbers), and for reference raw libpq's PQexecPrepared loop and COPY
// into the route's own table. Prints rows/s, medians of rounds, and the
// route's share of COPY's rate.
//
//   bench_bulk_load [--dsn DSN] [--rows N] [--rounds N]   (DSN: LITELIFT_TEST_DSN)

#include <libpq-fe.h>
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

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "bench_bulk_load: %s failed\n", what);
    std::exit(1);
  }
}

void Exec(PGconn* pg, const std::string& sql) {
  PGresult* r = PQexec(pg, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::fprintf(stderr, "bench_bulk_load: %s: %s", sql.c_str(), PQerrorMessage(pg));
    std::exit(1);
  }
  PQclear(r);
}

std::string Name(int i) { return "name-" + std::to_string(i); }

// Seconds for fn.
double Seconds(const std::function<void()>& fn) {
  auto start = Clock::now();
  fn();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// COPY of rows rows into table t (qualified), in one transaction.
double CopyInto(PGconn* pg, const std::string& t, int rows) {
  return rows / Seconds([&] {
           Exec(pg, "BEGIN");
           PGresult* r = PQexec(pg, ("COPY " + t + " (id, k, name, v) FROM STDIN").c_str());
           Check(PQresultStatus(r) == PGRES_COPY_IN, "COPY");
           PQclear(r);
           std::string buf;
           char line[128];
           for (int i = 1; i <= rows; ++i) {
             int n = std::snprintf(line, sizeof line, "%d\t%d\t%s\t%.17g\n", i, i % 10,
                                   Name(i).c_str(), i * 0.5);
             buf.append(line, static_cast<size_t>(n));
             if (buf.size() > 65536 || i == rows) {
               Check(PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) == 1,
                     "PQputCopyData");
               buf.clear();
             }
           }
           Check(PQputCopyEnd(pg, nullptr) == 1, "PQputCopyEnd");
           r = PQgetResult(pg);
           Check(PQresultStatus(r) == PGRES_COMMAND_OK, "COPY end");
           PQclear(r);
           while ((r = PQgetResult(pg)) != nullptr) PQclear(r);
           Exec(pg, "COMMIT");
         });
}

// COPY of rows rows into a fresh table, in one transaction.
double Copy(PGconn* pg, int rows, int round) {
  std::string t = "bulk_copy_" + std::to_string(round);
  Exec(pg, "CREATE TABLE " + t + " (id bigint PRIMARY KEY, k bigint, name text, v float8)");
  double rate = CopyInto(pg, t, rows);
  Exec(pg, "DROP TABLE " + t);
  return rate;
}

// COPY into the table the route makes for the loader's CREATE TABLE (its
// rowid trigger, a BEFORE INSERT row trigger, turns COPY's multi-row heap
// inserts into one insert a row): what COPY costs on the route's own table.
double CopyIntoRouteTable(PGconn* pg, const std::string& dir, int rows, int round) {
  std::string path = dir + "/bulk_copy_" + std::to_string(round) + ".db";
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "open");
  Check(
      sqlite3_exec(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL)",
                   nullptr, nullptr, nullptr) == SQLITE_OK,
      "CREATE TABLE");
  const char* values[] = {path.c_str()};
  PGresult* r = PQexecParams(pg, "SELECT db_schema FROM litelift.databases WHERE path = $1", 1,
                             nullptr, values, nullptr, nullptr, 0);
  Check(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "the route's schema");
  std::string t = std::string("\"") + PQgetvalue(r, 0, 0) + "\".items";
  PQclear(r);
  double rate = CopyInto(pg, t, rows);
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &count, nullptr);
  Check(sqlite3_step(count) == SQLITE_ROW && sqlite3_column_int(count, 0) == rows, "every row");
  sqlite3_finalize(count);
  sqlite3_exec(db, "DROP TABLE items", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rate;
}

// PQexecPrepared of one-row INSERTs in one transaction.
double Libpq(PGconn* pg, int rows, int round) {
  std::string t = "bulk_libpq_" + std::to_string(round);
  Exec(pg, "CREATE TABLE " + t + " (id bigint PRIMARY KEY, k bigint, name text, v float8)");
  std::string stmt = "bulk_ins_" + std::to_string(round);
  PGresult* p = PQprepare(
      pg, stmt.c_str(), ("INSERT INTO " + t + " (id, k, name, v) VALUES ($1, $2, $3, $4)").c_str(),
      0, nullptr);
  Check(PQresultStatus(p) == PGRES_COMMAND_OK, "PQprepare");
  PQclear(p);
  double s = Seconds([&] {
    Exec(pg, "BEGIN");
    for (int i = 1; i <= rows; ++i) {
      std::string a = std::to_string(i), b = std::to_string(i % 10), c = Name(i);
      char d[32];
      std::snprintf(d, sizeof d, "%.17g", i * 0.5);
      const char* values[] = {a.c_str(), b.c_str(), c.c_str(), d};
      PGresult* r = PQexecPrepared(pg, stmt.c_str(), 4, values, nullptr, nullptr, 0);
      Check(PQresultStatus(r) == PGRES_COMMAND_OK, "INSERT");
      PQclear(r);
    }
    Exec(pg, "COMMIT");
  });
  Exec(pg, "DROP TABLE " + t);
  return rows / s;
}

// The route: a program's loader, in one transaction.
// given: the loader gives each row's rowid (id), else the table numbers it.
double Route(const std::string& dir, int rows, int round, bool pipelined, bool given = true) {
  std::string path = dir + "/bulk_" + std::to_string(round) + (pipelined ? "_p" : "_s") +
                     (given ? "" : "_n") + ".db";
  if (pipelined) setenv("LITELIFT_PIPELINE_WRITES", "1", 1);
  sqlite3* db = nullptr;
  Check(sqlite3_open(path.c_str(), &db) == SQLITE_OK, "open");
  unsetenv("LITELIFT_PIPELINE_WRITES");
  Check(
      sqlite3_exec(db, "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL)",
                   nullptr, nullptr, nullptr) == SQLITE_OK,
      "CREATE TABLE");
  sqlite3_stmt* ins = nullptr;
  const char* sql = given ? "INSERT INTO items (id, k, name, v) VALUES (?, ?, ?, ?)"
                          : "INSERT INTO items (k, name, v) VALUES (?, ?, ?)";
  Check(sqlite3_prepare_v2(db, sql, -1, &ins, nullptr) == SQLITE_OK, "prepare");
  int at = given ? 1 : 0;  // the parameters after id
  double s = Seconds([&] {
    Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK, "BEGIN");
    for (int i = 1; i <= rows; ++i) {
      std::string c = Name(i);
      if (given) sqlite3_bind_int64(ins, 1, i);
      sqlite3_bind_int64(ins, at + 1, i % 10);
      sqlite3_bind_text(ins, at + 2, c.data(), static_cast<int>(c.size()), SQLITE_TRANSIENT);
      sqlite3_bind_double(ins, at + 3, i * 0.5);
      Check(sqlite3_step(ins) == SQLITE_DONE, "INSERT");
      sqlite3_reset(ins);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK, "COMMIT");
  });
  sqlite3_stmt* count = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &count, nullptr);
  Check(sqlite3_step(count) == SQLITE_ROW && sqlite3_column_int(count, 0) == rows, "every row");
  sqlite3_finalize(count);
  sqlite3_finalize(ins);
  sqlite3_exec(db, "DROP TABLE items", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rows / s;
}

}  // namespace

int main(int argc, char** argv) {
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  int rows = 100000, rounds = 5;
  bool only_pipelined = false;  // --only-pipelined 1: for a profiler
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--only-pipelined")) only_pipelined = std::atoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--dsn")) dsn = argv[i + 1];
    if (!std::strcmp(argv[i], "--rows")) rows = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  Check(dsn != nullptr && *dsn, "LITELIFT_TEST_DSN");
  setenv("LITELIFT_DSN", dsn, 1);
  char dir[] = "/tmp/litelift-bulk-XXXXXX";
  Check(mkdtemp(dir) != nullptr, "mkdtemp");
  PGconn* pg = PQconnectdb(dsn);
  Check(PQstatus(pg) == CONNECTION_OK, "connect");
  std::string schema = "bench_bulk_" + std::to_string(getpid());
  Exec(pg, "CREATE SCHEMA " + schema + "; SET search_path TO " + schema);
  std::vector<double> copy, copy_route, pipelined, numbered, serial, libpq;
  for (int r = 0; r < rounds && only_pipelined; ++r) Route(dir, rows, r, true);
  for (int r = 0; r < rounds && !only_pipelined; ++r) {  // alternating, each on a fresh table
    copy.push_back(Copy(pg, rows, r));
    copy_route.push_back(CopyIntoRouteTable(pg, dir, rows, r));
    pipelined.push_back(Route(dir, rows, r, true));
    numbered.push_back(Route(dir, rows, r, true, false));
    serial.push_back(Route(dir, rows, r, false));
    libpq.push_back(Libpq(pg, rows, r));
  }
  Exec(pg, "DROP SCHEMA " + schema + " CASCADE");
  PQfinish(pg);
  std::string cleanup = std::string("rm -rf ") + dir;
  (void)std::system(cleanup.c_str());
  if (only_pipelined) return 0;
  double c = Median(copy), cr = Median(copy_route), p = Median(pipelined), s = Median(serial),
         l = Median(libpq), nb = Median(numbered);
  std::printf("bulk load of %d rows in one transaction (rows/s, median of %d rounds)\n", rows,
              rounds);
  std::printf("  COPY (baseline)                      %10.0f\n", c);
  std::printf("  COPY into the route's own table      %10.0f  %5.1f%% of COPY\n", cr, 100 * cr / c);
  std::printf(
      "  route, LITELIFT_PIPELINE_WRITES=1    %10.0f  %5.1f%% of COPY, %5.1f%% of COPY "
      "into the route's table\n",
      p, 100 * p / c, 100 * p / cr);
  std::printf("  route, pipelined, rowids numbered    %10.0f  %5.1f%% of COPY\n", nb, 100 * nb / c);
  std::printf("  route, not pipelined                 %10.0f  %5.1f%% of COPY\n", s, 100 * s / c);
  std::printf("  route pipelined / libpq loop          %10.1fx\n", p / l);
  std::printf("  libpq PQexecPrepared loop            %10.0f  %5.1f%% of COPY\n", l, 100 * l / c);
  return 0;
}
