// litelift translate: prints the PostgreSQL text litelift sends for SQLite
// statements (or the error it gives), with an optional schema so that
// names, rowids and * resolve as they would on a routed database.

#ifndef LITELIFT_TOOLS_CLI_TRANSLATE_H_
#define LITELIFT_TOOLS_CLI_TRANSLATE_H_

#include <string>
#include <vector>

namespace litelift::cli {

struct TranslateOptions {
  std::string schema;  // SQLite DDL run first (CREATE TABLE ...), or ""
  std::string sql;     // one or more statements
  // Names the program registers (create_function, create_collation): a
  // read the translator refuses for one of them is reported as the
  // embedded engine's (libsqlite3-compat/pg/embedded.h).
  std::vector<std::string> functions, collations;
};

// Prints one line per statement (the server's text, "embedded: <why>" for
// one the embedded engine runs, or "error: ..."); returns 0, or 1 when a
// statement cannot run, 2 when the schema does not apply.
int Translate(const TranslateOptions& options);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_TRANSLATE_H_
