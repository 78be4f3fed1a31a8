// A plain read whose previous run returned many rows runs from a cursor,
// its rows read in chunks of many rows a result (FETCH n, the next one
// sent while the program reads the current one), instead of libpq's
// single-row mode, which makes and frees a PGresult for every row (most of
// a streamed row's client cost). Memory stays bounded: a chunk is about
// kChunkBytes, and at most two are held.
//
// Only in autocommit mode: the cursor's transaction (BEGIN ... COMMIT
// around it) is the statement's own, and sees what one query would (the
// cursor's snapshot is taken when it opens). Anything else the connection
// runs first ends it (Drain: FETCH ALL, as a streamed statement's rows are
// read whole then); a reset mid-scan closes it without reading the rest.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "libsqlite3-compat/pg/connection.h"

namespace litelift::compat {

namespace {

constexpr const char* kCursor = "litelift_scan";
// A run with at least this many rows makes the next run a chunked one.
constexpr int64_t kChunkAfterRows = 256;
// What a chunk aims at, and its bounds in rows.
constexpr size_t kChunkBytes = 256 * 1024;
constexpr int kFirstChunkRows = 256;
constexpr int kMaxChunkRows = 4096;
// FETCHes on their way while the program reads a chunk: with one, the
// server idles from the end of one until the client asks for the next
// (a scheduling delay each on a loaded machine); with two it has work.
constexpr size_t kChunksAhead = 2;

bool SendCommand(PGconn* pg, const char* sql, int format = 0) {
  return PQsendQueryParams(pg, sql, 0, nullptr, nullptr, nullptr, nullptr, format) != 0;
}

// One pipelined command's result, and the NULL that ends it.
PgResult ReadOne(PGconn* pg) {
  PGresult* r = PQgetResult(pg);
  if (r != nullptr && PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
    while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
  }
  return PgResult(r);
}

}  // namespace

bool Statement::ScanInChunks(bool write, bool cached, const sql::Translation& tr) const {
  return big_runs_ && cached && !write && conn->Autocommit() && !conn->begin_pending &&
         !conn->HasPipelined() && !single_row_result && tr.pre_sql.empty() &&
         tr.resync_rowids_of.empty() && !tr.returns_rowid && tr.trailing_rowid_columns == 0 &&
         tr.classed_columns.empty() && !tr.changes_are_rows;
}

void Statement::NoteRunRows() { big_runs_ = run_rows_ >= kChunkAfterRows; }

bool Statement::SendFetch(int rows) {
  char sql[64];
  std::snprintf(sql, sizeof sql, "FETCH %d FROM %s", rows, kCursor);
  bool sent = SendCommand(conn->pg, sql, prepared_cache_.binary ? 1 : 0) &&
              PQsendFlushRequest(conn->pg) && PQflush(conn->pg) == 0;
  if (sent) chunk_asked_.push_back(rows);
  return sent;
}

int Statement::StartChunkedScan(int n, bool* fell_back) {
  *fell_back = false;
  wrap = Wrap::kNone;
  took_lock = false;
  const ServerParams& sp = server_params_;
  PGconn* pg = conn->pg;
  std::string declare = std::string("DECLARE ") + kCursor + " NO SCROLL CURSOR FOR " + running->sql;
  if (!PQenterPipelineMode(pg)) {
    return conn->SetError(SQLITE_IOERR, "litelift: " + ErrorText(pg));
  }
  // The planner assumes a cursor reads a tenth of its rows (fast-start
  // plans); this one reads them all, as the query would.
  bool sent = SendCommand(pg, "BEGIN") && SendCommand(pg, "SET LOCAL cursor_tuple_fraction = 1") &&
              PQsendQueryParams(pg, declare.c_str(), n, sp.types.data(), sp.values.data(),
                                sp.lengths.data(), sp.formats.data(), 0) != 0 &&
              SendFetch(chunk_size_) && SendFetch(chunk_size_);
  if (!sent) {
    std::string reason = ErrorText(pg);
    PQexitPipelineMode(pg);
    if (PQstatus(pg) != CONNECTION_OK) conn->NoteSessionLost();
    chunk_asked_.clear();
    return conn->SetError(SQLITE_IOERR, "litelift: lost the connection to postgres: " + reason);
  }
  chunk_ = Chunk::kActive;
  chunk_ended_ = false;
  whole_result_.reset();
  whole_rows_ = 0;
  whole_row_ = 0;
  chunk_interrupts_ = conn->interrupts.load(std::memory_order_relaxed);
  streaming = false;  // (NextResult reads nothing: the chunks are read here)
  conn->streaming = this;
  PgResult failure;
  for (int i = 0; i < 3; ++i) {
    PgResult r = ReadOne(pg);
    if (!Ok(r.get()) && !failure) failure = std::move(r);
  }
  if (!failure) return SQLITE_OK;
  // The cursor did not open (a text DECLARE does not take): the statement
  // runs as usual, and later runs do too; nothing ran.
  bool alive = PQstatus(pg) == CONNECTION_OK;
  EndChunks(/*failed=*/true);
  if (!alive) return conn->SetErrorFromServer(failure.get());
  big_runs_ = false;
  *fell_back = true;
  return SQLITE_OK;
}

bool Statement::NextChunk(int* rc) {
  whole_result_.reset();  // (before the next arrives: one chunk less held)
  whole_rows_ = 0;
  whole_row_ = 0;
  if (conn->interrupts.load(std::memory_order_relaxed) != chunk_interrupts_) {
    EndChunks(/*failed=*/true);
    *rc = conn->SetError(SQLITE_INTERRUPT, "interrupted");
    return false;
  }
  if (chunk_asked_.empty() || chunk_ended_) {  // the last chunk was short: the end
    *rc = EndChunks(/*failed=*/false);
    if (*rc == SQLITE_OK) *rc = FinishServer(PQmakeEmptyPGresult(conn->pg, PGRES_COMMAND_OK));
    return false;
  }
  PgResult r = ReadOne(conn->pg);
  int asked = chunk_asked_.front();
  chunk_asked_.pop_front();
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    bool alive = PQstatus(conn->pg) == CONNECTION_OK;
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    bool canceled = state != nullptr && std::strcmp(state, "57014") == 0;
    EndChunks(/*failed=*/true);
    // A failing chunk loses the rows before its failing row, which SQLite
    // returns before the error: the query runs again row by row.
    if (alive && !canceled) return RunAgainRowByRow(rc);
    if (!r) r.reset(PQmakeEmptyPGresult(conn->pg, PGRES_FATAL_ERROR));
    *rc = FinishServer(r.release());
    return false;
  }
  int rows = PQntuples(r.get());
  if (rows < asked) chunk_ended_ = true;
  if (!chunk_ended_ && rows > 0 && chunk_asked_.size() < kChunksAhead) {
    // More may come: another chunk is asked for now, sized by this one.
    size_t bytes = PQresultMemorySize(r.get());
    size_t per_row = bytes / static_cast<size_t>(rows) + 1;
    chunk_size_ = static_cast<int>(
        std::max<size_t>(1, std::min<size_t>(kMaxChunkRows, kChunkBytes / per_row)));
    if (!SendFetch(chunk_size_)) {
      EndChunks(/*failed=*/true);
      *rc = FinishServer(PQmakeEmptyPGresult(conn->pg, PGRES_FATAL_ERROR));
      return false;
    }
  }
  if (rows == 0) {
    *rc = EndChunks(/*failed=*/false);
    if (*rc == SQLITE_OK) *rc = FinishServer(PQmakeEmptyPGresult(conn->pg, PGRES_COMMAND_OK));
    return false;
  }
  whole_result_ = std::move(r);
  whole_rows_ = rows;
  return true;
}

bool Statement::RunAgainRowByRow(int* rc) {
  int64_t delivered = run_rows_;
  big_runs_ = false;  // (StartServer does not chunk it again)
  *rc = StartServer();
  if (*rc != SQLITE_OK) return false;
  for (int64_t i = 0; i < delivered; ++i) {  // the rows the program has
    PgResult skipped = NextResult();
    if (!skipped || PQresultStatus(skipped.get()) != PGRES_SINGLE_TUPLE) {
      *rc = FinishServer(skipped ? skipped.release()
                                 : PQmakeEmptyPGresult(conn->pg, PGRES_COMMAND_OK));
      return false;
    }
  }
  run_rows_ = delivered;
  return true;
}

int Statement::EndChunks(bool failed) {
  PGconn* pg = conn->pg;
  chunk_ = Chunk::kNone;
  if (conn->streaming == this) conn->streaming = nullptr;
  if (PQstatus(pg) != CONNECTION_OK) {
    chunk_asked_.clear();
    conn->NoteSessionLost();
    return SQLITE_OK;  // (the failure read says so)
  }
  // COMMIT ends the cursor; after a failure the pipeline is aborted up to
  // the sync point, and the transaction is rolled back after it.
  bool sent = (failed || SendCommand(pg, "COMMIT")) && PQpipelineSync(pg);
  chunk_asked_.clear();
  PgResult commit_failure;
  for (bool sync = false; sent && !sync;) {
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {
      if (PQstatus(pg) != CONNECTION_OK) break;
      continue;  // between two commands' results
    }
    sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    if (!failed && PQresultStatus(r) == PGRES_FATAL_ERROR && !commit_failure) {
      commit_failure.reset(r);
    } else {
      PQclear(r);
    }
  }
  PQexitPipelineMode(pg);
  if (PQstatus(pg) != CONNECTION_OK) {
    conn->NoteSessionLost();
    return SQLITE_OK;
  }
  if (PQtransactionStatus(pg) != PQTRANS_IDLE) Exec(pg, "ROLLBACK");
  if (commit_failure) return FinishServer(commit_failure.release());
  return SQLITE_OK;
}

void Statement::DrainChunks() {
  PGconn* pg = conn->pg;
  chunk_ = Chunk::kDrained;
  if (conn->streaming == this) conn->streaming = nullptr;
  size_t ahead = chunk_asked_.size();
  chunk_asked_.clear();
  bool sent = PQstatus(pg) == CONNECTION_OK;
  char sql[64];
  std::snprintf(sql, sizeof sql, "FETCH ALL FROM %s", kCursor);
  if (sent && ahead > 0) sent = SendCommand(pg, sql, prepared_cache_.binary ? 1 : 0);
  sent = sent && SendCommand(pg, "COMMIT") && PQpipelineSync(pg);
  PgResult failure;
  // [the chunks asked for, the rest,] COMMIT
  for (size_t i = 0; sent && i < (ahead > 0 ? ahead + 2 : 1); ++i) {
    PgResult r = ReadOne(pg);
    ExecStatusType st = PQresultStatus(r.get());
    if (!r || (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)) {
      if (!failure && st != PGRES_PIPELINE_ABORTED) {
        failure = r ? std::move(r) : PgResult(PQmakeEmptyPGresult(pg, PGRES_FATAL_ERROR));
      }
      if (!r) break;
    } else if (!failure && st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0) {
      pending.push_back(std::move(r));
    }
  }
  for (bool sync = !sent; !sync;) {  // up to the sync point
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {
      if (PQstatus(pg) != CONNECTION_OK) break;
      continue;
    }
    sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
  }
  PQexitPipelineMode(pg);
  if (!sent && !failure) failure.reset(PQmakeEmptyPGresult(pg, PGRES_FATAL_ERROR));
  if (PQstatus(pg) == CONNECTION_OK && PQtransactionStatus(pg) != PQTRANS_IDLE) {
    Exec(pg, "ROLLBACK");
  }
  // What the rows end with: the run's end, or its failure (read by
  // NextServerRow's general path; a failure drops the rows after it).
  pending.push_back(failure ? std::move(failure)
                            : PgResult(PQmakeEmptyPGresult(pg, PGRES_COMMAND_OK)));
}

}  // namespace litelift::compat
