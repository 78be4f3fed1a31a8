// The program's functions, aggregates, window functions and collations in
// reads of routed tables (issue 13, the second executor's read path): the
// same registrations on the real SQLite and on the postgres route, the same
// statements, the same rows, storage classes, codes and messages.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstring>
#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// twice(x): x times the multiplier in its user data (text doubled, NULL
// stays NULL). Deterministic.
void Twice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  int k = *static_cast<int*>(sqlite3_user_data(ctx));
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_INTEGER:
      sqlite3_result_int64(ctx, sqlite3_value_int64(argv[0]) * k);
      break;
    case SQLITE_FLOAT:
      sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) * k);
      break;
    case SQLITE_NULL:
      sqlite3_result_null(ctx);
      break;
    default: {
      std::string t(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
      std::string out;
      for (int i = 0; i < k; ++i) out += t;
      sqlite3_result_text(ctx, out.c_str(), -1, SQLITE_TRANSIENT);
    }
  }
}

// is_even(x): 1 when x is an even integer, else 0.
void IsEven(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int(
      ctx, sqlite3_value_type(argv[0]) == SQLITE_INTEGER && sqlite3_value_int64(argv[0]) % 2 == 0);
}

// ticket(): the next number of the counter in its user data (not
// deterministic: each call a new one).
void Ticket(sqlite3_context* ctx, int, sqlite3_value**) {
  int* n = static_cast<int*>(sqlite3_user_data(ctx));
  sqlite3_result_int(ctx, ++*n);
}

// typeof_arg(x): the storage class the function was given.
void TypeOfArg(sqlite3_context* ctx, int, sqlite3_value** argv) {
  static const char* kNames[] = {"?", "integer", "real", "text", "blob", "null"};
  sqlite3_result_text(ctx, kNames[sqlite3_value_type(argv[0])], -1, SQLITE_STATIC);
}

// boom(x): fails for x = 3.
void Boom(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_int(argv[0]) == 3) {
    sqlite3_result_error(ctx, "boom at three", -1);
    return;
  }
  sqlite3_result_value(ctx, argv[0]);
}

// sumsq(x): the sum of squares (aggregate and window function).
void SumSqStep(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* acc = static_cast<sqlite3_int64*>(sqlite3_aggregate_context(ctx, sizeof(sqlite3_int64)));
  if (acc != nullptr && sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    *acc += sqlite3_value_int64(argv[0]) * sqlite3_value_int64(argv[0]);
  }
}
void SumSqInverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* acc = static_cast<sqlite3_int64*>(sqlite3_aggregate_context(ctx, sizeof(sqlite3_int64)));
  if (acc != nullptr && sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    *acc -= sqlite3_value_int64(argv[0]) * sqlite3_value_int64(argv[0]);
  }
}
void SumSqValue(sqlite3_context* ctx) {
  auto* acc = static_cast<sqlite3_int64*>(sqlite3_aggregate_context(ctx, 0));
  sqlite3_result_int64(ctx, acc != nullptr ? *acc : 0);
}

// rev: binary order reversed.
int Reverse(void*, int n1, const void* a, int n2, const void* b) {
  int c = std::memcmp(a, b, static_cast<size_t>(n1 < n2 ? n1 : n2));
  if (c == 0) c = n1 - n2;
  return -c;
}

// vowelless: compares the text without its vowels ('bat' = 'bt').
int Vowelless(void*, int n1, const void* a, int n2, const void* b) {
  auto strip = [](const void* p, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      char ch = static_cast<const char*>(p)[i];
      if (std::strchr("aeiouAEIOU", ch) == nullptr) out += ch;
    }
    return out;
  };
  return strip(a, n1).compare(strip(b, n2));
}

// The same functions on a handle, each with user data of its own.
struct Registered {
  int multiplier = 2;
  int tickets = 0;
  void On(sqlite3* db) {
    EXPECT_EQ(sqlite3_create_function_v2(db, "twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                         &multiplier, Twice, nullptr, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_function(db, "is_even", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                      IsEven, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_function_v2(db, "ticket", 0, SQLITE_UTF8, &tickets, Ticket, nullptr,
                                         nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_function(db, "typeof_arg", 1, SQLITE_UTF8, nullptr, TypeOfArg, nullptr,
                                      nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_function(db, "boom", 1, SQLITE_UTF8, nullptr, Boom, nullptr, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_function(db, "sumsq", 1, SQLITE_UTF8, nullptr, nullptr, SumSqStep,
                                      SumSqValue),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_window_function(db, "wsumsq", 1, SQLITE_UTF8, nullptr, SumSqStep,
                                             SumSqValue, SumSqValue, SumSqInverse, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_create_collation(db, "rev", SQLITE_UTF8, nullptr, Reverse), SQLITE_OK);
    EXPECT_EQ(
        sqlite3_create_collation_v2(db, "vowelless", SQLITE_UTF8, nullptr, Vowelless, nullptr),
        SQLITE_OK);
  }
};

const std::vector<std::string> kSchema = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, y, name TEXT, r REAL)",
    "INSERT INTO t (x, y, name, r) VALUES (1, 10, 'apple', 1.5), (2, 'ab', 'Bat', 2.25), "
    "(3, 12, 'bt', NULL), (4, NULL, 'cherry', -1.0), (5, 14.5, 'apple', 0.5), "
    "(6, x'00ff', 'date', 6.0), (NULL, 16, NULL, 7.0)",
    "CREATE TABLE u (id INTEGER PRIMARY KEY, tid INTEGER, label TEXT)",
    "INSERT INTO u (tid, label) VALUES (1, 'one'), (2, 'two'), (2, 'deux'), (4, 'four'), "
    "(9, 'none')",
    "CREATE TABLE words (id INTEGER PRIMARY KEY, w TEXT COLLATE rev)",
    "INSERT INTO words (w) VALUES ('b'), ('a'), ('c'), ('ab')",
};

struct UdfPair : Pair {
  Registered on_local, on_routed;
  explicit UdfPair(const std::string& name) : Pair(name) {
    on_local.On(local);
    on_routed.On(routed);
    Same(kSchema);
  }
};

TEST(Udf, ScalarsInSelectAndWhere) {
  UdfPair p(Name());
  p.Same({
      "SELECT twice(x) FROM t ORDER BY id",
      "SELECT twice(x), twice(name), twice(r), twice(y) FROM t ORDER BY id",
      "SELECT id, typeof_arg(y), typeof_arg(x), typeof_arg(r) FROM t ORDER BY id",
      "SELECT id, name FROM t WHERE is_even(y) ORDER BY id",
      "SELECT twice(x) FROM t WHERE is_even(x) AND name IS NOT NULL ORDER BY id",
      "SELECT twice(x) AS d FROM t WHERE twice(x) > 6 ORDER BY d DESC",
      "SELECT id FROM t WHERE id = 3 AND is_even(y)",
      "SELECT id, twice(x) FROM t WHERE x >= 2 AND x < 5 AND y IS NOT NULL ORDER BY 1",
      "SELECT id FROM t WHERE name = 'apple' AND twice(id) > 0 ORDER BY id",
      "SELECT id FROM t WHERE x IS NULL AND twice(1) = 2",
      "SELECT id FROM t WHERE x IN (1, 3, 5) AND is_even(x) = 0 ORDER BY id",
      "SELECT count(*) FROM t WHERE is_even(x)",
      "SELECT ticket(), id FROM t ORDER BY id",
      "SELECT id, boom(x) FROM t ORDER BY id",
      "SELECT id FROM t WHERE twice(x) = 4 ORDER BY id",
      "SELECT no_such_fn(x) FROM t",
  });
}

TEST(Udf, AggregatesAndWindows) {
  UdfPair p(Name());
  p.Same({
      "SELECT sumsq(x) FROM t",
      "SELECT name, sumsq(x), count(*) FROM t GROUP BY name ORDER BY name",
      "SELECT is_even(x) AS e, sumsq(x) FROM t GROUP BY e ORDER BY e",
      "SELECT id, wsumsq(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
      "FROM t ORDER BY id",
      "SELECT id, wsumsq(x) OVER (PARTITION BY is_even(id) ORDER BY id) FROM t ORDER BY id",
  });
}

TEST(Udf, Collations) {
  UdfPair p(Name());
  p.Same({
      "SELECT name FROM t ORDER BY name COLLATE rev, id",
      "SELECT id FROM t WHERE name = 'bat' COLLATE vowelless ORDER BY id",
      "SELECT id FROM t WHERE name COLLATE vowelless = 'Bt' ORDER BY id",
      "SELECT id FROM t WHERE name < 'b' COLLATE rev ORDER BY id",
      "SELECT w FROM words ORDER BY w",
      "SELECT w FROM words WHERE w > 'b' ORDER BY id",
      "SELECT max(w), min(w) FROM words",
      "SELECT name FROM t WHERE name IS NOT NULL ORDER BY name COLLATE no_such_coll",
  });
}

TEST(Udf, JoinOfTwoRoutedTables) {
  UdfPair p(Name());
  p.Same({
      "SELECT t.id, twice(t.x), u.label FROM t JOIN u ON u.tid = t.id WHERE is_even(t.x) "
      "ORDER BY t.id, u.id",
      "SELECT u.label, twice(t.name) FROM u LEFT JOIN t ON t.id = u.tid ORDER BY u.id",
      "SELECT t.name, sumsq(u.tid) FROM t, u WHERE u.tid = t.x GROUP BY t.name ORDER BY 1",
  });
}

TEST(Udf, TransactionReadsItsOwnWrites) {
  UdfPair p(Name());
  p.Same({
      "BEGIN",
      "INSERT INTO t (x, name) VALUES (100, 'new')",
      "UPDATE t SET x = 8 WHERE id = 1",
      "SELECT id, twice(x) FROM t WHERE is_even(x) ORDER BY id",
      "SELECT sumsq(x) FROM t",
      "ROLLBACK",
      "SELECT id, twice(x) FROM t WHERE is_even(x) ORDER BY id",
  });
}

TEST(Udf, AttachedDatabase) {
  UdfPair p(Name());
  p.Same({
      "ATTACH ':memory:' AS aux",
      "CREATE TABLE aux.v (id INTEGER PRIMARY KEY, n INTEGER)",
      "INSERT INTO aux.v (n) VALUES (3), (4), (5)",
      "SELECT twice(n) FROM aux.v WHERE is_even(n) ORDER BY id",
      "SELECT v.id, twice(t.x) FROM aux.v JOIN main.t ON t.x = v.n ORDER BY v.id",
  });
}

// A parameter bound into the pushed-down constraint (WHERE id = ?) and the
// same statement run again with another value.
TEST(Udf, BoundParameters) {
  UdfPair p(Name());
  for (sqlite3* db : {p.local, p.routed}) {
    std::string seen;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT twice(x), twice(name) FROM t WHERE id = ?", -1, &st,
                                 nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    for (int id : {2, 5, 42}) {
      sqlite3_bind_int(st, 1, id);
      while (sqlite3_step(st) == SQLITE_ROW) {
        seen += std::to_string(sqlite3_column_int64(st, 0)) + ":" +
                reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) + ";";
      }
      sqlite3_reset(st);
    }
    sqlite3_bind_text(st, 1, "3", -1, SQLITE_TRANSIENT);  // affinity makes it 3
    while (sqlite3_step(st) == SQLITE_ROW) seen += std::to_string(sqlite3_column_int64(st, 0));
    EXPECT_EQ(sqlite3_finalize(st), SQLITE_OK);
    EXPECT_EQ(seen, "4:BatBat;10:appleapple;6") << (db == p.local ? "local" : "routed");
  }
}

// Writes calling the program's functions: each row the embedded engine
// writes goes to the server (rowids, defaults, constraints, triggers
// there), changes() and last_insert_rowid() as SQLite's.
TEST(Udf, Writes) {
  UdfPair p(Name());
  p.Same({
      "UPDATE t SET x = twice(x) WHERE is_even(id)",
      "SELECT * FROM t ORDER BY id",
      "SELECT changes(), total_changes(), last_insert_rowid()",
      "INSERT INTO t (x, name) SELECT twice(x), twice(name) FROM t WHERE is_even(x) ORDER BY id",
      "SELECT * FROM t ORDER BY id",
      "SELECT changes(), total_changes(), last_insert_rowid()",
      "DELETE FROM t WHERE is_even(x) AND id > 7",
      "SELECT * FROM t ORDER BY id",
      "UPDATE t SET name = twice(name), r = twice(r) WHERE id = 3",
      "UPDATE t SET id = twice(id) WHERE id = 6",
      "INSERT INTO u (tid, label) VALUES (twice(5), 'ten')",
      "INSERT INTO u (id, tid, label) VALUES (twice(50), 1, 'hundred')",
      "INSERT INTO u (rowid, tid, label) SELECT twice(200), 2, 'four hundred'",
      "SELECT * FROM u ORDER BY id",
      "UPDATE words SET w = twice(w) WHERE w > 'b'",
      "SELECT w FROM words ORDER BY w",
      "UPDATE t SET x = twice(x) WHERE id = 99",
      "SELECT * FROM t ORDER BY id",
  });
}

TEST(Udf, WritesWithDefaultsConstraintsAndTriggers) {
  UdfPair p(Name());
  p.Same({
      "CREATE TABLE n (id INTEGER PRIMARY KEY, v TEXT NOT NULL DEFAULT 'd', w, "
      "k INTEGER UNIQUE)",
      "INSERT INTO n (w, k) VALUES (twice(2), 1), (twice('a'), 2), (twice(3), 3)",
      "SELECT * FROM n ORDER BY id",
      "UPDATE n SET v = NULL WHERE is_even(w)",
      "SELECT * FROM n ORDER BY id",
      "UPDATE n SET k = twice(k) + 1 WHERE is_even(id) = 0",
      "SELECT * FROM n ORDER BY id",
      "UPDATE n SET k = 5 WHERE twice(k) > 0",
      "SELECT * FROM n ORDER BY id",
      "UPDATE OR IGNORE n SET k = 1 WHERE twice(k) > 0",
      "SELECT changes()",
      "SELECT * FROM n ORDER BY id",
      "INSERT OR REPLACE INTO n (id, v, k) VALUES (twice(1), 'replaced', 9)",
      "SELECT * FROM n ORDER BY id",
      "CREATE TABLE log (msg)",
      "CREATE TRIGGER tr AFTER UPDATE OF x ON t BEGIN INSERT INTO log VALUES ('x ' || new.id); "
      "END",
      "UPDATE t SET name = twice(name) WHERE id = 1",
      "UPDATE t SET x = twice(x) WHERE id = 2",
      "SELECT changes()",
      "SELECT * FROM log",
      "INSERT INTO u (tid, label) VALUES (twice(changes()), last_insert_rowid())",
      "INSERT INTO u (tid, label) SELECT twice(id), last_insert_rowid() FROM t WHERE id < 3",
      "SELECT * FROM u ORDER BY id",
  });
}

// A failure part-way (the program's function, or the server refusing a
// row) leaves nothing of the statement; the transaction around it stays.
TEST(Udf, FailedWritesAreAtomic) {
  UdfPair p(Name());
  p.Same({
      "UPDATE t SET x = boom(x)",
      "SELECT * FROM t ORDER BY id",
      "CREATE UNIQUE INDEX ul ON u(label)",
      "UPDATE u SET label = 'l' || is_even(tid)",
      "SELECT * FROM u ORDER BY id",
      "BEGIN",
      "INSERT INTO u (tid, label) VALUES (7, 'seven')",
      "UPDATE u SET label = 'l' || is_even(tid)",
      "DELETE FROM t WHERE boom(x) > 0",
      "SELECT * FROM u ORDER BY id",
      "SELECT * FROM t ORDER BY id",
      "UPDATE OR FAIL u SET label = 'f' || is_even(tid)",
      "SELECT changes()",
      "SELECT * FROM u ORDER BY id",
      "COMMIT",
      "SELECT * FROM u ORDER BY id",
      "BEGIN",
      "INSERT INTO t (x) VALUES (twice(21))",
      "UPDATE OR ROLLBACK u SET label = 'r' || is_even(tid)",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
  });
  EXPECT_EQ(sqlite3_get_autocommit(p.routed), sqlite3_get_autocommit(p.local));
  // sqlite3_next_stmt shows only the program's statements.
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(p.routed, "SELECT twice(x) FROM t ORDER BY id", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_next_stmt(p.routed, nullptr), st);
  EXPECT_EQ(sqlite3_next_stmt(p.routed, st), nullptr);
  EXPECT_EQ(sqlite3_finalize(st), SQLITE_OK);
}

// A function's own queries through sqlite3_context_db_handle: they read
// (and write) the rows the program sees.
void RunOnHandle(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt* st = nullptr;
  const char* sql = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    return;
  }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
  } else if (rc == SQLITE_DONE) {
    sqlite3_result_int(ctx, sqlite3_changes(db));
  } else {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
  }
  sqlite3_finalize(st);
}

TEST(Udf, ContextDbHandle) {
  UdfPair p(Name());
  for (sqlite3* db : {p.local, p.routed}) {
    ASSERT_EQ(
        sqlite3_create_function(db, "run", 1, SQLITE_UTF8, nullptr, RunOnHandle, nullptr, nullptr),
        SQLITE_OK);
  }
  p.Same({
      "SELECT run('SELECT count(*) FROM t')",
      "SELECT run('SELECT group_concat(name) FROM t WHERE id < 4')",
      "SELECT id, run('SELECT count(*) FROM u WHERE tid = ' || id) FROM t ORDER BY id",
      "SELECT run('UPDATE u SET label = upper(label) WHERE tid = 2')",
      "SELECT * FROM u ORDER BY id",
      "SELECT run('SELECT twice(count(*)) FROM u')",
  });
  // A schema change through it would act on the engine's own empty
  // database: refused, never silently local.
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(p.routed, "SELECT run('CREATE TABLE z (a)')", -1, &st, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(p.routed), "not authorized");
  sqlite3_finalize(st);
}

// Changing a function while a statement that calls it is running: SQLite
// refuses (SQLITE_BUSY, its message) and keeps the old one; then, with the
// statement done, the change applies.
TEST(Udf, ChangedWhileRunning) {
  UdfPair p(Name());
  static int three = 3;
  std::vector<std::string> seen;
  for (sqlite3* db : {p.local, p.routed}) {
    std::string out;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT twice(x) FROM t WHERE x IS NOT NULL ORDER BY id", -1,
                                 &st, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    int rc = sqlite3_create_function_v2(db, "twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, &three,
                                        Twice, nullptr, nullptr, nullptr);
    out += std::to_string(rc) + " " + sqlite3_errmsg(db) + ";";
    while (sqlite3_step(st) == SQLITE_ROW) out += std::to_string(sqlite3_column_int(st, 0)) + ",";
    sqlite3_reset(st);
    rc = sqlite3_create_function_v2(db, "twice", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, &three,
                                    Twice, nullptr, nullptr, nullptr);
    out += std::to_string(rc) + ";";
    while (sqlite3_step(st) == SQLITE_ROW) out += std::to_string(sqlite3_column_int(st, 0)) + ",";
    sqlite3_finalize(st);
    seen.push_back(out);
  }
  EXPECT_EQ(seen[1], seen[0]);
  EXPECT_EQ(seen[0].substr(0, 2), "5 ");
}

// The savepoint of a write through the engine is taken only before its
// second row reaches the server (its first UPDATE or DELETE row waits):
// whichever row fails, and whatever fails (the program's function, the
// server's constraint, before or after the first row), only that statement
// is undone, in a transaction and in autocommit.
TEST(Udf, LazySavepointKeepsStatementsAtomic) {
  UdfPair p(Name());
  p.Same({
      "CREATE UNIQUE INDEX ul ON u(label)",
      "BEGIN",
      "UPDATE t SET x = twice(x) WHERE id = 2",
      // The first row waits, the function fails on the second: nothing sent.
      "UPDATE t SET x = boom(x) WHERE id IN (1, 3)",
      // The first row sent (with the savepoint), the server refuses the
      // second: the first is undone.
      "UPDATE u SET label = 'same' || is_even(tid) WHERE id IN (2, 3)",
      "SELECT changes()",
      // One row, refused by the server: alone, atomic by itself.
      "UPDATE u SET label = substr(twice('one'), 1, 3) WHERE id = 2",
      "UPDATE u SET label = 'one' WHERE twice(id) = 4",
      "SELECT changes()",
      // Many rows through, then a DELETE of many, then one row of each.
      "UPDATE t SET r = twice(r) WHERE is_even(id)",
      "SELECT changes(), total_changes()",
      "DELETE FROM u WHERE is_even(tid) AND id > 2",
      "SELECT changes(), total_changes()",
      "DELETE FROM u WHERE twice(id) = 2",
      "SELECT changes(), total_changes()",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      "ROLLBACK",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      // Autocommit: the statement is its own transaction.
      "UPDATE t SET x = boom(x) WHERE id IN (1, 3)",
      "UPDATE u SET label = 'same' || is_even(tid) WHERE id IN (2, 3)",
      "UPDATE u SET label = 'one' WHERE twice(id) = 4",
      "UPDATE t SET x = twice(x) WHERE id = 2",
      "SELECT changes(), total_changes()",
      "DELETE FROM t WHERE twice(id) = 14",
      "SELECT changes(), total_changes()",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      // A later statement of the transaction fails: the earlier one-row
      // writes (no savepoint of their own) stay.
      "BEGIN",
      "UPDATE t SET x = twice(x) WHERE id = 1",
      "DELETE FROM u WHERE twice(id) = 10",
      "UPDATE u SET label = 'same' || is_even(tid)",
      "COMMIT",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
  });
  EXPECT_EQ(sqlite3_get_autocommit(p.routed), sqlite3_get_autocommit(p.local));
}

// A prepared write run again and again (its server statements and the
// engine's transaction commands are kept between runs), with the update
// hook and a commit hook seeing each one as SQLite's do.
int CountCommit(void* n) {
  ++*static_cast<int*>(n);
  return 0;
}
void CountUpdate(void* n, int, const char*, const char*, sqlite3_int64) { ++*static_cast<int*>(n); }

TEST(Udf, RepeatedPointWrites) {
  UdfPair p(Name());
  std::vector<std::string> seen;
  for (sqlite3* db : {p.local, p.routed}) {
    int commits = 0, updates = 0;
    sqlite3_commit_hook(db, CountCommit, &commits);
    sqlite3_update_hook(db, CountUpdate, &updates);
    std::string out;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE t SET x = twice(x) WHERE id = ?", -1, &st, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    for (int round = 0; round < 2; ++round) {
      if (round == 1) sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      for (int id : {1, 2, 3, 42, 2}) {
        sqlite3_bind_int(st, 1, id);
        out += std::to_string(sqlite3_step(st)) + ":" + std::to_string(sqlite3_changes(db)) + ",";
        sqlite3_reset(st);
      }
      if (round == 1) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    sqlite3_finalize(st);
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT group_concat(x) FROM t", -1, &q, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    out += reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    out += " commits " + std::to_string(commits) + " updates " + std::to_string(updates);
    sqlite3_commit_hook(db, nullptr, nullptr);
    sqlite3_update_hook(db, nullptr, nullptr);
    seen.push_back(out);
  }
  EXPECT_EQ(seen[1], seen[0]);
}

// The engine's scans keep their server statements between runs: the same
// plan run again (another statement, another parameter), two cursors of
// one plan at once (a self-join), a scan left part-way (LIMIT) and taken
// up again, each reading the transaction's own writes.
TEST(Udf, ScansRunAgain) {
  UdfPair p(Name());
  p.Same({
      "SELECT twice(x) FROM t WHERE id = 2",
      "SELECT twice(name) FROM t WHERE id = 2",
      "SELECT a.id, twice(a.x), b.name FROM t a JOIN t b ON b.id = a.id + 1 ORDER BY a.id",
      "SELECT twice(x) FROM t ORDER BY id LIMIT 2",
      "SELECT twice(x) FROM t ORDER BY id",
      "BEGIN",
      "UPDATE t SET x = 40 WHERE id = 2",
      "SELECT twice(x) FROM t WHERE id = 2",
      "SELECT twice(x) FROM t ORDER BY id LIMIT 3",
      "SELECT a.id, twice(a.x), b.x FROM t a JOIN t b ON b.id = a.id + 1 ORDER BY a.id",
      "ROLLBACK",
      "SELECT twice(x) FROM t WHERE id = 2",
      "SELECT twice(x) FROM t ORDER BY id",
  });
}

// A function that runs a statement on the program's own handle (its user
// data) while a write calling it runs: the nested write is part of the
// outer statement, undone with it when a later row fails.
void RunOnProgram(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* db = static_cast<sqlite3*>(sqlite3_user_data(ctx));
  sqlite3_stmt* st = nullptr;
  const char* sql = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    return;
  }
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    sqlite3_result_int(ctx, sqlite3_changes(db));
  } else {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
  }
  sqlite3_finalize(st);
}

TEST(Udf, NestedWriteThroughTheProgramsHandle) {
  UdfPair p(Name());
  for (sqlite3* db : {p.local, p.routed}) {
    ASSERT_EQ(
        sqlite3_create_function(db, "prog", 1, SQLITE_UTF8, db, RunOnProgram, nullptr, nullptr),
        SQLITE_OK);
  }
  p.Same({
      "UPDATE t SET x = x + prog('UPDATE u SET label = twice(label) WHERE id = ' || id) "
      "WHERE id IN (1, 2)",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      "UPDATE t SET x = boom(x + prog('UPDATE u SET label = upper(label) WHERE id = ' || id)) "
      "WHERE id IN (1, 3)",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      "BEGIN",
      "UPDATE t SET x = boom(x + prog('DELETE FROM u WHERE twice(id) = ' || (2 * id))) "
      "WHERE id IN (2, 3)",
      "UPDATE t SET x = twice(x) + prog('DELETE FROM u WHERE twice(id) = 10') WHERE id = 4",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM u ORDER BY id",
      "COMMIT",
      "SELECT * FROM u ORDER BY id",
  });
}

}  // namespace
}  // namespace litelift::test
