// The differential tests' harness: one database on the real SQLite and one
// on the postgres route, the same statements through the C API on both, and
// everything a program would observe written out to compare.
//
// Linked against liblitelift; LITELIFT_TEST_DSN names the server. Local
// databases are :memory: (which stays local), routed ones are files in a
// temporary directory (pair.cc's main makes it and removes it).

#ifndef LITELIFT_TESTS_COMPAT_PAIR_H_
#define LITELIFT_TESTS_COMPAT_PAIR_H_

#include <sqlite3.h>

#include <string>
#include <vector>

namespace litelift::test {

// The directory routed test databases live in.
extern std::string g_dir;

// Runs one statement (all of it) and describes what the program would see:
// return codes and messages, column names and declared types, each row's
// storage classes and values, changes, last_insert_rowid, autocommit.
std::string Describe(sqlite3* db, const std::string& sql);

struct Pair {
  sqlite3* local = nullptr;
  sqlite3* routed = nullptr;
  // name: the routed database's file name (the test's, by Name()).
  explicit Pair(const std::string& name);
  ~Pair();
  // Runs script on both and expects the same. With implicit_rowid false,
  // last_insert_rowid is left out of the comparison.
  void Same(const std::vector<std::string>& script, bool implicit_rowid = true);
};

// The real SQLite's plan of sql on db (EXPLAIN QUERY PLAN), its lines'
// details joined by "; "; "error: <message>" when it does not prepare.
std::string Plan(sqlite3* db, const std::string& sql);

// "<suite>_<test>" of the running test.
std::string Name();

}  // namespace litelift::test

#endif  // LITELIFT_TESTS_COMPAT_PAIR_H_
