// How a connection's statements use its write batch (batch.h): which writes
// join it, what they log, and ending it before anything it must not undo.

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/batch.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

bool Connection::ReplayableTable(const std::string& table) {
  if (replayable_generation != schema_generation) {
    replayable_tables.clear();
    replayable_generation = schema_generation;
  }
  auto found = replayable_tables.find(table);
  if (found != replayable_tables.end()) return found->second;
  // A trigger's body is arbitrary SQL, and foreign keys' actions may fire
  // one on another table: with any trigger, nothing is batched.
  bool replayable = false, seen = false;
  for (const auto& [key, o] : shadow.Snapshot()) {
    if (o.type == "trigger") {
      seen = false;
      break;
    }
    if (o.type == "table" && Lower(o.name) == Lower(table)) {
      seen = true;
      replayable = !MayChangeOnReplay(o.sql);
      if (!replayable) break;
    }
  }
  replayable = replayable && seen;
  replayable_tables.emplace(table, replayable);
  return replayable;
}

bool Statement::Batchable(const sql::Translation& tr) {
  if (conn->native_concurrency) return false;  // others may write meanwhile
  if (batchable_for_ == &tr && batchable_generation_ == conn->schema_generation) {
    return batchable_;
  }
  batchable_for_ = &tr;
  batchable_generation_ = conn->schema_generation;
  batchable_ = false;
  if (tr.op == 0 || !tr.pre_sql.empty() || !tr.resync_rowids_of.empty() ||
      tr.rollback_on_constraint || tr.trailing_rowid_columns > 0 || !tr.classed_columns.empty() ||
      tr.rowid_if_inserted || SQ(sqlite3_column_count)(shadow) > 0) {
    return false;
  }
  // An INSERT gives its one row's rowid back, to be numbered the same again.
  if (tr.op == SQLITE_INSERT &&
      (!tr.one_row || (!tr.rowid_sequence.empty() && !tr.returns_rowid))) {
    return false;
  }
  batchable_ = !MayChangeOnReplay(SQ(sqlite3_sql)(shadow)) && conn->ReplayableTable(tr.table);
  return batchable_;
}

void Statement::LogBatchedWrite(const sql::Translation& tr, int n) {
  if (!batch_sql_ || *batch_sql_ != tr.sql) batch_sql_ = std::make_shared<std::string>(tr.sql);
  BatchedWrite& w = batch_write_;
  w.sql = batch_sql_;
  const ServerParams& sp = server_params_;
  size_t count = static_cast<size_t>(n);
  w.types.assign(sp.types.begin(), sp.types.begin() + static_cast<long>(count));
  w.formats.assign(sp.formats.begin(), sp.formats.begin() + static_cast<long>(count));
  w.values.resize(count);
  w.nulls.assign(count, 0);
  for (size_t i = 0; i < count; ++i) {
    const char* v = sp.values[i];
    if (v == nullptr) {
      w.nulls[i] = 1;
      w.values[i].clear();
    } else if (sp.formats[i] == 1) {
      w.values[i].assign(v, static_cast<size_t>(sp.lengths[i]));
    } else {
      w.values[i].assign(v);
    }
  }
  w.rowid_sequence = tr.op == SQLITE_INSERT && tr.returns_rowid ? tr.rowid_sequence : "";
  w.rowid = 0;
  w.tuples.clear();
  w.table = tr.table;
}

}  // namespace litelift::compat
