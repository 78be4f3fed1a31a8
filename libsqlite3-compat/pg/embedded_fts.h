// Full-text search on the postgres route (docs/design.md, "Full-text
// search"): an FTS5 or FTS4 table is SQLite's own module running in the
// embedded engine. Its shadow tables (ft_data, ft_idx, ft_content, ...) are
// ordinary routed tables on the server; in the engine they are real local
// tables, loaded from the server and written through to it.

#ifndef LITELIFT_COMPAT_PG_EMBEDDED_FTS_H_
#define LITELIFT_COMPAT_PG_EMBEDDED_FTS_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace litelift::compat {

class Connection;
class Shadow;

// "fts5" for a CREATE VIRTUAL TABLE text using SQLite's full-text module
// FTS5, else "" (FTS3/FTS4 are refused on the route: catalog/ddl.cc).
std::string FtsModule(const std::string& create_sql);

// The suffixes of the shadow tables module makes for its table
// (ft + "_" + suffix).
std::vector<std::string> FtsShadowSuffixes(const std::string& module);

// One FTS table of the main database, as the shadow catalog holds it.
struct FtsTable {
  std::string name, module, sql;
  std::vector<std::string> local;  // its shadow tables (kept in the engine)
};

// A shadow table as the engine's write-through sees it: the keys of the
// rows the module wrote since the last flush (FlushFts sends each one's
// row as the engine has it then, or its deletion).
struct FtsLocal {
  std::string name;
  std::vector<std::string> columns;
  std::vector<int> key;            // the PRIMARY KEY columns of a WITHOUT ROWID table, else none
  std::set<int64_t> dirty_rowids;  // a rowid table's written rows
  // A WITHOUT ROWID table's written rows: the key's encoding -> its values
  // (owned, freed by ClearFtsDirty).
  std::map<std::string, std::vector<sqlite3_value*>> dirty_keys;
};

// The FTS tables of conn's main database (shadow catalog order).
std::vector<FtsTable> FindFtsTables(Connection* conn);

// Whether name (any case) is an FTS table's local shadow table.
bool IsFtsLocal(const std::vector<FtsTable>& tables, const std::string& name);

// Makes tables in engine: the shadow tables (from the shadow's text),
// loaded with the server's rows and written through to the server (a
// preupdate hook), and the FTS table itself (its schema row, so that the
// module connects to the tables that are there).
bool BuildFts(Connection* conn, sqlite3* engine, const std::vector<FtsTable>& tables,
              std::string* error);

// Whether engine's copy of an index differs from the server's (another
// connection wrote, or a rollback undid this one's writes): compares the
// index's structure record.
bool FtsStale(Connection* conn, sqlite3* engine, const std::vector<FtsTable>& tables);

// Finalizes the write-through statements of conn (the engine closes).
void DropFtsWrites(Connection* conn);

// The program's transaction control, as the FTS write-through sees it
// (EmbeddedEngine::FtsBeforeTxn).
enum class FtsTxn { kBegin, kCommit, kRelease, kSavepoint, kRollback, kRollbackTo };

// Steps row, a write statement of the engine, to its end: as sqlite3_step
// does, but for the 'rebuild' command of an external-content FTS5 table,
// which the module cannot run there (it reads the content table with a
// statement that refuses a virtual table, SQLITE_PREPARE_NO_VTAB): that is
// run as 'delete-all' and every row of the content table inserted again in
// rowid order, what the module's rebuild does. An SQLite code; on failure
// of the latter, EmbeddedEngine::fts_error says why.
int StepFtsWrite(Connection* conn, sqlite3_stmt* row);

// Whether the module wrote rows not yet sent to the server.
bool FtsDirty(const Connection* conn);

// Sends every row the module wrote since the last flush to the server (in
// the connection's transaction): a multi-row INSERT OR REPLACE of the rows
// the engine has, a DELETE of those it no longer has, per table. False
// with the connection's error (also kept as EmbeddedEngine::fts_error).
bool FlushFts(Connection* conn, sqlite3* engine);

// Forgets the rows not yet sent (the transaction rolled back, or the engine
// closes).
void ClearFtsDirty(Connection* conn);

// A trigger of the program whose body writes an FTS table (an
// external-content table kept in step): not on the server, which has no FTS
// table; the engine runs it around each row its virtual table writes.
struct FtsTrigger {
  std::string name;
  bool before = false;
  int op = 0;                           // SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE
  std::vector<std::string> of;          // UPDATE OF columns (lower case), or none
  std::string when;                     // the WHEN condition's text, or ""
  std::vector<std::string> statements;  // the body, new.x / old.x as parameters
  // Parameter k + 1 of `when` and the statements is new (true) or old
  // (false) column params[k].second (-1: the rowid).
  std::vector<std::pair<bool, int>> params;
};

// Whether trigger_sql names an FTS table of tables (its body then runs in
// the engine: FtsTriggersOf).
bool WritesFts(const std::string& trigger_sql, const std::vector<std::string>& fts_names);

// The triggers on table (of main) that write one of the FTS tables, in the
// order SQLite fires them; columns are the table's.
std::vector<FtsTrigger> FtsTriggersOf(Connection* conn, const std::string& table,
                                      const std::vector<std::string>& columns,
                                      const std::vector<FtsTable>& tables);

struct WriteTarget;

// xUpdate's work with the triggers: the BEFORE ones, then write(), then
// the AFTER ones, each given the row's old values (read from the server)
// and new ones. Returns an SQLite code; *error on failure.
int WithFtsTriggers(WriteTarget* target, const std::vector<FtsTrigger>& triggers, int argc,
                    sqlite3_value** argv, sqlite3_int64* rowid, std::string* error,
                    const std::function<int()>& write);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_EMBEDDED_FTS_H_
