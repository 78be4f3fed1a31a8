// The second executor's write path (docs/design.md, "The second executor"):
// a row the embedded engine writes to one of its virtual tables (xUpdate)
// goes to the server as a one-row INSERT, UPDATE or DELETE of the routed
// table, run as a statement of the connection (translated, in its session
// and transaction: rowids, constraints and triggers are the server's).

#ifndef LITELIFT_COMPAT_PG_EMBEDDED_WRITE_H_
#define LITELIFT_COMPAT_PG_EMBEDDED_WRITE_H_

#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

namespace litelift::compat {

class Connection;
class Statement;

// One routed table as the write path sees it.
struct WriteTarget {
  Connection* conn = nullptr;
  sqlite3* engine = nullptr;  // the embedded engine (its ON CONFLICT mode)
  std::string db, name;       // as the shadow knows them
  std::vector<std::string> columns;
  std::vector<char> generated;  // never written by an INSERT
  int rowid_alias = -1;         // the INTEGER PRIMARY KEY column, or -1
  bool without_rowid = false;
  // The one-row statements made so far, by text: prepared once, run per row.
  std::map<std::string, Statement*> statements;
};

// A row write of the running statement not sent yet: the statement's first
// UPDATE or DELETE row waits (EmbeddedEngine::Defer) so that a statement
// writing one row needs no savepoint of its own.
struct PendingWrite {
  WriteTarget* target = nullptr;  // null: none
  std::string sql;
  std::vector<sqlite3_value*> values;  // owned copies (sqlite3_value_dup)
  int on_conflict = 0;
};

// xUpdate's work (SQLite's argc/argv convention): forwards the row's write
// to the server. Returns an SQLite code; on failure *error is the server's
// message. *rowid is the new row's rowid after an INSERT. may_defer: the
// row may wait in the engine (EmbeddedEngine::MayDefer) when it is an
// UPDATE or DELETE without OR IGNORE/REPLACE.
int ForwardWrite(WriteTarget* target, int argc, sqlite3_value** argv, sqlite3_int64* rowid,
                 std::string* error, bool may_defer);

// Sends w (then empties it, freeing its values). The same codes as
// ForwardWrite.
int SendPending(PendingWrite* w, std::string* error);
// Empties w unsent.
void DropPending(PendingWrite* w);

// Finalizes target's statements (the virtual table is going away).
void DropWrites(WriteTarget* target);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_EMBEDDED_WRITE_H_
