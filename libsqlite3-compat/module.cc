// liblitelift-pg.so's entry point: the shim calls litelift_pg_module_init
// once, then open() for every routed database.

#include <new>
#include <string>

#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/marker.h"
#include "libsqlite3-compat/pg/parking.h"
#include "libsqlite3-compat/remote_tables.h"
#include "router/log.h"

namespace litelift::compat {

const shim::ModuleHost* g_host = nullptr;

namespace {

// Whether the local file at path still holds the marker with id (always,
// when the database had none): one small read, no round trip.
bool MarkerStillThere(const std::string& id, const char* path) {
  if (id.empty()) return true;
  LocalFile local = ReadLocalFile(path);
  return local.kind == LocalFile::kMarker && local.id == id;
}

int Open(const shim::ModuleRoute* route, const char* filename, sqlite3** db, int flags,
         const char*) {
  *db = nullptr;
  if (!route->memory) {
    Connection* parked =
        Unpark(route->dsn, Connection::SchemaFor(*route), (flags & SQLITE_OPEN_READONLY) != 0,
               route->native_concurrency != 0);
    if (parked != nullptr && (parked->filename != route->canonical_path ||
                              !MarkerStillThere(parked->marker, route->canonical_path))) {
      // Another file's database, or one whose marker was deleted since
      // (the open sets it aside): never handed over.
      parked->Shutdown();
      delete parked;
      parked = nullptr;
    }
    if (parked != nullptr) {
      parked->handle = g_host->allocate_handle(&ConnectionApi(), parked);
      if (parked->handle != nullptr) {
        *db = reinterpret_cast<sqlite3*>(parked->handle);
        return SQLITE_OK;
      }
      parked->Shutdown();
      delete parked;
    }
  }
  auto* conn = new (std::nothrow) Connection();
  if (conn == nullptr) return SQLITE_NOMEM;
  std::string error;
  int rc;
  try {
    rc = conn->Open(*route, flags, &error);
  } catch (const std::exception& e) {
    rc = SQLITE_CANTOPEN;
    error = std::string("litelift: ") + e.what();
  }
  if (rc != SQLITE_OK) {
    LL_ERROR("open of {} failed: {}", filename != nullptr ? filename : "", error);
    conn->Shutdown();
    delete conn;
    *db = g_host->new_failed_connection(rc, error.c_str());
    return *db != nullptr ? rc : SQLITE_NOMEM;
  }
  conn->handle = g_host->allocate_handle(&ConnectionApi(), conn);
  if (conn->handle == nullptr) {
    conn->Shutdown();
    delete conn;
    return SQLITE_NOMEM;
  }
  *db = reinterpret_cast<sqlite3*>(conn->handle);
  return SQLITE_OK;
}

const shim::ModuleEntry kEntry = {shim::kModuleAbiVersion, &Open};

}  // namespace

}  // namespace litelift::compat

extern "C" __attribute__((visibility("default"))) const litelift::shim::ModuleEntry*
litelift_pg_module_init(const litelift::shim::ModuleHost* host) {
  if (host == nullptr || host->abi_version != litelift::shim::kModuleAbiVersion) return nullptr;
  litelift::compat::g_host = host;
  return &litelift::compat::kEntry;
}
