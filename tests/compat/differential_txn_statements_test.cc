// Transaction control prepared again and again, as Python's sqlite3 does
// (a fresh prepare, step and finalize of BEGIN and COMMIT each time): the
// route keeps the shadow statements of such texts between a finalize and
// the next prepare (pg/txn_command.h). Each test would fail if a kept
// statement went stale: schema changes on this or another connection, a
// lost session, a fork, a close and reopen, an interrupt, the program's
// authorizer and limits, tails and counters.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

sqlite3* OpenRouted(const std::string& name) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open((g_dir + "/" + name + ".db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 20000);
  return db;
}

// Python's way: prepare, step, finalize; returns the step's code (or the
// prepare's, negated when it failed).
int Once(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  if (rc != SQLITE_OK) return -rc;
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc;
}

int64_t Scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

// Ends every server session whose last query named `marker` (a table only
// this test uses), from a session of the test's own.
void TerminateSessionsOf(const std::string& marker) {
  const char* dsn = std::getenv("LITELIFT_TEST_DSN");
  ASSERT_NE(dsn, nullptr);
  PGconn* pg = PQconnectdb(dsn);
  ASSERT_EQ(PQstatus(pg), CONNECTION_OK) << PQerrorMessage(pg);
  std::string sql =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> "
      "pg_backend_pid() AND query LIKE '%" +
      marker + "%'";
  PGresult* r = PQexec(pg, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(pg);
  EXPECT_EQ(std::string(PQgetvalue(r, 0, 0)), "1");
  PQclear(r);
  PQfinish(pg);
}

// The same texts again and again around schema changes, savepoints and
// failures: everything as SQLite.
TEST(TxnStatements, SameAsSqliteAcrossSchemaChanges) {
  Pair p(Name());
  p.Same({
      "BEGIN",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
      "COMMIT",
      "BEGIN",
      "INSERT INTO t (v) VALUES ('a')",
      "COMMIT",
      "BEGIN",
      "ALTER TABLE t ADD COLUMN w INTEGER DEFAULT 7",
      "INSERT INTO t (v) VALUES ('b')",
      "ROLLBACK",
      "BEGIN",
      "SELECT * FROM t ORDER BY id",
      "COMMIT",
      "BEGIN IMMEDIATE",
      "CREATE TABLE u (x)",
      "SAVEPOINT s",
      "INSERT INTO u VALUES (1)",
      "ROLLBACK TO s",
      "SAVEPOINT s",
      "INSERT INTO u VALUES (2)",
      "RELEASE s",
      "END",
      "BEGIN",
      "DROP TABLE u",
      "COMMIT",
      "BEGIN",
      "SELECT * FROM u",                 // gone
      "INSERT INTO t (v) VALUES ('a')",  // fails alone
      "INSERT INTO t (v) VALUES ('c')",
      "COMMIT",
      "COMMIT",  // no transaction: an error, as in SQLite
      "ROLLBACK",
      "SAVEPOINT s",
      "INSERT INTO t (v) VALUES ('d')",
      "RELEASE s",
      "BEGIN EXCLUSIVE",
      "BEGIN",  // nested: an error
      "COMMIT",
      "SELECT * FROM t ORDER BY id",
  });
}

// A schema change another connection made is seen by the first statement
// after a BEGIN prepared from a kept statement, as by SQLite's.
TEST(TxnStatements, AnotherConnectionsSchemaChangeSeenAfterBegin) {
  sqlite3* a = OpenRouted(Name());
  sqlite3* b = OpenRouted(Name());
  for (int i = 0; i < 3; ++i) {  // kept from here on
    ASSERT_EQ(Once(a, "BEGIN "), SQLITE_DONE);
    ASSERT_EQ(Once(a, "COMMIT"), SQLITE_DONE);
  }
  ASSERT_EQ(Once(b, "CREATE TABLE x (v)"), SQLITE_DONE) << sqlite3_errmsg(b);
  ASSERT_EQ(Once(b, "INSERT INTO x VALUES (1)"), SQLITE_DONE) << sqlite3_errmsg(b);
  // (The change is announced asynchronously: heard, it is loaded at the
  // BEGIN's prepare, the last call in autocommit.)
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(Once(a, "BEGIN "), SQLITE_DONE);
  EXPECT_EQ(Scalar(a, "SELECT count(*) FROM x"), 1) << sqlite3_errmsg(a);
  ASSERT_EQ(Once(a, "COMMIT"), SQLITE_DONE);
  // And dropped inside a transaction of its own, seen after it.
  ASSERT_EQ(Once(b, "BEGIN "), SQLITE_DONE);
  ASSERT_EQ(Once(b, "DROP TABLE x"), SQLITE_DONE) << sqlite3_errmsg(b);
  ASSERT_EQ(Once(b, "COMMIT"), SQLITE_DONE);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(Once(a, "BEGIN "), SQLITE_DONE);
  EXPECT_EQ(Once(a, "SELECT * FROM x"), -SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(a), "no such table: x");
  ASSERT_EQ(Once(a, "COMMIT"), SQLITE_DONE);
  sqlite3_close(a);
  sqlite3_close(b);
}

int CountTransactions(void* arg, int action, const char*, const char*, const char*, const char*) {
  if (action == SQLITE_TRANSACTION) {
    ++*static_cast<int*>(arg);
    return SQLITE_DENY;
  }
  return SQLITE_OK;
}

// What a program sees of a prepare, as SQLite: its authorizer called, its
// length limit applied, the tail, the statement's counters from zero.
TEST(TxnStatements, PrepareAsSqlite) {
  Pair p(Name());
  std::vector<std::string> both;  // what the program saw: SQLite's, the route's
  for (sqlite3* db : {p.local, p.routed}) {
    std::string seen;
    int begin = 0, commit = 0;
    for (int i = 0; i < 3; ++i) {
      begin = Once(db, "BEGIN");
      commit = Once(db, "COMMIT");
      seen += std::to_string(begin) + std::to_string(commit) + " ";
    }
    // A tail after the kept text, and an input cut by its length.
    const char* text = "BEGIN; SELECT 1";
    sqlite3_stmt* s = nullptr;
    const char* tail = nullptr;
    seen += std::to_string(sqlite3_prepare_v2(db, text, -1, &s, &tail));
    seen += " tail " + std::to_string(tail - text) + " " + sqlite3_sql(s) + "|";
    sqlite3_finalize(s);
    text = "BEGINXYZ";
    seen += std::to_string(sqlite3_prepare_v2(db, text, 5, &s, &tail));
    seen += " tail " + std::to_string(tail - text) + " " + sqlite3_sql(s) + "|";
    // Counters of a statement prepared again start at zero.
    seen += " run " + std::to_string(sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0));
    seen += " vm " + std::to_string(sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 0) > 0);
    seen += " " + std::to_string(sqlite3_step(s));
    seen += " run " + std::to_string(sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0));
    sqlite3_finalize(s);
    seen += " " + std::to_string(Once(db, "COMMIT"));
    sqlite3_prepare_v2(db, "COMMIT", -1, &s, nullptr);
    seen += " run " + std::to_string(sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0));
    sqlite3_finalize(s);
    // The length limit.
    int old = sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 3);
    int limited = Once(db, "BEGIN");
    seen += " limited " + std::to_string(limited) + " " + sqlite3_errmsg(db);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, old);
    // The program's authorizer sees every prepare of the kept texts.
    int calls = 0;
    sqlite3_set_authorizer(db, CountTransactions, &calls);
    begin = Once(db, "BEGIN");
    commit = Once(db, "COMMIT");
    seen += " denied " + std::to_string(begin) + " " + std::to_string(commit);
    seen += " calls " + std::to_string(calls);
    sqlite3_set_authorizer(db, nullptr, nullptr);
    begin = Once(db, "BEGIN");
    commit = Once(db, "COMMIT");
    seen += " " + std::to_string(begin) + std::to_string(commit);
    both.push_back(seen);
  }
  EXPECT_EQ(both[1], both[0]);
}

// The session lost between transactions (a new one comes with the next
// statement) and inside one (its COMMIT fails, its ROLLBACK ends it): kept
// statements go on either way.
TEST(TxnStatements, SessionLossAndRenewal) {
  std::string table = "lossmark_" + std::to_string(getpid());
  sqlite3* db = OpenRouted(Name());
  ASSERT_EQ(Once(db, ("CREATE TABLE " + table + " (v)").c_str()), SQLITE_DONE);
  std::string ins = "INSERT INTO " + table + " VALUES (1)";
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
    ASSERT_EQ(Once(db, ins.c_str()), SQLITE_DONE) << sqlite3_errmsg(db);
    ASSERT_EQ(Once(db, "COMMIT"), SQLITE_DONE);
  }
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM " + table), 3);  // (the session's last query)
  TerminateSessionsOf(table);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
  EXPECT_EQ(Once(db, ins.c_str()), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Once(db, "COMMIT"), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM " + table), 4);
  // Lost inside a transaction.
  ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
  ASSERT_EQ(Once(db, ins.c_str()), SQLITE_DONE) << sqlite3_errmsg(db);
  TerminateSessionsOf(table);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Once(db, "COMMIT") & 0xff, SQLITE_IOERR);
  EXPECT_EQ(sqlite3_get_autocommit(db), 0);
  EXPECT_EQ(Once(db, "ROLLBACK"), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_get_autocommit(db), 1);
  ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
  EXPECT_EQ(Once(db, ins.c_str()), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Once(db, "COMMIT"), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM " + table), 5);
  sqlite3_close(db);
}

// A child after fork has statements kept by its parent: it runs its
// transactions on a session of its own, the parent goes on with its own.
TEST(TxnStatements, AcrossFork) {
  sqlite3* db = OpenRouted(Name());
  ASSERT_EQ(Once(db, "CREATE TABLE t (v)"), SQLITE_DONE);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
    ASSERT_EQ(Once(db, "INSERT INTO t VALUES (0)"), SQLITE_DONE);
    ASSERT_EQ(Once(db, "COMMIT"), SQLITE_DONE);
  }
  ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);  // open in the parent at the fork
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    alarm(30);  // a hang is a failure
    // The parent's open transaction is not the child's to end: ROLLBACK
    // first (the session it was on is the parent's), then its own.
    bool ok = (Once(db, "ROLLBACK") == SQLITE_DONE);
    for (int i = 0; ok && i < 3; ++i) {
      ok = Once(db, "BEGIN ") == SQLITE_DONE &&
           Once(db, "INSERT INTO t VALUES (1)") == SQLITE_DONE && Once(db, "COMMIT") == SQLITE_DONE;
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(Once(db, "INSERT INTO t VALUES (2)"), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Once(db, "COMMIT"), SQLITE_DONE) << sqlite3_errmsg(db);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t WHERE v = 0"), 3);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t WHERE v = 1"), 3);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t WHERE v = 2"), 1);
  sqlite3_close(db);
}

// Closed with statements kept, and opened again (a parked connection,
// also one whose shadow is made anew): transactions as before.
TEST(TxnStatements, CloseAndReopen) {
  for (int round = 0; round < 3; ++round) {
    sqlite3* db = OpenRouted(Name());
    if (round == 0) {
      ASSERT_EQ(Once(db, "CREATE TABLE t (v)"), SQLITE_DONE);
    }
    // A setting the next user must not inherit: its shadow is made anew.
    if (round == 1) {
      ASSERT_EQ(Once(db, "PRAGMA cache_size = 10"), SQLITE_DONE);
    }
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE) << round;
      ASSERT_EQ(Once(db, "INSERT INTO t VALUES (1)"), SQLITE_DONE) << sqlite3_errmsg(db);
      ASSERT_EQ(Once(db, "COMMIT"), SQLITE_DONE) << round;
    }
    ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);  // closed inside: rolled back
    ASSERT_EQ(Once(db, "INSERT INTO t VALUES (2)"), SQLITE_DONE) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
  }
  sqlite3* db = OpenRouted(Name());
  EXPECT_EQ(sqlite3_get_autocommit(db), 1);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t WHERE v = 1"), 9);
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t WHERE v = 2"), 0);
  sqlite3_close(db);
}

// An interrupted query inside a transaction: the kept ROLLBACK, BEGIN and
// COMMIT run as before.
TEST(TxnStatements, AfterAnInterrupt) {
  sqlite3* db = OpenRouted(Name());
  ASSERT_EQ(Once(db, "CREATE TABLE t (v)"), SQLITE_DONE);
  ASSERT_EQ(Once(db,
                 "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) "
                 "INSERT INTO t SELECT i FROM c"),
            SQLITE_DONE)
      << sqlite3_errmsg(db);
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
    std::thread stopper([db] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      sqlite3_interrupt(db);
    });
    int rc = Once(db, "SELECT count(*) FROM t a, t b, t c WHERE a.v + b.v + c.v = -1");
    stopper.join();
    EXPECT_EQ(rc, SQLITE_INTERRUPT) << sqlite3_errmsg(db);
    EXPECT_EQ(Once(db, "ROLLBACK"), SQLITE_DONE) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_get_autocommit(db), 1);
    ASSERT_EQ(Once(db, "BEGIN "), SQLITE_DONE);
    EXPECT_EQ(Once(db, "INSERT INTO t VALUES (0)"), SQLITE_DONE) << sqlite3_errmsg(db);
    EXPECT_EQ(Once(db, "COMMIT"), SQLITE_DONE) << sqlite3_errmsg(db);
  }
  EXPECT_EQ(Scalar(db, "SELECT count(*) FROM t"), 2002);
  sqlite3_close(db);
}

}  // namespace
}  // namespace litelift::test
