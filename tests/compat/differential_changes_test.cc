// Differential tests of data changes: INSERT with its conflict clauses and
// upserts, UPDATE and DELETE, rowids, on the real SQLite and on the
// postgres route (tests/compat/pair.h).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

TEST(Differential, RowidsLikeSqlite) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO r (v) VALUES ('a')",
      "INSERT INTO r (id, v) VALUES (10, 'b')",
      "INSERT INTO r (v) VALUES ('c')",
      "INSERT INTO r VALUES (NULL, 'd')",
      "DELETE FROM r WHERE id = 12",
      "INSERT INTO r (v) VALUES ('e')",
      "INSERT INTO r (v) VALUES ('f'), ('g')",
      "SELECT id, v FROM r ORDER BY id",
      "SELECT rowid, v FROM r WHERE rowid > 10 ORDER BY rowid",
      "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
      "INSERT INTO a (v) VALUES ('x'), ('y'), ('z')",
      "DELETE FROM a WHERE id = 3",
      "INSERT INTO a (v) VALUES ('w')",
      "INSERT INTO a (id, v) VALUES (100, 'explicit')",
      "DELETE FROM a WHERE id = 100",
      "INSERT INTO a (v) VALUES ('after')",
      "SELECT id, v FROM a ORDER BY id",
      "SELECT name, seq FROM sqlite_sequence",
  });
}

TEST(Differential, ConflictClauses) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE files (path TEXT PRIMARY KEY, mtime REAL, size INT DEFAULT 7)",
      "INSERT OR REPLACE INTO files VALUES ('/a', 1.5, 10)",
      "INSERT OR REPLACE INTO files VALUES ('/a', 2.5, 20)",
      "REPLACE INTO files (path, mtime) VALUES ('/a', 3.5)",
      "INSERT OR IGNORE INTO files VALUES ('/a', 9.5, 90)",
      "INSERT OR IGNORE INTO files VALUES ('/b', 1.0, 1)",
      "SELECT * FROM files ORDER BY path",
      "INSERT INTO files VALUES ('/a', 0, 0)",
      "INSERT INTO files (path) VALUES (NULL)",
  });
}

// REPLACE deletes every row the new one conflicts with, on any key.
TEST(Differential, ReplaceOnEveryKey) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT UNIQUE, name TEXT, "
      "UNIQUE (name))",
      "INSERT INTO users (email, name) VALUES ('a@x', 'A'), ('b@x', 'B'), ('c@x', 'C')",
      "INSERT OR REPLACE INTO users (email, name) VALUES ('a@x', 'A2')",
      "SELECT * FROM users ORDER BY id",
      "REPLACE INTO users (email, name) VALUES ('b@x', 'C')",
      "SELECT * FROM users ORDER BY id",
      "INSERT OR REPLACE INTO users (id, email, name) VALUES (1, 'z@x', 'Z')",
      "SELECT * FROM users ORDER BY id",
      "CREATE TABLE slugs (id INTEGER PRIMARY KEY, slug TEXT UNIQUE)",
      "INSERT INTO slugs (slug) VALUES ('p'), ('q')",
      "INSERT OR REPLACE INTO slugs (slug) VALUES ('p')",
      "SELECT * FROM slugs ORDER BY id",
      "CREATE TABLE tags (t TEXT UNIQUE, n INT)",
      "INSERT INTO tags VALUES ('x', 1), ('y', 2)",
      "INSERT OR REPLACE INTO tags VALUES ('x', 3)",
      "SELECT rowid, * FROM tags ORDER BY rowid",
  });
}

// OR ROLLBACK ends the transaction on a constraint failure; OR ABORT and
// OR FAIL fail the statement.
TEST(Differential, OrRollbackAndAbort) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE o (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
      "INSERT INTO o (v) VALUES ('a')",
      "BEGIN",
      "INSERT INTO o (v) VALUES ('b')",
      "INSERT OR ROLLBACK INTO o (v) VALUES ('a')",
      "SELECT v FROM o ORDER BY id",
      "BEGIN",
      "INSERT INTO o (v) VALUES ('c')",
      "INSERT OR ABORT INTO o (v) VALUES ('a')",
      "UPDATE OR ROLLBACK o SET v = 'a' WHERE v = 'c'",
      "SELECT v FROM o ORDER BY id",
      "INSERT OR FAIL INTO o (v) VALUES ('a')",
      "UPDATE OR ABORT o SET v = 'z' WHERE v = 'a'",
      "SELECT v FROM o ORDER BY id",
  });
}

TEST(Differential, UpsertClauses) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE u (id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INT DEFAULT 0)",
      "INSERT INTO u (k, n) VALUES ('a', 1), ('b', 2)",
      "INSERT INTO u (k, n) VALUES ('a', 10) ON CONFLICT (k) DO UPDATE SET n = n + excluded.n",
      "INSERT INTO u (k, n) VALUES ('b', 5) ON CONFLICT (k) DO UPDATE SET n = excluded.n WHERE "
      "excluded.n > u.n",
      "INSERT INTO u (k, n) VALUES ('b', 1) ON CONFLICT (k) DO UPDATE SET n = excluded.n WHERE "
      "excluded.n > u.n",
      "INSERT INTO u (k) VALUES ('a') ON CONFLICT DO NOTHING",
      "INSERT INTO u (id, k) VALUES (1, 'z') ON CONFLICT (id) DO UPDATE SET k = 'z' || excluded.k",
      "INSERT INTO u (k, n) VALUES ('c', 3) ON CONFLICT (k) DO NOTHING RETURNING id, k, n",
      "SELECT id, k, n FROM u ORDER BY id",
      "UPDATE u SET n = n * 2 WHERE k = 'zz' RETURNING k, n",
      "DELETE FROM u WHERE n > 20 RETURNING id",
      "SELECT id, k, n FROM u ORDER BY id",
      // The connection's counters, read by statements on the server.
      "INSERT INTO u (k, n) VALUES ('q', last_insert_rowid() * 100 + changes())",
      "SELECT n, changes(), total_changes(), last_insert_rowid() FROM u WHERE k = 'q'",
      "SELECT changes(), last_insert_rowid()",
  });
}

// Tables without INTEGER PRIMARY KEY have rowids too, numbered as SQLite
// numbers them, invisible to SELECT * and to INSERT without columns.
TEST(Differential, ImplicitRowids) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE plain (a TEXT, b INT)",
      "INSERT INTO plain VALUES ('x', 1)",
      "INSERT INTO plain (b, a) VALUES (2, 'y'), (3, 'z')",
      "INSERT INTO plain (rowid, a, b) VALUES (10, 'w', 4)",
      "INSERT INTO plain VALUES ('v', 5)",
      "SELECT * FROM plain ORDER BY rowid",
      "SELECT rowid, oid, _rowid_, a FROM plain WHERE rowid > 2 ORDER BY 1",
      "SELECT p.* FROM plain AS p WHERE p.b = 2",
      "SELECT plain.*, plain.rowid FROM plain ORDER BY rowid DESC LIMIT 1",
      "ALTER TABLE plain ADD COLUMN c TEXT DEFAULT 'new'",
      "INSERT INTO plain VALUES ('u', 6, 'given')",
      "SELECT * FROM plain ORDER BY rowid",
      "DELETE FROM plain WHERE rowid = 11",
      "INSERT INTO plain (a) VALUES ('t')",
      "SELECT rowid, a FROM plain ORDER BY rowid",
      "SELECT * FROM plain, (SELECT 1 AS one) WHERE b < 3 ORDER BY b",
      "SELECT * FROM (SELECT * FROM plain WHERE b < 3) ORDER BY 2",
      "CREATE TABLE other (k INT, a TEXT)",
      "INSERT INTO other VALUES (1, 'x')",
      "SELECT * FROM plain, other WHERE plain.a = other.a",
      "SELECT * FROM plain JOIN other ON plain.a = other.a",
  });
}

// UPDATE and DELETE with ORDER BY and LIMIT change the rows SQLite would;
// without ORDER BY, the first in rowid order.
TEST(Differential, ChangesInOrderWithLimit) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE q (id INTEGER PRIMARY KEY, prio INT, job TEXT)",
      "INSERT INTO q (prio, job) VALUES (2, 'b'), (1, 'a'), (3, 'c'), (1, 'a2'), (NULL, 'n')",
      "UPDATE q SET job = job || '!' ORDER BY prio DESC LIMIT 2",
      "DELETE FROM q WHERE prio IS NOT NULL ORDER BY prio, job DESC LIMIT 1 OFFSET 1",
      "UPDATE q SET prio = 9 LIMIT 1",
      "DELETE FROM q ORDER BY prio LIMIT -1 OFFSET 3 RETURNING id, job",
      "SELECT id, prio, job FROM q ORDER BY id",
      "CREATE TABLE h (name TEXT, n INT)",
      "INSERT INTO h VALUES ('x', 1), ('y', 2), ('z', 3)",
      "UPDATE h SET n = n * 10 ORDER BY name DESC LIMIT ?1 + 1",  // NULL: datatype mismatch
      "UPDATE h SET n = n * 10 ORDER BY name DESC LIMIT 1 + 1",
      "DELETE FROM h ORDER BY n LIMIT 1",
      "SELECT rowid, name, n FROM h ORDER BY rowid",
  });
}

// A plain query without ORDER BY reads a table as SQLite's scan does: in
// rowid order (a WITHOUT ROWID table in key order), also after updates
// moved rows on the server.
TEST(Differential, PlainQueriesReadInRowidOrder) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE s (id INTEGER PRIMARY KEY, v TEXT)",
      "INSERT INTO s VALUES (3, 'c'), (1, 'a'), (2, 'b')",
      "UPDATE s SET v = upper(v) WHERE id = 1",
      "SELECT * FROM s",
      "SELECT v FROM s LIMIT 2",
      "SELECT (SELECT v FROM s LIMIT 1)",
      "CREATE TABLE h (v TEXT)",
      "INSERT INTO h VALUES ('first'), ('second'), ('third')",
      "UPDATE h SET v = v || '+' WHERE v = 'first'",
      "SELECT * FROM h",
      "SELECT v FROM h WHERE v > 'a' LIMIT 2 OFFSET 1",
      "CREATE TABLE w (k TEXT PRIMARY KEY, n INT) WITHOUT ROWID",
      "INSERT INTO w VALUES ('m', 1), ('b', 2), ('x', 3)",
      "UPDATE w SET n = n + 1 WHERE k = 'b'",
      "SELECT * FROM w",
  });
}

// UPDATE OR IGNORE keeps a row whose new keys another row holds; UPDATE OR
// REPLACE deletes that other row first. Keys under NOCASE count as equal.
TEST(Differential, UpdateOrIgnoreAndReplace) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v INT)",
      "INSERT INTO t (k, v) VALUES ('a', 1), ('b', 2), ('c', 3)",
      "UPDATE OR IGNORE t SET k = 'b' WHERE id = 1",
      "UPDATE OR IGNORE t SET k = k || 'x', v = v + 10 WHERE v < 3",
      "SELECT * FROM t",
      "UPDATE OR REPLACE t SET k = 'c' WHERE id = 1",
      "SELECT * FROM t",
      "UPDATE OR REPLACE t SET id = 2 WHERE k = 'bx'",
      "UPDATE OR IGNORE t SET v = v * 2",
      "SELECT * FROM t",
      "CREATE TABLE h (name TEXT COLLATE NOCASE UNIQUE, n INT)",
      "INSERT INTO h VALUES ('x', 1), ('y', 2)",
      "UPDATE OR IGNORE h SET name = 'X' WHERE n = 2",
      "SELECT rowid, * FROM h",
      "UPDATE OR REPLACE h AS hh SET name = 'X' WHERE hh.n = 2",
      "SELECT rowid, * FROM h",
  });
}

}  // namespace
}  // namespace litelift::test
