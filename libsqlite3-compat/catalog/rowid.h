// SQLite's rowid numbering on the server.
//
// Each rowid table (INTEGER PRIMARY KEY or the hidden rowid column) has a
// sequence, sql::RowidSequenceName, that holds the rowid SQLite would give
// next: max(rowid) + 1, or, with AUTOINCREMENT, one more than the largest
// rowid ever used. nextval() numbers a row as cheaply as an identity
// column does; what keeps the sequence on SQLite's numbers:
//   - litelift's INSERT numbers its rows itself (nextval, or
//     litelift.rowid_take for a rowid given, which moves the sequence when
//     above it); a row trigger numbers other writers' rows without one;
//   - a DELETE (no AUTOINCREMENT) or an UPDATE of the rowid sets it to the
//     table's max(rowid) (a statement trigger), so that a deleted last id
//     is given again, as in SQLite;
//   - an empty table's sequence is "not called" (its next value is 1, and
//     a row with any rowid sets it);
//   - sequences are not transactional: after a rollback (of a transaction,
//     a savepoint or a failed statement) the connection sets them again
//     from the committed rows (RowidResyncSql).
// AUTOINCREMENT tables are listed in litelift_autoinc, whose floor column
// is the committed counter when the rows no longer show it (the last ones
// were deleted); sqlite_sequence is a view over their sequences, written
// through INSTEAD OF triggers.

#ifndef LITELIFT_COMPAT_CATALOG_ROWID_H_
#define LITELIFT_COMPAT_CATALOG_ROWID_H_

#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/shadow.h"

namespace litelift::compat {

// Appends the statements that give table (in schema, rowid column col)
// SQLite's numbering; they may run again on a table that has it (after a
// rename or an ALTER) and leave its counter as it is.
void RowidNumberingStatements(const std::string& schema, const std::string& table,
                              const std::string& col, bool autoincrement,
                              std::vector<std::string>* out);

// Appends the statements that remove the numbering of a table renamed
// (before RowidNumberingStatements for new_name) or dropped (new_name "").
void RowidNumberingGone(const std::string& schema, const std::string& old_name,
                        const std::string& new_name, bool autoincrement,
                        std::vector<std::string>* out);

// Appends the statements that make sqlite_sequence in schema: the view
// over the AUTOINCREMENT sequences and its INSTEAD OF trigger.
void SqliteSequenceStatements(const std::string& schema, std::vector<std::string>* out);

// A statement setting the rowid sequences of the tables named (shadow
// names as Shadow::Table takes them; empty: every rowid table the shadow
// knows) from the committed rows, as SQLite would number the next row,
// each in its database's server schema (Shadow::ServerSchemaOf). "" when
// there is nothing to set. It calls litelift.rowid_resync
// (server/install.cc).
std::string RowidResyncSql(Shadow& shadow, const std::vector<std::string>& tables);

// A statement restarting table's rowid sequence at a random free rowid, as
// SQLite numbers rows once the largest rowid is taken
// (litelift.rowid_random_restart); "" for a table without a rowid.
std::string RowidRandomRestartSql(Shadow& shadow, const std::string& table);

// The layout of rowid numbering a database made now has
// (litelift.databases.rowid_layout, whose default in server/install.cc is
// the same); 1: max(rowid) + 1 and a sqlite_sequence table, as litelift
// made databases before.
// 3: also the database's litelift_writer sequence (WriterSequenceSql).
constexpr int kRowidLayout = 3;

// The sequence in which the database's writers record their transaction
// ids (litelift.writer), qualified and quoted, and the statement making it.
std::string WriterSequence(const std::string& schema);
std::string WriterSequenceSql(const std::string& schema);

// Appends the statements that bring the rowid tables of database db (as
// the shadow holds them: main or an attached name; schema: its server
// schema) from layout `from` to kRowidLayout: their sequences, set from
// their rows and the old sqlite_sequence table, which becomes the view
// (from 1); the writer sequence (from 1 or 2).
void RowidUpgradeStatements(Shadow& shadow, const std::string& db, const std::string& schema,
                            int from, std::vector<std::string>* out);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_ROWID_H_
