// Scans read in chunks from a cursor (chunked_scan.cc): a plain read in
// autocommit mode whose last run returned many rows. Each case runs the
// same steps on the real SQLite and on the postgres route and compares
// what the program sees (rows, classes, codes, messages), around what can
// happen between two steps of such a scan: another statement on the same
// connection, a write, a reset or finalize, an error in a later row, an
// interrupt, the session's loss. The server is asked (pg_stat_activity)
// that the route really read the run from its cursor.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

constexpr int kRows = 3000;

// A table of kRows rows of every plain class, NULLs among them.
const std::vector<std::string> kTable = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, i INT, r REAL, s TEXT, b BLOB)",
    "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < " +
        std::to_string(kRows) +
        ") INSERT INTO t SELECT k, CASE WHEN k % 7 = 0 THEN NULL ELSE k * 1000003 END, "
        "k / 8.0, CASE WHEN k % 11 = 0 THEN NULL ELSE 'row ' || k END, "
        "CASE WHEN k % 5 = 0 THEN x'00ff' ELSE NULL END FROM n",
    "CREATE TABLE other (id INTEGER PRIMARY KEY, v TEXT)",
};

sqlite3_stmt* Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
  return st;
}

// One step and what the program sees of it.
std::string Step(sqlite3* db, sqlite3_stmt* st) {
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    return "rc " + std::to_string(rc) + " " + sqlite3_errmsg(db) + "\n";
  }
  std::string out = "row:";
  for (int c = 0; c < sqlite3_column_count(st); ++c) {
    out += " " + std::to_string(sqlite3_column_type(st, c)) + ":";
    if (sqlite3_column_type(st, c) == SQLITE_BLOB) {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
      for (int k = 0; k < sqlite3_column_bytes(st, c); ++k) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", p[k]);
        out += h;
      }
    } else if (const unsigned char* text = sqlite3_column_text(st, c)) {
      out += reinterpret_cast<const char*>(text);
    }
  }
  return out + "\n";
}

// n steps (or up to the end, n < 0); stops after the first non-row.
std::string Steps(sqlite3* db, sqlite3_stmt* st, int n) {
  std::string out;
  for (int k = 0; n < 0 || k < n; ++k) {
    std::string s = Step(db, st);
    out += s;
    if (s.rfind("row:", 0) != 0) break;
  }
  return out;
}

// A statement run to its end and finalized.
std::string All(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = Prepare(db, sql);
  std::string out = Steps(db, st, -1);
  sqlite3_finalize(st);
  return out;
}

// Runs `body` on both databases and expects the same text.
template <typename Body>
void SameOnBoth(Pair& p, Body body) {
  std::string local = body(p.local), routed = body(p.routed);
  size_t at = static_cast<size_t>(
      std::mismatch(local.begin(), local.end(), routed.begin(), routed.end()).first -
      local.begin());
  size_t from = at > 200 ? at - 200 : 0;
  EXPECT_TRUE(routed == local) << "first difference at byte " << at << "\nsqlite: ..."
                               << local.substr(from, 400) << "\nroute: ..."
                               << routed.substr(from, 400);
}

// A libpq session of the test's own, to ask the server about the route's.
struct Server {
  PGconn* pg = PQconnectdb(std::getenv("LITELIFT_TEST_DSN"));
  ~Server() { PQfinish(pg); }
  std::string One(const std::string& sql) {
    PGresult* r = PQexec(pg, sql.c_str());
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0
                        ? PQgetvalue(r, 0, 0)
                        : std::string("error: ") + PQerrorMessage(pg);
    PQclear(r);
    return v;
  }
  // Sessions whose last command was one of the route's chunk reads.
  int Cursors() {
    return std::atoi(One("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                         "'FETCH % FROM litelift_scan' AND pid <> pg_backend_pid()")
                         .c_str());
  }
  // Sessions still in a transaction (the cursor's must end with the scan).
  int OpenTransactions() {
    return std::atoi(One("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                         "'%litelift_scan%' AND state LIKE 'idle in transaction%' AND pid <> "
                         "pg_backend_pid()")
                         .c_str());
  }
};

constexpr const char* kScan = "SELECT id, i, r, s, b FROM t WHERE id > ?";

TEST(ChunkedScan, RowsAsSqlite) {
  Pair p(Name());
  p.Same(kTable);
  Server server;
  ASSERT_EQ(PQstatus(server.pg), CONNECTION_OK);
  int seen_cursors = 0;
  SameOnBoth(p, [&](sqlite3* db) {
    sqlite3_stmt* st = Prepare(db, kScan);
    std::string out;
    // The first run streams; the next ones (many rows last time) chunk;
    // a run with few rows makes the next one stream again.
    for (int from : {0, 0, 17, kRows - 40, 0, 0}) {
      sqlite3_bind_int(st, 1, from);
      out += Steps(db, st, 1000);
      if (db == p.routed) seen_cursors += server.Cursors();
      out += Steps(db, st, -1);
      sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return out;
  });
  EXPECT_GE(seen_cursors, 3);  // runs 2, 3 and 6 read from the cursor
  EXPECT_EQ(server.OpenTransactions(), 0);
  EXPECT_EQ(sqlite3_get_autocommit(p.routed), 1);
}

TEST(ChunkedScan, InterleavedStatementsOnOneConnection) {
  Pair p(Name());
  p.Same(kTable);
  Server server;
  SameOnBoth(p, [&](sqlite3* db) {
    sqlite3_stmt* a = Prepare(db, kScan);
    sqlite3_stmt* b = Prepare(db, "SELECT s, id FROM t WHERE id > ? ORDER BY id DESC");
    sqlite3_stmt* point = Prepare(db, "SELECT s FROM t WHERE id = ?");
    sqlite3_stmt* ins = Prepare(db, "INSERT INTO other (v) VALUES (?)");
    std::string out;
    for (sqlite3_stmt* st : {a, b}) {  // (first runs: many rows)
      sqlite3_bind_int(st, 1, 0);
      out += Steps(db, st, -1);
      sqlite3_reset(st);
    }
    sqlite3_bind_int(a, 1, 0);
    sqlite3_bind_int(b, 1, 100);
    out += Steps(db, a, 300);
    if (db == p.routed) {
      EXPECT_GE(server.Cursors(), 1);
    }
    // Another read, then a write, in the middle of the scan.
    sqlite3_bind_int(point, 1, 42);
    out += Steps(db, point, -1);
    sqlite3_reset(point);
    sqlite3_bind_text(ins, 1, "between steps", -1, SQLITE_STATIC);
    out += Steps(db, ins, -1);
    sqlite3_reset(ins);
    out += "changes " + std::to_string(sqlite3_changes(db)) + "\n";
    // Two chunked scans stepped in turn.
    for (int k = 0; k < 700; ++k) {
      out += Step(db, a);
      out += Step(db, b);
    }
    out += Steps(db, a, -1);
    out += Steps(db, b, -1);
    out += All(db, "SELECT count(*), max(v) FROM other");
    for (sqlite3_stmt* st : {a, b, point, ins}) sqlite3_finalize(st);
    out += "autocommit " + std::to_string(sqlite3_get_autocommit(db)) + "\n";
    return out;
  });
  EXPECT_EQ(server.OpenTransactions(), 0);
}

TEST(ChunkedScan, ResetAndFinalizeMidScan) {
  Pair p(Name());
  p.Same(kTable);
  Server server;
  SameOnBoth(p, [&](sqlite3* db) {
    sqlite3_stmt* st = Prepare(db, kScan);
    sqlite3_bind_int(st, 1, 0);
    std::string out = Steps(db, st, -1);
    sqlite3_reset(st);
    out += Steps(db, st, 300);
    out += "reset " + std::to_string(sqlite3_reset(st)) + "\n";
    if (db == p.routed) {
      EXPECT_EQ(server.OpenTransactions(), 0);
    }
    out += Steps(db, st, -1);  // again from the start (and chunked: 3000 rows last)
    sqlite3_reset(st);
    out += Steps(db, st, 700);
    out += "finalize " + std::to_string(sqlite3_finalize(st)) + "\n";
    if (db == p.routed) {
      EXPECT_EQ(server.OpenTransactions(), 0);
    }
    // The scan's transaction is gone: the table can be dropped at once.
    sqlite3_stmt* drop = Prepare(db, "DROP TABLE t");
    out += Steps(db, drop, -1);
    sqlite3_finalize(drop);
    out += "autocommit " + std::to_string(sqlite3_get_autocommit(db)) + "\n";
    return out;
  });
}

// A write between two steps to rows the scan has passed (what SQLite shows
// of rows ahead is undefined: "it is undefined whether or not the statement
// will see those changes"; the route's scan keeps its snapshot).
TEST(ChunkedScan, WriteToTheScannedTableBetweenSteps) {
  Pair p(Name());
  p.Same(kTable);
  SameOnBoth(p, [&](sqlite3* db) {
    sqlite3_stmt* st = Prepare(db, kScan);
    sqlite3_bind_int(st, 1, 0);
    std::string out = Steps(db, st, -1);
    sqlite3_reset(st);
    out += Steps(db, st, 1200);
    sqlite3_stmt* w = Prepare(db, "UPDATE t SET s = 'seen ' || id, i = -i WHERE id <= 1000");
    out += Steps(db, w, -1) + "changes " + std::to_string(sqlite3_changes(db)) + "\n";
    sqlite3_finalize(w);
    w = Prepare(db, "DELETE FROM t WHERE id IN (5, 500, 1100)");
    out += Steps(db, w, -1) + "changes " + std::to_string(sqlite3_changes(db)) + "\n";
    sqlite3_finalize(w);
    out += Steps(db, st, 100);  // rows the write did not touch
    sqlite3_reset(st);
    out += Steps(db, st, -1);  // the next run sees the write
    sqlite3_finalize(st);
    return out;
  });
}

// An error in a later row: SQLite returns the rows before it, then the
// error; so does a chunked run whose chunk failed (it runs again row by
// row). (The server computes the values as it walks the key's index once
// the table has statistics; before, it sorts, and fails before any row.)
TEST(ChunkedScan, ErrorMidScan) {
  Pair p(Name());
  p.Same(kTable);
  p.Same({"CREATE TABLE scan_err AS SELECT id, i, s FROM t"});
  Server server;
  EXPECT_EQ(server.One("DO $$ DECLARE r record; BEGIN FOR r IN SELECT schemaname, tablename FROM "
                       "pg_tables WHERE tablename = 'scan_err' LOOP EXECUTE format('ANALYZE "
                       "%I.%I', r.schemaname, r.tablename); END LOOP; END $$; SELECT 'ok'"),
            "ok");
  for (int bad : {150, 1700, 2900}) {
    p.Same(
        {"UPDATE scan_err SET i = -9223372036854775807 - 1 WHERE rowid = " + std::to_string(bad)});
    SameOnBoth(p, [&](sqlite3* db) {
      sqlite3_stmt* st = Prepare(db, "SELECT rowid, abs(i), s FROM scan_err WHERE rowid < ?");
      std::string out;
      sqlite3_bind_int(st, 1, bad);  // many rows, none failing
      out += Steps(db, st, -1);
      sqlite3_reset(st);
      sqlite3_bind_int(st, 1, kRows + 1);
      out += Steps(db, st, -1);  // up to the error
      out += "reset " + std::to_string(sqlite3_reset(st)) + " " + sqlite3_errmsg(db) + "\n";
      out += Steps(db, st, 10);
      sqlite3_finalize(st);
      out += "autocommit " + std::to_string(sqlite3_get_autocommit(db)) + "\n";
      out += All(db, "SELECT count(*) FROM scan_err");
      return out;
    });
    p.Same({"UPDATE scan_err SET i = 1 WHERE rowid = " + std::to_string(bad)});
  }
  EXPECT_EQ(server.OpenTransactions(), 0);
}

// sqlite3_interrupt during a chunked scan, between chunks (no query runs
// on the server then): the scan stops with SQLITE_INTERRUPT within a chunk.
TEST(ChunkedScan, InterruptBetweenChunks) {
  Pair p(Name());
  p.Same(kTable);
  Server server;
  sqlite3* db = p.routed;
  sqlite3_stmt* st = Prepare(db, kScan);
  sqlite3_bind_int(st, 1, 0);
  EXPECT_EQ(Steps(db, st, -1).size() > 0, true);
  sqlite3_reset(st);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  sqlite3_interrupt(db);
  int rows = 1, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) ++rows;
  EXPECT_EQ(rc, SQLITE_INTERRUPT);
  EXPECT_STREQ(sqlite3_errmsg(db), "interrupted");
  EXPECT_LT(rows, kRows);
  sqlite3_reset(st);
  EXPECT_EQ(server.OpenTransactions(), 0);
  // The next run is not interrupted.
  std::string all = Steps(db, st, -1);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), kRows + 1) << all.substr(all.size() - 200);
  sqlite3_finalize(st);
}

// The session lost in the middle of a chunked scan: the step fails, the
// next statement gets a new session.
TEST(ChunkedScan, SessionLostMidScan) {
  Pair p(Name());
  p.Same(kTable);
  Server server;
  sqlite3* db = p.routed;
  sqlite3_stmt* st = Prepare(db, kScan);
  sqlite3_bind_int(st, 1, 0);
  Steps(db, st, -1);
  sqlite3_reset(st);
  std::string first = Steps(db, st, 10);
  ASSERT_EQ(server.Cursors(), 1);
  EXPECT_EQ(server.One("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                       "query LIKE 'FETCH % FROM litelift_scan' AND pid <> pg_backend_pid()"),
            "1");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
  }
  EXPECT_NE(rc, SQLITE_DONE);
  EXPECT_NE(rc, SQLITE_ROW);
  EXPECT_NE(std::string(sqlite3_errmsg(db)), "") << rc;
  sqlite3_reset(st);
  // A new session for what comes next.
  std::string all = Steps(db, st, -1);
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), kRows + 1) << all.substr(0, 200);
  sqlite3_finalize(st);
}

}  // namespace
}  // namespace litelift::test
