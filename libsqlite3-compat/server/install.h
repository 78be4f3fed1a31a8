// litelift's own schema on the server: the catalog of every routed
// database's schema objects, per-database settings, and the functions with
// SQLite's semantics. Installed or upgraded once per database, under an
// advisory lock, with a version number.

#ifndef LITELIFT_COMPAT_SERVER_INSTALL_H_
#define LITELIFT_COMPAT_SERVER_INSTALL_H_

#include <libpq-fe.h>

#include <string>

namespace litelift::compat {

// The version this build installs; a server at a newer version is refused.
constexpr int kServerSchemaVersion = 25;

// The NOTIFY channel for schema changes; the payload is the schema name.
constexpr const char* kSchemaChannel = "litelift_schema";

// The trust check of the litelift schema alone (a DO block that fails with
// SQLSTATE 42501 and a message naming the untrusted owner); run it with
// search_path = pg_catalog, pg_temp. Changes nothing.
const char* TrustCheckSql();

// Makes sure the litelift schema is installed at kServerSchemaVersion and
// is trusted: owned, with everything in it, by the connecting role, a
// superuser or a member of the connecting role (else *error names the
// owner). Cheap after the first call per server (one query, or none when
// this process already checked). Returns false with *error on failure.
bool EnsureInstalled(PGconn* conn, const std::string& dsn, std::string* error);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_SERVER_INSTALL_H_
