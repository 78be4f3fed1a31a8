// The seam between the shim and whatever serves remote handles.
//
// A remote handle (sqlite3*, sqlite3_stmt*, sqlite3_value*, ...) is a slot in
// the handle arena (handle_arena.h) whose first word points to the RemoteApi
// that serves it. The shim dispatches every call that carries such a handle to
// that table: one table per kind of object (a connection that failed to open,
// a postgres connection, a postgres statement, ...), so new kinds of remote
// object need no change to the exports.

#ifndef LITELIFT_SHIM_REMOTE_API_H_
#define LITELIFT_SHIM_REMOTE_API_H_

#include <sqlite3.h>

#include <cstdarg>

namespace litelift::shim {

// One pointer per exported function that takes a handle, with the exact
// signature of that function, plus the va_list forms of the variadic ones.
// Every entry is non-null (see DefaultRemoteApi()).
struct RemoteApi {
#define LL_HANDLE_FN(R, name, params, args, handles) R(*name) params;
#define LL_PLAIN_FN(R, name, params, args)
#define LL_SPECIAL_FN(R, name, params)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
  int (*sqlite3_db_config_va)(sqlite3* db, int op, va_list args);
};

// A table in which every function reports that the call is not supported on
// this handle: SQLITE_MISUSE for result codes, NULL, 0 or nothing otherwise,
// and a log line naming the call. Implementations copy it and override what
// they serve, so no entry is ever left null.
const RemoteApi& DefaultRemoteApi();

// What every remote object starts with. The object lives in the arena.
struct RemoteHandle {
  const RemoteApi* api;  // never null while the handle is live
  void* impl;            // owned by whoever serves the handle
};

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_REMOTE_API_H_
