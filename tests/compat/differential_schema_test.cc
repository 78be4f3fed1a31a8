// Differential tests of the schema on PostgreSQL: DDL on the real SQLite
// and on the postgres route, then the rows, sqlite_master and the PRAGMAs
// compared (tests/compat/pair.h).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

// Generated columns, VIRTUAL and STORED: computed on every write, shown by
// SELECT *, never given by INSERT without a column list.
TEST(Differential, GeneratedColumns) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE g (x INT, y INT GENERATED ALWAYS AS (x * 2) STORED, w TEXT AS "
      "(upper(s) || '!') VIRTUAL, s TEXT, k TEXT UNIQUE)",
      "INSERT INTO g (x, s, k) VALUES (3, 'ab', 'k1')",
      "INSERT INTO g VALUES (4, 'cd', 'k2')",
      "UPDATE g SET x = 10, s = 'zz' WHERE x = 3",
      "SELECT rowid, * FROM g",
      "SELECT y, w FROM g WHERE y > 10",
      "INSERT INTO g (y) VALUES (1)",
      "ALTER TABLE g ADD COLUMN v REAL AS (x / 4.0)",
      "REPLACE INTO g (x, s, k) VALUES (5, 'r', 'k2')",
      "SELECT rowid, * FROM g",
      "PRAGMA table_xinfo(g)",
  });
}

// REPLACE that gives the rowid of a table without INTEGER PRIMARY KEY:
// the rowid is a key like the others.
TEST(Differential, ReplaceGivingTheRowid) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE h (a TEXT UNIQUE, b INT)",
      "INSERT INTO h (rowid, a, b) VALUES (10, 'x', 1), (11, 'y', 2)",
      "REPLACE INTO h (rowid, a, b) VALUES (3, 'x', 3)",
      "REPLACE INTO h (rowid, b) VALUES (11, 4)",
      "REPLACE INTO h (a, b) VALUES ('x', 5)",
      "SELECT rowid, * FROM h",
  });
}

// A virtual table other than a full-text one (differential_fts_test.cc)
// cannot live on the server: refused by name, nothing made.
TEST(Differential, VirtualTablesAreRefused) {
  Pair p(Name());
  char* error = nullptr;
  int rc = sqlite3_exec(p.routed, "CREATE VIRTUAL TABLE v USING rtree(id, x0, x1)", nullptr,
                        nullptr, &error);
  EXPECT_EQ(rc, SQLITE_ERROR);
  EXPECT_STREQ(error, "litelift: virtual tables are not supported on the postgres route");
  sqlite3_free(error);
  EXPECT_EQ(Describe(p.routed, "SELECT count(*) FROM sqlite_master").find("row: int 0"),
            std::string("columns: count(*) -\nreadonly 1\n").size());
}

// EXPLAIN and EXPLAIN QUERY PLAN: SQLite's program and plan for the
// statement (the schema decides them), never running it.
TEST(Differential, ExplainIsSqlites) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE s (id INTEGER PRIMARY KEY, v TEXT, w INT)",
      "CREATE INDEX sw ON s (w)",
      "INSERT INTO s VALUES (1, 'a', 3)",
      "EXPLAIN QUERY PLAN SELECT * FROM s WHERE id = 1",
      "EXPLAIN QUERY PLAN SELECT v, count(*) FROM s WHERE w > 2 GROUP BY v ORDER BY v",
      "EXPLAIN QUERY PLAN INSERT INTO s VALUES (2, 'b', 4)",
      "EXPLAIN QUERY PLAN UPDATE s SET v = 'x' WHERE w = 3",
      "EXPLAIN SELECT v FROM s WHERE id = 1",
      "EXPLAIN DELETE FROM s",
      "SELECT * FROM s",
  });
}

// A column's declared collation decides its comparisons, its order and its
// keys' uniqueness, as SQLite's.
TEST(Differential, ColumnCollations) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE UNIQUE, tag TEXT "
      "COLLATE RTRIM, n INT)",
      "INSERT INTO u (email, tag, n) VALUES ('A@x.com', 'red  ', 1), ('b@x.com', 'blue', 2)",
      "INSERT INTO u (email) VALUES ('a@X.COM')",
      "SELECT id FROM u WHERE email = 'B@X.COM' OR 'a@x.com' = email ORDER BY id",
      "SELECT id FROM u WHERE email IN ('B@X.com') OR tag = 'red' ORDER BY id",
      "SELECT email FROM u ORDER BY email DESC",
      "SELECT email FROM u WHERE email = 'a@x.com' COLLATE BINARY",
      "INSERT INTO u (email, n) VALUES ('B@X.COM', 5) ON CONFLICT (email) DO UPDATE SET n = "
      "excluded.n",
      "INSERT OR REPLACE INTO u (email, tag) VALUES ('A@X.COM', 'new')",
      "INSERT OR IGNORE INTO u (email) VALUES ('NEW@x'), ('new@X')",
      "SELECT * FROM u ORDER BY id",
      "CREATE TABLE k (code TEXT PRIMARY KEY COLLATE NOCASE, v INT) WITHOUT ROWID",
      "INSERT INTO k VALUES ('ab', 1)",
      "INSERT INTO k VALUES ('AB', 2)",
      "INSERT INTO k VALUES ('AB', 3) ON CONFLICT DO UPDATE SET v = excluded.v",
      "SELECT * FROM k",
  });
}

// Indexes on expressions and under collations: made on the server, unique
// ones enforced as SQLite does (naming the index when it is on an
// expression).
TEST(Differential, IndexesOnExpressions) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INT)",
      "INSERT INTO t (name, n) VALUES ('Bob', 1), ('al', 2)",
      "CREATE INDEX t_lower ON t (lower(name), n DESC)",
      "CREATE UNIQUE INDEX t_name ON t (name COLLATE NOCASE)",
      "INSERT INTO t (name) VALUES ('BOB')",
      "CREATE UNIQUE INDEX t_double ON t (n * 2) WHERE n > 0",
      "INSERT INTO t (name, n) VALUES ('x', 2)",
      "INSERT INTO t (name, n) VALUES ('y', -2), ('z', -2)",
      "SELECT name FROM t WHERE lower(name) = 'bob'",
      "PRAGMA index_list(t)",
      "PRAGMA index_xinfo(t_lower)",
      "DROP INDEX t_lower",
      "SELECT name FROM sqlite_master ORDER BY name",
  });
}

// An untyped column keeps the storage class each value was given, and
// behaves as SQLite's in comparisons, order, arithmetic and functions.
TEST(Differential, UntypedColumnsKeepWhatIsStored) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE u (id INTEGER PRIMARY KEY, x, n INT, s TEXT)",
      "INSERT INTO u (x, n, s) VALUES (1, 1, '1'), ('1', 2, 'x'), (1.5, 3, '1.5'), (x'01ff', 4, "
      "'b'), (NULL, 5, NULL), (3.0, 6, 'z'), ('it''s', 7, 'q'), (-7, 8, '-7'), ('10', 9, '10')",
      "SELECT id, x, typeof(x) FROM u",
      "SELECT id FROM u WHERE x = 1 OR x = 'it''s' OR x > 2.9 ORDER BY id",
      "SELECT id FROM u WHERE x = n ORDER BY id",
      "SELECT id FROM u WHERE x = s ORDER BY id",
      "SELECT id FROM u WHERE x IN (1, '10', x'01ff') ORDER BY id",
      "SELECT id FROM u WHERE x BETWEEN 0 AND 'b' ORDER BY id",
      "SELECT x FROM u ORDER BY x",
      "SELECT x FROM u ORDER BY x DESC",
      "SELECT x, count(*) FROM u GROUP BY x ORDER BY 1",
      "SELECT min(x), max(x), count(x), typeof(sum(x)) FROM u",
      "SELECT id, x + 1, x * 2, -x, x / 2, length(x), quote(x), hex(x) FROM u WHERE id != 4",
      "SELECT id, x || '!', upper(x), substr(x, 1, 1), x LIKE '1%', coalesce(x, 'none') FROM u "
      "WHERE id != 4",
      "SELECT id, CAST(x AS INTEGER), CAST(x AS TEXT), CAST(x AS REAL) FROM u WHERE id != 4",
      "SELECT id, CASE WHEN n > 4 THEN x ELSE 0 END, iif(x, 'yes', 'no') FROM u",
      "SELECT id, json_array(x), json_object('k', x) FROM u WHERE id != 4",
      "UPDATE u SET x = x + 100 WHERE typeof(x) = 'integer'",
      "UPDATE u SET x = s WHERE id = 5",
      "INSERT INTO u (x) SELECT s FROM u WHERE id < 3",
      "INSERT INTO u (x) VALUES (?1)",
      "SELECT id, x, typeof(x) FROM u",
      "CREATE TABLE d (k, v DEFAULT 0, w DEFAULT 'none', z DEFAULT 1.5)",
      "INSERT INTO d (k) VALUES (1)",
      "SELECT k, typeof(k), v, typeof(v), w, z, typeof(z) FROM d",
      "CREATE UNIQUE INDEX d_k ON d (k)",
      "INSERT INTO d (k) VALUES (1.0)",
      "INSERT INTO d (k) VALUES ('1')",
      "SELECT k, typeof(k) FROM d ORDER BY k",
  });
}

// An untyped column that references another table holds its keys: its
// foreign key works on the server.
TEST(Differential, UntypedForeignKeyColumns) {
  Pair p(Name());
  p.Same({
      "PRAGMA foreign_keys = ON",
      "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)",
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id REFERENCES parent (id), note)",
      "INSERT INTO parent (name) VALUES ('a'), ('b')",
      "INSERT INTO child (parent_id, note) VALUES (1, 'x'), (2, 5)",
      "INSERT INTO child (parent_id) VALUES (3)",
      "SELECT c.id, p.name, c.note, typeof(c.note) FROM child c JOIN parent p ON p.id = "
      "c.parent_id",
      "PRAGMA foreign_key_list(child)",
  });
}

// NUMERIC affinity columns: whole values are integers, others reals, and
// integers divide as integers.
TEST(Differential, NumericColumnsStoreAsSqlite) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (b NUMERIC, f DECIMAL(10,2), d BOOLEAN)",
      "INSERT INTO t VALUES ('12', '3.50', 1), (1.0, 2, 0), ('1e3', 7, 2), (2.5, '1.0', 1)",
      "INSERT INTO t VALUES (?1, ?2, ?3)",
      "UPDATE t SET f = '10.00' WHERE d = 0",
      "SELECT b, typeof(b), f, typeof(f), d FROM t",
      "SELECT b * 1.5, f + 1, b / 2, b % 5, f / 2, 7 / b, f % 2 FROM t",
      "SELECT sum(b), sum(f), typeof(sum(f)), avg(b) FROM t",
  });
}

// A type name SQLite does not know (JSON, UUID, ...) has NUMERIC affinity:
// numbers stay numbers, text that reads as one becomes one, other text
// stays text.
TEST(Differential, UnknownTypeNamesHoldText) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE j (id INTEGER PRIMARY KEY, data JSON, key UUID, misc FOO)",
      "INSERT INTO j (data, key, misc) VALUES ('{\"a\": [1, 2]}', "
      "'6f1c2a3e-0000-4000-8000-000000000001', '12'), ('[]', 'k2', 3.0), (NULL, ' 7 ', 'x')",
      "SELECT id, data, typeof(data), key, misc, typeof(misc) FROM j",
      "SELECT id, json_extract(data, '$.a[1]'), data ->> '$.a[0]' FROM j WHERE data IS NOT NULL",
      "SELECT id FROM j WHERE misc = '12' OR key = 7 OR misc = 3 ORDER BY id",
      "UPDATE j SET misc = '4.0' WHERE id = 3",
      "SELECT misc, typeof(misc) FROM j ORDER BY misc",
  });
}

// Triggers: BEFORE, AFTER and INSTEAD OF, UPDATE OF, WHEN, NEW and OLD,
// RAISE(); triggers that cascade into other triggers; dropped with their
// table, moved with a renamed one.
TEST(Differential, TriggersLikeSqlite) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INT, touched TEXT)",
      "CREATE TABLE log (id INTEGER PRIMARY KEY, what TEXT, x)",
      "CREATE TABLE tally (n INT)",
      "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN INSERT INTO log (what, x) VALUES ('ins', "
      "new.id); END",
      "CREATE TRIGGER log_ins AFTER INSERT ON log WHEN new.what = 'ins' BEGIN INSERT INTO tally "
      "VALUES (new.x * 10); END",
      "CREATE TRIGGER t_upd AFTER UPDATE OF v ON t FOR EACH ROW WHEN old.v <> new.v BEGIN INSERT "
      "INTO log (what, x) VALUES ('upd ' || old.v || '->' || new.v, new.n); UPDATE t SET "
      "touched = 'yes' WHERE id = new.id; END",
      "CREATE TRIGGER t_chk BEFORE INSERT ON t BEGIN SELECT RAISE(ABORT, 'n must be positive') "
      "WHERE new.n < 0; END",
      "CREATE TRIGGER t_del BEFORE DELETE ON t BEGIN SELECT CASE WHEN old.n = 99 THEN "
      "RAISE(IGNORE) END; INSERT INTO log (what) VALUES ('del ' || old.v); END",
      "INSERT INTO t (v, n) VALUES ('a', 1), ('b', 99)",
      "INSERT INTO t (v, n) VALUES ('c', -1)",
      "UPDATE t SET v = 'z' WHERE id = 1",
      "UPDATE t SET n = 5 WHERE id = 1",
      "DELETE FROM t",
      "SELECT * FROM t",
      "SELECT * FROM log",
      "SELECT * FROM tally",
      "SELECT type, name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
      "DROP TRIGGER t_ins",
      "INSERT INTO t (v, n) VALUES ('q', 1)",
      "SELECT count(*) FROM log",
      "ALTER TABLE t RENAME TO t2",
      "UPDATE t2 SET v = 'w' WHERE v = 'q'",
      "SELECT what, x FROM log ORDER BY id DESC LIMIT 1",
      "DROP TABLE t2",
      "SELECT type, name FROM sqlite_master ORDER BY name",
      // INSTEAD OF triggers make a view writable.
      "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)",
      "CREATE VIEW av AS SELECT id, v, length(v) AS len FROM a",
      "CREATE TRIGGER av_ins INSTEAD OF INSERT ON av BEGIN INSERT INTO a (v) VALUES (new.v); END",
      "CREATE TRIGGER av_upd INSTEAD OF UPDATE ON av BEGIN UPDATE a SET v = new.v WHERE id = "
      "old.id; END",
      "CREATE TRIGGER av_del INSTEAD OF DELETE ON av BEGIN DELETE FROM a WHERE id = old.id; END",
      "INSERT INTO av (v) VALUES ('x'), ('yy')",
      "UPDATE av SET v = 'zzz' WHERE len = 2",
      "DELETE FROM av WHERE v = 'x'",
      "SELECT * FROM av",
  });
}

// Foreign keys act only while PRAGMA foreign_keys is on (off by default),
// with SQLite's actions; a child may be created before its parent.
TEST(Differential, ForeignKeysLikeSqlite) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE c (pid INT REFERENCES p (id) ON DELETE CASCADE, note TEXT)",
      "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)",
      "INSERT INTO c VALUES (5, 'orphan, allowed: foreign keys are off')",
      "PRAGMA foreign_keys = ON",
      "INSERT INTO c VALUES (6, 'orphan')",
      "INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c')",
      "INSERT INTO c VALUES (1, 'x'), (2, 'y'), (NULL, 'no parent needed')",
      "DELETE FROM p WHERE id = 1",
      "SELECT * FROM c",
      "CREATE TABLE d (pid INT REFERENCES p (id) ON UPDATE CASCADE ON DELETE SET NULL)",
      "INSERT INTO d VALUES (2)",
      "UPDATE p SET id = 20 WHERE id = 2",
      "SELECT * FROM d",
      "DELETE FROM p WHERE id = 20",
      "SELECT * FROM d",
      "CREATE TABLE e (pid INT, FOREIGN KEY (pid) REFERENCES p)",
      "INSERT INTO e VALUES (3)",
      "DELETE FROM p WHERE id = 3",
      "UPDATE e SET pid = 99",
      "UPDATE p SET name = 'still c' WHERE id = 3",
      "PRAGMA foreign_keys = OFF",
      "DELETE FROM p WHERE id = 3",
      "SELECT * FROM e",
      "PRAGMA foreign_keys = ON",
      "ALTER TABLE p RENAME TO parent",
      "INSERT INTO parent VALUES (7, 'g')",
      "INSERT INTO e VALUES (7)",
      "INSERT INTO e VALUES (8)",
      "DELETE FROM parent WHERE id = 7",
      "PRAGMA foreign_key_list(e)",
      "DROP TABLE e",
      "DELETE FROM parent",
  });
}

// TEMP tables, views, triggers and indexes belong to their connection: the
// database's other connections never see them, and they go at close.
TEST(Differential, TempObjectsBelongToTheConnection) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO t (v) VALUES ('main')",
      "CREATE TEMP TABLE t (v TEXT)",
      "INSERT INTO t VALUES ('temp')",
      "INSERT INTO main.t (v) VALUES ('main 2')",
      "SELECT * FROM t",
      "SELECT * FROM main.t",
      "CREATE TEMP TABLE scratch (id INTEGER PRIMARY KEY, x, y TEXT UNIQUE)",
      "CREATE INDEX temp.scratch_x ON scratch (x)",
      "CREATE TEMP VIEW sv AS SELECT x FROM scratch",
      "CREATE TEMP TRIGGER st AFTER INSERT ON scratch BEGIN INSERT INTO t VALUES ('saw ' || "
      "new.y); END",
      "INSERT INTO scratch (x, y) VALUES (1, 'a'), ('two', 'b')",
      "INSERT INTO scratch (x, y) VALUES (3, 'a')",
      "SELECT * FROM sv",
      "SELECT * FROM temp.t",
      "SELECT type, name, tbl_name FROM sqlite_temp_master ORDER BY name",
      "SELECT type, name FROM sqlite_master ORDER BY name",
  });
  // Another connection to the same database sees main's t only.
  std::string path = g_dir + "/" + Name() + ".db";
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  EXPECT_NE(Describe(other, "SELECT v FROM t ORDER BY id").find("row: text 'main 2'"),
            std::string::npos);
  EXPECT_NE(Describe(other, "SELECT * FROM scratch").find("no such table: scratch"),
            std::string::npos);
  sqlite3_close(other);
  // Closed and opened again: the TEMP objects are gone.
  sqlite3_close(p.routed);
  ASSERT_EQ(sqlite3_open(path.c_str(), &p.routed), SQLITE_OK);
  EXPECT_NE(Describe(p.routed, "SELECT count(*) FROM sqlite_temp_master").find("row: int 0"),
            std::string::npos);
  EXPECT_NE(Describe(p.routed, "SELECT count(*) FROM t").find("row: int 2"), std::string::npos);
}

// ATTACH of another database on the same server (and of :memory:): aux.t
// and unqualified names resolve as in SQLite, data moves between them,
// DETACH forgets them.
TEST(Differential, AttachedDatabases) {
  Pair p(Name());
  p.Same({"CREATE TABLE local (id INTEGER PRIMARY KEY, v TEXT)",
          "INSERT INTO local (v) VALUES ('here'), ('there')"});
  // The same file name on each side: a local file, and one the route sends
  // to the server.
  for (sqlite3* db : {p.local, p.routed}) {
    std::string file = g_dir + "/" + Name() + (db == p.local ? "_local" : "_routed") + ".db";
    std::string sql = "ATTACH DATABASE '" + file + "' AS other";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
  }
  p.Same({
      "CREATE TABLE other.things (id INTEGER PRIMARY KEY, name TEXT, n)",
      "INSERT INTO other.things (name, n) SELECT v, length(v) FROM local",
      "INSERT INTO things (name, n) VALUES ('unqualified', 1.5)",
      "SELECT id, name, n, typeof(n) FROM other.things",
      "SELECT l.v, t.n FROM local AS l JOIN things AS t ON t.id = l.id",
      "UPDATE other.things SET n = n * 2 WHERE id = 1",
      "DELETE FROM things WHERE id = 2",
      "SELECT * FROM other.things",
      "SELECT name, type FROM other.sqlite_master ORDER BY name",
      "ATTACH ':memory:' AS mem",
      "ATTACH ':memory:' AS mem",
      "CREATE TABLE mem.scratch (x)",
      "INSERT INTO mem.scratch SELECT name FROM other.things",
      "SELECT x FROM mem.scratch ORDER BY x",
      "BEGIN",
      "ATTACH ':memory:' AS later",
      "CREATE TABLE later.t (x)",
      "INSERT INTO other.things (name) VALUES ('in a transaction')",
      "INSERT INTO local (v) VALUES ('also')",
      "ROLLBACK",
      "SELECT count(*) FROM other.things",
      "SELECT name FROM later.sqlite_master",
      "CREATE TABLE later.t (x)",
      "INSERT INTO later.t VALUES (1)",
      "DETACH later",
      "DETACH mem",
      "DETACH other",
      "SELECT * FROM other.things",
      "DETACH nothing",
  });
}

// sqlite3_db_filename, sqlite3_db_readonly and sqlite3_txn_state know the
// attached databases by name, as SQLite's do; -1 and NULL only for a name
// the connection does not have. ATTACH ends a script's statement.
TEST(Differential, AttachedDatabasesByName) {
  Pair p(Name());
  std::string file = g_dir + "/" + Name() + "_aux.db";
  for (sqlite3* db : {p.local, p.routed}) {
    ASSERT_EQ(sqlite3_exec(
                  db, "ATTACH ':memory:' AS mem; BEGIN; CREATE TABLE mem.t (x); CREATE TABLE u (x)",
                  nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
  }
  // (The transaction writes both: litelift's state is the connection's.)
  for (const char* name : {"main", "mem", "MEM", "nothing"}) {
    EXPECT_EQ(sqlite3_db_readonly(p.routed, name), sqlite3_db_readonly(p.local, name)) << name;
    EXPECT_EQ(sqlite3_txn_state(p.routed, name), sqlite3_txn_state(p.local, name)) << name;
    const char* local = sqlite3_db_filename(p.local, name);
    const char* routed = sqlite3_db_filename(p.routed, name);
    EXPECT_EQ(routed == nullptr, local == nullptr) << name;
    if (std::string(name) != "main" && local != nullptr && routed != nullptr) {
      EXPECT_STREQ(routed, local) << name;
    }
  }
  ASSERT_EQ(sqlite3_exec(p.routed, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  std::string attach = "ATTACH '" + file + "' AS aux";
  ASSERT_EQ(sqlite3_exec(p.routed, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(p.routed);
  EXPECT_STREQ(sqlite3_db_filename(p.routed, "aux"), file.c_str());
  EXPECT_EQ(sqlite3_db_readonly(p.routed, "aux"), 0);
}

// The way SQLite changes a table it cannot ALTER: a new table, the rows
// copied, the old one dropped, the new one renamed; the views over it (and
// their triggers) work again, as in SQLite.
TEST(Differential, TableRebuiltUnderItsViews) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO t (v) VALUES ('a')",
      "CREATE VIEW tv AS SELECT v FROM t",
      "CREATE VIEW tv2 AS SELECT upper(v) AS u FROM tv",
      "CREATE TRIGGER tvi INSTEAD OF INSERT ON tv BEGIN INSERT INTO t (v) VALUES (new.v || '!'); "
      "END",
      "BEGIN",
      "CREATE TABLE t_new (id INTEGER PRIMARY KEY, v TEXT, w INT DEFAULT 0)",
      "INSERT INTO t_new (id, v) SELECT id, v FROM t",
      "DROP TABLE t",
      "ALTER TABLE t_new RENAME TO t",
      "COMMIT",
      "SELECT * FROM tv",
      "SELECT * FROM tv2",
      "INSERT INTO tv VALUES ('b')",
      "SELECT * FROM t",
      "DROP TABLE t",
      "SELECT * FROM tv",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO t (v) VALUES ('again')",
      "SELECT * FROM tv2",
  });
}

// Foreign keys declared DEFERRABLE INITIALLY DEFERRED (as Django declares
// them) are checked at COMMIT; a COMMIT they fail leaves the transaction
// open, as SQLite does.
TEST(Differential, DeferredForeignKeys) {
  Pair p(Name());
  p.Same({
      "PRAGMA foreign_keys = ON",
      "CREATE TABLE p (id INTEGER PRIMARY KEY)",
      "CREATE TABLE ch (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES p (id) DEFERRABLE "
      "INITIALLY DEFERRED)",
      "BEGIN",
      "INSERT INTO ch (pid) VALUES (5)",
      "INSERT INTO p VALUES (5)",
      "COMMIT",
      "BEGIN",
      "INSERT INTO ch (pid) VALUES (6)",
      "COMMIT",
      "SELECT count(*) FROM ch",
      "INSERT INTO p VALUES (6)",
      "COMMIT",
      "BEGIN",
      "INSERT INTO ch (pid) VALUES (7)",
      "UPDATE ch SET pid = 5 WHERE pid = 7",
      "COMMIT",
      "BEGIN",
      "DELETE FROM p WHERE id = 5",
      "COMMIT",
      "ROLLBACK",
      "SELECT * FROM ch ORDER BY id",
      "INSERT INTO ch (pid) VALUES (99)",
  });
}

// PRAGMA foreign_key_check reads the server's rows (Django runs it after
// rebuilding a table).
TEST(Differential, ForeignKeyCheckReadsTheRows) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE p (id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
      "CREATE TABLE c (id INTEGER PRIMARY KEY, pid INT REFERENCES p (id), pk TEXT REFERENCES p "
      "(k))",
      "CREATE TABLE w (a TEXT PRIMARY KEY, pid INT REFERENCES p) WITHOUT ROWID",
      "INSERT INTO p VALUES (1, 'a')",
      "INSERT INTO c (pid, pk) VALUES (1, 'a'), (2, 'a'), (NULL, 'zz'), (3, 'b')",
      "INSERT INTO w VALUES ('q', 9), ('r', 1)",
      "PRAGMA foreign_key_check(c)",
      "PRAGMA main.foreign_key_check('w')",
      "PRAGMA foreign_key_check(p)",
      "CREATE TABLE orphan (x REFERENCES nothere (id))",
      "INSERT INTO orphan VALUES (1), (NULL)",
      "PRAGMA foreign_key_check(orphan)",
      "DELETE FROM c WHERE id > 1",
      "PRAGMA foreign_key_check(c)",
  });
}

// A schema change that another connection makes in a database this one
// has attached reaches it without a new ATTACH: at once where a name
// would be missing, and by the change's announcement otherwise.
TEST(Differential, AttachedSchemaChangesReachOtherConnections) {
  std::string aux = g_dir + "/" + Name() + "_aux.db";
  sqlite3 *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(sqlite3_open((g_dir + "/" + Name() + "_a.db").c_str(), &a), SQLITE_OK);
  ASSERT_EQ(sqlite3_open((g_dir + "/" + Name() + "_c.db").c_str(), &c), SQLITE_OK);
  ASSERT_EQ(sqlite3_open(aux.c_str(), &b), SQLITE_OK);
  std::string attach = "ATTACH '" + aux + "' AS aux";
  ASSERT_EQ(sqlite3_exec(a, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(c, attach.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  auto run = [](sqlite3* db, const char* sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
  };
  // Made by a connection that has it as its main database.
  run(b, "CREATE TABLE late (x); INSERT INTO late VALUES (1)");
  EXPECT_NE(Describe(a, "SELECT x FROM aux.late").find("row: int 1\n"), std::string::npos);
  // Made by another connection that has it attached.
  run(c, "CREATE TABLE aux.later (y); INSERT INTO aux.later VALUES (2)");
  EXPECT_NE(Describe(a, "SELECT y FROM aux.later").find("row: int 2\n"), std::string::npos);
  run(b, "ALTER TABLE late ADD COLUMN z DEFAULT 5");
  EXPECT_NE(Describe(a, "SELECT x, z FROM aux.late").find("row: int 1 | int 5\n"),
            std::string::npos);
  // A table made anew with other columns: no name is missing, the
  // announcement tells (it may take a moment to arrive).
  run(b, "DROP TABLE late; CREATE TABLE late (w); INSERT INTO late VALUES ('new')");
  std::string seen;
  for (int tries = 0; tries < 100; ++tries) {
    seen = Describe(a, "SELECT * FROM aux.late");
    if (seen.find("columns: w") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(seen.find("columns: w -\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("row: text 'new'\n"), std::string::npos) << seen;
  sqlite3_close(a);
  sqlite3_close(b);
  sqlite3_close(c);
}

// Two connections change one database, one as its main database inside a
// transaction, one as an attached database: each change gets its own
// version, so that neither announcement hides the other (the server
// counts; a connection's own count went stale while the other's change
// was unheard inside its transaction).
TEST(Differential, SchemaChangesInsideATransactionKeepTheirVersions) {
  std::string aux = g_dir + "/" + Name() + "_aux.db";
  sqlite3 *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_EQ(sqlite3_open((g_dir + "/" + Name() + "_a.db").c_str(), &a), SQLITE_OK);
  ASSERT_EQ(sqlite3_open((g_dir + "/" + Name() + "_c.db").c_str(), &c), SQLITE_OK);
  ASSERT_EQ(sqlite3_open(aux.c_str(), &b), SQLITE_OK);
  auto run = [](sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
  };
  run(b, "CREATE TABLE late (x); INSERT INTO late VALUES (1)");
  run(a, "ATTACH '" + aux + "' AS aux");
  run(c, "ATTACH '" + aux + "' AS aux");
  run(b, "BEGIN");
  run(c, "CREATE TABLE aux.later (y); INSERT INTO aux.later VALUES (2)");
  EXPECT_NE(Describe(a, "SELECT y FROM aux.later").find("row: int 2\n"), std::string::npos);
  run(b, "ALTER TABLE late ADD COLUMN z DEFAULT 5; COMMIT");
  EXPECT_NE(Describe(a, "SELECT x, z FROM aux.late").find("row: int 1 | int 5\n"),
            std::string::npos)
      << Describe(a, "SELECT * FROM aux.late");
  // b hears c's table once its transaction is over.
  EXPECT_NE(Describe(b, "SELECT y FROM later").find("row: int 2\n"), std::string::npos)
      << Describe(b, "SELECT y FROM later");
  sqlite3_close(a);
  sqlite3_close(b);
  sqlite3_close(c);
}

// A table another connection dropped while this one's transaction had not
// read yet: SQLite's "no such table", also when the drop's announcement
// waits for the transaction's end.
TEST(Differential, TableDroppedByAnotherConnectionInsideATransaction) {
  std::string path = g_dir + "/" + Name() + ".db";
  sqlite3 *a = nullptr, *b = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &a), SQLITE_OK);
  ASSERT_EQ(sqlite3_open(path.c_str(), &b), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(a, "CREATE TABLE t (x); INSERT INTO t VALUES (1); BEGIN", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(b, "DROP TABLE t", nullptr, nullptr, nullptr), SQLITE_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the announcement arrives
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(a, "SELECT * FROM t", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
  EXPECT_EQ(rc, SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(a), "no such table: t");
  sqlite3_finalize(stmt);
  EXPECT_EQ(sqlite3_exec(a, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(a);
  EXPECT_EQ(sqlite3_prepare_v2(a, "SELECT * FROM t", -1, &stmt, nullptr), SQLITE_ERROR);
  EXPECT_STREQ(sqlite3_errmsg(a), "no such table: t");
  sqlite3_close(a);
  sqlite3_close(b);
}

// STRICT tables: each column's affinity, then its type, decide; a value
// that cannot be stored fails with SQLITE_CONSTRAINT_DATATYPE naming the
// class, the type and the column; ANY keeps every value as given.
TEST(Differential, StrictTables) {
  Pair p(Name());
  p.Same(
      {"CREATE TABLE s (id INTEGER PRIMARY KEY, i INT, n Integer, r REAL, t TEXT, b BLOB, a "
       "ANY) STRICT",
       "CREATE TABLE src (v)", "INSERT INTO src VALUES (7), ('8'), ('x'), (2.5), (x'02')"});
  for (const char* col : {"i", "n", "r", "t", "b", "a"}) {
    std::vector<std::string> script;
    for (const char* v : {"7", "'7'", "'abc'", "3.0", "3.5", "x'01'", "NULL", "'3.5'", "' 4 '"}) {
      script.push_back(std::string("INSERT INTO s (") + col + ") VALUES (" + v + ")");
    }
    script.push_back(std::string("INSERT INTO s (") + col + ") VALUES (?1)");
    script.push_back(std::string("UPDATE s SET ") + col + " = 'zz' WHERE id = 1");
    script.push_back(std::string("SELECT id, ") + col + ", typeof(" + col + ") FROM s");
    p.Same(script);
    // (A statement that fails after some of its rows leaves SQLite's
    // last_insert_rowid at the last of them; the server's rows never were.)
    p.Same({std::string("INSERT INTO s (") + col + ") SELECT v FROM src ORDER BY rowid",
            "INSERT INTO s (a) VALUES ('a row both number alike')"},
           /*implicit_rowid=*/false);
  }
  p.Same({"INSERT INTO s (id) VALUES ('abc')", "SELECT count(*) FROM s"});
}

// SQLite's triggers do not fire while they run (PRAGMA recursive_triggers
// is off): an AFTER UPDATE trigger that updates its own table, the common
// "modified" column, runs once; with the PRAGMA on they recurse.
TEST(Differential, TriggersDoNotRecurse) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INT DEFAULT 0)",
      "CREATE TRIGGER t_touch AFTER UPDATE ON t BEGIN UPDATE t SET n = n + 1 WHERE id = NEW.id; "
      "END",
      "CREATE TABLE log (x)",
      "CREATE TRIGGER t_copy AFTER INSERT ON t WHEN NEW.v < 'f' BEGIN INSERT INTO t (v) VALUES "
      "(char(unicode(NEW.v) + 1)); INSERT INTO log VALUES (NEW.v); END",
      "INSERT INTO t (v) VALUES ('a')",
      "UPDATE t SET v = upper(v) WHERE id = 1",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM log ORDER BY x",
      "PRAGMA recursive_triggers = ON",
      "INSERT INTO t (v) VALUES ('c')",
      "SELECT * FROM t ORDER BY id",
      "SELECT * FROM log ORDER BY x",
      "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
      "CREATE TRIGGER t_tag AFTER INSERT ON t BEGIN INSERT OR IGNORE INTO tags (name) VALUES "
      "(upper(NEW.v)); END",
      "INSERT INTO t (v) VALUES ('x')",
      "INSERT INTO t (v) VALUES ('x')",
      "INSERT INTO tags (name) VALUES ('after') RETURNING id",
      "DROP TRIGGER t_tag",
      "PRAGMA recursive_triggers = OFF",
      "INSERT INTO t (v) VALUES ('d')",
      "SELECT count(*) FROM t",
  });
}

// Arithmetic on reals gives a REAL even when the result is whole, also
// when it is stored into an untyped column (UPDATE ... SET y = x * 2).
TEST(Differential, WholeRealResultsStayReal) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE u (id INTEGER PRIMARY KEY, x, y, n NUMERIC, j JSON)",
      "INSERT INTO u (x, y, n) VALUES (1.5, 2, 2.5), (3.0, 1, 4), (2, 2, 1)",
      "UPDATE u SET y = x * 2, j = x * 2",
      "INSERT INTO u (x, y, n) SELECT x * y, x + x, n * 2 FROM u WHERE id < 3",
      "SELECT id, x, typeof(x), y, typeof(y), n, typeof(n), j, typeof(j) FROM u",
      "SELECT x * y, typeof(x * y), avg(y), typeof(avg(y)), sum(x), typeof(sum(x)) FROM u "
      "GROUP BY id ORDER BY id",
  });
}

// A TEXT column holds text and a BLOB column blobs on the server: what
// SQLite stores alike there matches; a blob in a TEXT column, or text or a
// number in a BLOB column, which SQLite would keep as given, fails naming
// the value instead of coming back as another class.
TEST(Differential, TextAndBlobColumnsKeepTheirClass) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE tb (t TEXT, b BLOB)",
      "INSERT INTO tb VALUES ('a', x'01'), (1, x''), (2.5, NULL), (NULL, zeroblob(2))",
      "UPDATE tb SET t = t || '!' WHERE t = 'a'",
      "SELECT t, typeof(t), b, typeof(b) FROM tb",
  });
  struct Refused {
    const char* sql;
    const char* message;
  } refused[] = {
      {"INSERT INTO tb (t) VALUES (x'41')",
       "litelift: cannot store the BLOB x'41' in a TEXT column on PostgreSQL"},
      {"INSERT INTO tb (b) VALUES ('text')",
       "litelift: cannot store the TEXT 'text' in a BLOB column on PostgreSQL"},
      {"INSERT INTO tb (b) VALUES (7)",
       "litelift: cannot store the INTEGER 7 in a BLOB column on PostgreSQL"},
      {"UPDATE tb SET b = 2.5",
       "litelift: cannot store the REAL 2.5 in a BLOB column on PostgreSQL"},
  };
  for (const Refused& r : refused) {
    EXPECT_EQ(sqlite3_exec(p.routed, r.sql, nullptr, nullptr, nullptr), SQLITE_MISMATCH) << r.sql;
    EXPECT_STREQ(sqlite3_errmsg(p.routed), r.message) << r.sql;
  }
  EXPECT_NE(Describe(p.routed, "SELECT count(*) FROM tb").find("row: int 4\n"), std::string::npos);
}

// A DROP ... IF EXISTS prepared while its object is missing, stepped again
// once the object exists (a program's statement cache, Python's sqlite3):
// SQLite drops it then, and so must the server (it used to drop it from
// the shadow alone, and the next CREATE failed "already exists").
TEST(Differential, KeptDropIfExistsDropsWhatCameSince) {
  Pair p(Name());
  for (sqlite3* db : {p.local, p.routed}) {
    sqlite3_stmt* drop_table = nullptr;
    sqlite3_stmt* drop_index = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "DROP TABLE IF EXISTS kd", -1, &drop_table, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_prepare_v2(db, "DROP INDEX IF EXISTS kdi", -1, &drop_index, nullptr),
              SQLITE_OK);
    for (int round = 0; round < 3; ++round) {
      EXPECT_EQ(sqlite3_step(drop_index), SQLITE_DONE) << sqlite3_errmsg(db);
      EXPECT_EQ(sqlite3_reset(drop_index), SQLITE_OK);
      EXPECT_EQ(sqlite3_step(drop_table), SQLITE_DONE) << sqlite3_errmsg(db);
      EXPECT_EQ(sqlite3_reset(drop_table), SQLITE_OK);
      std::string script =
          "CREATE TABLE kd (id INTEGER PRIMARY KEY, v TEXT);"
          "CREATE INDEX kdi ON kd (v);"
          "INSERT INTO kd (v) VALUES ('r" +
          std::to_string(round) + "')";
      char* error = nullptr;
      EXPECT_EQ(sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error), SQLITE_OK)
          << (error ? error : "");
      sqlite3_free(error);
    }
    sqlite3_finalize(drop_table);
    sqlite3_finalize(drop_index);
  }
  p.Same({"SELECT * FROM kd", "SELECT type, name FROM sqlite_master ORDER BY name",
          "DROP TABLE IF EXISTS kd", "SELECT count(*) FROM sqlite_master"});
}

}  // namespace
}  // namespace litelift::test
