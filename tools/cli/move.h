// `litelift migrate FILE` and `litelift export FILE`: an app's data moves
// with it when its database's route changes, both ways.

#ifndef LITELIFT_TOOLS_CLI_MOVE_H_
#define LITELIFT_TOOLS_CLI_MOVE_H_

#include <cstdint>
#include <string>

namespace litelift::cli {

struct MoveOptions {
  std::string file;             // the path the program opens
  int64_t batch_rows = 50000;   // rows per transaction on the target
  int64_t rows_per_insert = 0;  // rows per INSERT; 0: the command's default
  std::string via = "copy";     // migrate: "copy" (COPY, binary) or "insert" (the route)
  bool resume = false;          // migrate: continue an interrupted migrate
};

// Copies the SQLite file into the PostgreSQL schema its route gives it
// (LITELIFT_DSN / LITELIFT_CONFIG, as for a program opening the path),
// the schema through the route itself, the rows with COPY into the tables
// the route made (or through the route: via "insert"), and verifies the
// copy. Returns 0; 1 when the copy failed or differs (what this run
// created is dropped again); 2 when it refuses: not an SQLite file, a
// local route, a schema that has tables (unless resume, and an
// interrupted migrate of the file left them).
int Migrate(const MoveOptions& options);

// Writes the route's data for the path into a new SQLite file beside it,
// verifies it, keeps the old file as FILE.before-export and renames the new
// one over FILE. Returns 0; 1 when the copy failed or differs (FILE is then
// untouched); 2 when it refuses (a local route, no database on the route).
int Export(const MoveOptions& options);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_MOVE_H_
