// litelift translate: prints the PostgreSQL text litelift sends for SQLite
// statements (or the error it gives), with an optional schema so that
// names, rowids and * resolve as they would on a routed database.

#ifndef LITELIFT_TOOLS_CLI_TRANSLATE_H_
#define LITELIFT_TOOLS_CLI_TRANSLATE_H_

#include <string>

namespace litelift::cli {

struct TranslateOptions {
  std::string schema;  // SQLite DDL run first (CREATE TABLE ...), or ""
  std::string sql;     // one or more statements
};

// Prints one line per statement; returns 0, or 1 when a statement cannot be
// translated, 2 when the schema does not apply.
int Translate(const TranslateOptions& options);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_TRANSLATE_H_
