#include "libsqlite3-compat/pg/txn_command.h"

#include <cstring>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

TxnCommand ParseTxnCommand(const char* text) {
  std::vector<sql::Token> w = sql::SignificantTokens(text != nullptr ? text : "");
  TxnCommand c;
  if (w.empty()) return c;
  // The savepoint's name: the first word after the verb that is not one
  // of SAVEPOINT, TO, TRANSACTION.
  auto name_after = [&](size_t from) {
    std::string storage;
    for (size_t i = from; i < w.size(); ++i) {
      if (sql::IsWord(w[i], "SAVEPOINT") || sql::IsWord(w[i], "TO") ||
          sql::IsWord(w[i], "TRANSACTION")) {
        continue;
      }
      return ServerIdent(Lower(sql::NameText(w[i], &storage)));
    }
    return std::string();
  };
  using Verb = TxnCommand::Verb;
  if (sql::IsWord(w[0], "BEGIN")) {
    c.verb = Verb::kBegin;
    c.immediate =
        w.size() > 1 && (sql::IsWord(w[1], "IMMEDIATE") || sql::IsWord(w[1], "EXCLUSIVE"));
  } else if (sql::IsWord(w[0], "COMMIT") || sql::IsWord(w[0], "END")) {
    c.verb = Verb::kCommit;
  } else if (sql::IsWord(w[0], "ROLLBACK")) {
    c.verb = sql::HasWord(w, "TO") ? Verb::kRollbackTo : Verb::kRollback;
    if (c.verb == Verb::kRollbackTo) c.name = name_after(1);
  } else if (sql::IsWord(w[0], "SAVEPOINT")) {
    c.verb = Verb::kSavepoint;
    c.name = name_after(1);
  } else if (sql::IsWord(w[0], "RELEASE")) {
    c.verb = Verb::kRelease;
    c.name = name_after(1);
  }
  return c;
}

sqlite3_stmt* TxnStatementCache::Take(const char* sql, int nbytes, int generation,
                                      TxnCommand* command, const char** tail) {
  if (entries_.empty() || sql == nullptr) return nullptr;
  if (generation != generation_) {
    Clear();
    return nullptr;
  }
  // The input as SQLite reads it: up to nbytes, or the first NUL.
  size_t limit = kMaxText + 1;
  if (nbytes >= 0 && static_cast<size_t>(nbytes) < limit) limit = static_cast<size_t>(nbytes);
  size_t n = strnlen(sql, limit);
  if (n > kMaxText) return nullptr;
  for (size_t i = 0; i < entries_.size(); ++i) {
    Entry& e = entries_[i];
    if (e.text.size() != n || std::memcmp(e.text.data(), sql, n) != 0) continue;
    sqlite3_stmt* stmt = e.stmt;
    // A limit the program set since would refuse the text.
    if (static_cast<size_t>(
            SQ(sqlite3_limit)(SQ(sqlite3_db_handle)(stmt), SQLITE_LIMIT_SQL_LENGTH, -1)) < n) {
      return nullptr;
    }
    *command = std::move(e.command);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    // As a new statement: its counters start again (sqlite3_stmt_status).
    for (int op = SQLITE_STMTSTATUS_FULLSCAN_STEP; op <= SQLITE_STMTSTATUS_FILTER_HIT; ++op) {
      SQ(sqlite3_stmt_status)(stmt, op, 1);
    }
    if (tail != nullptr) *tail = sql + n;
    return stmt;
  }
  return nullptr;
}

bool TxnStatementCache::Keep(sqlite3_stmt* stmt, int generation, const TxnCommand& command) {
  if (!command.keep || command.verb == TxnCommand::Verb::kNone) return false;
  if (generation != generation_) {
    Clear();
    generation_ = generation;
  }
  const char* text = SQ(sqlite3_sql)(stmt);
  if (text == nullptr || entries_.size() >= kMaxEntries ||
      SQ(sqlite3_bind_parameter_count)(stmt) != 0 || SQ(sqlite3_stmt_busy)(stmt) != 0) {
    return false;
  }
  size_t n = std::strlen(text);
  if (n > kMaxText) return false;
  for (const Entry& e : entries_) {
    if (e.text.size() == n && std::memcmp(e.text.data(), text, n) == 0) return false;
  }
  entries_.push_back(Entry{std::string(text, n), stmt, command});
  return true;
}

void TxnStatementCache::Clear() {
  for (Entry& e : entries_) SQ(sqlite3_finalize)(e.stmt);
  entries_.clear();
}

}  // namespace litelift::compat
