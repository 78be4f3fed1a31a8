// DefaultRemoteApi(): every call on a handle that does not serve it gets a
// real SQLite answer (SQLITE_MISUSE for result codes, NULL/0 otherwise) and a
// log line naming the call; never a crash, never a faked success.

#include <type_traits>

#include "router/log.h"
#include "shim/remote_api.h"

namespace litelift::shim {

namespace {

template <typename R>
R Unsupported(const char* name) {
  LL_WARN("{}: not supported on this handle (SQLITE_MISUSE)", name);
  if constexpr (std::is_void_v<R>) {
    return;
  } else if constexpr (std::is_pointer_v<R>) {
    return nullptr;
  } else if constexpr (std::is_same_v<R, int>) {
    return SQLITE_MISUSE;
  } else {
    return R{};
  }
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define LL_HANDLE_FN(R, name, params, args, handles) \
  R Default_##name params { return Unsupported<R>(#name); }
#define LL_PLAIN_FN(R, name, params, args)
#define LL_SPECIAL_FN(R, name, params)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN

int Default_db_config_va(sqlite3* db, int op, va_list args) {
  return Unsupported<int>("sqlite3_db_config");
}
#pragma GCC diagnostic pop

// The error calls on a handle that is not (or no longer) a connection answer
// as SQLite does for a handle that is not open: never NULL.
constexpr char kMisuse[] = "bad parameter or other API misuse";
constexpr char16_t kMisuse16[] = u"bad parameter or other API misuse";
const char* ErrmsgNotOpen(sqlite3*) { return kMisuse; }
const void* Errmsg16NotOpen(sqlite3*) { return kMisuse16; }
int ErrorOffsetNotOpen(sqlite3*) { return -1; }

RemoteApi MakeDefault() {
  RemoteApi api{};
#define LL_HANDLE_FN(R, name, params, args, handles) api.name = &Default_##name;
#define LL_PLAIN_FN(R, name, params, args)
#define LL_SPECIAL_FN(R, name, params)
#include "shim/generated/sqlite3_api.inc"
#undef LL_HANDLE_FN
#undef LL_PLAIN_FN
#undef LL_SPECIAL_FN
  api.sqlite3_db_config_va = &Default_db_config_va;
  api.sqlite3_errmsg = &ErrmsgNotOpen;
  api.sqlite3_errmsg16 = &Errmsg16NotOpen;
  api.sqlite3_error_offset = &ErrorOffsetNotOpen;
  return api;
}

}  // namespace

const RemoteApi& DefaultRemoteApi() {
  static const RemoteApi api = MakeDefault();
  return api;
}

}  // namespace litelift::shim
