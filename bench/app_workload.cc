// An application's everyday operations in C, timed through three clients in
// the same run: the sqlite3 API on the postgres route (LITELIFT_DSN set),
// raw libpq straight to the same server (prepared statements, rows in
// binary format, scans in single-row mode: what a competent libpq program
// streaming its rows writes), and the sqlite3 API on a native file, for
// reference. The same operations as bench/app_workload.py. Prints
// per-operation medians, the route's ratios, and each client's peak RSS.
//
//   bench_app_workload [--dsn DSN] [--rows 2000] [--rounds 5]
//                      [--big N]      (also a scan of an N-row table)
//                      [--only OP] [--clients route,libpq,native]
//   bench_app_workload --client route|libpq|native ...   (one client, one
//                      round: prints "op us" lines and "peak_mb MB")
//   bench_app_workload --check-stream N --bound-mb M   (the test: N rows
//                      streamed through the route come back exact, and the
//                      peak RSS grows by under M MB during the scan)
//
// Each round runs every client in a process of its own, alternating, on
// fresh tables. Times are microseconds per row (scans, inserts) or per
// statement (everything else).

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
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

namespace {

using Clock = std::chrono::steady_clock;

const char* const kOps[] = {"insert_txn", "insert_autocommit", "point_select",
                            "full_scan",  "group_by",          "update_txn",
                            "join",       "big_scan",          "big_scan_by_key"};

struct Options {
  std::string dsn;
  std::string client;  // set in a client process
  std::string file;    // the database file of a sqlite3 client
  std::string only;    // one operation (and what it needs), for profiling
  std::string clients = "route,libpq,native";
  int rows = 2000;
  int rounds = 5;
  long big = 0;  // rows of the big scan's table; 0: no big scan
  long check_stream = 0;
  double bound_mb = 0;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_app_workload: %s\n", what.c_str());
  std::exit(1);
}

double PeakMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

// Runs fn and records microseconds per unit under op. Under callgrind,
// each operation's instructions are dumped apart (named by op).
void Timed(std::map<std::string, double>* out, const char* op, long units,
           const std::function<void()>& fn) {
  CALLGRIND_ZERO_STATS;
  auto start = Clock::now();
  fn();
  (*out)[op] = std::chrono::duration<double, std::micro>(Clock::now() - start).count() / units;
  CALLGRIND_DUMP_STATS_AT(op);
}

bool Wants(const Options& o, const char* op) { return o.only.empty() || o.only == op; }

// ---- the sqlite3 API: the postgres route and native SQLite ----------------

struct Lite {
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
  void Done(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE) Die(std::string("step: ") + sqlite3_errmsg(db));
    sqlite3_reset(st);
  }
};

// Reads every column of every row as its own class, as a program would.
size_t ReadRows(sqlite3_stmt* st, sqlite3* db) {
  size_t sink = 0;
  int ncol = sqlite3_column_count(st);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < ncol; ++c) {
      switch (sqlite3_column_type(st, c)) {
        case SQLITE_INTEGER:
          sink += static_cast<size_t>(sqlite3_column_int64(st, c));
          break;
        case SQLITE_FLOAT:
          sink += static_cast<size_t>(sqlite3_column_double(st, c));
          break;
        case SQLITE_TEXT:
          sink += reinterpret_cast<const char*>(sqlite3_column_text(st, c))[0];
          sink += static_cast<size_t>(sqlite3_column_bytes(st, c));
          break;
        default:
          break;
      }
    }
  }
  if (rc != SQLITE_DONE) Die(std::string("scan: ") + sqlite3_errmsg(db));
  sqlite3_reset(st);
  return sink;
}

std::map<std::string, double> RunLite(const Options& o) {
  Lite l;
  if (sqlite3_open(o.file.c_str(), &l.db) != SQLITE_OK) Die("open " + o.file);
  std::map<std::string, double> out;
  size_t sink = 0;
  const int rows = o.rows;
  l.Exec(
      "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL);"
      "CREATE TABLE tags (id INTEGER PRIMARY KEY, item INTEGER, tag TEXT);"
      "CREATE INDEX tags_item ON tags (item);"
      "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT)");
  Timed(&out, "insert_txn", 2L * rows, [&] {
    sqlite3_stmt* a = l.Prepare("INSERT INTO items (id, k, name, v) VALUES (?, ?, ?, ?)");
    sqlite3_stmt* b = l.Prepare("INSERT INTO tags (item, tag) VALUES (?, ?)");
    l.Exec("BEGIN");
    char text[32];
    for (int i = 1; i <= rows; ++i) {
      std::snprintf(text, sizeof text, "name-%d", i);
      sqlite3_bind_int64(a, 1, i);
      sqlite3_bind_int64(a, 2, i % 10);
      sqlite3_bind_text(a, 3, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(a, 4, i * 0.5);
      l.Done(a);
    }
    for (int i = 1; i <= rows; ++i) {
      std::snprintf(text, sizeof text, "t%d", i % 7);
      sqlite3_bind_int64(b, 1, i);
      sqlite3_bind_text(b, 2, text, -1, SQLITE_TRANSIENT);
      l.Done(b);
    }
    l.Exec("COMMIT");
    sqlite3_finalize(a);
    sqlite3_finalize(b);
  });
  if (Wants(o, "insert_autocommit")) {
    int n = std::max(rows / 10, 10);
    Timed(&out, "insert_autocommit", n, [&] {
      sqlite3_stmt* a = l.Prepare("INSERT INTO log (msg) VALUES (?)");
      char text[32];
      for (int i = 0; i < n; ++i) {
        std::snprintf(text, sizeof text, "m%d", i);
        sqlite3_bind_text(a, 1, text, -1, SQLITE_TRANSIENT);
        l.Done(a);
      }
      sqlite3_finalize(a);
    });
  }
  if (Wants(o, "point_select")) {
    Timed(&out, "point_select", rows, [&] {
      sqlite3_stmt* a = l.Prepare("SELECT name, v FROM items WHERE id = ?");
      for (int i = 1; i <= rows; ++i) {
        sqlite3_bind_int64(a, 1, i);
        sink += ReadRows(a, l.db);
      }
      sqlite3_finalize(a);
    });
  }
  if (Wants(o, "full_scan")) {
    // (After a first run: a program scans again and again.)
    sqlite3_stmt* a = l.Prepare("SELECT id, k, name, v FROM items");
    sink += ReadRows(a, l.db);
    Timed(&out, "full_scan", 5L * rows, [&] {
      for (int r = 0; r < 5; ++r) sink += ReadRows(a, l.db);
    });
    sqlite3_finalize(a);
  }
  if (Wants(o, "group_by")) {
    Timed(&out, "group_by", 20, [&] {
      sqlite3_stmt* a = l.Prepare("SELECT k, count(*), sum(v) FROM items GROUP BY k ORDER BY k");
      for (int r = 0; r < 20; ++r) sink += ReadRows(a, l.db);
      sqlite3_finalize(a);
    });
  }
  if (Wants(o, "update_txn")) {
    Timed(&out, "update_txn", rows, [&] {
      sqlite3_stmt* a = l.Prepare("UPDATE items SET v = v + 1 WHERE id = ?");
      l.Exec("BEGIN");
      for (int i = 1; i <= rows; ++i) {
        sqlite3_bind_int64(a, 1, i);
        l.Done(a);
      }
      l.Exec("COMMIT");
      sqlite3_finalize(a);
    });
  }
  if (Wants(o, "join")) {
    int n = (rows + 9) / 10;
    Timed(&out, "join", n, [&] {
      sqlite3_stmt* a = l.Prepare(
          "SELECT items.name, tags.tag FROM items JOIN tags ON tags.item = items.id"
          " WHERE items.id = ?");
      for (int i = 1; i <= rows; i += 10) {
        sqlite3_bind_int64(a, 1, i);
        sink += ReadRows(a, l.db);
      }
      sqlite3_finalize(a);
    });
  }
  if (o.big > 0 && Wants(o, "big_scan")) {
    // Filled in one statement (its cost is not measured).
    l.Exec("CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
    l.Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
           std::to_string(o.big) + ") INSERT INTO big (id, v, s) SELECT i, i * 3, 's' || i FROM n");
    Timed(&out, "big_scan", o.big, [&] {
      sqlite3_stmt* a = l.Prepare("SELECT id, v, s FROM big");
      sink += ReadRows(a, l.db);
      sqlite3_finalize(a);
    });
  }
  sqlite3_close(l.db);
  if (sink == 42) std::printf("#\n");
  return out;
}

// The test (--check-stream N --bound-mb M): N rows streamed through the
// route come back exact (count and sums) while the client's peak RSS grows
// by under M MB during the scan. Returns the exit code.
int CheckStream(const Options& o, long n, double bound_mb) {
  setenv("LITELIFT_DSN", o.dsn.c_str(), 1);
  char dir[] = "/tmp/litelift-stream-XXXXXX";
  if (mkdtemp(dir) == nullptr) Die("mkdtemp");
  Lite l;
  std::string path = std::string(dir) + "/stream.db";
  if (sqlite3_open(path.c_str(), &l.db) != SQLITE_OK) Die("open " + path);
  l.Exec("CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)");
  l.Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
         std::to_string(n) + ") INSERT INTO big (id, v, s) SELECT i, i * 3, 's' || i FROM n");
  sqlite3_stmt* a = l.Prepare("SELECT id, v, s FROM big");
  double before = PeakMb();
  bool exact = true;
  long count = 0;
  // Twice: the first run streams row by row, the second (many rows the
  // last time) reads chunks from a cursor (chunked_scan.cc).
  for (int run = 0; run < 2; ++run) {
    count = 0;
    unsigned long long ids = 0, vs = 0, bytes = 0;
    bool classes = true;
    int rc;
    sqlite3_reset(a);
    while ((rc = sqlite3_step(a)) == SQLITE_ROW) {
      ++count;
      classes = classes && sqlite3_column_type(a, 0) == SQLITE_INTEGER &&
                sqlite3_column_type(a, 1) == SQLITE_INTEGER &&
                sqlite3_column_type(a, 2) == SQLITE_TEXT;
      ids += static_cast<unsigned long long>(sqlite3_column_int64(a, 0));
      vs += static_cast<unsigned long long>(sqlite3_column_int64(a, 1));
      const char* s = reinterpret_cast<const char*>(sqlite3_column_text(a, 2));
      if (s == nullptr || s[0] != 's') classes = false;
      bytes += static_cast<unsigned long long>(sqlite3_column_bytes(a, 2));
    }
    if (rc != SQLITE_DONE) Die(std::string("scan: ") + sqlite3_errmsg(l.db));
    unsigned long long un = static_cast<unsigned long long>(n);
    unsigned long long want_bytes = 0;  // the digits of 1..n, plus the 's' of each
    for (unsigned long long k = 1; k <= un; ++k) want_bytes += 1 + std::to_string(k).size();
    exact = exact && count == n && ids == un * (un + 1) / 2 && vs == 3 * (un * (un + 1) / 2) &&
            bytes == want_bytes && classes;
  }
  double grew = PeakMb() - before;
  sqlite3_finalize(a);
  l.Exec("DROP TABLE big");
  sqlite3_close(l.db);
  std::string rm = std::string("rm -rf ") + dir;
  (void)std::system(rm.c_str());
  std::printf("%ld rows streamed twice %s; peak RSS grew %.1f MB during the scan (bound %.0f MB)\n",
              count, exact ? "exact" : "WRONG", grew, bound_mb);
  return exact && grew < bound_mb ? 0 : 1;
}

// ---- raw libpq --------------------------------------------------------------

struct Pq {
  PGconn* pg = nullptr;
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(pg, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) Die(sql + ": " + PQerrorMessage(pg));
    PQclear(r);
  }
  void Prepare(const char* name, const char* sql) {
    PGresult* r = PQprepare(pg, name, sql, 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(std::string(sql) + ": " + PQerrorMessage(pg));
    PQclear(r);
  }
};

int64_t GetInt8(const PGresult* r, int row, int col) {
  uint64_t v;
  std::memcpy(&v, PQgetvalue(r, row, col), 8);
  return static_cast<int64_t>(__builtin_bswap64(v));
}
double GetFloat8(const PGresult* r, int row, int col) {
  uint64_t v;
  std::memcpy(&v, PQgetvalue(r, row, col), 8);
  v = __builtin_bswap64(v);
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}

// Reads one binary row as a program would: each column by its type.
size_t ReadPqRow(const PGresult* r, int row, const Oid* types, int ncol) {
  size_t sink = 0;
  for (int c = 0; c < ncol; ++c) {
    if (PQgetisnull(r, row, c)) continue;
    switch (types[c]) {
      case 20:  // int8
        sink += static_cast<size_t>(GetInt8(r, row, c));
        break;
      case 701:  // float8
        sink += static_cast<size_t>(GetFloat8(r, row, c));
        break;
      default:  // text
        sink += static_cast<size_t>(PQgetvalue(r, row, c)[0] + PQgetlength(r, row, c));
        break;
    }
  }
  return sink;
}

// Runs a prepared statement with up to 4 int8 parameters, binary rows,
// whole result (no allocation of ours per call).
size_t PqQuery(Pq* p, const char* name, std::initializer_list<int64_t> args) {
  uint64_t bin[4];
  const char* values[4];
  int lengths[4], formats[4];
  int n = 0;
  for (int64_t a : args) {
    bin[n] = __builtin_bswap64(static_cast<uint64_t>(a));
    values[n] = reinterpret_cast<const char*>(&bin[n]);
    lengths[n] = 8;
    formats[n] = 1;
    ++n;
  }
  PGresult* r = PQexecPrepared(p->pg, name, n, values, lengths, formats, 1);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Die(std::string(name) + ": " + PQerrorMessage(p->pg));
  }
  size_t sink = 0;
  Oid types[8];
  int ncol = std::min(PQnfields(r), 8);
  for (int c = 0; c < ncol; ++c) types[c] = PQftype(r, c);
  for (int i = 0; i < PQntuples(r); ++i) sink += ReadPqRow(r, i, types, ncol);
  PQclear(r);
  return sink;
}

// Streams a prepared statement's binary rows in single-row mode.
size_t PqStream(Pq* p, const char* name) {
  if (!PQsendQueryPrepared(p->pg, name, 0, nullptr, nullptr, nullptr, 1)) Die("send");
  PQsetSingleRowMode(p->pg);
  size_t sink = 0;
  Oid types[8];
  int ncol = -1;
  while (PGresult* r = PQgetResult(p->pg)) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (ncol < 0) {
        ncol = std::min(PQnfields(r), 8);
        for (int c = 0; c < ncol; ++c) types[c] = PQftype(r, c);
      }
      sink += ReadPqRow(r, 0, types, ncol);
    } else if (st != PGRES_TUPLES_OK) {
      Die(std::string(name) + ": " + PQerrorMessage(p->pg));
    }
    PQclear(r);
  }
  return sink;
}

std::map<std::string, double> RunPq(const Options& o) {
  Pq p;
  p.pg = PQconnectdb(o.dsn.c_str());
  if (PQstatus(p.pg) != CONNECTION_OK) Die(std::string("connect: ") + PQerrorMessage(p.pg));
  std::string schema = "bench_c_" + std::to_string(getpid());
  p.Exec("SET client_min_messages = warning");
  p.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  p.Exec("CREATE SCHEMA " + schema);
  p.Exec("SET search_path TO " + schema);
  p.Exec(
      "CREATE TABLE items (id BIGSERIAL PRIMARY KEY, k BIGINT, name TEXT, v DOUBLE PRECISION);"
      "CREATE TABLE tags (id BIGSERIAL PRIMARY KEY, item BIGINT, tag TEXT);"
      "CREATE INDEX tags_item ON tags (item);"
      "CREATE TABLE log (id BIGSERIAL PRIMARY KEY, msg TEXT)");
  std::map<std::string, double> out;
  size_t sink = 0;
  const int rows = o.rows;
  p.Prepare("ins_items", "INSERT INTO items (id, k, name, v) VALUES ($1, $2, $3, $4)");
  p.Prepare("ins_tags", "INSERT INTO tags (item, tag) VALUES ($1, $2)");
  p.Prepare("ins_log", "INSERT INTO log (msg) VALUES ($1)");
  p.Prepare("point", "SELECT name, v FROM items WHERE id = $1");
  p.Prepare("scan", "SELECT id, k, name, v FROM items");
  p.Prepare("group", "SELECT k, count(*), sum(v) FROM items GROUP BY k ORDER BY k");
  p.Prepare("update", "UPDATE items SET v = v + 1 WHERE id = $1");
  p.Prepare("join",
            "SELECT items.name, tags.tag FROM items JOIN tags ON tags.item = items.id"
            " WHERE items.id = $1");
  // Text parameters for the inserts (the program has text at hand).
  auto exec_text = [&](const char* name, int n, const char* const* values) {
    PGresult* r = PQexecPrepared(p.pg, name, n, values, nullptr, nullptr, 1);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(std::string(name) + ": " + PQerrorMessage(p.pg));
    PQclear(r);
  };
  Timed(&out, "insert_txn", 2L * rows, [&] {
    p.Exec("BEGIN");
    char t[4][32];
    const char* values[4] = {t[0], t[1], t[2], t[3]};
    for (int i = 1; i <= rows; ++i) {
      std::snprintf(t[0], sizeof t[0], "%d", i);
      std::snprintf(t[1], sizeof t[1], "%d", i % 10);
      std::snprintf(t[2], sizeof t[2], "name-%d", i);
      std::snprintf(t[3], sizeof t[3], "%.17g", i * 0.5);
      exec_text("ins_items", 4, values);
    }
    for (int i = 1; i <= rows; ++i) {
      std::snprintf(t[0], sizeof t[0], "%d", i);
      std::snprintf(t[1], sizeof t[1], "t%d", i % 7);
      exec_text("ins_tags", 2, values);
    }
    p.Exec("COMMIT");
  });
  if (Wants(o, "insert_autocommit")) {
    int n = std::max(rows / 10, 10);
    Timed(&out, "insert_autocommit", n, [&] {
      char t[32];
      const char* values[1] = {t};
      for (int i = 0; i < n; ++i) {
        std::snprintf(t, sizeof t, "m%d", i);
        exec_text("ins_log", 1, values);
      }
    });
  }
  if (Wants(o, "point_select")) {
    Timed(&out, "point_select", rows, [&] {
      for (int i = 1; i <= rows; ++i) sink += PqQuery(&p, "point", {i});
    });
  }
  if (Wants(o, "full_scan")) {
    sink += PqStream(&p, "scan");
    Timed(&out, "full_scan", 5L * rows, [&] {
      for (int r = 0; r < 5; ++r) sink += PqStream(&p, "scan");
    });
  }
  if (Wants(o, "group_by")) {
    Timed(&out, "group_by", 20, [&] {
      for (int r = 0; r < 20; ++r) sink += PqQuery(&p, "group", {});
    });
  }
  if (Wants(o, "update_txn")) {
    Timed(&out, "update_txn", rows, [&] {
      p.Exec("BEGIN");
      for (int i = 1; i <= rows; ++i) sink += PqQuery(&p, "update", {i});
      p.Exec("COMMIT");
    });
  }
  if (Wants(o, "join")) {
    int n = (rows + 9) / 10;
    Timed(&out, "join", n, [&] {
      for (int i = 1; i <= rows; i += 10) sink += PqQuery(&p, "join", {i});
    });
  }
  if (o.big > 0 && Wants(o, "big_scan")) {
    p.Exec("CREATE TABLE big (id BIGINT PRIMARY KEY, v BIGINT, s TEXT)");
    p.Exec("INSERT INTO big SELECT g, g * 3, 's' || g FROM generate_series(1, " +
           std::to_string(o.big) + ") g");
    p.Exec("VACUUM ANALYZE big");
    p.Prepare("big", "SELECT id, v, s FROM big");
    Timed(&out, "big_scan", o.big, [&] { sink += PqStream(&p, "big"); });
    // The text the route sends for it (SQLite's order: by rowid).
    p.Prepare("big_by_key", "SELECT id, v, s FROM big ORDER BY id");
    Timed(&out, "big_scan_by_key", o.big, [&] { sink += PqStream(&p, "big_by_key"); });
  }
  p.Exec("DROP SCHEMA " + schema + " CASCADE");
  PQfinish(p.pg);
  if (sink == 42) std::printf("#\n");
  return out;
}

// ---- the driver -------------------------------------------------------------

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// Runs one client in a process of its own; its times and peak RSS.
std::map<std::string, double> Spawn(const char* self, const Options& o, const std::string& client,
                                    const std::string& file) {
  std::vector<std::string> args = {self,
                                   "--client",
                                   client,
                                   "--rows",
                                   std::to_string(o.rows),
                                   "--big",
                                   std::to_string(o.big),
                                   "--dsn",
                                   o.dsn,
                                   "--file",
                                   file};
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
    execv(self, argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<size_t>(n));
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

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (const char* d = std::getenv("LITELIFT_TEST_DSN")) o.dsn = d;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--dsn")
      o.dsn = v;
    else if (a == "--client")
      o.client = v;
    else if (a == "--file")
      o.file = v;
    else if (a == "--only")
      o.only = v;
    else if (a == "--clients")
      o.clients = v;
    else if (a == "--rows")
      o.rows = std::atoi(v.c_str());
    else if (a == "--rounds")
      o.rounds = std::atoi(v.c_str());
    else if (a == "--big")
      o.big = std::atol(v.c_str());
    else if (a == "--check-stream")
      o.check_stream = std::atol(v.c_str());
    else if (a == "--bound-mb")
      o.bound_mb = std::atof(v.c_str());
    else
      Die("unknown option " + a);
  }
  if (o.dsn.empty()) Die("set LITELIFT_TEST_DSN or pass --dsn");
  if (o.check_stream > 0) return CheckStream(o, o.check_stream, o.bound_mb);
  if (!o.client.empty()) {
    std::map<std::string, double> out = o.client == "libpq" ? RunPq(o) : RunLite(o);
    for (const auto& [op, us] : out) std::printf("%s %.6f\n", op.c_str(), us);
    std::printf("peak_mb %.1f\n", PeakMb());
    return 0;
  }
  char dir[] = "/tmp/litelift-appc-XXXXXX";
  if (mkdtemp(dir) == nullptr) Die("mkdtemp");
  std::vector<std::string> clients = Split(o.clients);
  std::map<std::string, std::map<std::string, std::vector<double>>> all;
  for (int r = 0; r < o.rounds; ++r) {
    for (const std::string& c : clients) {
      std::string file = std::string(dir) + "/" + c + std::to_string(r) + ".db";
      for (const auto& [op, us] : Spawn("/proc/self/exe", o, c, file)) all[c][op].push_back(us);
      std::remove(file.c_str());
    }
  }
  std::string rm = std::string("rm -rf ") + dir;
  (void)std::system(rm.c_str());
  auto med = [&](const std::string& c, const std::string& op) {
    auto it = all[c].find(op);
    return it == all[c].end() ? -1.0 : Median(it->second);
  };
  std::printf("%-18s %10s %10s %10s %11s %11s\n", "operation (us)", "route", "libpq", "native",
              "route/libpq", "route/native");
  for (const char* op : kOps) {
    if (med("route", op) < 0 && med("libpq", op) < 0) continue;
    double r = med("route", op), p = med("libpq", op), n = med("native", op);
    if (r < 0) {  // libpq alone (big_scan_by_key)
      std::printf("%-18s %10s %10.2f\n", op, "", p);
      continue;
    }
    char native[16] = "-", vs_native[16] = "-";
    if (n > 0) {
      std::snprintf(native, sizeof native, "%.2f", n);
      std::snprintf(vs_native, sizeof vs_native, "%.1fx", r / n);
    }
    std::printf("%-18s %10.2f %10.2f %10s %10.2fx %11s\n", op, r, p, native, p > 0 ? r / p : 0,
                vs_native);
  }
  std::printf("%-18s %10.1f %10.1f %10.1f\n", "peak RSS (MB)", med("route", "peak_mb"),
              med("libpq", "peak_mb"), med("native", "peak_mb"));
  std::printf(
      "(medians of %d rounds, %d rows%s; us per row for scans and inserts, per statement "
      "otherwise, group_by per query; libpq: prepared, binary rows, scans in single-row mode;\n"
      " big_scan_by_key: libpq with the route's ORDER BY rowid)\n",
      o.rounds, o.rows, o.big > 0 ? (", big scan of " + std::to_string(o.big)).c_str() : "");
  return 0;
}
