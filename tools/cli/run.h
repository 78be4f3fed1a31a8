// `litelift run`: runs a program with liblitelift.so preloaded.

#ifndef LITELIFT_TOOLS_CLI_RUN_H_
#define LITELIFT_TOOLS_CLI_RUN_H_

#include <string>
#include <vector>

namespace litelift::cli {

struct RunOptions {
  std::string dsn;         // sets LITELIFT_DSN when not empty; "-": read stdin
  bool dsn_given = false;  // --dsn was on the command line (then it must not be blank)
  std::string dsn_file;    // sets LITELIFT_DSN from this file when not empty
  std::string config;      // sets LITELIFT_CONFIG when not empty
  std::string backend;     // sets LITELIFT_BACKEND when not empty
  std::string log_level;   // sets LITELIFT_LOG when not empty
  std::vector<std::string> command;
};

// Finds liblitelift.so: beside this executable (build tree), then the
// install's library directory. Returns "" when neither exists.
std::string FindLibrary();

// A per-user cache directory holding libsqlite3.so.0, a symbolic link to
// library (made or repaired as needed), for LD_LIBRARY_PATH. Returns "" with
// *error set when it cannot be made.
std::string LibraryPathDir(const std::string& library, std::string* error);

// Prepends the library to LD_PRELOAD and LibraryPathDir to LD_LIBRARY_PATH
// (for modules that bind around LD_PRELOAD), sets the variables and replaces this
// process with the command (no shell, no second litelift: the DSN reaches it
// in the environment only, never on a command line). Returns only on
// failure, with an exit status.
int Run(const RunOptions& options);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_RUN_H_
