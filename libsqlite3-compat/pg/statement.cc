#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <map>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/odd_text.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/values.h"
#include "libsqlite3-compat/server/install.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

constexpr const char* kStmtSavepoint = "litelift_stmt";

// How the program's BEGIN (and a SAVEPOINT that opens a transaction) starts
// one on the server.
constexpr const char* kBeginTransaction = "BEGIN ISOLATION LEVEL REPEATABLE READ";
// The same for a transaction already begun, before its first query.
constexpr const char* kRepeatableRead = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";

// Whether a statement's rows may hold a large blob, and its rows could
// come in binary format (their hidden columns are read as text): a result
// column that is an expression or of a type that keeps blobs.
bool MayReturnBlobs(sqlite3_stmt* shadow, const sql::Translation& t) {
  if (t.returns_rowid || t.trailing_rowid_columns > 0 || !t.classed_columns.empty()) return false;
  int n = SQ(sqlite3_column_count)(shadow);
  for (int i = 0; i < n; ++i) {
    const char* declared = SQ(sqlite3_column_decltype)(shadow, i);
    if (declared == nullptr) return true;
    std::string type = sql::PgTypeForDeclared(declared);
    if (type == "bytea" || type == "jsonb") return true;
  }
  return false;
}

}  // namespace

Statement::Statement(Connection* c, sqlite3_stmt* s, Kind k) : conn(c), shadow(s), kind(k) {
  params.resize(static_cast<size_t>(SQ(sqlite3_bind_parameter_count)(s)) + 1);
}

Statement::~Statement() {
  if (row != nullptr) SQ(sqlite3_finalize)(row);
  if (shadow != nullptr) SQ(sqlite3_finalize)(shadow);
}

void Statement::ClearRow() {
  if (row != nullptr && kind == Kind::kServer) SQ(sqlite3_reset)(row);
  row_active = false;
  row_pending_ = false;
}

void Statement::HoldRow() {
  row_pending_ = false;
  int ncol = static_cast<int>(plain_.size());
  if (row == nullptr || SQ(sqlite3_column_count)(row) != ncol) {
    if (row != nullptr) SQ(sqlite3_finalize)(row);
    row = nullptr;
    std::string select = "SELECT";
    for (int i = 1; i <= ncol; ++i) select += (i > 1 ? ", ?" : " ?") + std::to_string(i);
    if (ncol == 0) select = "SELECT 1 WHERE 0";
    SQ(sqlite3_prepare_v2)(conn->rows_db, select.c_str(), -1, &row, nullptr);
  }
  if (row == nullptr) {  // out of memory: no row to read (column_* give NULLs)
    row_active = false;
    return;
  }
  SQ(sqlite3_reset)(row);
  for (int c = 0; c < ncol; ++c) BindPlainValue(row, c + 1, plain_[static_cast<size_t>(c)]);
  if (SQ(sqlite3_step)(row) != SQLITE_ROW) row_active = false;
}

int Statement::Step() {
  conn->CheckFork();
  if (done) Reset();  // SQLite resets a finished statement on the next step
  if (!started && (conn->HasPipelined() || conn->deferred_rc != SQLITE_OK)) {
    // Pipelined writes' results first (pipeline.cc): their failure is this
    // statement's, the transaction already rolled back.
    if (!(kind == Kind::kServer && MayPipeline())) conn->SettleWrites();
    if (conn->deferred_rc != SQLITE_OK) {
      bool rollback = kind == Kind::kTxn && txn.verb == TxnCommand::Verb::kRollback;
      if (rollback) {
        conn->deferred_rc = SQLITE_OK;
        conn->deferred_msg.clear();
      }
      if (rollback && conn->Autocommit()) {  // nothing left to roll back
        conn->ClearError();
        started = done = ran = true;
        last_rc = SQLITE_DONE;
        return SQLITE_DONE;
      }
      if (!rollback) {  // (a lost transaction's ROLLBACK goes on to end it)
        int rc = conn->TakeDeferredError();
        Failed(conn->err_code, conn->err_msg);
        return rc;
      }
    }
  }
  if (!started) {
    int ensured = conn->EnsureSession(this);
    if (ensured != SQLITE_OK) {
      Failed(conn->err_code, conn->err_msg);
      return ensured;
    }
    // The FTS write-through's rows not yet sent: the server's before this
    // statement reads it (embedded_fts.cc).
    if (!internal && kind != Kind::kEmbedded && kind != Kind::kTxn) {
      int rc = conn->embedded.FtsBeforeStatement(conn, kind == Kind::kDdl || kind == Kind::kAttach);
      if (rc != SQLITE_OK) {
        Failed(conn->err_code, conn->err_msg);
        return rc;
      }
    }
    // A data statement sends a pending BEGIN in its own pipeline, and
    // StepTxn decides for transaction control; anything else runs inside.
    if (conn->begin_pending &&
        (kind == Kind::kDdl || kind == Kind::kAttach || kind == Kind::kEmbedded ||
         (kind == Kind::kShadow && pragma_uses_server))) {
      int rc = conn->SendPendingBegin();
      if (rc != SQLITE_OK) {
        Failed(conn->err_code, conn->err_msg);
        return conn->Masked(rc);
      }
    }
  }
  int rc = SQLITE_ERROR;
  switch (kind) {
    case Kind::kShadow:
      rc = StepShadow();
      break;
    case Kind::kTxn:
      rc = StepTxn();
      break;
    case Kind::kDdl:
      rc = StepDdl();
      break;
    case Kind::kAttach:
      rc = StepAttach();
      break;
    case Kind::kServer:
      rc = StepServer();
      break;
    case Kind::kEmbedded:
      rc = StepEmbedded();
      break;
  }
  ran = true;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    last_rc = rc;
    // Set once for a run of rows, not copied again for every row: only
    // here are SQLITE_ROW and SQLITE_DONE set, always with SQLite's text.
    // (SetError's fields, set without a temporary string.)
    if (conn->err_code != rc || conn->err_offset != -1) {
      conn->err_code = rc;
      conn->err_msg.assign(SQ(sqlite3_errstr)(rc));
      conn->err_msg16.clear();
      conn->err_offset = -1;
    }
    if (rc == SQLITE_DONE) done = true;
    return rc;
  }
  done = true;
  Failed(conn->err_code, conn->err_msg);
  return conn->Masked(conn->err_code);
}

void Statement::Failed(int code, const std::string& message) {
  ran = true;
  done = true;
  last_rc = code;
  last_msg = message;
}

int Statement::Reset() {
  conn->CheckFork();
  if (chunk_ == Chunk::kActive) {  // abandoned mid-scan: the cursor goes, unread
    whole_result_.reset();
    EndChunks(/*failed=*/true);
  }
  chunk_ = Chunk::kNone;
  if (kind == Kind::kServer && started && !done && whole_result_) {
    FinishServer(whole_result_.release());
  } else if (kind == Kind::kServer && started && !done) {
    // Abandoned mid-result: read the rest (it completes the statement).
    for (PgResult r; (r = NextResult());) {
      if (PQresultStatus(r.get()) != PGRES_SINGLE_TUPLE) {
        FinishServer(r.release());
        break;
      }
    }
    FinishPipeline();
  }
  pending.clear();
  whole_result_.reset();
  if (conn->streaming == this) conn->streaming = nullptr;
  streaming = false;
  if (row != nullptr) SQ(sqlite3_reset)(row);
  row_active = false;
  row_pending_ = false;
  row_result_.reset();
  if (kind != Kind::kServer) SQ(sqlite3_reset)(shadow);  // a server statement never steps it
  int rc = last_rc;
  bool had_run = ran;
  std::string message = std::move(last_msg);
  started = done = ran = false;
  last_rc = SQLITE_OK;
  last_msg.clear();
  // As SQLite: a statement not run since its last reset leaves the
  // connection's error as it is; one that ran sets it to its last step's
  // (again, whatever was reported since), and returns that code.
  if (!had_run) return SQLITE_OK;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_OK) {
    conn->ClearError();
    return SQLITE_OK;
  }
  return conn->SetError(rc, message);
}

// ---- shadow statements: schema reads, PRAGMAs, table-less SELECTs --------

int Statement::StepShadow() {
  if (pragma != nullptr) return StepPragma(this);  // what runs it: pragmas.h
  int rc = SQ(sqlite3_step)(shadow);
  row_active = false;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return conn->SetErrorFromShadow(rc);
  // EXPLAIN of a data change counts as one that changed nothing.
  if (rc == SQLITE_DONE && SQ(sqlite3_stmt_isexplain)(shadow) != 0 &&
      !SQ(sqlite3_stmt_readonly)(shadow)) {
    conn->changes = 0;
  }
  started = true;
  return rc;
}

// ---- transaction control ---------------------------------------------------

int Statement::StepTxn() {
  if (conn->txn_lost) return EndLostTransaction();
  using Verb = TxnCommand::Verb;  // (read at prepare: txn_command.h)
  if (!internal) {
    // The FTS engine's transaction first (embedded_fts.cc).
    static const FtsTxn kFts[] = {FtsTxn::kBegin,    FtsTxn::kBegin,      FtsTxn::kCommit,
                                  FtsTxn::kRollback, FtsTxn::kRollbackTo, FtsTxn::kSavepoint,
                                  FtsTxn::kRelease};
    int rc = conn->embedded.FtsBeforeTxn(conn, kFts[static_cast<int>(txn.verb)]);
    if (rc != SQLITE_OK) return rc;
  }
  bool was_autocommit = conn->Autocommit();
  if (was_autocommit) conn->snapshot_taken = false;  // a new transaction
  bool commit = txn.verb == Verb::kCommit;
  // A transaction whose BEGIN is still pending has nothing on the server.
  bool on_server = !conn->begin_pending;
  if (commit && !was_autocommit && on_server && conn->HasDeferredKeys()) {
    // Deferred foreign keys are checked before the COMMIT, so that a
    // failure leaves the transaction open, as SQLite does.
    conn->TakeSession(nullptr);
    if (!conn->Run("SAVEPOINT litelift_commit; SET CONSTRAINTS ALL IMMEDIATE; "
                   "RELEASE SAVEPOINT litelift_commit")) {
      int code = conn->err_code;
      std::string message = conn->err_msg;
      Exec(conn->pg, "ROLLBACK TO SAVEPOINT litelift_commit; RELEASE SAVEPOINT litelift_commit");
      return conn->SetError(code, message);
    }
  }
  int rc = SQ(sqlite3_step)(shadow);
  started = true;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return conn->SetErrorFromShadow(rc);
  std::string server;
  bool immediate = false;
  bool snapshot_from_next_query = false;  // REPEATABLE READ set before a savepoint
  bool lazy_begin = false;
  if (txn.verb == Verb::kBegin) {
    // A deferred transaction's isolation waits for its first statement
    // (Connection::snapshot_pending); IMMEDIATE and EXCLUSIVE are the
    // writer from the start and read the latest rows, as in SQLite.
    server = "BEGIN";
    // BEGIN IMMEDIATE and EXCLUSIVE take the write lock at once.
    immediate = txn.immediate;
    // A deferred one goes with the next statement, in its round trip.
    lazy_begin = !immediate && was_autocommit;
  } else if (commit) {
    if (conn->commit_hook != nullptr && conn->commit_hook(conn->commit_arg) != 0) {
      conn->Run("ROLLBACK");
      conn->TransactionRolledBack();
      if (conn->rollback_hook != nullptr) conn->rollback_hook(conn->rollback_arg);
      return conn->SetError(SQLITE_CONSTRAINT_COMMITHOOK, "constraint failed");
    }
    server = "COMMIT";
  } else if (txn.verb == Verb::kRollbackTo) {
    server = "ROLLBACK TO SAVEPOINT " + txn.name;
  } else if (txn.verb == Verb::kRollback) {
    server = "ROLLBACK";
    if (conn->rollback_hook != nullptr) conn->rollback_hook(conn->rollback_arg);
  } else if (txn.verb == Verb::kSavepoint) {
    // A savepoint is a subtransaction, where the isolation can no longer
    // be chosen: the snapshot comes with the first query from here on.
    snapshot_from_next_query = was_autocommit || conn->snapshot_pending;
    server = (was_autocommit           ? std::string(kBeginTransaction) + "; SAVEPOINT "
              : conn->snapshot_pending ? std::string(kRepeatableRead) + "; SAVEPOINT "
                                       : std::string("SAVEPOINT ")) +
             txn.name;
  } else if (txn.verb == Verb::kRelease) {
    server = conn->Autocommit() ? "COMMIT" : "RELEASE SAVEPOINT " + txn.name;
  }
  // The program's savepoints are not nested in the write batch's (its
  // RELEASE would release them); COMMIT and ROLLBACK end it with the
  // transaction.
  if (!on_server && (server == "COMMIT" || server == "ROLLBACK")) {
    server.clear();  // nothing began on the server
    conn->begin_pending = false;
  } else if (!on_server && !server.empty()) {
    int rc = conn->SendPendingBegin();  // (a savepoint in the transaction)
    if (rc != SQLITE_OK) return rc;
  }
  std::string end_batch;
  if (conn->batch.open() && !server.empty()) {
    if (server != "COMMIT" && server != "ROLLBACK") {
      end_batch = std::string("RELEASE SAVEPOINT ") + WriteBatch::kSavepoint + "; ";
    }
    conn->batch.Released();
  }
  if (lazy_begin) {
    server.clear();
    conn->begin_pending = true;
  }
  if (!server.empty() && !conn->Run(end_batch + server)) {
    int code = conn->err_code;
    std::string message = conn->err_msg;
    if (conn->Autocommit()) {
      Exec(conn->pg, "ROLLBACK");
      conn->TransactionRolledBack();
    } else if (was_autocommit) {
      // The server refused to start the transaction (BEGIN, or the
      // SAVEPOINT that begins one): as in SQLite, nothing was started, so
      // the shadow's transaction goes too and the next BEGIN works.
      if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE) Exec(conn->pg, "ROLLBACK");
      SQ(sqlite3_exec)(conn->shadow.db(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    return conn->SetError(code, message);
  }
  if (txn.verb == Verb::kRollback || txn.verb == Verb::kRollbackTo) {
    conn->deferred_keys_generation = -1;
  }
  // Rows rolled back leave the rowid sequences ahead (catalog/rowid.h).
  if (server.rfind("ROLLBACK TO", 0) == 0) {
    if (conn->wrote_in_txn) conn->ResyncRowids({});
  } else if (server == "ROLLBACK") {
    conn->TransactionRolledBack();
  }
  // (Run cleared snapshot_pending for anything else.)
  conn->snapshot_pending = lazy_begin || (server == "BEGIN" && !immediate);
  if (snapshot_from_next_query) conn->snapshot_taken = true;  // whatever that query is
  if (conn->Autocommit()) {                                   // the transaction ended
    conn->embedded.FtsEnded(conn, txn.verb == Verb::kCommit || txn.verb == Verb::kRelease);
    conn->batch.EndTransaction();
    conn->begin_pending = false;
    conn->snapshot_pending = false;
    conn->snapshot_taken = false;
    conn->holds_write_lock = false;
    conn->txn_level = SQLITE_TXN_NONE;
    conn->wrote_in_txn = false;
  }
  // IMMEDIATE means "I am the writer" in native concurrency too: such
  // transactions take the database's lock and so run one at a time.
  if (immediate && !conn->holds_write_lock) {
    if (!conn->Run(conn->WriteLockSql())) {
      // As SQLite: a BEGIN IMMEDIATE that gets SQLITE_BUSY starts nothing.
      int code = conn->err_code;
      std::string message = conn->err_msg;
      Exec(conn->pg, "ROLLBACK");
      SQ(sqlite3_exec)(conn->shadow.db(), "ROLLBACK", nullptr, nullptr, nullptr);
      return conn->SetError(code, message);
    }
    conn->holds_write_lock = true;
    conn->txn_level = SQLITE_TXN_WRITE;
  }
  return SQLITE_DONE;
}

// The program's ROLLBACK of a transaction its lost session took with it
// (Connection::EnsureSession lets nothing else through): the shadow rolls
// back, and a new session sets the rowid sequences the lost writes moved.
int Statement::EndLostTransaction() {
  int rc = SQ(sqlite3_step)(shadow);
  started = true;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return conn->SetErrorFromShadow(rc);
  conn->txn_lost = false;
  conn->begin_pending = false;
  conn->holds_write_lock = false;
  conn->txn_level = SQLITE_TXN_NONE;
  if (conn->rollback_hook != nullptr) conn->rollback_hook(conn->rollback_arg);
  std::string error;
  if (conn->Reconnect(&error)) {
    conn->TransactionRolledBack();
  } else {
    LL_WARN("no new session after a lost transaction yet: {}", error);
  }
  conn->wrote_in_txn = false;
  return SQLITE_DONE;
}

// ---- data: the server ------------------------------------------------------
//
// A data statement runs alone when the program is in autocommit mode and
// it reads. Otherwise it is pipelined (one round trip) with what keeps
// SQLite's semantics:
//   autocommit write:   write lock; statement (the pipeline's implicit
//                       transaction; BEGIN ... COMMIT when a commit hook
//                       must decide)
//   in a transaction:   SAVEPOINT; [write lock]; statement; RELEASE
// so that writers to one database are serialised (SQLITE_BUSY after the
// busy timeout) and a failing statement inside a transaction fails alone.

PgResult Statement::NextResult() {
  if (!pending.empty()) {
    PgResult r = std::move(pending.front());
    pending.pop_front();
    return r;
  }
  if (!streaming) return PgResult();
  PGresult* r = PQgetResult(conn->pg);
  if (r == nullptr) {
    streaming = false;
    if (conn->streaming == this) conn->streaming = nullptr;
  }
  return PgResult(r);
}

void Statement::Drain() {
  if (chunk_ == Chunk::kActive) {
    DrainChunks();
    return;
  }
  while (streaming) {
    PGresult* r = PQgetResult(conn->pg);
    if (r == nullptr) {
      streaming = false;
      break;
    }
    pending.emplace_back(r);
  }
  if (conn->streaming == this) conn->streaming = nullptr;
  FinishPipeline();
}

// Reads one pipelined command's result (and the NULL that ends it).
static PgResult ReadCommand(PGconn* pg) {
  PGresult* r = PQgetResult(pg);
  if (r != nullptr && PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
    while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
  }
  return PgResult(r);
}

void Statement::FinishPipeline() {
  if (!pipeline_open) return;
  pipeline_open = false;
  for (int i = 0; i < post_commands; ++i) {
    PgResult r = ReadCommand(conn->pg);
    if (!Ok(r.get()) && post_error == nullptr &&
        PQresultStatus(r.get()) != PGRES_PIPELINE_ABORTED) {
      post_error.reset(r.release());
    }
  }
  for (;;) {  // up to the sync point
    PGresult* r = PQgetResult(conn->pg);
    bool dead = PQstatus(conn->pg) != CONNECTION_OK;
    if (r == nullptr && !dead) continue;  // between two commands' results
    if (r == nullptr || (dead && PQresultStatus(r) == PGRES_FATAL_ERROR)) {
      // The session died before the sync point: it never comes, and
      // whether the server committed is unknown; the statement fails.
      if (post_error == nullptr) {
        post_error.reset(r != nullptr ? r : PQmakeEmptyPGresult(conn->pg, PGRES_FATAL_ERROR));
      } else {
        PQclear(r);
      }
      return;
    }
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    if (PQresultStatus(r) == PGRES_FATAL_ERROR && post_error == nullptr) {
      post_error.reset(r);  // the implicit transaction's COMMIT failed (a deferred key)
      continue;
    }
    PQclear(r);
    if (sync) break;
  }
  PQexitPipelineMode(conn->pg);
}

void Statement::ForgetRun() {
  streaming = false;
  chunk_ = Chunk::kNone;
  chunk_asked_.clear();
  whole_rows_ = 0;
  pipeline_open = false;
  pending.clear();
  whole_result_.reset();
  commit_pending = false;
  wrap = Wrap::kNone;
}

// Undoes the wrapping after a failure: the statement's savepoint, or the
// transaction that autocommit mode opened for it.
void Statement::Unwrap(bool failed) {
  std::string sp = kStmtSavepoint;
  if (wrap == Wrap::kTransaction && (failed || PQtransactionStatus(conn->pg) != PQTRANS_IDLE)) {
    Exec(conn->pg, "ROLLBACK");
  } else if (wrap == Wrap::kSavepoint && failed) {
    Exec(conn->pg, "ROLLBACK TO SAVEPOINT " + sp + "; RELEASE SAVEPOINT " + sp);
  } else if (wrap == Wrap::kFirstWrite && failed) {
    // The write lock, first in the transaction, was refused: nothing began.
    Exec(conn->pg, "ROLLBACK");
    conn->begin_pending = true;
  } else if (wrap == Wrap::kLockOnly) {
    Exec(conn->pg, "ROLLBACK TO SAVEPOINT litelift_lock; RELEASE SAVEPOINT litelift_lock");
  } else if (wrap == Wrap::kBatch && failed) {
    // The batch's earlier writes run again (batch.h); when they cannot,
    // the transaction is beyond repair (FailedInBatch rolls it back).
    replayed_tables_.clear();
    replay_error_.clear();
    if (!conn->batch.Replay(conn->pg, &replay_error_, &replayed_tables_) && replay_error_.empty()) {
      replay_error_ = "the connection to postgres was lost";
    }
  }
  wrap = Wrap::kNone;
}

// After a batched write failed (rc its error): the rowid sequences its
// batch moved are set again, or, when the batch could not run again, the
// transaction is rolled back on both sides and the write fails SQLITE_ABORT.
int Statement::FailedInBatch(int rc) {
  if (conn->session_lost || conn->txn_lost) {
    replay_error_.clear();  // the lost transaction's own rules apply (EnsureSession)
    return rc;
  }
  if (replay_error_.empty()) {
    conn->batch.Failed();
    std::vector<std::string> tables = replayed_tables_;
    tables.push_back(running->table);
    conn->ResyncRowids(tables);
    return rc;
  }
  std::string why = conn->err_msg;
  LL_WARN("a failed write's batch did not run again ({}): the transaction is rolled back",
          replay_error_);
  conn->RollBackBothSides();
  std::string message = why +
                        " (the transaction was rolled back: its earlier statements could not be "
                        "kept: " +
                        replay_error_ + ")";
  replay_error_.clear();
  return conn->SetError(SQLITE_ABORT, message);
}

// Text the server's text cannot hold (odd_text.h): an unused parameter
// travels as NULL; one that only becomes an untyped column's stored value
// travels in the stored form (jsonb), which to_any(jsonb) keeps; anywhere
// else the statement fails naming the parameter and the value.
int Statement::SendOddText(int index, const std::string& bytes, const sql::Translation& tr,
                           bool used, Oid* type, std::string* holder, const char** value) {
  if (!used) {
    *type = 25;
    *value = nullptr;
    return SQLITE_OK;
  }
  if (OnlyStoredUses(tr.sql, index) && OnlyStoredUses(tr.pre_sql, index)) {
    *type = 3802;  // jsonb
    *holder = StoredOddText(bytes);
    *value = holder->c_str();
    return SQLITE_OK;
  }
  const char* name = SQ(sqlite3_bind_parameter_name)(shadow, index);
  std::string param = name != nullptr ? name : "?" + std::to_string(index);
  return conn->SetError(SQLITE_MISMATCH,
                        std::string("litelift: text with ") + OddTextReason(bytes) +
                            " cannot be used as parameter " + param + " (" +
                            OddTextForMessage(bytes) +
                            ") on the postgres route: PostgreSQL text cannot hold it (only a "
                            "column without a declared type stores it)");
}

int Statement::StartServer() {
  conn->TakeSession(this);
  started = true;
  session_epoch = conn->session_epoch;
  for (const BoundValue& v : params) {
    if (v.too_big) return conn->SetError(SQLITE_TOOBIG, "string or blob too big");
  }
  running = &translation;
  if (conn->update_hook != nullptr &&
      (translation.op == SQLITE_UPDATE || translation.op == SQLITE_DELETE)) {
    if (hooked.sql.empty()) hooked = conn->Translate(shadow, /*return_rowids=*/true);
    if (hooked.error.empty()) running = &hooked;
  }
  const sql::Translation& translation = *running;
  post_error.reset();
  if (conn->prepared_generation != conn->schema_generation) {
    if (!conn->prepared.empty() || !conn->prepared_wraps.empty()) conn->Run("DEALLOCATE ALL");
    conn->prepared.clear();
    conn->binary_results.clear();
    conn->prepared_wraps.clear();
    conn->prepared_generation = conn->schema_generation;
  }
  int program_n = static_cast<int>(params.size()) - 1;
  int n = program_n + static_cast<int>(translation.state_parameters.size());
  ServerParams& sp = server_params_;
  sp.Resize(static_cast<size_t>(std::max(n, 0)));
  std::vector<Oid>& types = sp.types;
  std::vector<const char*>& values = sp.values;
  std::vector<int>& lengths = sp.lengths;
  std::vector<int>& formats = sp.formats;
  std::vector<char>& used = sp.used;
  for (int i : translation.parameters) {
    if (i >= 1 && i <= n) used[static_cast<size_t>(i)] = 1;
  }
  for (int i = 1; i <= program_n; ++i) {
    const BoundValue& v = params[static_cast<size_t>(i)];
    size_t k = static_cast<size_t>(i - 1);
    switch (v.type) {
      case SQLITE_INTEGER:
        types[k] = 20;  // int8
        sp.text[k] = std::to_string(v.i);
        values[k] = sp.text[k].c_str();
        break;
      case SQLITE_FLOAT: {
        // float8 in binary: the same bits, without snprintf's ~2,000
        // instructions a value.
        types[k] = 701;
        uint64_t bits;
        std::memcpy(&bits, &v.d, sizeof bits);
        bits = __builtin_bswap64(bits);  // network order
        sp.text[k].assign(reinterpret_cast<const char*>(&bits), sizeof bits);
        values[k] = sp.text[k].data();
        lengths[k] = static_cast<int>(sizeof bits);
        formats[k] = 1;
        break;
      }
      case SQLITE_TEXT:
        types[k] = used[static_cast<size_t>(i)] ? 0 : 25;  // the context decides
        values[k] = v.bytes.c_str();
        if (OddTextReason(v.bytes) != nullptr) {  // never cut at a NUL (odd_text.h)
          int rc = SendOddText(i, v.bytes, translation, used[static_cast<size_t>(i)] != 0,
                               &types[k], &sp.text[k], &values[k]);
          if (rc != SQLITE_OK) return rc;
        }
        break;
      case SQLITE_BLOB:
        types[k] = 17;  // bytea, sent as bytes
        values[k] = v.bytes.data();
        lengths[k] = static_cast<int>(v.bytes.size());
        formats[k] = 1;
        break;
      default:
        types[k] = used[static_cast<size_t>(i)] ? 0 : 25;
        values[k] = nullptr;
    }
  }
  // The connection's values the statement reads (changes(), ...), after them.
  for (size_t s = 0; s < translation.state_parameters.size(); ++s) {
    const std::string& name = translation.state_parameters[s];
    size_t k = static_cast<size_t>(program_n) + s;
    int64_t value = name == "changes"         ? conn->changes
                    : name == "total_changes" ? conn->total_changes
                                              : conn->last_insert_rowid;
    types[k] = 20;  // int8
    sp.text[k] = std::to_string(value);
    values[k] = sp.text[k].c_str();
  }
  // The server-side names: remembered by the statement while the session's
  // prepared statements stay and the parameter types are the same, so that
  // a statement run again builds no key.
  bool write = !SQ(sqlite3_stmt_readonly)(shadow);
  bool lock = write && conn->NeedsWriteLock();
  if (conn->Autocommit() && conn->batch.open()) conn->batch.EndTransaction();  // (stale)
  // In a transaction, a write whose effect its text, parameters and the
  // rows fix joins the write batch: no savepoint of its own (batch.h).
  bool batched = write && !conn->Autocommit() && Batchable(translation);
  // The first statement of a deferred transaction, a write: sent with the
  // BEGIN, the lock first in the transaction (no savepoint of its own).
  bool first_write = batched && conn->begin_pending;
  // A statement that numbers its row takes the write lock itself, before
  // the number (one command less per insert); with a busy handler the lock
  // stays a command of its own, whose failure the handler may retry.
  bool folded = lock && !batched && !translation.numbering_call.empty() &&
                conn->busy_handler == nullptr && !conn->snapshot_taken;
  const std::string& text = folded ? FoldedLockSql(translation) : translation.sql;
  PreparedCache& cache = prepared_cache_;
  bool cached = cache.translation == &translation && cache.folded == folded &&
                cache.generation == conn->prepared_generation && cache.types == types;
  std::string key;
  auto it = conn->prepared.end();
  if (!cached) {
    key = text;
    key.push_back('\x1f');
    for (Oid t : types) key += std::to_string(t) + ",";
    it = conn->prepared.find(key);
  }
  std::string name = cached ? cache.name
                     : it != conn->prepared.end()
                         ? it->second
                         : "litelift_" + std::to_string(++conn->prepared_count);
  if (MayPipeline() && cached) return SendPipelined(name, n);
  if (conn->HasPipelined()) {  // (its parameter types changed)
    conn->SettleWrites();
    int rc = conn->TakeDeferredError();
    if (rc != SQLITE_OK) return rc;
  }
  if (ScanInChunks(write, cached, translation)) {  // (chunked_scan.cc)
    bool fell_back = false;
    int rc = StartChunkedScan(n, &fell_back);
    if (!fell_back) return rc;
  }
  static const std::string kBegin = "BEGIN";
  static const std::string kSavepoint = std::string("SAVEPOINT ") + kStmtSavepoint;
  static const std::string kRelease = std::string("RELEASE SAVEPOINT ") + kStmtSavepoint;
  static const std::string kLockSavepoint = "SAVEPOINT litelift_lock";
  static const std::string kLockRelease = "RELEASE SAVEPOINT litelift_lock";
  static const std::string kBatchSavepoint = std::string("SAVEPOINT ") + WriteBatch::kSavepoint;
  static const std::string kBatchRelease =
      std::string("RELEASE SAVEPOINT ") + WriteBatch::kSavepoint;
  std::vector<const std::string*> pre, post;
  bool opens_batch = false;
  commit_pending = false;
  if (conn->Autocommit()) {
    if (write && conn->commit_hook != nullptr) {
      // A commit hook may veto the commit: an explicit transaction, committed
      // after the statement once the hook agrees.
      wrap = Wrap::kTransaction;
      pre = {&kBegin};
      if (lock && !folded) pre.push_back(&conn->WriteLockSql());
      commit_pending = true;
    } else if (lock) {
      // The pipeline's implicit transaction (it commits at the sync point)
      // holds the lock for exactly the statement.
      wrap = Wrap::kImplicit;
      if (!folded) pre = {&conn->WriteLockSql()};
    } else {
      wrap = Wrap::kNone;
    }
  } else if (first_write) {
    // BEGIN; lock; the batch's savepoint: a failure of the write keeps the
    // lock (no other writer numbers rows before the rowid resync).
    wrap = Wrap::kBatch;
    pre = {&kBegin};
    if (lock) pre.push_back(&conn->WriteLockSql());
    pre.push_back(&kBatchSavepoint);
    opens_batch = true;
    conn->begin_pending = false;
  } else if (batched) {
    // The write lock in a savepoint of its own, released at once: the lock
    // stays with the transaction when the batch rolls back (a failure
    // there leaves the transaction as it was, as SQLITE_BUSY does).
    wrap = Wrap::kBatch;
    if (lock) pre = {&kLockSavepoint, &conn->WriteLockSql(), &kLockRelease};
    if (conn->batch.open() && conn->batch.Full()) pre.push_back(&kBatchRelease);
    if (!conn->batch.open() || conn->batch.Full()) {
      pre.push_back(&kBatchSavepoint);
      opens_batch = true;
    }
  } else {
    wrap = Wrap::kSavepoint;
    // A write that does not join the batch ends it: the batch's failure
    // must not undo it.
    if (write && conn->batch.open()) {
      pre = {&kBatchRelease};
      conn->batch.Released();
    }
    pre.push_back(&kSavepoint);
    if (lock && !folded) pre.push_back(&conn->WriteLockSql());
    post = {&kRelease};
  }
  if (!translation.resync_rowids_of.empty()) {
    post.push_back(&conn->RowidResyncStatement(translation.resync_rowids_of));
  }
  // A deferred transaction's first statement: a read takes the snapshot the
  // transaction keeps (SQLite's WAL read transaction); a write first takes
  // the lock and reads the latest rows, as SQLite's writer does.
  static const std::string kSnapshot = kRepeatableRead;
  if (conn->snapshot_pending && (wrap == Wrap::kSavepoint || wrap == Wrap::kBatch)) {
    if (!write) {
      pre.insert(pre.begin(), &kSnapshot);
      conn->snapshot_taken = true;
    }
    conn->snapshot_pending = false;
  }
  // The program's deferred BEGIN, first in the pipeline.
  if (conn->begin_pending && !conn->Autocommit()) {
    pre.insert(pre.begin(), &kBegin);
    conn->begin_pending = false;
  }
  bool preparing = !cached && it == conn->prepared.end();
  bool pipelined = !pre.empty() || !post.empty() || preparing || !translation.pre_sql.empty();
  if (pipelined && !PQenterPipelineMode(conn->pg)) {
    return conn->SetError(SQLITE_IOERR, "litelift: " + ErrorText(conn->pg));
  }
  // The wrapping commands are prepared once per session too, first in the
  // pipeline, where nothing before them can fail.
  bool sent = true;
  int pre_results = 0, post_results = 0;
  auto wrap_name = [this](const std::string& cmd) -> std::string& {
    return conn->prepared_wraps[cmd];
  };
  for (auto* list : {&pre, &post}) {
    for (const std::string*& cmd : *list) {
      std::string& wname = wrap_name(*cmd);
      if (wname.empty()) {
        wname = "litelift_" + std::to_string(++conn->prepared_count);
        sent = sent && PQsendPrepare(conn->pg, wname.c_str(), cmd->c_str(), 0, nullptr);
        ++pre_results;
      }
      cmd = &wname;  // from here on, the list holds the names
    }
  }
  auto send = [&](const std::string* wname, int* results) {
    ++*results;
    return PQsendQueryPrepared(conn->pg, wname->c_str(), 0, nullptr, nullptr, nullptr, 0) != 0;
  };
  // (The lock's commands come first among pre's: a failure up to its
  // RELEASE is the lock's.)
  int lock_results_end = wrap == Wrap::kBatch && lock ? pre_results + (first_write ? 2 : 3) : 0;
  for (const std::string* cmd : pre) sent = sent && send(cmd, &pre_results);
  // A statement that must run first with the same parameters (REPLACE's
  // deletes); prepared like the statement, its changes are not counted.
  std::string pre_key, pre_name;
  bool pre_preparing = false;
  if (!translation.pre_sql.empty() && cached) {
    pre_name = cache.pre_name;
  } else if (!translation.pre_sql.empty()) {
    pre_key = translation.pre_sql;
    pre_key.push_back('\x1f');
    for (Oid t : types) pre_key += std::to_string(t) + ",";
    auto p = conn->prepared.find(pre_key);
    pre_preparing = p == conn->prepared.end();
    pre_name = pre_preparing ? "litelift_" + std::to_string(++conn->prepared_count) : p->second;
  }
  if (!translation.pre_sql.empty()) {
    if (pre_preparing) {
      sent = sent && PQsendPrepare(conn->pg, pre_name.c_str(), translation.pre_sql.c_str(), n,
                                   types.data());
      ++pre_results;
    }
    sent = sent && PQsendQueryPrepared(conn->pg, pre_name.c_str(), n, values.data(), lengths.data(),
                                       formats.data(), 0);
    ++pre_results;
  }
  // A statement whose rows may hold large blobs is described when it is
  // prepared (one round trip more, once per session): when its result
  // types allow, its rows come in binary format, a blob as its bytes
  // rather than twice as many hex digits (values.h).
  bool binary = cached ? cache.binary : !preparing && conn->binary_results.count(name) > 0;
  bool describing = preparing && MayReturnBlobs(shadow, translation);
  PgResult failure;
  int failed_at = -1;  // which of the commands before the statement failed
  int before = pre_results + (preparing ? 1 : 0);
  if (preparing) {
    sent = sent && PQsendPrepare(conn->pg, name.c_str(), text.c_str(), n, types.data());
  }
  if (describing && sent) {
    sent = PQsendDescribePrepared(conn->pg, name.c_str()) && PQsendFlushRequest(conn->pg) &&
           PQflush(conn->pg) == 0;
    for (int i = 0; sent && i < before; ++i) {
      PgResult r = ReadCommand(conn->pg);
      if (!Ok(r.get()) && !failure) {
        failure = std::move(r);
        failed_at = i;
      }
    }
    before = 0;
    if (sent) {
      PgResult described = ReadCommand(conn->pg);
      binary = !failure && Ok(described.get()) && BinaryResults(described.get());
      if (binary) conn->binary_results.insert(name);
    }
  }
  sent = sent && PQsendQueryPrepared(conn->pg, name.c_str(), n, values.data(), lengths.data(),
                                     formats.data(), binary ? 1 : 0);
  for (const std::string* cmd : post) sent = sent && send(cmd, &post_results);
  if (pipelined) sent = sent && PQpipelineSync(conn->pg);
  if (!sent) {
    std::string reason = ErrorText(conn->pg);
    if (pipelined) PQexitPipelineMode(conn->pg);
    if (PQstatus(conn->pg) != CONNECTION_OK) conn->NoteSessionLost();
    return conn->SetError(SQLITE_IOERR, "litelift: lost the connection to postgres: " + reason);
  }
  pipeline_open = pipelined;
  post_commands = post_results;
  // What comes before the statement: a failure there (the write lock's
  // timeout) is the statement's failure.
  for (int i = 0; i < before; ++i) {
    PgResult r = ReadCommand(conn->pg);
    if (!Ok(r.get()) && !failure) {
      failure = std::move(r);
      failed_at = i;
    }
  }
  if (wrap == Wrap::kBatch) {
    bool lock_failed = failure && lock && failed_at < lock_results_end;
    if (lock && !lock_failed) conn->holds_write_lock = true;
    if (lock_failed) {
      wrap = first_write ? Wrap::kFirstWrite : Wrap::kLockOnly;
    } else if (opens_batch) {
      conn->batch.Opened();
    }
    LogBatchedWrite(translation, n);
  }
  if (preparing && !failure) conn->prepared.emplace(key, name);
  if (pre_preparing && !failure) conn->prepared.emplace(pre_key, pre_name);
  if (!failure && !cached) {
    cache.translation = &translation;
    cache.folded = folded;
    cache.generation = conn->prepared_generation;
    cache.types = types;
    cache.name = name;
    cache.pre_name = pre_name;
    cache.binary = binary;
  }
  if (failure) {
    // The statement itself was skipped; read it and the rest.
    PgResult skipped = ReadCommand(conn->pg);
    FinishPipeline();
    bool in_batch = wrap == Wrap::kBatch;
    Unwrap(/*failed=*/true);
    int rc = conn->SetErrorFromServer(failure.get());
    if (in_batch) rc = FailedInBatch(rc);
    if (write) conn->changes = 0;
    return rc;
  }
  // Row by row, so that large results stream in bounded memory (in a
  // pipeline it applies to the statement, now at the head of the queue).
  if (!single_row_result) PQsetSingleRowMode(conn->pg);
  took_lock = lock;
  streaming = true;
  conn->streaming = this;
  return SQLITE_OK;
}

int Statement::FinishServer(PGresult* final_result) {
  PgResult hold(final_result);
  bool ok = Ok(final_result);
  while (NextResult()) {
  }
  if (conn->streaming == this) conn->streaming = nullptr;
  FinishPipeline();
  if (ok && post_error) {
    ok = false;  // COMMIT or RELEASE failed (a deferred constraint, ...)
    final_result = post_error.get();
  }
  if (ok && wrap == Wrap::kBatch) {
    batch_write_.tuples = PQcmdTuples(final_result);
    conn->batch.Add(std::move(batch_write_));
    batch_write_ = BatchedWrite();
  }
  if (ok && commit_pending) {
    commit_pending = false;
    if (conn->commit_hook(conn->commit_arg) != 0) {
      Exec(conn->pg, "ROLLBACK");
      conn->ResyncRowids({running->table});
      wrap = Wrap::kNone;
      if (conn->rollback_hook != nullptr) conn->rollback_hook(conn->rollback_arg);
      conn->changes = 0;
      return conn->SetError(SQLITE_CONSTRAINT_COMMITHOOK, "constraint failed");
    }
    PgResult commit = Exec(conn->pg, "COMMIT");
    if (!Ok(commit.get())) {
      wrap = Wrap::kNone;
      int rc = conn->SetErrorFromServer(commit.get());
      conn->ResyncRowids({running->table});
      return rc;
    }
    wrap = Wrap::kNone;
  }
  bool in_batch = wrap == Wrap::kBatch;
  Unwrap(!ok);
  if (!ok) {
    int rc = conn->SetErrorFromServer(final_result);
    if (in_batch) {
      bool kept = replay_error_.empty();
      rc = FailedInBatch(rc);
      number_again_ = kept && NumberAgain(final_result);
      conn->changes = 0;
      return rc;
    }
    if (running->rollback_on_constraint && (rc & 0xff) == SQLITE_CONSTRAINT &&
        !conn->Autocommit()) {
      // OR ROLLBACK: the whole transaction goes, on both sides.
      int code = conn->err_code;
      std::string message = conn->err_msg;
      conn->RollBackBothSides();
      rc = conn->SetError(code, message);
    } else if (!SQ(sqlite3_stmt_readonly)(shadow) && (rc & 0xff) != SQLITE_BUSY) {
      // Its rows are gone: the rowid sequences it moved are set again
      // (SQLITE_BUSY: the write lock refused it before any).
      conn->ResyncRowids({running->table});
      number_again_ = NumberAgain(final_result);
    }
    // A data change that fails changed nothing (sqlite3_changes() is 0).
    if (!SQ(sqlite3_stmt_readonly)(shadow)) conn->changes = 0;
    return rc;
  }
  if (took_lock && !conn->Autocommit()) conn->holds_write_lock = true;
  if (!conn->Autocommit() && !SQ(sqlite3_stmt_readonly)(shadow)) conn->wrote_in_txn = true;
  if (!conn->Autocommit()) {
    int level = SQ(sqlite3_stmt_readonly)(shadow) ? SQLITE_TXN_READ : SQLITE_TXN_WRITE;
    conn->txn_level = std::max(conn->txn_level, level);
  }
  const char* tuples = PQcmdTuples(final_result);
  const char* status = PQcmdStatus(final_result);  // (not copied: once a statement)
  bool dml = (status[0] == 'I' && std::strncmp(status, "INSERT", 6) == 0) ||
             (status[0] == 'U' && std::strncmp(status, "UPDATE", 6) == 0) ||
             (status[0] == 'D' && std::strncmp(status, "DELETE", 6) == 0) ||
             (running->changes_are_rows && std::strncmp(status, "SELECT", 6) == 0);
  if (dml && tuples != nullptr && *tuples != '\0') {
    conn->changes = std::atoll(tuples);
    conn->total_changes += conn->changes;
  }
  return SQLITE_DONE;
}

bool Statement::NextStreamedPlainRow(int* rc) {
  PGresult* r = PQgetResult(conn->pg);
  if (r != nullptr && PQresultStatus(r) == PGRES_SINGLE_TUPLE &&
      DecodePlainRow(r, 0, plain_plan_, &plain_)) {
    row_pending_ = true;
    row_result_.reset(r);
    row_active = true;
    ++run_rows_;
    *rc = SQLITE_ROW;
    return true;
  }
  if (r != nullptr) {
    pending.emplace_front(r);  // the general path reads it
    return false;
  }
  streaming = false;
  if (conn->streaming == this) conn->streaming = nullptr;
  *rc = FinishServer(PQmakeEmptyPGresult(conn->pg, PGRES_COMMAND_OK));
  return true;
}

int Statement::NextServerRow() {
  if (session_epoch != conn->session_epoch) {
    return conn->SetError(SQLITE_IOERR, "litelift: lost the connection to postgres");
  }
  if (chunk_ == Chunk::kActive && plan_ == Plan::kPlainOnly && whole_row_ < whole_rows_ &&
      DecodePlainRow(whole_result_.get(), whole_row_, plain_plan_, &plain_)) {
    ++whole_row_;  // (plain_ points into the chunk, kept while the row is current)
    ++run_rows_;
    row_pending_ = true;
    row_active = true;
    return SQLITE_ROW;
  }
  if (plan_ == Plan::kPlainOnly && streaming && pending.empty() && !whole_result_) {
    int rc;
    if (NextStreamedPlainRow(&rc)) return rc;
  }
  for (;;) {
    PgResult r;
    if (whole_result_ && whole_row_ < PQntuples(whole_result_.get())) {
      // A result read whole: hand out its rows one by one.
      r.reset(nullptr);
    } else if (chunk_ == Chunk::kActive) {
      int rc;
      if (!NextChunk(&rc)) return rc;  // (chunked_scan.cc)
      continue;
    } else if (whole_result_ && chunk_ == Chunk::kDrained && !pending.empty()) {
      whole_result_.reset();  // a chunk read up: the next (DrainChunks)
      continue;
    } else if (whole_result_) {
      return FinishServer(whole_result_.release());
    } else {
      r = NextResult();
      if (!r) return FinishServer(PQmakeEmptyPGresult(conn->pg, PGRES_COMMAND_OK));
      ExecStatusType st = PQresultStatus(r.get());
      if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) {
        whole_result_ = std::move(r);
        whole_row_ = 0;
        continue;
      }
      if (st != PGRES_SINGLE_TUPLE) return FinishServer(r.release());
    }
    const PGresult* res = r ? r.get() : whole_result_.get();
    int at = r ? 0 : whole_row_++;
    if (running->returns_rowid) {
      sqlite3_int64 rowid = std::atoll(PQgetvalue(res, at, 0));
      bool inserted = !running->rowid_if_inserted || PQgetvalue(res, at, 1)[0] == 't';
      if (running->op == SQLITE_INSERT && inserted) conn->last_insert_rowid = rowid;
      if (wrap == Wrap::kBatch) batch_write_.rowid = rowid;
      if (conn->update_hook != nullptr) {
        conn->update_hook(conn->update_arg, running->op, "main", running->table.c_str(), rowid);
      }
      continue;  // the program asked for no rows
    }
    if (at == 0 && plan_ == Plan::kUnknown) LearnBinaryResults(res);  // once a run
    int classes = static_cast<int>(running->classed_columns.size());
    int ncol = PQnfields(res) - running->trailing_rowid_columns - classes;
    if (running->trailing_rowid_columns > 0 && running->op == SQLITE_INSERT) {
      int at_rowid = ncol + classes;
      bool inserted = !running->rowid_if_inserted || PQgetvalue(res, at, at_rowid + 1)[0] == 't';
      if (inserted) conn->last_insert_rowid = std::atoll(PQgetvalue(res, at, at_rowid));
    }
    if (plan_ == Plan::kUnknown) {
      plan_ = classes == 0 && PlanPlainRow(res, ncol, &plain_plan_) ? Plan::kPlain : Plan::kBound;
      if (plan_ == Plan::kPlain && running->trailing_rowid_columns == 0) plan_ = Plan::kPlainOnly;
    }
    if ((plan_ == Plan::kPlain || plan_ == Plan::kPlainOnly) &&
        DecodePlainRow(res, at, plain_plan_, &plain_)) {
      // Bound to `row` only if a column_* call converts (HoldRow); the
      // previous row's binding was let go before this row was read.
      row_pending_ = true;
      if (r) row_result_ = std::move(r);
      row_active = true;
      ++run_rows_;
      return SQLITE_ROW;
    }
    row_pending_ = false;
    if (row == nullptr || SQ(sqlite3_column_count)(row) != ncol) {
      if (row != nullptr) SQ(sqlite3_finalize)(row);
      std::string select = "SELECT";
      for (int i = 1; i <= ncol; ++i) select += (i > 1 ? ", ?" : " ?") + std::to_string(i);
      if (ncol == 0) select = "SELECT 1 WHERE 0";
      row = nullptr;
      SQ(sqlite3_prepare_v2)(conn->rows_db, select.c_str(), -1, &row, nullptr);
    }
    SQ(sqlite3_reset)(row);
    for (int c = 0, k = 0; c < ncol; ++c) {
      if (k < classes && running->classed_columns[static_cast<size_t>(k)] == c) {
        BindClassedValue(row, c + 1, res, at, c, PQgetvalue(res, at, ncol + k));
        ++k;
      } else {
        BindServerValue(row, c + 1, res, at, c);
      }
    }
    if (SQ(sqlite3_step)(row) != SQLITE_ROW) {
      return conn->SetError(SQLITE_ERROR, "litelift: cannot hold a row");
    }
    if (r) row_result_ = std::move(r);  // (the previous row's goes)
    row_active = true;
    ++run_rows_;
    return SQLITE_ROW;
  }
}

void Statement::LearnBinaryResults(const PGresult* res) {
  PreparedCache& cache = prepared_cache_;
  if (PQnfields(res) == 0 || PQfformat(res, 0) == 1 || cache.binary || cache.name.empty() ||
      cache.translation != running || cache.generation != conn->prepared_generation) {
    return;
  }
  // Hidden columns (rowids, storage classes) are read as text.
  if (running->returns_rowid || running->trailing_rowid_columns > 0 ||
      !running->classed_columns.empty() || !BinaryResults(res)) {
    return;
  }
  cache.binary = true;
  conn->binary_results.insert(cache.name);
}

// ---- the embedded engine: reads with the program's functions --------------

namespace {

// Binds a kept value to parameter k of stmt, SQLITE_STATIC (the value
// outlives the binding: params changes only with the statement's bindings).
void BindKept(sqlite3_stmt* stmt, int k, const BoundValue& v) {
  switch (v.type) {
    case SQLITE_INTEGER:
      SQ(sqlite3_bind_int64)(stmt, k, v.i);
      break;
    case SQLITE_FLOAT:
      SQ(sqlite3_bind_double)(stmt, k, v.d);
      break;
    case SQLITE_TEXT:
      SQ(sqlite3_bind_text64)
      (stmt, k, v.bytes.data(), v.bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
      break;
    case SQLITE_BLOB:
      SQ(sqlite3_bind_blob64)(stmt, k, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
      break;
    default:
      SQ(sqlite3_bind_null)(stmt, k);
      break;
  }
}

}  // namespace

void Statement::BindCopy(int i, sqlite3_value* v) {
  if (i <= 0 || static_cast<size_t>(i) >= params.size()) return;
  BoundValue b;
  b.type = SQ(sqlite3_value_type)(v);
  switch (b.type) {
    case SQLITE_INTEGER:
      b.i = SQ(sqlite3_value_int64)(v);
      break;
    case SQLITE_FLOAT:
      b.d = SQ(sqlite3_value_double)(v);
      break;
    case SQLITE_TEXT: {
      const unsigned char* t = SQ(sqlite3_value_text)(v);
      b.bytes.assign(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(SQ(sqlite3_value_bytes)(v)));
      break;
    }
    case SQLITE_BLOB: {
      const void* p = SQ(sqlite3_value_blob)(v);
      int n = SQ(sqlite3_value_bytes)(v);
      if (n > 0) b.bytes.assign(static_cast<const char*>(p), static_cast<size_t>(n));
      break;
    }
    default:
      break;
  }
  params[static_cast<size_t>(i)] = std::move(b);
  BindKept(shadow, i, params[static_cast<size_t>(i)]);
}

int Statement::PrepareEmbedded() {
  std::string error;
  sqlite3* engine = conn->embedded.Ready(conn, &error);
  if (engine == nullptr) return conn->SetError(SQLITE_ERROR, error);
  if (row != nullptr && embedded_build == conn->embedded.build()) return SQLITE_OK;
  if (row != nullptr) SQ(sqlite3_finalize)(row);
  row = nullptr;
  row_active = false;
  int rc = SQ(sqlite3_prepare_v3)(engine, SQ(sqlite3_sql)(shadow), -1, 0, &row, nullptr);
  if (rc != SQLITE_OK) {
    row = nullptr;
    return conn->SetError(SQ(sqlite3_extended_errcode)(engine), SQ(sqlite3_errmsg)(engine));
  }
  embedded_build = conn->embedded.build();
  return SQLITE_OK;
}

int Statement::StepEmbedded() {
  bool started_before = started;
  if (!started) {
    if (fts) conn->embedded.CheckFts(conn);
    int rc = PrepareEmbedded();
    if (rc != SQLITE_OK) return rc;
    if (fts && SQ(sqlite3_stmt_readonly)(row) == 0) conn->embedded.BeginFts(conn);
    SQ(sqlite3_reset)(row);
    for (size_t i = 1; i < params.size(); ++i) BindKept(row, static_cast<int>(i), params[i]);
    started = true;
  }
  sqlite3* engine = SQ(sqlite3_db_handle)(row);
  // An FTS write starts from the connection's last_insert_rowid, so that
  // the engine's after it is SQLite's (a command sets it to 0).
  if (fts && !started_before && SQ(sqlite3_stmt_readonly)(row) == 0) {
    SQ(sqlite3_set_last_insert_rowid)(engine, conn->last_insert_rowid);
  }
  int64_t engine_rowid = SQ(sqlite3_last_insert_rowid)(engine);
  int64_t engine_total = SQ(sqlite3_total_changes64)(engine), total = conn->total_changes;
  int rc = conn->embedded.Step(conn, row);
  row_active = rc == SQLITE_ROW;
  if (fts && rc != SQLITE_ROW && SQ(sqlite3_stmt_readonly)(row) == 0) {
    // SQLite's own counts: the FTS module's statements are the engine's.
    if (SQ(sqlite3_last_insert_rowid)(engine) != engine_rowid) {
      conn->last_insert_rowid = SQ(sqlite3_last_insert_rowid)(engine);
    }
    conn->total_changes = total + (SQ(sqlite3_total_changes64)(engine) - engine_total);
    conn->embedded.FtsWritten(conn);
  }
  return rc;
}

int Statement::Reprepare() {
  sqlite3_stmt* fresh = nullptr;
  int rc =
      SQ(sqlite3_prepare_v3)(conn->shadow.db(), SQ(sqlite3_sql)(shadow), -1, 0, &fresh, nullptr);
  if (rc != SQLITE_OK) return conn->SetErrorFromShadow(rc);
  // The kept values, bound SQLITE_STATIC as on the shadow (remote_api.cc).
  for (size_t i = 1; i < params.size(); ++i) {
    const BoundValue& v = params[i];
    int k = static_cast<int>(i);
    switch (v.type) {
      case SQLITE_INTEGER:
        SQ(sqlite3_bind_int64)(fresh, k, v.i);
        break;
      case SQLITE_FLOAT:
        SQ(sqlite3_bind_double)(fresh, k, v.d);
        break;
      case SQLITE_TEXT:
        SQ(sqlite3_bind_text64)
        (fresh, k, v.bytes.data(), v.bytes.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
      case SQLITE_BLOB:
        SQ(sqlite3_bind_blob64)(fresh, k, v.bytes.data(), v.bytes.size(), SQLITE_STATIC);
        break;
      default:
        break;
    }
  }
  sql::Translation tr = conn->Translate(fresh);
  if (!tr.error.empty()) {
    SQ(sqlite3_finalize)(fresh);
    return conn->SetError(SQLITE_ERROR, tr.error);
  }
  SQ(sqlite3_finalize)(shadow);
  shadow = fresh;
  translation = std::move(tr);
  hooked = sql::Translation();
  generation = conn->schema_generation;
  return SQLITE_OK;
}

// A statement sent on a session that then died fails (SQLITE_IOERR): what
// the server did with it is unknown, and a query an operator terminated
// must not run again by itself. The next statement gets a new session
// (Connection::EnsureSession).
int Statement::StepServer() {
  if (!started && generation != conn->schema_generation) {
    int rc = Reprepare();
    if (rc != SQLITE_OK) return rc;
  }
  if (!started) {
    run_rows_ = 0;
    int rc = StartServer();
    // SQLITE_BUSY: the busy handler decides whether to try again.
    for (int tries = 0; (rc & 0xff) == SQLITE_BUSY && conn->busy_handler != nullptr &&
                        conn->busy_handler(conn->busy_arg, tries) != 0;
         ++tries) {
      rc = StartServer();
    }
    if (rc != SQLITE_OK) return rc;
    plan_ = Plan::kUnknown;  // a new run: its rows' columns decide
    if (pipelined_) {        // its result is read later (pipeline.cc)
      pipelined_ = false;
      return SQLITE_DONE;
    }
  }
  // The previous row goes before the next is read, so that libpq's next
  // result reuses its memory (the row statement may point into it).
  if (row_active && !row_pending_ && row != nullptr) SQ(sqlite3_reset)(row);
  row_active = false;
  row_pending_ = false;
  row_result_.reset();
  int rc = NextServerRow();
  if (number_again_) {
    // The sequence was set again (FinishServer, NumberAgain): once more.
    number_again_ = false;
    plan_ = Plan::kUnknown;
    rc = StartServer();
    if (rc != SQLITE_OK) return rc;
    rc = NextServerRow();
    number_again_ = false;
  }
  if (rc != SQLITE_ROW) {
    row_result_.reset();  // no row holds it now
    if (rc == SQLITE_DONE) NoteRunRows();  // (how the next run reads: chunked_scan.cc)
  }
  return rc;
}

}  // namespace litelift::compat
