// Opt-in write pipelining for bulk loads (docs/configuration.md,
// LITELIFT_PIPELINE_WRITES): inside a transaction that already holds the
// database's write lock, a write of the write batch's kind (its effect fixed
// by its text, parameters and rows; batching.cc) whose statement is already
// prepared in the session is sent without waiting for its result. The
// program gets SQLITE_DONE at once, with changes() = 1 for a one-row INSERT
// (what it is unless it fails). The results are read, in one round trip,
// before anything else uses the session: the next statement that is not
// such a write (a read, COMMIT, another write), changes() when a row count
// is not known, last_insert_rowid(), or every kMaxInflight writes.
//
// A failed write aborts the server's transaction, and the writes after it
// were never run: the transaction is rolled back on both sides when the
// failure is read, and the next statement stepped returns the failed
// write's error with SQLite's code and message (a ROLLBACK returns
// SQLITE_OK; the transaction is already gone).

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

// Writes sent before their results are read (bounds the client's and the
// server's buffers; one round trip per this many writes).
constexpr size_t kMaxInflight = 1000;
// One-row INSERTs of one statement sent as one INSERT of this many rows:
// the server's cost per statement (bind, portal, executor start) is most
// of a one-row INSERT's.
constexpr int kCombinedRows = 64;

// Skips a quoted string or identifier starting at text[i]; returns the
// index after it.
size_t SkipQuoted(const std::string& text, size_t i) {
  char q = text[i];
  for (++i; i < text.size(); ++i) {
    if (text[i] == q) {
      if (i + 1 < text.size() && text[i + 1] == q) {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return i;
}

// Whether text[from, to) names a parameter ($n) outside quotes.
bool HasParameter(const std::string& text, size_t from, size_t to) {
  for (size_t i = from; i < to;) {
    if (text[i] == '\'' || text[i] == '"') {
      i = SkipQuoted(text, i);
    } else if (text[i] == '$' && i + 1 < to &&
               std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      return true;
    } else {
      ++i;
    }
  }
  return false;
}

// The text of a one-row INSERT ... VALUES (row) [suffix] as one INSERT of
// rows rows, the parameters of row j numbered after those of the rows
// before it (n each); "" when its shape is not that.
std::string CombinedText(const std::string& text, int n, int rows) {
  size_t at = std::string::npos;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\'' || text[i] == '"') {
      i = SkipQuoted(text, i);
      continue;
    }
    if (text.compare(i, 8, "VALUES (") == 0) {
      if (at != std::string::npos) return "";  // two
      at = i + 7;
    }
    ++i;
  }
  if (at == std::string::npos || HasParameter(text, 0, at)) return "";
  size_t end = at, depth = 0;
  for (; end < text.size();) {
    char c = text[end];
    if (c == '\'' || c == '"') {
      end = SkipQuoted(text, end);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) break;
    ++end;
  }
  if (end >= text.size() || HasParameter(text, end + 1, text.size())) return "";
  std::string row = text.substr(at, end + 1 - at);
  std::string out = text.substr(0, at);
  for (int j = 0; j < rows; ++j) {
    if (j > 0) out += ", ";
    for (size_t i = 0; i < row.size();) {
      if (row[i] == '\'' || row[i] == '"') {
        size_t k = SkipQuoted(row, i);
        out.append(row, i, k - i);
        i = k;
      } else if (row[i] == '$' && i + 1 < row.size() &&
                 std::isdigit(static_cast<unsigned char>(row[i + 1]))) {
        size_t k = i + 1;
        int v = 0;
        while (k < row.size() && std::isdigit(static_cast<unsigned char>(row[k]))) {
          v = v * 10 + (row[k] - '0');
          ++k;
        }
        out += "$" + std::to_string(v + j * n);
        i = k;
      } else {
        out += row[i++];
      }
    }
  }
  out += text.substr(end + 1);
  return out;
}

bool Written(const PGresult* r) {
  ExecStatusType st = PQresultStatus(r);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

}  // namespace

bool Statement::MayPipeline() {
  if (!conn->pipeline_writes || conn->Autocommit() || conn->begin_pending ||
      !conn->holds_write_lock || conn->update_hook != nullptr || conn->snapshot_pending ||
      generation != conn->schema_generation || !translation.state_parameters.empty() ||
      SQ(sqlite3_stmt_readonly)(shadow)) {
    return false;
  }
  // Prepared in this session already (its first run waits).
  const PreparedCache& cache = prepared_cache_;
  if (cache.translation != &translation || cache.folded ||
      cache.generation != conn->prepared_generation) {
    return false;
  }
  return Batchable(translation);
}

int Statement::SendPipelined(const std::string& name, int n) {
  if (conn->inflight.size() >= kMaxInflight) {
    conn->SettleWrites();
    int rc = conn->TakeDeferredError();
    if (rc != SQLITE_OK) return rc;
  }
  PGconn* pg = conn->pg;
  if (PQpipelineStatus(pg) == PQ_PIPELINE_OFF && !PQenterPipelineMode(pg)) {
    return conn->SetError(SQLITE_IOERR, "litelift: " + ErrorText(pg));
  }
  const ServerParams& sp = server_params_;
  // A one-row INSERT without conflict handling inserts its row or fails.
  bool counted = translation.op == SQLITE_INSERT && translation.one_row &&
                 translation.sql.find("ON CONFLICT") == std::string::npos;
  Connection::CombineBuffer& cb = conn->combine;
  if (cb.rows > 0 && cb.name != name) conn->FlushCombined();
  bool combines = false;
  if (counted && n > 0 && n * kCombinedRows <= 65535) {
    auto found = conn->combined_texts.find(translation.sql);
    if (found == conn->combined_texts.end()) {
      found = conn->combined_texts
                  .emplace(translation.sql, CombinedText(translation.sql, n, kCombinedRows))
                  .first;
    }
    combines = !found->second.empty();
  }
  if (combines) {
    if (cb.rows == 0) {
      cb.name = name;
      cb.text = translation.sql;
      cb.types.assign(sp.types.begin(), sp.types.begin() + n);
      cb.n = n;
      cb.returns_rowid = translation.returns_rowid;
      cb.values.resize(static_cast<size_t>(n * kCombinedRows));
      cb.nulls.assign(static_cast<size_t>(n * kCombinedRows), 0);
      cb.formats.assign(static_cast<size_t>(n * kCombinedRows), 0);
    }
    for (int k = 0; k < n; ++k) {
      size_t at = static_cast<size_t>(cb.rows * n + k);
      const char* v = sp.values[static_cast<size_t>(k)];
      cb.nulls[at] = v == nullptr;
      cb.formats[at] = sp.formats[static_cast<size_t>(k)];
      if (v == nullptr) {
        cb.values[at].clear();
      } else if (cb.formats[at] == 1) {
        cb.values[at].assign(v, static_cast<size_t>(sp.lengths[static_cast<size_t>(k)]));
      } else {
        cb.values[at].assign(v);
      }
    }
    ++cb.rows;
    if (cb.rows == kCombinedRows) conn->FlushCombined();
  } else {
    if (!PQsendQueryPrepared(pg, name.c_str(), n, sp.values.data(), sp.lengths.data(),
                             sp.formats.data(), 0)) {
      std::string reason = ErrorText(pg);
      conn->SettleWrites();  // (the session is lost: the transaction with it)
      conn->TakeDeferredError();
      return conn->SetError(SQLITE_IOERR, "litelift: lost the connection to postgres: " + reason);
    }
    conn->inflight.push_back({translation.op, translation.returns_rowid, counted, 1, ""});
  }
  if (counted) {
    conn->changes = 1;
    conn->total_changes += 1;
  } else {
    conn->inflight_changes_unknown = true;
  }
  if (translation.op == SQLITE_INSERT) conn->inflight_rowid = true;
  conn->wrote_in_txn = true;
  conn->txn_level = SQLITE_TXN_WRITE;
  pipelined_ = true;
  return SQLITE_OK;
}

void Connection::FlushCombined() {
  CombineBuffer& cb = combine;
  if (cb.rows == 0) return;
  int rows = cb.rows;
  cb.rows = 0;
  std::vector<const char*> values(cb.values.size());
  std::vector<int> lengths(cb.values.size());
  for (size_t i = 0; i < static_cast<size_t>(rows * cb.n); ++i) {
    values[i] = cb.nulls[i] ? nullptr : cb.values[i].data();
    lengths[i] = static_cast<int>(cb.values[i].size());
  }
  bool sent = true;
  if (rows == kCombinedRows) {
    const std::string& text = combined_texts[cb.text];
    std::vector<Oid> types;
    for (int j = 0; j < rows; ++j) types.insert(types.end(), cb.types.begin(), cb.types.end());
    std::string key = text;
    key.push_back('\x1f');
    for (Oid t : types) key += std::to_string(t) + ",";
    auto it = prepared.find(key);
    std::string name;
    if (it == prepared.end()) {
      name = "litelift_" + std::to_string(++prepared_count);
      sent = PQsendPrepare(pg, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                           types.data()) != 0;
      prepared.emplace(key, name);
      inflight.push_back({0, false, false, 0, key});
    } else {
      name = it->second;
    }
    sent = sent && PQsendQueryPrepared(pg, name.c_str(), rows * cb.n, values.data(), lengths.data(),
                                       cb.formats.data(), 0);
    inflight.push_back({SQLITE_INSERT, cb.returns_rowid, true, rows, ""});
  } else {
    for (int j = 0; j < rows && sent; ++j) {
      size_t at = static_cast<size_t>(j * cb.n);
      sent = PQsendQueryPrepared(pg, cb.name.c_str(), cb.n, values.data() + at, lengths.data() + at,
                                 cb.formats.data() + at, 0) != 0;
      inflight.push_back({SQLITE_INSERT, cb.returns_rowid, true, 1, ""});
    }
  }
  if (!sent) LL_WARN("pipelined writes not sent: {}", ErrorText(pg));  // read as lost
}

void Connection::SettleWrites() {
  if (session_lost && HasPipelined()) {
    // Dead, or the parent's after fork: nothing may be read from it or
    // written to it; the transaction went with it (EnsureSession).
    inflight.clear();
    combine.rows = 0;
    inflight_changes_unknown = inflight_rowid = false;
    deferred_rc = SQLITE_IOERR;
    deferred_msg = "litelift: lost the connection to postgres with pipelined writes unread";
    return;
  }
  FlushCombined();
  if (inflight.empty()) return;
  std::vector<InflightWrite> writes;
  writes.swap(inflight);
  inflight_changes_unknown = false;
  inflight_rowid = false;
  bool lost = !PQpipelineSync(pg);
  PgResult failure;
  for (const InflightWrite& w : writes) {
    if (lost) break;
    PgResult r(PQgetResult(pg));
    if (!r) {
      lost = true;
      break;
    }
    while (PGresult* extra = PQgetResult(pg)) PQclear(extra);  // (the NULL ending it)
    if (w.rows == 0) {                                         // a statement prepared on the way
      if (!Written(r.get())) prepared.erase(w.prepared_key);
      continue;
    }
    if (Written(r.get()) && !failure) {
      int got = PQntuples(r.get());
      if (w.returns_rowid && got > 0) {
        last_insert_rowid = std::atoll(PQgetvalue(r.get(), got - 1, 0));
      }
      const char* tuples = PQcmdTuples(r.get());
      if (w.counted) {
        changes = 1;  // (each of the program's statements changed its row)
      } else if (tuples != nullptr && *tuples != '\0') {
        changes = std::atoll(tuples);
        total_changes += changes;
      }
      continue;
    }
    if (w.counted) total_changes -= w.rows;  // they did not change their rows
    if (!failure && PQresultStatus(r.get()) != PGRES_PIPELINE_ABORTED) failure = std::move(r);
  }
  while (!lost) {  // up to the sync point
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {
      if (PQstatus(pg) != CONNECTION_OK) lost = true;
      continue;
    }
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  if (lost || PQstatus(pg) != CONNECTION_OK) {
    NoteSessionLost();
    deferred_rc = SQLITE_IOERR;
    deferred_msg = "litelift: lost the connection to postgres with pipelined writes unread";
    return;
  }
  PQexitPipelineMode(pg);
  if (!failure) return;
  SetErrorFromServer(failure.get());
  int code = err_code;  // (extended; masked when reported)
  std::string message = err_msg;
  LL_DEBUG("a pipelined write failed ({}): the transaction is rolled back", message);
  changes = 0;
  RollBackBothSides();
  deferred_rc = code;
  deferred_msg = message;
}

int Connection::TakeDeferredError() {
  if (deferred_rc == SQLITE_OK) return SQLITE_OK;
  int code = deferred_rc;
  std::string message = std::move(deferred_msg);
  deferred_rc = SQLITE_OK;
  deferred_msg.clear();
  return SetError(code, message);
}

}  // namespace litelift::compat
