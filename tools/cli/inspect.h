// `litelift ls` and `litelift doctor`: what the server holds and whether
// the settings, the library and the server let a program's databases be
// routed.

#ifndef LITELIFT_TOOLS_CLI_INSPECT_H_
#define LITELIFT_TOOLS_CLI_INSPECT_H_

#include <string>

namespace litelift::cli {

struct InspectOptions {
  std::string dsn;  // used instead of LITELIFT_DSN when dsn_given
  bool dsn_given = false;
  std::string config;  // used instead of LITELIFT_CONFIG when config_given
  bool config_given = false;
  bool exact = false;  // ls: count rows instead of the planner's estimate
  std::string file;    // doctor: the database path to explain ("" for none)
};

// Lists the routed databases recorded on every server the settings name
// (path, schema, tables, rows, size, created). Returns 0, or 1 when a
// server cannot be read (the reason on stderr), 2 for bad settings.
int Ls(const InspectOptions& options);

// Checks the settings, the library, each server the settings name and,
// when options.file is set, the route that file takes; prints one line per
// check ("ok", "warn", "FAIL") and a "fix:" line for each problem. Returns
// 0 when nothing failed, else 1.
int Doctor(const InspectOptions& options);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_INSPECT_H_
