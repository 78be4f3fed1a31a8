// PostgreSQL errors as SQLite errors: one table from SQLSTATE to SQLite's
// primary and extended codes, and SQLite's wording for the constraint
// failures programs match on ("UNIQUE constraint failed: files.path").

#ifndef LITELIFT_COMPAT_PG_ERRORS_H_
#define LITELIFT_COMPAT_PG_ERRORS_H_

#include <libpq-fe.h>

#include <functional>
#include <string>
#include <string_view>

namespace litelift::compat {

// The fields of a server error that the mapping reads.
struct PgError {
  std::string sqlstate;
  std::string message;  // primary message
  std::string detail;   // "Key (path)=(x) already exists."
  std::string table;    // server-side table name
  std::string column;
  std::string constraint;
};

// Reads them from a failed result (or from the connection when res is
// null, e.g. a lost connection).
PgError ErrorOf(const PGresult* res, const PGconn* conn);

// An SQLite error: extended code and message.
struct SqliteError {
  int code = 0;
  std::string message;
};

// Turns server names back into the program's (the shadow catalog knows the
// case the program used). Either may return its argument unchanged.
struct NameMapper {
  std::function<std::string(std::string_view table)> table;
  std::function<std::string(std::string_view table, std::string_view column)> column;
  // An index's name (Shadow::ObjectName).
  std::function<std::string(std::string_view index)> index;
  // A CHECK constraint's name (or expression) by the server's table and
  // constraint names (CheckName).
  std::function<std::string(std::string_view table, std::string_view constraint)> check;
};

// Maps a server error to SQLite's code and message.
SqliteError MapPgError(const PgError& error, const NameMapper& names);

// The column list of a unique-violation detail, "Key (a, b)=(1, 2) ..." ->
// {"a", "b"}; a column under litelift's collation wrappers is the column,
// another expression is "". Empty when the detail does not have that form.
std::vector<std::string> KeyColumnsOfDetail(std::string_view detail);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_ERRORS_H_
