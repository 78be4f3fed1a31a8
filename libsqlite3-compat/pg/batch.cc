#include "libsqlite3-compat/pg/batch.h"

#include <algorithm>
#include <array>

#include "libsqlite3-compat/pg/session.h"
#include "libsqlite3-compat/sql/function_table.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

bool MayChangeOnReplay(std::string_view sql) {
  static constexpr std::array<std::string_view, 3> kKeywords = {"current_date", "current_time",
                                                                "current_timestamp"};
  std::vector<sql::Token> tokens = sql::SignificantTokens(sql);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const sql::Token& t = tokens[i];
    if (t.type == sql::TokenType::kString) {
      if (Lower(t.text) == "'now'") return true;
      continue;
    }
    if (t.type != sql::TokenType::kWord) continue;
    for (std::string_view k : kKeywords) {
      if (sql::IsWord(t, k)) return true;
    }
    // SQLite's functions whose value is not fixed by their arguments and
    // the rows (the date and time functions read the clock without any).
    bool call = i + 1 < tokens.size() && tokens[i + 1].text == "(";
    if (call && sql::FunctionHas(Lower(t.text), sql::kVolatile)) return true;
  }
  return false;
}

size_t BatchedWrite::Bytes() const {
  size_t n = sizeof(BatchedWrite) + tuples.size() + rowid_sequence.size() + table.size() +
             types.size() * (sizeof(Oid) + sizeof(std::string) + 1 + sizeof(int));
  for (const std::string& v : values) n += v.size();
  return n;
}

bool WriteBatch::Full() const {
  return restart_ || writes_.size() >= std::max(kFloor, before_) || bytes_ >= kMaxLogBytes;
}

void WriteBatch::Opened() {
  before_ = restart_ ? 0 : before_ + writes_.size();
  restart_ = false;
  writes_.clear();
  bytes_ = 0;
  open_ = true;
}

void WriteBatch::Add(BatchedWrite write) {
  bytes_ += write.Bytes();
  writes_.push_back(std::move(write));
}

void WriteBatch::Released() {
  before_ += writes_.size();
  writes_.clear();
  bytes_ = 0;
  open_ = false;
}

void WriteBatch::EndTransaction() {
  open_ = false;
  restart_ = false;
  writes_.clear();
  bytes_ = 0;
  before_ = 0;
}

bool WriteBatch::Replay(PGconn* pg, std::string* error, std::vector<std::string>* tables) const {
  if (!open_) {
    *error = "no batch is open";
    return false;
  }
  if (!PQenterPipelineMode(pg)) {
    *error = ErrorText(pg);
    return false;
  }
  // What each result is: the ROLLBACK TO, a sequence set, or write k.
  std::vector<int> expected;  // -1: a command; k: writes_[k]
  bool sent = PQsendQueryParams(pg, "ROLLBACK TO SAVEPOINT litelift_batch", 0, nullptr, nullptr,
                                nullptr, nullptr, 0) != 0;
  expected.push_back(-1);
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (size_t k = 0; sent && k < writes_.size(); ++k) {
    const BatchedWrite& w = writes_[k];
    if (!w.rowid_sequence.empty()) {
      // The next number is the one the write got (sequences ignore rollbacks).
      std::string set =
          "SELECT setval(" + w.rowid_sequence + ", " + std::to_string(w.rowid) + ", false)";
      sent = PQsendQueryParams(pg, set.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 0;
      expected.push_back(-1);
    }
    values.assign(w.values.size(), nullptr);
    lengths.assign(w.values.size(), 0);
    for (size_t i = 0; i < w.values.size(); ++i) {
      if (!w.nulls[i]) values[i] = w.values[i].c_str();
      lengths[i] = static_cast<int>(w.values[i].size());
    }
    sent = sent &&
           PQsendQueryParams(pg, w.sql->c_str(), static_cast<int>(w.values.size()), w.types.data(),
                             values.data(), lengths.data(), w.formats.data(), 0) != 0;
    expected.push_back(static_cast<int>(k));
    if (std::find(tables->begin(), tables->end(), w.table) == tables->end()) {
      tables->push_back(w.table);
    }
  }
  sent = sent && PQpipelineSync(pg);
  if (!sent) {
    *error = ErrorText(pg);
    PQexitPipelineMode(pg);
    return false;
  }
  bool ok = true;
  for (int what : expected) {
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {  // the connection died
      if (ok) *error = ErrorText(pg);
      return false;
    }
    ExecStatusType status = PQresultStatus(r);
    bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (ok && !good) {
      *error = ErrorText(pg, r);
      ok = false;
    } else if (ok && what >= 0 && writes_[static_cast<size_t>(what)].tuples != PQcmdTuples(r)) {
      *error = "a write ran again changed " + std::string(PQcmdTuples(r)) + " rows instead of " +
               writes_[static_cast<size_t>(what)].tuples;
      ok = false;
    }
    PQclear(r);
    while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
  }
  for (;;) {  // up to the sync point
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {
      if (PQstatus(pg) != CONNECTION_OK) return false;
      continue;
    }
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  PQexitPipelineMode(pg);
  return ok;
}

}  // namespace litelift::compat
