// A routed connection and its statements: SQLite's C API served by a
// PostgreSQL session plus the shadow catalog.
//
// Threading: every call on a connection or one of its statements holds the
// connection's (recursive) mutex, as SQLite's serialized mode does.

#ifndef LITELIFT_COMPAT_PG_CONNECTION_H_
#define LITELIFT_COMPAT_PG_CONNECTION_H_

#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "libsqlite3-compat/catalog/shadow.h"
#include "libsqlite3-compat/pg/batch.h"
#include "libsqlite3-compat/pg/batch_copy.h"
#include "libsqlite3-compat/pg/embedded.h"
#include "libsqlite3-compat/pg/errors.h"
#include "libsqlite3-compat/pg/pragmas.h"
#include "libsqlite3-compat/pg/session.h"
#include "libsqlite3-compat/pg/txn_command.h"
#include "libsqlite3-compat/pg/values.h"
#include "libsqlite3-compat/sql/translate.h"
#include "shim/module_api.h"

namespace litelift::compat {

class Connection;

// A value bound to a statement parameter (owned copy).
struct BoundValue {
  int type = SQLITE_NULL;  // SQLite storage class
  int64_t i = 0;
  double d = 0;
  std::string bytes;     // TEXT (UTF-8) or BLOB
  bool too_big = false;  // a zeroblob over SQLITE_LIMIT_LENGTH (bytes not made)
};

// The advisory lock key that makes one database's writers take turns:
// 'll' in the high half, the hash of its server schema in the low half.
int64_t WriteLockKey(const std::string& server_schema);

// A path as valid UTF-8 for the server: bytes that are not UTF-8 become \xNN.
std::string PrintablePath(std::string_view path);

// The query reading one database's settings and catalog (litelift.databases
// joined with litelift.catalog, in creation order).
std::string CatalogQuery(const std::string& schema);

class Statement {
 public:
  // What runs the statement.
  enum class Kind {
    kShadow,  // schema reads, PRAGMAs, table-less SELECTs: the shadow runs it
    kServer,  // data: translated and run on the server
    kTxn,     // BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE: both
    kDdl,     // schema changes: shadow first, then the server and its catalog
    kAttach,  // ATTACH / DETACH of another routed database (attach.cc)
    // A read calling the program's function, aggregate or collation: the
    // embedded engine runs it over the server's rows (embedded.h).
    kEmbedded,
  };

  Statement(Connection* conn, sqlite3_stmt* shadow, Kind kind);
  ~Statement();

  Connection* conn;
  sqlite3_stmt* shadow;  // names, types, parameters; runs non-server kinds
  Kind kind;
  sql::Translation translation;
  sql::Translation hooked;  // UPDATE/DELETE returning rowids, made when a hook wants them
  const sql::Translation* running = &translation;  // the one executing
  std::vector<BoundValue> params;                  // by SQLite index; [0] unused
  shim::RemoteHandle* handle = nullptr;
  // litelift's own (a virtual table's scan, embedded.cc): hidden from
  // sqlite3_next_stmt, the program's authorizer never sees its prepare.
  bool internal = false;
  // kEmbedded: the EmbeddedEngine::build() its statement (row) was
  // prepared on, and why it runs there.
  int embedded_build = -1;
  std::string embedded_reason;
  bool fts = false;  // it reads or writes an FTS table (embedded_fts.h)

  // kTxn: what it does, read from its text once at prepare.
  TxnCommand txn;

  // A PRAGMA (pragmas.h): its row of the table (nullptr: not a PRAGMA, or
  // one SQLite does not know), the database it names (lower case, "" none),
  // its value, and whether the value is a setting (not a table's name).
  const PragmaInfo* pragma = nullptr;
  std::string pragma_db, pragma_value;
  bool pragma_sets = false;
  bool pragma_uses_server = false;  // PragmaUsesServer

  // Execution state.
  bool started = false;
  bool done = false;
  // kBatch: one write of the transaction's open write batch (batch.h).
  // kLockOnly: a batched write whose write lock failed in its own savepoint.
  // kFirstWrite: the first write of a deferred transaction, sent with its
  // BEGIN, whose write lock was refused (nothing began on the server).
  enum class Wrap { kNone, kImplicit, kTransaction, kSavepoint, kBatch, kLockOnly, kFirstWrite };
  Wrap wrap = Wrap::kNone;      // what the statement runs inside
  bool pipeline_open = false;   // results after the statement not yet read
  int post_commands = 0;        // commands pipelined after the statement
  PgResult post_error;          // the first of them that failed
  PgResult whole_result_;       // a result read whole (single_row_result)
  int whole_row_ = 0;           // the next of its rows
  bool took_lock = false;       // the statement took the write lock
  bool commit_pending = false;  // autocommit wrap left for the commit hook to decide
  std::chrono::steady_clock::time_point began;  // for the profile callback
  bool streaming = false;                       // results still arriving from the server
  std::deque<PgResult> pending;                 // results drained while another statement ran
  sqlite3_stmt* row = nullptr;                  // SELECT ?1..?N holding the current server row
  // The single-row result the current row's blobs point into (bound
  // SQLITE_STATIC, values.h): kept while the row is current.
  PgResult row_result_;
  bool row_active = false;
  // The current row decoded without binding (values.h): most rows are
  // read by column_* calls of their own class, which need no statement.
  std::vector<PlainValue> plain_;
  bool row_pending_ = false;  // plain_ holds the row; `row` does not yet
  // Whether this run's rows decode as plain values (by plain_plan_), known
  // from its first row. kPlainOnly: plain values and no hidden columns, so
  // that a streamed row needs nothing but its decode (NextStreamedPlainRow).
  enum class Plan { kUnknown, kPlain, kPlainOnly, kBound };
  Plan plan_ = Plan::kUnknown;
  std::vector<PlainKind> plain_plan_;
  // Binds plain_ to `row` and steps it, for a column_* that converts.
  void HoldRow();
  // The last step's result and, when it failed, its message: what reset and
  // finalize report again, as SQLite's statement keeps its error.
  int last_rc = SQLITE_OK;
  std::string last_msg;
  bool ran = false;                // stepped since the last reset (SQLite's pc >= 0)
  int generation = 0;              // the schema generation it was prepared for
  int session_epoch = 0;           // Connection::session_epoch when it started on the server
  bool single_row_result = false;  // at most one row: read whole, not row by row

  // The parameters as last sent to the server (reused: no allocation when
  // a statement runs again).
  struct ServerParams {
    std::vector<Oid> types;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    std::vector<std::string> text;  // integers and doubles as text
    std::vector<char> used;         // by SQLite index: the translation uses it
    void Resize(size_t n) {
      types.assign(n, 0);
      values.assign(n, nullptr);
      lengths.assign(n, 0);
      formats.assign(n, 0);
      text.resize(n);
      used.assign(n + 1, 0);
    }
  };
  ServerParams server_params_;
  // The server-side statement names of the translation last run, for its
  // parameter types, valid while the session's prepared statements stay
  // (Connection::prepared_generation).
  struct PreparedCache {
    const sql::Translation* translation = nullptr;
    bool folded = false;  // FoldedLockSql's text
    int generation = -1;
    std::vector<Oid> types;
    std::string name, pre_name;
    bool binary = false;  // its rows come in binary format
  };
  PreparedCache prepared_cache_;
  // A write run in the connection's write batch: what it sent, logged in
  // the batch when it succeeds (batch.h).
  BatchedWrite batch_write_;
  std::shared_ptr<const std::string> batch_sql_;  // its text, shared by its runs
  // Where the failure of a batched write left things: the tables the batch's
  // writes ran again on, or, when they could not, why (the transaction is
  // then rolled back).
  std::vector<std::string> replayed_tables_;
  std::string replay_error_;
  // Whether this statement, run now, may be sent without waiting for its
  // result (Connection::pipeline_writes; pipeline.cc).
  bool MayPipeline();
  bool pipelined_ = false;  // the last StartServer sent it so
  // Sends the prepared statement name with the n parameters in
  // server_params_ into the connection's write pipeline.
  int SendPipelined(const std::string& name, int n);
  // Whether this write may join the write batch (batch.h): its effect is
  // fixed by its text, parameters and the rows, and numbers at most one row.
  bool Batchable(const sql::Translation& tr);
  // Batchable's answer, for the translation and schema generation it was for.
  const sql::Translation* batchable_for_ = nullptr;
  int batchable_generation_ = -1;
  bool batchable_ = false;
  // Copies what the statement sends into batch_write_.
  void LogBatchedWrite(const sql::Translation& tr, int n);

  // Prepares the shadow statement and translation again after a schema
  // change (SQLite's automatic re-prepare). Returns an SQLite code.
  int Reprepare();

  // The statement whose current row column_* reads (a plain row is bound
  // to `row` first).
  sqlite3_stmt* Source() {
    if (row_pending_) HoldRow();
    return row_active ? row : shadow;
  }
  // The current row's column i when it is a plain value not yet bound to
  // `row` (column_* of its own class read it directly); else nullptr.
  const PlainValue* Plain(int i) const {
    // (plain_ has plain_plan_'s size while row_pending_: a byte vector's
    // size is a subtraction, a PlainValue vector's a division.)
    return row_pending_ && static_cast<size_t>(static_cast<unsigned>(i)) < plain_plan_.size()
               ? plain_.data() + i
               : nullptr;
  }

  int Step();
  // Binds a copy of v to parameter i, on the shadow and in params.
  void BindCopy(int i, sqlite3_value* v);
  // kEmbedded: prepares row on the connection's embedded engine (again when
  // the engine was made again since). Returns an SQLite code, error set.
  int PrepareEmbedded();
  // Resets as sqlite3_reset does (see last_rc): returns the last step's
  // error, and sets the connection's error from it, when it ran.
  int Reset();
  // Records a failed step (code extended, and its message) for Reset.
  void Failed(int code, const std::string& message);
  void ClearRow();
  // Reads every remaining result into `pending` (another statement needs
  // the session).
  void Drain();
  // Forgets a run that its session's loss ended (nothing to read any more).
  void ForgetRun();

  // A plain read in autocommit mode whose last run returned many rows runs
  // from a cursor, read in chunks of rows (chunked_scan.cc).
  enum class Chunk { kNone, kActive, kDrained };  // kDrained: its rest in `pending`
  Chunk chunk_ = Chunk::kNone;
  std::deque<int> chunk_asked_;  // the FETCHes sent, not read: the rows each asked for
  bool chunk_ended_ = false;     // a chunk came short: no more rows
  int chunk_size_ = 256;         // the next FETCH's, from the last chunk's bytes a row
  int whole_rows_ = 0;           // whole_result_'s rows, in a chunked run
  int64_t run_rows_ = 0;         // the rows this run returned so far
  bool big_runs_ = false;        // the last run that ended returned many rows
  unsigned chunk_interrupts_ = 0;  // Connection::interrupts when the scan began
  bool ScanInChunks(bool write, bool cached, const sql::Translation& tr) const;
  void NoteRunRows();
  // Opens the cursor with the n parameters in server_params_ and asks for
  // the first chunk. *fell_back: it did not open; run the statement as usual.
  int StartChunkedScan(int n, bool* fell_back);
  bool SendFetch(int rows);
  // Reads the next chunk into whole_result_ (true), or ends the run (*rc).
  bool NextChunk(int* rc);
  // After a chunk failed: the query runs again in single-row mode, past the
  // rows already returned, up to its failure. False with *rc: the run ended.
  bool RunAgainRowByRow(int* rc);
  // Ends the cursor's transaction (failed: rolled back, nothing more read).
  // Returns SQLITE_OK or the COMMIT's failure (an SQLite code, error set).
  int EndChunks(bool failed);
  void DrainChunks();

 private:
  // Whether a failed one-row INSERT that numbered its row can run again
  // with another number: the row met one holding it, or the sequence was at
  // the largest rowid (then it restarts at a random free one).
  bool NumberAgain(const PGresult* failure);
  bool number_again_ = false;
  // The translation's text taking the write lock where it numbers its row
  // (numbering_call), cached for the lock's text.
  const std::string& FoldedLockSql(const sql::Translation& tr);
  const sql::Translation* folded_for_ = nullptr;
  std::string folded_lock_, folded_sql_;
  int StepServer();
  int StartServer();
  // Sets how text parameter index, which PostgreSQL's text cannot hold,
  // travels for tr (odd_text.h); else fails naming it (SQLITE_MISMATCH).
  int SendOddText(int index, const std::string& bytes, const sql::Translation& tr, bool used,
                  Oid* type, std::string* holder, const char** value);
  int NextServerRow();
  // The next row of a kPlainOnly run streaming row by row (a scan's common
  // step): the general path's per-row checks were made at its first row.
  // True with *rc set when it read the row or the run's end; false when
  // the general path must read what came (left in `pending`).
  bool NextStreamedPlainRow(int* rc);
  // After the first row of a result in text format: when its column types
  // have a binary form values.h decodes (and it has no hidden columns),
  // this statement's later runs in the session ask for binary rows (no
  // strtod per value, blobs as bytes), without a describe round trip.
  void LearnBinaryResults(const PGresult* res);
  int FinishServer(PGresult* final_result);
  void FinishPipeline();
  void Unwrap(bool failed);
  int FailedInBatch(int rc);
  int StepTxn();
  int EndLostTransaction();
  int StepDdl();
  // Runs copy, the rows of a CREATE TABLE ... AS SELECT (schema_change.cc),
  // with the statement's parameters. Returns an SQLite code (error set).
  int CopyCreatedRows(const sql::Translation& copy);
  int StepShadow();
  int StepAttach();
  int StepEmbedded();
  PgResult NextResult();
};

// What one user of a connection can see or set through the C API (and
// what a connection must not carry over to its next user when reused):
// SQLite's per-connection state, with its values for a new connection.
struct ConnectionState {
  shim::RemoteHandle* handle = nullptr;
  Statement* streaming = nullptr;   // the statement whose rows are arriving
  int txn_level = SQLITE_TXN_NONE;  // what the open transaction has done (txn_state)
  bool holds_write_lock = false;    // this transaction is the database's writer
  bool wrote_in_txn = false;        // the open transaction ran a data change
  // A deferred BEGIN ran and no query has yet: the first one decides the
  // transaction's isolation (statement.cc, kRepeatableRead).
  bool snapshot_pending = false;
  // The program's deferred BEGIN is not on the server yet: the next
  // statement sends it in its own pipeline (statement.cc), a COMMIT or
  // ROLLBACK before any sends nothing.
  bool begin_pending = false;
  // The open transaction read at REPEATABLE READ before it wrote: its first
  // write checks that nobody wrote since (WriteLockSql).
  bool snapshot_taken = false;
  bool zombie = false;  // close_v2 with statements left
  int64_t last_insert_rowid = 0;
  int64_t changes = 0;
  int64_t total_changes = 0;
  int err_code = SQLITE_OK;
  std::string err_msg = "not an error";
  std::u16string err_msg16;
  int err_offset = -1;
  bool extended_codes = false;
  int busy_timeout_ms = 0;
  int (*busy_handler)(void*, int) = nullptr;
  void* busy_arg = nullptr;
  int (*authorizer)(void*, int, const char*, const char*, const char*, const char*) = nullptr;
  void* authorizer_arg = nullptr;
  int (*commit_hook)(void*) = nullptr;
  void* commit_arg = nullptr;
  void (*rollback_hook)(void*) = nullptr;
  void* rollback_arg = nullptr;
  void (*update_hook)(void*, int, const char*, const char*, sqlite3_int64) = nullptr;
  void* update_arg = nullptr;
  int (*progress)(void*) = nullptr;
  void* progress_arg = nullptr;
  void (*legacy_trace)(void*, const char*) = nullptr;
  void* legacy_trace_arg = nullptr;
  void (*profile)(void*, const char*, sqlite3_uint64) = nullptr;
  void* profile_arg = nullptr;
  int (*trace_cb)(unsigned, void*, void*, void*) = nullptr;
  unsigned trace_mask = 0;
  void* trace_arg = nullptr;
};

class Connection : public ConnectionState {
 public:
  std::recursive_mutex mu;
  // sqlite3_interrupt calls (a chunked scan checks them between chunks,
  // when no query of its runs on the server: chunked_scan.cc).
  std::atomic<unsigned> interrupts{0};
  std::string dsn;
  std::string schema;    // the database's schema on the server
  std::string filename;  // as given to open, for sqlite3_db_filename
  // The id of its marker file ("": none): a later open in this process
  // takes it from parking only while the file still holds that id.
  std::string marker;
  bool memory = false;  // private schema, dropped at close
  // Attached databases (ATTACH ... AS name): their schemas on the server;
  // the ones of :memory: are private, dropped at DETACH or close.
  struct Attached {
    std::string name;  // lower case
    std::string schema;
    bool memory = false;
    std::string filename;        // as sqlite3_db_filename gives it ("" for :memory:)
    std::string marker;          // its marker file's id ("": none)
    int64_t schema_version = 0;  // of its catalog as loaded
  };
  std::vector<Attached> attached;
  // Loads (or loads again) attached database name's objects into the
  // shadow from a CatalogQuery result. False with *error when they do not
  // apply (then it is not in the shadow).
  bool LoadAttached(const std::string& name, const std::string& server_schema,
                    const PGresult* catalog, std::string* error);
  // Reads attached database a's catalog from the server and loads it again
  // (LoadAttached), with its version; false (logged) when it cannot.
  bool ReloadAttached(Attached* a);
  bool readonly = false;
  PGconn* pg = nullptr;
  Shadow shadow;
  // Shadow statements of transaction control kept between a finalize and
  // the next prepare of their text (declared after the shadow: they are
  // finalized before it closes).
  TxnStatementCache txn_statements;
  // The program's create_function / create_window_function /
  // create_collation calls, in order, for the embedded engine.
  std::vector<Registration> registrations;
  // Declared after the shadow: closes before it.
  EmbeddedEngine embedded;
  // The FTS tables of the main database (lower case), for schema
  // generation fts_generation.
  std::set<std::string> fts_tables;
  int fts_generation = -1;
  bool internal_prepare = false;  // PrepareInternal is preparing
  sqlite3* rows_db = nullptr;     // holds server rows (see values.h)
  int schema_generation = 0;      // bumped by every schema change
  // Server-side prepared statements of this session, by text and parameter
  // types; dropped when the schema changes.
  std::unordered_map<std::string, std::string> prepared;
  // Those of them whose rows come in binary format (their result types
  // are all ones values.cc reads so: Statement::StartServer), by name.
  std::unordered_set<std::string> binary_results;
  // The wrapping commands (write lock, SAVEPOINT, RELEASE) prepared the same
  // way, by their text.
  std::unordered_map<std::string, std::string> prepared_wraps;
  int prepared_count = 0;  // names them: litelift_<n>
  // RowidResyncStatement's, by table, for schema_generation resync_generation.
  std::unordered_map<std::string, std::string> resync_statements;
  int resync_generation = -1;
  int prepared_generation = 0;
  std::vector<Statement*> statements;  // in creation order
  int64_t schema_version = 0;
  bool shadow_dirty = false;        // the program changed the shadow (functions, ...)
  bool has_temp_objects = false;    // TEMP tables, views, ... live in the session
  PragmaState pragma_state;         // what the program's PRAGMAs set (pragmas.h)
  bool native_concurrency = false;  // the route lets PostgreSQL's row locks decide
  // The open transaction's writes that share one savepoint (batch.h).
  WriteBatch batch;

  // Opt-in write pipelining (LITELIFT_PIPELINE_WRITES=1, pipeline.cc):
  // inside a transaction that holds the write lock, a write whose result
  // the program does not need at once is sent without waiting for it; its
  // result is read with the rest before anything else uses the session.
  bool pipeline_writes = false;
  struct InflightWrite {
    int op = 0;                  // SQLITE_INSERT, ...
    bool returns_rowid = false;  // its rows are their rowids
    bool counted = false;        // changes() was set to 1 for each of its rows when sent
    int rows = 1;                // the program's statements it stands for
    std::string prepared_key;    // a PQsendPrepare's (rows 0): forgotten if it failed
    bool rowid_known = false;    // its last row's rowid is rowid (sent without RETURNING)
    int64_t rowid = 0;
  };
  // One-row INSERTs of one statement waiting to go as one INSERT of
  // capacity rows (pipeline.cc): sent when full, else row by row.
  struct CombineBuffer {
    std::string name;        // the one-row statement, prepared in the session
    std::string text;        // its text
    std::vector<Oid> types;  // its parameter types
    int n = 0;               // parameters per row
    int rows = 0;
    int capacity = 0;  // rows per statement (pipeline.cc)
    bool returns_rowid = false;
    std::vector<std::string> values;  // rows * n
    std::vector<char> nulls;
    std::vector<int> formats;
  };
  CombineBuffer combine;
  // Rows of pipelined one-row INSERTs streaming into their table as one
  // COPY FROM STDIN (FORMAT binary) (pipeline.cc, batch_copy.h). While it
  // is active the session is in COPY mode: nothing else is in flight.
  struct CopyStream {
    bool active = false;
    std::string name;    // the statement whose rows it takes
    std::string text;    // its text
    std::string buffer;  // rows not yet handed to libpq
    int64_t rows = 0;
    bool given = false;  // a row gave its rowid: top is the largest given
    int64_t top = 0;
    bool last_numbered = false;  // the last row was numbered by the table (its rowid: currval)
    std::string sequence;        // the rowid's sequence ('seq'::regclass), or ""
    int64_t rowid_before = 0;    // last_insert_rowid when it started (kept if it fails)
  };
  CopyStream copy;
  // The COPY plan of a one-row INSERT's text (null: none), for
  // copy_plans_generation's prepared statements.
  std::unordered_map<std::string, std::shared_ptr<const CopyPlan>> copy_plans;
  int copy_plans_generation = -1;
  std::unordered_set<std::string> copy_declined;  // texts whose COPY ended too short
  // Ends the COPY and reads its result; its failure in *failure.
  void EndCopy(PgResult* failure);
  // The many-row text of a one-row INSERT's ("" when it cannot be made).
  std::unordered_map<std::string, std::string> combined_texts;
  // Sends the combine buffer's rows, as one statement when it is full.
  void FlushCombined();
  std::vector<InflightWrite> inflight;    // sent, in order; the session is in pipeline mode
  bool inflight_changes_unknown = false;  // one of them has a row count not yet known
  bool inflight_rowid = false;            // one of them sets last_insert_rowid
  // A failed in-flight write's error (SQLite's code and message): the
  // transaction was rolled back when it was read; the next statement
  // stepped returns it (a ROLLBACK takes it silently).
  int deferred_rc = SQLITE_OK;
  std::string deferred_msg;
  // Reads the results of every in-flight write (one sync round trip) and
  // leaves pipeline mode. A failure rolls the transaction back on both
  // sides and is kept in deferred_rc. Never fails itself.
  void SettleWrites();
  // A pipelined write's failure read: the transaction rolled back on both
  // sides, the error kept in deferred_rc.
  void FailPipelined(const PGresult* failure);
  // Before changes()/total_changes() (rowid false) or last_insert_rowid()
  // (true): settles when in-flight writes decide the answer.
  void SettleFor(bool rowid) {
    if (!HasPipelined()) return;
    bool rowid_unread = inflight_rowid || combine.rows > 0 || (copy.active && copy.last_numbered);
    if (rowid ? rowid_unread : inflight_changes_unknown) SettleWrites();
  }
  // Whether writes were sent or kept without their results read.
  bool HasPipelined() const { return !inflight.empty() || combine.rows > 0 || copy.active; }
  // The deferred error, set as the connection's and cleared: its code, or
  // SQLITE_OK when there is none.
  int TakeDeferredError();
  // Whether a table's writes may be batched: no trigger in the schema, and
  // its definition (defaults, generated columns) reads no clock or random().
  bool ReplayableTable(const std::string& table);
  std::unordered_map<std::string, bool> replayable_tables;
  int replayable_generation = -1;

  // The server session's health. A session can die under the program (a
  // server restart or crash, pg_terminate_backend, an idle timeout, a fork).
  // Outside a transaction the next statement gets a new session without the
  // program noticing; a transaction open on the lost session is lost: every
  // statement but ROLLBACK then fails with SQLITE_IOERR, so that a COMMIT
  // can never look as if it kept the transaction's writes.
  bool session_lost = false;        // pg is dead; nothing may be read from it
  bool txn_lost = false;            // the program's open transaction died with it
  int session_epoch = 0;            // bumped when a session is lost
  unsigned session_generation = 0;  // ForkGeneration() when pg was opened
  // Before a statement uses the server: a dead or inherited session is
  // replaced (outside a transaction) or makes the transaction lost. Returns
  // SQLITE_OK, or an SQLite code with the error set.
  int EnsureSession(Statement* stmt);
  // In a child process after fork, the session is the parent's: it is
  // treated as lost without a byte read from or written to it. Every entry
  // that may touch the session calls this first. Cheap (an atomic load).
  void CheckFork() {
    if (!session_lost && pg != nullptr && session_generation != ForkGeneration()) {
      NoteSessionLost();
    }
  }
  // Records that the session is dead: statements reading from it stop, an
  // open transaction is lost. Idempotent.
  void NoteSessionLost();
  // Replaces a lost session with a new one: settings, LISTEN, and the
  // catalog read again (another connection may have changed the schema
  // while the notifications could not arrive). False with *error when the
  // server cannot be reached.
  bool Reconnect(std::string* error);
  // The commands that set a new session up for this database after its
  // search_path (SearchPathSql): LISTEN, read-only, the PRAGMA switches the
  // program set; ending with "; ". Open and Reconnect both send them.
  std::string SessionSettingsSql();

  // Opens the routed database. Returns an SQLite code; on failure *error.
  int Open(const shim::ModuleRoute& route, int flags, std::string* error);
  // Closes the server session (back to the pool) and the shadow.
  void Shutdown();

  // The schema a route's database is expected in, to find a parked
  // connection by: the route's own, else the one this process last found
  // for the path, else the name a new one would get. (Open finds the real
  // one by the path, pg/locate.h.)
  static std::string SchemaFor(const shim::ModuleRoute& route);

  // Makes a closed connection look new again for its next open (parking.cc):
  // no transaction, statements, counters, hooks or settings of its last user.
  // False when it cannot be reused.
  bool ResetForReuse();

  int Prepare(const char* sql, int nbytes, unsigned flags, sqlite3_stmt** out, const char** tail);
  int Finalize(Statement* stmt);
  // Gives stmt its handle and lists it; *out set. SQLITE_NOMEM deletes it.
  int Publish(Statement* stmt, sqlite3_stmt** out);
  // Why a statement whose prepare ran the code of contexts (the views and
  // triggers the authorizer named) runs in the embedded engine: it reads a
  // view kept in the shadow only ("view v calls function f, ..."); "".
  std::string LocalViewRead(const std::vector<std::string>& contexts);
  // Prepares a statement of litelift's own (Statement::internal) in the
  // program's session; *out is finalized with Finalize.
  int PrepareInternal(const std::string& sql, Statement** out);
  // The server text for a shadow statement (kServer).
  sql::Translation Translate(sqlite3_stmt* shadow_stmt, bool return_rowids = false);

  // SQLite's error state.
  int SetError(int code, const std::string& message, int offset = -1);
  int SetErrorFromShadow(int rc);
  int SetErrorFromServer(const PGresult* res);
  void ClearError();
  int Masked(int rc) const { return extended_codes ? rc : (rc & 0xff); }

  // Runs a statement of litelift's own on the session; false with the
  // error recorded on failure.
  bool Run(const std::string& sql);
  // Sends the program's deferred BEGIN if it is still pending (before
  // anything but a data statement, which pipelines it). Returns an SQLite
  // code, the error set.
  int SendPendingBegin();

  // Reloads the shadow when another connection changed the schema. Heard
  // inside a transaction, a change waits (schema_changes_heard) for the
  // next call in autocommit.
  void CheckSchemaChanges();
  // Schemas (this database's and attached ones') whose announced changes
  // are not loaded yet.
  std::vector<std::string> schema_changes_heard;
  // After a "no such table/column" from the shadow: whether the server's
  // schema is newer (then it is loaded, and preparing again may succeed).
  bool SchemaMayBeStale();
  // Asks the server for the schema versions of this database and the
  // attached ones, and loads each that changed: whether any was (outside
  // a transaction only).
  bool ReloadStaleSchema();
  bool LoadCatalog(std::string* error);
  // Loads the shadow from a result of (schema_version, user_version,
  // application_id, type, name, tbl_name, sql) rows.
  bool LoadCatalogFrom(const PGresult* res, std::string* error);

  // Gives the session to stmt: other statements' pending rows are drained.
  void TakeSession(Statement* stmt);

  // Whether the program is outside a transaction (the shadow mirrors every
  // BEGIN/COMMIT/ROLLBACK/SAVEPOINT, so SQLite's own answer is the truth).
  bool Autocommit();

  NameMapper Names();

  // Writers to one database are serialised, as in SQLite: the first write
  // of a transaction takes the database's lock, waiting up to the busy
  // timeout, then fails with SQLITE_BUSY "database is locked".
  bool NeedsWriteLock() const { return !native_concurrency && !holds_write_lock; }
  const std::string& WriteLockSql();
  // The same lock as an expression (true once it is held; SQLSTATE 55P03
  // after the busy timeout), for a statement to take itself; never the
  // checked form, which a statement runs as a command of its own.
  const std::string& WriteLockExpr();
  // Whether the schema has deferred foreign keys (checked at COMMIT).
  bool HasDeferredKeys();
  // Its answer, for this schema_generation (-1: ask again; a rollback may
  // bring back a table without a new generation).
  int deferred_keys_generation = -1;
  bool deferred_keys = false;
  // After the server rolled back rows (a transaction, a savepoint, a failed
  // statement): sets the rowid sequences (catalog/rowid.h) of the tables
  // named, or of every table when empty or when triggers or foreign keys
  // could have written others, from the rows that remain, under the write
  // lock. A failure is logged: the sequences then stay where they are.
  void ResyncRowids(const std::vector<std::string>& tables);
  // The statement that sets table's rowid sequence from its rows (in the
  // transaction that holds them), cached until the schema changes.
  const std::string& RowidResyncStatement(const std::string& table);
  // Brings database db (main, or an attached one in the shadow) made by an
  // older litelift to catalog/rowid.h's layout (kRowidLayout), in a
  // transaction of its own. False with *error when the server refuses.
  bool UpgradeRowids(const std::string& db, std::string* error);
  // on_first_open = "migrate" (pg/first_open.h): under the path's lock,
  // locate() again and, when still no database, run `litelift migrate path`
  // and locate() what it made. SQLITE_OK with schema set, else an error.
  int MigrateFirst(const std::string& path, const std::function<int()>& locate, std::string* error);
  // After a failed migrate under that lock: drops the database it left.
  void DropFailedMigrate(const std::function<int()>& locate);
  // Restarts table's rowid sequence at a random free rowid (SQLite's way
  // once the largest is taken). False when the server refuses.
  bool RestartRowidAtRandom(const std::string& table);
  // The transaction ended in a rollback: ResyncRowids({}) if it wrote.
  void TransactionRolledBack();
  // Rolls the program's transaction back on the server and in the shadow
  // (OR ROLLBACK, a write batch that could not run again), with its rows
  // counted as written, and calls the rollback hook.
  void RollBackBothSides();

 private:
  std::string write_lock_sql_, checked_lock_sql_,
      write_lock_expr_;  // WriteLockSql() for write_lock_timeout_ and the attached set
  size_t write_lock_attached_ = 0;
  int write_lock_timeout_ = -1;
};

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_CONNECTION_H_
