// The connection's side of SQLite's rowid numbering (catalog/rowid.h):
// setting the tables' sequences again after the server rolled rows back,
// the upgrade of databases an older litelift made, and the one-row INSERT
// that numbers its row (and takes the write lock) in its own expression.

#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

void Connection::ResyncRowids(const std::vector<std::string>& tables) {
  std::vector<std::string> names = tables;
  bool others = !attached.empty() || has_temp_objects;
  if (!others && !names.empty()) {
    // A trigger or a foreign key action may have written any table.
    shadow.ForEachRow(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' OR "
        "(type = 'table' AND sql LIKE '%REFERENCES%') LIMIT 1",
        "", [&](sqlite3_stmt*) { others = true; });
  }
  if (others) names.clear();
  std::string resync = RowidResyncSql(shadow, names);
  if (resync.empty()) return;
  bool lock = NeedsWriteLock();
  bool idle = PQtransactionStatus(pg) == PQTRANS_IDLE;
  std::string script = (lock ? WriteLockSql() + "; " : "") + resync;
  script = idle ? "BEGIN; " + script + "; COMMIT"
                : "SAVEPOINT litelift_resync; " + script + "; RELEASE SAVEPOINT litelift_resync";
  PgResult res = Exec(pg, script);
  if (!Ok(res.get())) {
    LL_WARN("rowid sequences not set again after a rollback: {}", ErrorText(pg, res.get()));
    Exec(pg, idle ? "ROLLBACK"
                  : "ROLLBACK TO SAVEPOINT litelift_resync; RELEASE SAVEPOINT litelift_resync");
  } else if (lock && !idle) {
    holds_write_lock = true;  // as SQLite: the failed write took the lock
  }
}

const std::string& Connection::RowidResyncStatement(const std::string& table) {
  if (resync_generation != schema_generation) {
    resync_statements.clear();
    resync_generation = schema_generation;
  }
  auto it = resync_statements.find(table);
  if (it != resync_statements.end()) return it->second;
  std::string sql = RowidResyncSql(shadow, {table});
  return resync_statements[table] = sql.empty() ? "SELECT 1" : sql;
}

bool Connection::UpgradeRowids(const std::string& db, std::string* error) {
  // Under the database's write lock; another process may have done it.
  std::string server = shadow.ServerSchemaOf(db);
  std::string s = QuoteLiteral(server);
  PgResult layout =
      Exec(pg, "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(WriteLockKey(server)) +
                   "); SELECT rowid_layout FROM litelift.databases WHERE db_schema = " + s +
                   " FOR UPDATE");
  bool ok = Ok(layout.get()) && PQntuples(layout.get()) == 1;
  int from = ok ? std::atoi(PQgetvalue(layout.get(), 0, 0)) : kRowidLayout;
  if (ok && from < kRowidLayout) {
    std::vector<std::string> upgrade;
    RowidUpgradeStatements(shadow, db, server, from, &upgrade);
    upgrade.push_back("UPDATE litelift.databases SET rowid_layout = " +
                      std::to_string(kRowidLayout) + " WHERE db_schema = " + s);
    std::string script;
    for (const std::string& stmt : upgrade) script += stmt + "; ";
    layout = Exec(pg, script);
    ok = Ok(layout.get());
  }
  if (!ok) {
    *error = "litelift: cannot number the rows of " + server +
             " as this litelift does: " + ErrorText(pg, layout.get());
    Exec(pg, "ROLLBACK");
    return false;
  }
  PgResult commit = Exec(pg, "COMMIT");
  LL_INFO("rowid numbering of {} upgraded to layout {}", server, kRowidLayout);
  return Ok(commit.get());
}

bool Connection::RestartRowidAtRandom(const std::string& table) {
  std::string restart = RowidRandomRestartSql(shadow, table);
  if (restart.empty()) return false;
  PgResult res = Exec(pg, restart);
  if (!Ok(res.get())) LL_WARN("no random rowid for {}: {}", table, ErrorText(pg, res.get()));
  return Ok(res.get());
}

void Connection::TransactionRolledBack() {
  batch.EndTransaction();
  if (wrote_in_txn) ResyncRowids({});
  wrote_in_txn = false;
}

void Connection::RollBackBothSides() {
  Exec(pg, "ROLLBACK");
  SQ(sqlite3_exec)(shadow.db(), "ROLLBACK", nullptr, nullptr, nullptr);
  holds_write_lock = false;
  begin_pending = false;
  deferred_keys_generation = -1;
  txn_level = SQLITE_TXN_NONE;
  wrote_in_txn = true;  // the failing statement's rows went too
  TransactionRolledBack();
  if (rollback_hook != nullptr) rollback_hook(rollback_arg);
}

bool Statement::NumberAgain(const PGresult* failure) {
  // (One VALUES row numbered in the statement: a failure returned no row.)
  if (running->numbering_call.empty()) return false;
  const sql::TableShape* shape = conn->shadow.Table(running->table);
  const char* state = PQresultErrorField(failure, PG_DIAG_SQLSTATE);
  if (shape == nullptr || state == nullptr) return false;
  if (std::string(state) == "2200H") {
    // The sequence is at the largest rowid: SQLite tries random free ones
    // (with AUTOINCREMENT it fails SQLITE_FULL, as here).
    return !shape->autoincrement && conn->RestartRowidAtRandom(running->table);
  }
  // A rowid a row holds: a rollback litelift did not see (a process that
  // died inside a transaction) brought the row back; ResyncRowids has set
  // the sequence past it.
  const char* constraint = PQresultErrorField(failure, PG_DIAG_CONSTRAINT_NAME);
  if (std::string(state) != "23505" || constraint == nullptr) return false;
  std::string table = Lower(running->table);
  return constraint == ServerName(shape->hidden_rowid ? table + "_" + kHiddenRowidColumn + "_key"
                                                      : table + "_pkey");
}

const std::string& Statement::FoldedLockSql(const sql::Translation& tr) {
  const std::string& lock = conn->WriteLockExpr();
  if (folded_for_ != &tr || folded_lock_ != lock) {
    size_t at = tr.sql.find(tr.numbering_call);
    folded_sql_ = tr.sql.substr(0, at) + "(CASE WHEN " + lock + " THEN " + tr.numbering_call +
                  " END)" + tr.sql.substr(at + tr.numbering_call.size());
    folded_for_ = &tr;
    folded_lock_ = lock;
  }
  return folded_sql_;
}

}  // namespace litelift::compat
