// Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE), read
// once when the program prepares it, and the shadow statements of such
// fixed texts kept between a finalize and the next prepare of the same
// text (Python's sqlite3 prepares BEGIN and COMMIT afresh for every
// transaction: a shadow prepare each was a quarter of an autocommit
// insert's client instructions).

#ifndef LITELIFT_COMPAT_PG_TXN_COMMAND_H_
#define LITELIFT_COMPAT_PG_TXN_COMMAND_H_

#include <sqlite3.h>

#include <string>
#include <vector>

namespace litelift::compat {

// What a transaction-control statement does, from its text alone.
struct TxnCommand {
  enum class Verb { kNone, kBegin, kCommit, kRollback, kRollbackTo, kSavepoint, kRelease };
  Verb verb = Verb::kNone;  // kNone: not transaction control
  bool immediate = false;   // BEGIN IMMEDIATE or EXCLUSIVE
  // Its shadow statement may be kept at finalize (prepared without
  // prepare_v3 flags: the cache knows no flags).
  bool keep = true;
  std::string name;  // the savepoint's server identifier (kRollbackTo, kSavepoint, kRelease)
};

// Reads text (a statement SQLite prepared as transaction control).
TxnCommand ParseTxnCommand(const char* text);

// Shadow statements of transaction control kept for their text. A kept
// statement is reset, has no parameters, and is handed out to one prepare
// at a time (Take removes it). Everything kept goes when the schema
// generation it was kept under changes, and with Clear (before the shadow
// closes); the destructor clears. Not thread-safe: the connection's mutex.
class TxnStatementCache {
 public:
  // Inputs longer than this are never kept (nor looked up).
  static constexpr size_t kMaxText = 64;
  static constexpr size_t kMaxEntries = 8;

  TxnStatementCache() = default;
  TxnStatementCache(const TxnStatementCache&) = delete;
  TxnStatementCache& operator=(const TxnStatementCache&) = delete;
  ~TxnStatementCache() { Clear(); }

  // The statement kept for exactly the input (sql, nbytes as
  // sqlite3_prepare_v2 reads it) under schema generation, taken out of the
  // cache, with its command and *tail set past the input; or nullptr
  // (nothing changed but a stale cache cleared).
  sqlite3_stmt* Take(const char* sql, int nbytes, int generation, TxnCommand* command,
                     const char** tail);
  // Keeps stmt (reset already, command.keep set) for its text, prepared
  // under generation; false when it is not kept (the caller finalizes it).
  bool Keep(sqlite3_stmt* stmt, int generation, const TxnCommand& command);
  // Finalizes every kept statement.
  void Clear();
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string text;  // sqlite3_sql: exactly what SQLite read
    sqlite3_stmt* stmt = nullptr;
    TxnCommand command;
  };
  std::vector<Entry> entries_;
  int generation_ = -1;
};

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_TXN_COMMAND_H_
