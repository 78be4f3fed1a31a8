// One savepoint for a run of a transaction's writes instead of one per
// statement (docs/design.md "Subtransactions: the rolling batch"). Each
// write that PostgreSQL runs in a savepoint of its own costs a
// subtransaction id; past 64 in one transaction every other session's
// snapshots overflow to pg_subtrans. A batch keeps SQLite's statement
// atomicity with about 1 + log2(N / 64) savepoints for N writes: a write
// that fails rolls the batch back and the batch's earlier writes run again,
// each with the rowid it got, from the log kept here.

#ifndef LITELIFT_COMPAT_PG_BATCH_H_
#define LITELIFT_COMPAT_PG_BATCH_H_

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace litelift::compat {

// Whether a statement's text names something that may give another value
// when the statement runs again on the same rows: random(), randomblob(),
// the clock (date and time functions, CURRENT_TIME/DATE/TIMESTAMP, 'now').
// By name, anywhere in the text: a false "yes" only costs a savepoint.
bool MayChangeOnReplay(std::string_view sql);

// One write of a batch as the server ran it.
struct BatchedWrite {
  std::shared_ptr<const std::string> sql;  // the server's text ($n parameters)
  std::vector<Oid> types;
  std::vector<std::string> values;  // bytes as sent (text or binary format)
  std::vector<char> nulls;
  std::vector<int> formats;
  std::string tuples;          // its row count (PQcmdTuples)
  std::string rowid_sequence;  // the sequence that numbered its row ("": none)
  int64_t rowid = 0;           // the rowid it got from rowid_sequence
  std::string table;           // the table it changed
  size_t Bytes() const;
};

class WriteBatch {
 public:
  static constexpr const char* kSavepoint = "litelift_batch";

  bool open() const { return open_; }
  size_t size() const { return writes_.size(); }

  // Whether the next write starts a new batch: this one holds as many writes
  // as the transaction ran before it (at least kFloor), or 64 MB of log.
  bool Full() const;
  // The batch's savepoint was opened (after the previous batch's release).
  void Opened();
  // A write of the batch succeeded.
  void Add(BatchedWrite write);
  // A write of the batch failed and the batch ran again: the next write
  // starts a new batch, sized from 64 again, so that a run of failures
  // (a loop that skips duplicates) replays only the writes since the last
  // one rather than half the transaction each time.
  void Failed() { restart_ = true; }
  // The batch's savepoint was released; the transaction goes on.
  void Released();
  // The transaction ended (or was lost): nothing is open.
  void EndTransaction();

  // After a write of the batch failed (the server's transaction is then
  // aborted): rolls back to the batch's savepoint and runs its writes again
  // in one pipeline, each numbered with its rowid. True when every write ran
  // again with the same row count; else *error says why (the transaction is
  // then beyond repair). The tables the writes changed are appended.
  bool Replay(PGconn* pg, std::string* error, std::vector<std::string>* tables) const;

  static constexpr size_t kFloor = 64;
  static constexpr size_t kMaxLogBytes = 64u << 20;

 private:
  bool open_ = false;
  std::vector<BatchedWrite> writes_;
  size_t bytes_ = 0;
  size_t before_ = 0;  // writes of the transaction in its earlier batches
  bool restart_ = false;  // Failed(): a new batch, sized from the floor
};

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_BATCH_H_
