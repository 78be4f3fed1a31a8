// Full-text search on the postgres route (issue 13): FTS5 tables made,
// written and searched on the real SQLite and on the route, with the same
// rows, storage classes, codes and messages.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "tests/compat/pair.h"

namespace litelift::test {
namespace {

const std::vector<std::string> kDocs = {
    "INSERT INTO docs (title, body) VALUES ('Lorem', 'the quick brown fox jumps over the lazy "
    "dog')",
    "INSERT INTO docs (title, body) VALUES ('Ipsum', 'a quick movement of the enemy will "
    "jeopardize six gunboats')",
    "INSERT INTO docs (title, body) VALUES ('Dolor fox', 'all questions asked by five watched "
    "experts amaze the judge')",
    "INSERT INTO docs (title, body) VALUES ('Sit', 'quickly the brown dog barked at the fox, "
    "and the fox ran')",
    "INSERT INTO docs (title, body) VALUES ('Amet', 'Élan vital: naïve café owners sell crème "
    "brûlée')",
};

std::vector<std::string> Searches() {
  return {
      "SELECT rowid, title FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH '\"brown fox\"' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'quick*' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'title:fox' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox AND dog' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox OR gunboats' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox NOT dog' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'NEAR(brown dog, 2)' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'cafe' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'CRÈME' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'nothing' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox AND' ORDER BY rowid",
      "SELECT count(*) FROM docs",
      "SELECT * FROM docs WHERE rowid = 3",
  };
}

TEST(Fts5, CreateInsertSearch) {
  Pair p(Name());
  p.Same({"CREATE VIRTUAL TABLE docs USING fts5(title, body)"});
  p.Same(kDocs);
  p.Same(Searches());
  p.Same({
      "SELECT rowid, title, round(rank, 6) FROM docs WHERE docs MATCH 'fox' ORDER BY rank",
      "SELECT rowid, round(bm25(docs, 10.0, 1.0), 6) FROM docs WHERE docs MATCH 'fox OR quick' "
      "ORDER BY bm25(docs, 10.0, 1.0), rowid",
      "SELECT rowid, highlight(docs, 1, '[', ']') FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "SELECT rowid, snippet(docs, 1, '<b>', '</b>', '...', 4) FROM docs WHERE docs MATCH "
      "'brown' ORDER BY rowid",
      "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
      "SELECT typeof(title), typeof(body), typeof(rank) FROM docs WHERE docs MATCH 'fox' "
      "ORDER BY rowid",
  });
}

TEST(Fts5, UpdateDeleteAndRollback) {
  Pair p(Name());
  p.Same({"CREATE VIRTUAL TABLE docs USING fts5(title, body)"});
  p.Same(kDocs);
  p.Same({
      "UPDATE docs SET body = 'no animals here' WHERE rowid = 1",
      "DELETE FROM docs WHERE rowid = 4",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'animals' ORDER BY rowid",
      "BEGIN",
      "INSERT INTO docs (rowid, title, body) VALUES (10, 'Ten', 'a fox in a transaction')",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "ROLLBACK",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "SELECT rowid FROM docs WHERE docs MATCH 'transaction' ORDER BY rowid",
      "BEGIN",
      "INSERT INTO docs (rowid, title, body) VALUES (11, 'Eleven', 'a committed fox')",
      "COMMIT",
      "SELECT rowid, title FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "INSERT INTO docs (docs) VALUES ('optimize')",
      "SELECT rowid, title FROM docs WHERE docs MATCH 'fox' ORDER BY rank",
      "DROP TABLE docs",
      "SELECT name FROM sqlite_master ORDER BY name",
  });
}

TEST(Fts5, ExternalContentAndContentless) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
      "CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id')",
      // Kept in step by triggers, as sqlite-utils and datasette make them.
      "CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN INSERT INTO notes_fts (rowid, body) "
      "VALUES (new.id, new.body); END",
      "CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN INSERT INTO notes_fts (notes_fts, "
      "rowid, body) VALUES ('delete', old.id, old.body); END",
      "CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN INSERT INTO notes_fts (notes_fts, "
      "rowid, body) VALUES ('delete', old.id, old.body); INSERT INTO notes_fts (rowid, body) "
      "VALUES (new.id, new.body); END",
      "INSERT INTO notes (body) VALUES ('red apples'), ('green pears'), ('red cherries')",
      "SELECT rowid, highlight(notes_fts, 0, '*', '*') FROM notes_fts WHERE notes_fts MATCH "
      "'pears'",
      "INSERT INTO notes (body) VALUES ('red wine')",
      "SELECT last_insert_rowid(), changes()",
      "UPDATE notes SET body = 'yellow pears' WHERE id = 2",
      "DELETE FROM notes WHERE id = 1",
      "SELECT rowid, body FROM notes_fts WHERE notes_fts MATCH 'red' ORDER BY rowid",
      "SELECT rowid, body FROM notes_fts WHERE notes_fts MATCH 'pears' ORDER BY rowid",
      "SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'green OR apples' ORDER BY rowid",
      "INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')",
      "SELECT * FROM notes ORDER BY id",
      "CREATE VIRTUAL TABLE bare USING fts5(body, content='')",
      "INSERT INTO bare (rowid, body) VALUES (7, 'only the index keeps this')",
      "SELECT rowid, body FROM bare WHERE bare MATCH 'index'",
  });
}

std::string Rows(sqlite3* db, const std::string& sql);

// Inside the program's transaction the module keeps its pending terms
// until COMMIT (the engine's own transaction): searches, a direct read of
// the content table, savepoints, a failed statement, a rollback all see
// what SQLite's do.
TEST(Fts5, WritesInATransaction) {
  Pair p(Name());
  p.Same({"CREATE VIRTUAL TABLE docs USING fts5(title, body)"});
  std::vector<std::string> script = {"BEGIN"};
  for (int i = 1; i <= 60; ++i) {
    script.push_back("INSERT INTO docs (title, body) VALUES ('t" + std::to_string(i) + "', '" +
                     (i % 3 == 0 ? "fox " : "dog ") + (i % 5 == 0 ? "red" : "blue") + " w" +
                     std::to_string(i) + "')");
  }
  p.Same(script);
  p.Same({
      "SELECT count(*) FROM docs WHERE docs MATCH 'fox'",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox AND red' ORDER BY rowid",
      "SELECT id, c0 FROM docs_content WHERE id > 55 ORDER BY id",
      "SELECT rowid FROM docs WHERE docs MATCH 'w4*' ORDER BY rank, rowid",
      "INSERT INTO docs (rowid, title, body) VALUES (3, 'dup', 'a duplicate rowid')",
      "SAVEPOINT a",
      "INSERT INTO docs (title, body) VALUES ('sp', 'fox in a savepoint')",
      "DELETE FROM docs WHERE rowid = 6",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "ROLLBACK TO a",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "INSERT INTO docs (title, body) VALUES ('kept', 'fox kept')",
      "RELEASE a",
      "COMMIT",
      "SELECT rowid, title FROM docs WHERE docs MATCH 'fox' ORDER BY rank, rowid",
      "INSERT INTO docs (docs) VALUES ('integrity-check')",
      "BEGIN",
      "INSERT INTO docs (title, body) VALUES ('gone', 'fox rolled back')",
      "UPDATE docs SET body = 'cat' WHERE rowid = 9",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "ROLLBACK",
      "SELECT rowid FROM docs WHERE docs MATCH 'fox' ORDER BY rowid",
      "SELECT count(*) FROM docs_content",
      "INSERT INTO docs (docs) VALUES ('integrity-check')",
  });
  // Another connection sees what was committed.
  sqlite3* second = nullptr;
  std::string path = g_dir + "/" + Name() + ".db";
  ASSERT_EQ(sqlite3_open(path.c_str(), &second), SQLITE_OK);
  std::string search = "SELECT rowid, title FROM docs WHERE docs MATCH 'fox OR red' ORDER BY rank";
  EXPECT_EQ(Rows(p.local, search), Rows(second, search));
  EXPECT_EQ(sqlite3_close(second), SQLITE_OK);
}

// 'rebuild' of an external-content table reads the content table again.
TEST(Fts5, RebuildExternalContent) {
  Pair p(Name());
  p.Same({
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT)",
      "INSERT INTO notes (title, body) VALUES ('a', 'red apples'), ('b', 'green pears'), "
      "('c', 'red cherries'), ('d', 'blue plums')",
      "CREATE VIRTUAL TABLE notes_fts USING fts5(title, body, content='notes', "
      "content_rowid='id')",
      "SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'red' ORDER BY rowid",
      "INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')",
      "SELECT changes()",
      "SELECT rowid, body FROM notes_fts WHERE notes_fts MATCH 'red' ORDER BY rowid",
      "SELECT rowid, round(rank, 6) FROM notes_fts WHERE notes_fts MATCH 'red OR pears' ORDER BY "
      "rank",
      "INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')",
      "DELETE FROM notes WHERE id = 1",
      "INSERT INTO notes (title, body) VALUES ('e', 'red roses')",
      "BEGIN",
      "INSERT INTO notes_fts (notes_fts) VALUES ('REBUILD')",
      "SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'red' ORDER BY rowid",
      "COMMIT",
      "SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'red' ORDER BY rowid",
      "INSERT INTO notes_fts (notes_fts) VALUES ('integrity-check')",
      "CREATE VIRTUAL TABLE own USING fts5(x)",
      "INSERT INTO own (x) VALUES ('one two'), ('two three')",
      "INSERT INTO own (own) VALUES ('rebuild')",
      "SELECT rowid FROM own WHERE own MATCH 'two' ORDER BY rowid",
  });
}

// fts5vocab tables read their FTS5 table's index as SQLite's.
TEST(Fts5, Vocabulary) {
  Pair p(Name());
  p.Same({"CREATE VIRTUAL TABLE docs USING fts5(title, body)"});
  p.Same(kDocs);
  p.Same({
      "CREATE VIRTUAL TABLE v_row USING fts5vocab(docs, row)",
      "CREATE VIRTUAL TABLE v_col USING fts5vocab('docs', 'col')",
      "CREATE VIRTUAL TABLE v_inst USING fts5vocab(main, docs, instance)",
      "SELECT * FROM v_row ORDER BY term",
      "SELECT * FROM v_col WHERE term >= 'f' ORDER BY term, col",
      "SELECT * FROM v_inst WHERE term = 'fox' ORDER BY doc, col, offset",
      "SELECT term, doc FROM v_row WHERE cnt > 1 ORDER BY doc DESC, term",
      "INSERT INTO docs (title, body) VALUES ('New', 'zebra fox')",
      "SELECT * FROM v_row WHERE term IN ('fox', 'zebra') ORDER BY term",
      "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'v\\_%' ESCAPE '\\' ORDER BY "
      "name",
      "DROP TABLE v_col",
      "SELECT name FROM sqlite_master ORDER BY name",
  });
}

// What a statement returns, without the connection's own counts (a second
// connection has made no changes of its own).
std::string Rows(sqlite3* db, const std::string& sql) {
  std::string out = Describe(db, sql);
  return out.substr(0, out.rfind("finalize "));
}

TEST(Fts5, SecondConnectionSeesTheIndex) {
  Pair p(Name());
  p.Same({"CREATE VIRTUAL TABLE docs USING fts5(title, body)"});
  p.Same(kDocs);
  sqlite3* second = nullptr;
  std::string path = g_dir + "/" + Name() + ".db";
  ASSERT_EQ(sqlite3_open(path.c_str(), &second), SQLITE_OK);
  for (const std::string& sql : Searches()) {
    EXPECT_EQ(Rows(p.local, sql), Rows(second, sql)) << sql;
  }
  // A write by the first connection is seen by the second.
  std::string insert = "INSERT INTO docs (title, body) VALUES ('Late', 'a late fox')";
  EXPECT_EQ(Describe(p.local, insert), Describe(p.routed, insert));
  std::string search = "SELECT rowid, title FROM docs WHERE docs MATCH 'fox' ORDER BY rank";
  EXPECT_EQ(Rows(p.local, search), Rows(second, search));
  // And one by the second, by the first.
  std::string remove = "DELETE FROM docs WHERE rowid = 1";
  EXPECT_EQ(sqlite3_exec(p.local, remove.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(second, remove.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(second), 1);
  EXPECT_EQ(Rows(p.local, search), Rows(p.routed, search));
  EXPECT_EQ(sqlite3_close(second), SQLITE_OK);
}

// FTS4 keeps "n m" text in an INTEGER column of its segment directory,
// which a server integer cannot hold: refused by name, nothing made.
TEST(Fts4, RefusedByName) {
  Pair p(Name());
  std::string routed = Describe(p.routed, "CREATE VIRTUAL TABLE d USING fts4(a)");
  EXPECT_NE(routed.find("FTS3/FTS4 tables are not supported on the postgres route yet"),
            std::string::npos)
      << routed;
  EXPECT_EQ(Describe(p.routed, "SELECT count(*) FROM sqlite_master"),
            Describe(p.local, "SELECT count(*) FROM sqlite_master"));
}

TEST(Fts, OtherVirtualTablesStillRefused) {
  Pair p(Name());
  std::string sql = "CREATE VIRTUAL TABLE r USING rtree(id, x0, x1)";
  std::string routed = Describe(p.routed, sql);
  EXPECT_NE(routed.find("virtual tables are not supported"), std::string::npos) << routed;
}

}  // namespace
}  // namespace litelift::test
