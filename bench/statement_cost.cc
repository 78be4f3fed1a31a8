// The per-statement path of a Python-like program, in C, for callgrind:
// what Python's sqlite3 module calls for an autocommit insert (a fresh
// prepare, step and finalize of "BEGIN " and of "COMMIT" around a cached
// INSERT), a point select (bind, step, two columns, step to the end) and
// an UPDATE by key inside one transaction. Through the sqlite3 API it is
// linked against: the postgres route when LITELIFT_DSN is set.
//
//   bench_statement_cost FILE [N]
//   valgrind --tool=callgrind bench_statement_cost FILE 2000
//     (each operation's instructions are dumped apart, named by it)
//
// Prints microseconds per statement for each operation.

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(x)
#endif

namespace {

sqlite3* g_db = nullptr;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_statement_cost: %s: %s\n", what.c_str(), sqlite3_errmsg(g_db));
  std::exit(1);
}

sqlite3_stmt* Prepare(const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(g_db, sql, -1, &st, nullptr) != SQLITE_OK) Die(sql);
  return st;
}

// Python's way with BEGIN and COMMIT: prepared afresh each time.
void Once(const char* sql) {
  sqlite3_stmt* st = Prepare(sql);
  if (sqlite3_step(st) != SQLITE_DONE) Die(sql);
  sqlite3_finalize(st);
}

void Timed(const char* op, int n, const std::function<void()>& fn) {
  CALLGRIND_ZERO_STATS;
  auto start = std::chrono::steady_clock::now();
  fn();
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  CALLGRIND_DUMP_STATS_AT(op);
  std::printf("%-20s %8.2f us\n", op, us / n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_statement_cost FILE [N]\n");
    return 2;
  }
  int n = argc > 2 ? std::atoi(argv[2]) : 2000;
  if (sqlite3_open(argv[1], &g_db) != SQLITE_OK) Die("open");
  sqlite3_exec(g_db,
               "DROP TABLE IF EXISTS items; DROP TABLE IF EXISTS log;"
               "CREATE TABLE items (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, v REAL);"
               "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT)",
               nullptr, nullptr, nullptr);
  Once("BEGIN");
  sqlite3_stmt* fill = Prepare("INSERT INTO items (id, k, name, v) VALUES (?, ?, ?, ?)");
  for (int i = 1; i <= n; ++i) {
    std::string name = "name-" + std::to_string(i);
    sqlite3_bind_int(fill, 1, i);
    sqlite3_bind_int(fill, 2, i % 10);
    sqlite3_bind_text(fill, 3, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(fill, 4, i * 0.5);
    if (sqlite3_step(fill) != SQLITE_DONE) Die("fill");
    sqlite3_reset(fill);
  }
  sqlite3_finalize(fill);
  Once("COMMIT");

  sqlite3_stmt* ins = Prepare("INSERT INTO log (msg) VALUES (?)");
  Timed("autocommit_insert", n, [&] {
    for (int i = 0; i < n; ++i) {
      Once("BEGIN ");
      sqlite3_bind_text(ins, 1, "m", 1, SQLITE_STATIC);
      if (sqlite3_step(ins) != SQLITE_DONE) Die("insert");
      sqlite3_reset(ins);
      Once("COMMIT");
    }
  });
  sqlite3_finalize(ins);

  sqlite3_stmt* sel = Prepare("SELECT name, v FROM items WHERE id = ?");
  size_t sink = 0;
  Timed("point_select", n, [&] {
    for (int i = 1; i <= n; ++i) {
      sqlite3_reset(sel);
      sqlite3_bind_int64(sel, 1, i);
      if (sqlite3_step(sel) != SQLITE_ROW) Die("select");
      sink += static_cast<size_t>(sqlite3_column_bytes(sel, 0));
      sink += static_cast<size_t>(sqlite3_column_double(sel, 1));
      if (sqlite3_step(sel) != SQLITE_DONE) Die("select end");
    }
  });
  sqlite3_finalize(sel);

  sqlite3_stmt* upd = Prepare("UPDATE items SET v = v + 1 WHERE id = ?");
  Timed("update_txn", n, [&] {
    Once("BEGIN ");
    for (int i = 1; i <= n; ++i) {
      sqlite3_reset(upd);
      sqlite3_bind_int64(upd, 1, i);
      if (sqlite3_step(upd) != SQLITE_DONE) Die("update");
    }
    Once("COMMIT");
  });
  sqlite3_finalize(upd);
  sqlite3_close(g_db);
  return sink == 42 ? 1 : 0;
}
