// The translator's parser: SQLite's grammar for queries and data changes
// (SELECT, VALUES, INSERT, REPLACE, UPDATE, DELETE, with WITH), producing
// the tree in ast.h. The shadow catalog has already accepted the statement,
// so a statement this parser rejects is one litelift cannot translate yet:
// the error names the construct and where it is.

#ifndef LITELIFT_COMPAT_SQL_PARSER_H_
#define LITELIFT_COMPAT_SQL_PARSER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "libsqlite3-compat/sql/ast.h"

namespace litelift::compat::sql {

struct ParseResult {
  std::unique_ptr<Statement> statement;  // null on error
  std::string error;                     // "litelift: ..." naming the construct
  size_t error_offset = 0;
};

// Parses one statement (a trailing ";" is allowed). Parameters are numbered
// as SQLite numbers them: "?" takes the next index after the largest so far,
// "?NNN" its own, named ones the index parameter_index gives (SQLite's own
// numbering, from the shadow statement).
ParseResult Parse(std::string_view sql,
                  const std::function<int(std::string_view)>& parameter_index);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_PARSER_H_
