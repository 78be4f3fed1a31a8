// Server sessions: libpq connections, owned results, and an in-process pool
// of idle sessions so that opening and closing a routed database is cheap.

#ifndef LITELIFT_COMPAT_PG_SESSION_H_
#define LITELIFT_COMPAT_PG_SESSION_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>

namespace litelift::compat {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Runs sql (no parameters) and returns its result (never null: libpq's
// out-of-memory result is turned into a fatal-error result).
PgResult Exec(PGconn* conn, const std::string& sql);

// As Exec, and also hands back in *rows the last result of the script that
// returned rows (null when none did): what one statement in the middle of
// a multi-statement script answered.
PgResult ExecKeepingRows(PGconn* conn, const std::string& sql, PgResult* rows);

// True when res finished without error.
bool Ok(const PGresult* res);

// The connection's or result's error text, one line, without any password
// (log::RedactSecrets: also those of every DSN this process connected to).
std::string ErrorText(const PGconn* conn, const PGresult* res = nullptr);

// Adds the rows the server's triggers change (the INFO notices
// "litelift_changes n" of catalog/trigger.cc's functions) to *total, for
// SQLite's total_changes(); null: to nothing. ReleaseSession resets it.
void CountTriggerChanges(PGconn* conn, int64_t* total);

// Takes an idle session to dsn from the pool, or connects. Returns nullptr
// with *error (libpq's reason, without the password) when the server cannot
// be reached or refuses. Thread-safe.
PGconn* AcquireSession(const std::string& dsn, std::string* error);

// A number that changes in a child process after fork(): sessions opened
// under another number belong to the parent, whose socket they share, and
// must never be used or closed normally (their Terminate message would end
// the parent's session). Thread-safe; costs one atomic load.
unsigned ForkGeneration();

// Whether conn can take a command now: connected, and its socket has not
// been closed by the server while idle (a restart, pg_terminate_backend,
// an idle timeout). Reads what is waiting on the socket, without blocking;
// notifications stay queued for PQnotifies.
bool SessionAlive(PGconn* conn);

// Closes a session that cannot be used any more. An inherited one (made
// under another ForkGeneration) is closed without a word to the server:
// its socket is first pointed at /dev/null.
void DiscardSession(PGconn* conn, bool inherited);

// Gives a session back. It is reset first (transaction rolled back,
// DISCARD ALL: settings, prepared statements, temporary tables, LISTENs),
// so that the next user cannot tell it from a new one; a broken session, or
// one the pool has no room for, is closed. Thread-safe.
void ReleaseSession(const std::string& dsn, PGconn* conn);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_SESSION_H_
