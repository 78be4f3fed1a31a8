#include "tools/cli/translate.h"

#include <cstdio>

#include "engine/sqlite_api.h"
#include "libsqlite3-compat/catalog/shadow.h"
#include "libsqlite3-compat/host.h"

namespace litelift::compat {
// The postgres module's host, here the real SQLite only (the command has no
// handles to hand out).
const shim::ModuleHost* g_host = nullptr;
}  // namespace litelift::compat

namespace litelift::cli {

int Translate(const TranslateOptions& options) {
  engine::Resolve();  // the opens have no lazy stub
  static shim::ModuleHost host{};
  host.abi_version = shim::kModuleAbiVersion;
  host.engine = &engine::internal::g_api;
  compat::g_host = &host;
  compat::Shadow shadow;
  std::string error;
  if (!shadow.Open(&error)) {
    std::fprintf(stderr, "litelift: %s\n", error.c_str());
    return 2;
  }
  if (!options.schema.empty()) {
    char* message = nullptr;
    if (SQ(sqlite3_exec)(shadow.db(), options.schema.c_str(), nullptr, nullptr, &message) !=
        SQLITE_OK) {
      std::fprintf(stderr, "litelift: the schema does not apply: %s\n",
                   message != nullptr ? message : "?");
      SQ(sqlite3_free)(message);
      return 2;
    }
    shadow.Invalidate();
  }
  int rc = 0;
  const char* at = options.sql.c_str();
  while (at != nullptr && *at != '\0') {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    if (SQ(sqlite3_prepare_v2)(shadow.db(), at, -1, &stmt, &tail) != SQLITE_OK) {
      // SQLite's own error, as a routed database gives it.
      std::printf("error: %s\n", SQ(sqlite3_errmsg)(shadow.db()));
      return 1;
    }
    at = tail;
    if (stmt == nullptr) continue;  // only spaces or comments were left
    compat::sql::Translation tr = shadow.Translate(stmt);
    SQ(sqlite3_finalize)(stmt);
    if (!tr.error.empty()) {
      std::printf("error: %s\n", tr.error.c_str());
      rc = 1;
      continue;
    }
    if (!tr.pre_sql.empty()) std::printf("%s;  -- runs first\n", tr.pre_sql.c_str());
    std::printf("%s;\n", tr.sql.c_str());
  }
  return rc;
}

}  // namespace litelift::cli
