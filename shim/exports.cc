// Every exported sqlite3_* function that is neither variadic nor an open,
// expanded from the generated list. Each one: if any handle argument is
// remote, the remote object's table serves the call; otherwise it goes
// straight to the real SQLite.

#include <sqlite3.h>

#include "engine/sqlite_api.h"
#include "shim/export.h"
#include "shim/handle_arena.h"

#define LL_HANDLE_FN(R, name, params, args, handles)        \
  extern "C" LL_EXPORT R name params {                      \
    if (LL_UNLIKELY(::litelift::shim::AnyRemote handles)) { \
      return ::litelift::shim::RemoteFor handles.name args; \
    }                                                       \
    return LL_REAL(name) args;                              \
  }
#define LL_PLAIN_FN(R, name, params, args) \
  extern "C" LL_EXPORT R name params { return LL_REAL(name) args; }
#define LL_SPECIAL_FN(R, name, params)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN

// The data symbols, with the real library's meaning: the version string, and
// the two directory variables that a program may set and SQLite reads (under
// LD_PRELOAD or when linked, the real library's references bind here).
#pragma GCC visibility push(default)
extern "C" {
extern const char sqlite3_version[] = SQLITE_VERSION;
char* sqlite3_temp_directory = nullptr;
char* sqlite3_data_directory = nullptr;
}
#pragma GCC visibility pop
