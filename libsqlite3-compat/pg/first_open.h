// on_first_open = "migrate" (docs/design.md, "Migrating at the first
// open"): the first routed open of a file holding SQLite data, while the
// server has no database for it, runs the verified `litelift migrate FILE`
// as a child process and then opens what it made.

#ifndef LITELIFT_COMPAT_PG_FIRST_OPEN_H_
#define LITELIFT_COMPAT_PG_FIRST_OPEN_H_

#include <libpq-fe.h>

#include <cstdint>
#include <string>

namespace litelift::compat {

// The advisory lock key a migrate at the first open of path holds (the
// schema is not known before the database exists, so the path names it).
int64_t FirstOpenLockKey(const std::string& path);

// SQL waiting until no migrate of path runs (a shared lock on its key,
// taken and released), so that a locate that follows it sees either no
// database or a finished one. Ends with "; ".
std::string AwaitFirstOpenSql(const std::string& path);

// Takes the exclusive lock of path's key on pg (bounded: waits as long as
// a migrate may run). False with *error when it cannot.
bool LockFirstOpen(PGconn* pg, const std::string& path, std::string* error);

// Releases it (best effort: a lost session released it already).
void UnlockFirstOpen(PGconn* pg, const std::string& path);

// Runs `litelift migrate path` and waits for it (at most
// LITELIFT_MIGRATE_TIMEOUT seconds, 600 by default; then it is killed).
// The program is LITELIFT_MIGRATE_PROGRAM, else `litelift` beside the
// library. The child gets this process's environment without LD_PRELOAD
// (it loads liblitelift itself), so it decides the same route. False with
// *error naming path, the exit status and the child's last stderr line.
bool RunMigrate(const std::string& path, std::string* error);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_FIRST_OPEN_H_
