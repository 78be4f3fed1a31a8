#include "shim/failed_connection.h"

#include "router/log.h"
#include "shim/handle_arena.h"
#include "shim/utf.h"

namespace litelift::shim {

namespace {

struct FailedConnection {
  int code;
  std::string message;
  std::u16string message16;
};

FailedConnection* Impl(sqlite3* db) {
  return static_cast<FailedConnection*>(reinterpret_cast<RemoteHandle*>(db)->impl);
}

int Errcode(sqlite3* db) { return Impl(db)->code & 0xff; }
int ExtendedErrcode(sqlite3* db) { return Impl(db)->code; }
const char* Errmsg(sqlite3* db) { return Impl(db)->message.c_str(); }
const void* Errmsg16(sqlite3* db) { return Impl(db)->message16.c_str(); }
int ErrorOffset(sqlite3*) { return -1; }
int GetAutocommit(sqlite3*) { return 1; }
int ExtendedResultCodes(sqlite3*, int) { return SQLITE_OK; }

int Close(sqlite3* db) {
  delete Impl(db);
  FreeHandle(reinterpret_cast<RemoteHandle*>(db));
  return SQLITE_OK;
}

int Prepare(sqlite3*, const char*, int, sqlite3_stmt** stmt, const char** tail) {
  if (stmt != nullptr) *stmt = nullptr;
  if (tail != nullptr) *tail = nullptr;
  return SQLITE_MISUSE;
}
int PrepareV3(sqlite3* db, const char* sql, int n, unsigned int, sqlite3_stmt** stmt,
              const char** tail) {
  return Prepare(db, sql, n, stmt, tail);
}
int Prepare16(sqlite3*, const void*, int, sqlite3_stmt** stmt, const void** tail) {
  if (stmt != nullptr) *stmt = nullptr;
  if (tail != nullptr) *tail = nullptr;
  return SQLITE_MISUSE;
}
int Prepare16V3(sqlite3* db, const void* sql, int n, unsigned int, sqlite3_stmt** stmt,
                const void** tail) {
  return Prepare16(db, sql, n, stmt, tail);
}

RemoteApi MakeApi() {
  RemoteApi api = DefaultRemoteApi();
  api.sqlite3_errcode = &Errcode;
  api.sqlite3_extended_errcode = &ExtendedErrcode;
  api.sqlite3_errmsg = &Errmsg;
  api.sqlite3_errmsg16 = &Errmsg16;
  api.sqlite3_error_offset = &ErrorOffset;
  api.sqlite3_get_autocommit = &GetAutocommit;
  api.sqlite3_extended_result_codes = &ExtendedResultCodes;
  api.sqlite3_close = &Close;
  api.sqlite3_close_v2 = &Close;
  api.sqlite3_prepare = &Prepare;
  api.sqlite3_prepare_v2 = &Prepare;
  api.sqlite3_prepare_v3 = &PrepareV3;
  api.sqlite3_prepare16 = &Prepare16;
  api.sqlite3_prepare16_v2 = &Prepare16;
  api.sqlite3_prepare16_v3 = &Prepare16V3;
  return api;
}

}  // namespace

sqlite3* NewFailedConnection(int code, const std::string& message) {
  static const RemoteApi api = MakeApi();
  // The last gate before sqlite3_errmsg, for the module's messages too.
  std::string clean = log::RedactSecrets(message);
  auto* impl = new FailedConnection{code, clean, Utf8ToUtf16(clean)};
  RemoteHandle* h = AllocateHandle(&api, impl);
  if (h == nullptr) {
    delete impl;
    return nullptr;
  }
  return reinterpret_cast<sqlite3*>(h);
}

}  // namespace litelift::shim
