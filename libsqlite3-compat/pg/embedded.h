// The second executor's read path (docs/design.md, "The second executor"):
// a read that calls a function, aggregate or collation the program
// registered runs in a per-connection in-memory real SQLite, the embedded
// engine, where every routed table is a virtual table (module
// litelift_server) whose rows are read from the server in the connection's
// session and transaction, with the usable constraints pushed down.

#ifndef LITELIFT_COMPAT_PG_EMBEDDED_H_
#define LITELIFT_COMPAT_PG_EMBEDDED_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "libsqlite3-compat/pg/embedded_fts.h"
#include "libsqlite3-compat/pg/embedded_write.h"

namespace litelift::compat {

class Connection;
class Statement;

// One create_function / create_window_function / create_collation call the
// program made on a routed handle: replayed on the embedded engine with the
// same pointers and user data, and no destructor (the shadow's
// registration owns the user data).
struct Registration {
  enum class Kind { kFunction, kWindow, kCollation };
  Kind kind = Kind::kFunction;
  std::string name;  // UTF-8
  int n_arg = 0;
  int enc = 0;  // text encoding and flags, as given
  void* app = nullptr;
  void (*func)(sqlite3_context*, int, sqlite3_value**) = nullptr;
  void (*step)(sqlite3_context*, int, sqlite3_value**) = nullptr;
  void (*final)(sqlite3_context*) = nullptr;
  void (*value)(sqlite3_context*) = nullptr;
  void (*inverse)(sqlite3_context*, int, sqlite3_value**) = nullptr;
  int (*compare)(void*, int, const void*, int, const void*) = nullptr;
};

// Why the embedded engine runs a statement whose translation failed with
// translate_error: "function f is the program's" when the translator
// refused a function (or collation) the program registered; "" when the
// failure is not one the program's registrations explain (then the
// statement fails as before).
std::string EmbeddedReason(const std::string& translate_error,
                           const std::vector<Registration>& registered);

// A connection's embedded engine: opened on first need, rebuilt when the
// schema generation or the attached databases change.
class EmbeddedEngine {
 public:
  EmbeddedEngine() = default;
  ~EmbeddedEngine() { Close(); }
  EmbeddedEngine(const EmbeddedEngine&) = delete;
  EmbeddedEngine& operator=(const EmbeddedEngine&) = delete;

  // Whether conn's shadow has a table of the server's (in any database).
  static bool HasTables(Connection* conn);
  // The engine for conn's current schema, with every registration of the
  // program replayed; null with *error when it cannot be made.
  sqlite3* Ready(Connection* conn, std::string* error);
  // Bumped each time the engine is made again: statements prepared on an
  // older one prepare again.
  int build() const { return build_; }
  // Applies a registration the program is making to the engine, if it is
  // open, before the shadow gets it: SQLite's refusal (SQLITE_BUSY, a
  // function changed under one of the engine's running statements) is the
  // program's answer, as the real SQLite would give it; *error its message.
  int Apply(Connection* conn, const Registration& r, std::string* error);
  // Closes the engine (statements still on it keep it until finalized).
  void Close();
  // Steps row, a statement prepared on the engine. A write is atomic with
  // its transaction: a failure leaves nothing of it (ABORT; FAIL keeps the
  // rows before, ROLLBACK ends the transaction, as SQLite's conflict
  // resolution says); changes() is then its rows. In autocommit it runs
  // in a transaction of its own (a deferred BEGIN, sent with its first
  // read; COMMIT or ROLLBACK). In a transaction, the savepoint that undoes
  // it is taken lazily, before its second row write reaches the server
  // (its first UPDATE or DELETE row waits in the engine until then, or
  // until the statement reads the server again or ends): one row's write
  // is atomic by itself. With FTS tables in the engine, the savepoint is
  // taken first, as its write-through needs (embedded_fts.cc). Returns
  // an SQLite code, the connection's error set on failure.
  int Step(Connection* conn, sqlite3_stmt* row);
  // The ON CONFLICT resolution (sqlite3_vtab_on_conflict) of the last row
  // write that failed: Step decides from it what stays.
  int failed_on_conflict = 0;

  // The running write statement's rows (embedded_write.cc). Whether the
  // row write about to be made may wait: the statement's first, and no
  // statement of engine started since it began (a function's own) runs.
  bool MayDefer(sqlite3* engine) const;
  // Keeps w until the statement's next server call.
  void Defer(PendingWrite w) { pending_ = std::move(w); }
  // Before the statement's next row write: its savepoint (when taken
  // lazily), then the row waiting. An SQLite code, *error its message.
  int BeforeWrite(Connection* conn, std::string* error);
  // Before the statement reads the server (a scan): the row waiting, after
  // its savepoint. Cheap when no row waits.
  int BeforeRead(Connection* conn, std::string* error) {
    return pending_.target == nullptr ? SQLITE_OK : BeforeWrite(conn, error);
  }

  // Full-text search (embedded_fts.h). Before a statement on an FTS table
  // starts: closes the engine when its copy of an index is behind the
  // server's (made again by the next Ready), or when this connection wrote
  // an index in a transaction that has ended since (it may have rolled back).
  void CheckFts(Connection* conn);
  // A write to an FTS table ended: inside a transaction, the index copy is
  // only as good as that transaction's outcome.
  void FtsWritten(Connection* conn);
  // Inside the program's transaction the engine holds one of its own, so
  // that the module keeps its pending terms (and the write-through its
  // rows) until the program's COMMIT, as SQLite does (embedded_fts.cc).
  // Before an FTS write steps: opens it when the program is in a
  // transaction.
  void BeginFts(Connection* conn);
  // Before the program's transaction control: commits the engine's
  // transaction and sends its rows (COMMIT, SAVEPOINT, RELEASE, ROLLBACK
  // TO), or rolls it back (ROLLBACK). An SQLite code, the error set.
  int FtsBeforeTxn(Connection* conn, FtsTxn what);
  // The program's transaction ended, committed or not.
  void FtsEnded(Connection* conn, bool committed);
  // Before another statement of the connection (not the engine's, not
  // transaction control): the rows not yet sent go to the server, which it
  // may read; before a schema change (schema) the engine's transaction
  // commits too, as the engine is made again after it.
  int FtsBeforeStatement(Connection* conn, bool schema);
  // Opens the write's savepoint on the server if Step deferred it (a write
  // in the engine's transaction sends nothing to the server until it must).
  int NeedSavepoint(Connection* conn);
  // Set while litelift runs its own statements on the engine (its
  // transaction, a rebuild), which the guard of the program's use lets by.
  bool own_sql = false;
  // The FTS tables of the engine as last made.
  const std::vector<FtsTable>& fts() const { return fts_; }
  // The write-through (embedded_fts.cc): the engine's shadow tables, the
  // statements by text, and the first failure of the running statement
  // (Step fails it).
  std::vector<FtsLocal> fts_local;
  std::map<std::string, Statement*> fts_writes;
  std::string fts_error;
  int fts_error_code = SQLITE_OK;
  // Set by StepFtsWrite when it ran a command as statements of its own:
  // the changes() SQLite gives the command (-1: the engine's own count).
  int64_t command_changes = -1;

 private:
  bool Build(Connection* conn, std::string* error);
  // Runs a transaction command of litelift's own (BEGIN, SAVEPOINT,
  // RELEASE, COMMIT, ROLLBACK) on the connection, its statement kept
  // for the next time. SQLite's code, the connection's error set.
  int RunTxn(Connection* conn, const std::string& sql);
  // Sends the row waiting, if any; on failure *error, the row's code.
  int SendWaiting(std::string* error);

  sqlite3* db_ = nullptr;
  int generation_ = -1;   // Connection::schema_generation it was made for
  std::string attached_;  // the attached databases it was made with
  size_t replayed_ = 0;   // registrations replayed on it
  int build_ = 0;
  // Step of a write when the engine holds FTS tables (embedded_fts.h):
  // the savepoint first, or at the first row sent inside the engine's own
  // transaction; what the statement leaves as Step says.
  int StepFts(Connection* conn, sqlite3_stmt* row, sqlite3* engine, bool autocommit,
              int64_t total);
  int64_t seen_total_ = 0;                 // the engine's total_changes last seen by Step
  Connection* conn_ = nullptr;             // the connection it was last made for
  std::vector<FtsTable> fts_;              // the FTS tables it holds
  bool fts_txn_write_ = false;  // the engine committed FTS writes the program may roll back
  std::map<std::string, Statement*> txn_;  // RunTxn's statements, by text
  // The running write statement (Step): whether it runs, its savepoint is
  // to be taken lazily, it began the transaction, the savepoint is taken,
  // the rows it sent, and its first row while it waits.
  bool writing_ = false;
  bool lazy_ = false;
  bool autocommit_ = false;
  bool savepoint_ = false;
  int64_t sent_ = 0;
  int busy_before_ = 0;  // the engine's statements running when it began
  PendingWrite pending_;
  bool fts_open_ = false;            // the engine's transaction, alongside the program's
  bool fts_written_ = false;         // an FTS write in it
  bool savepoint_deferred_ = false;  // Step's savepoint, opened by NeedSavepoint
  bool savepoint_open_ = false;      // Step's savepoint is open on the server
};

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_EMBEDDED_H_
