// The handle a remote sqlite3_open* returns when it fails, so that the
// program can read why with sqlite3_errmsg() and then sqlite3_close() it, as
// SQLite itself does after a failed open. Every other call on it returns
// SQLITE_MISUSE, as SQLite does for a connection that never opened.

#ifndef LITELIFT_SHIM_FAILED_CONNECTION_H_
#define LITELIFT_SHIM_FAILED_CONNECTION_H_

#include <sqlite3.h>

#include <string>

namespace litelift::shim {

// Creates the handle; code is an SQLite result code (extended codes allowed);
// the message is kept without passwords (log::RedactSecrets).
// Returns nullptr only when no handle can be allocated (then the open
// returns SQLITE_NOMEM with *ppDb = NULL, as SQLite does).
sqlite3* NewFailedConnection(int code, const std::string& message);

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_FAILED_CONNECTION_H_
