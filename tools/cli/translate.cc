#include "tools/cli/translate.h"

#include <cstdio>
#include <cstring>

#include "engine/sqlite_api.h"
#include "libsqlite3-compat/catalog/shadow.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/embedded.h"
#include "libsqlite3-compat/pg/embedded_fts.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {
// The postgres module's host, here the real SQLite only (the command has no
// handles to hand out).
const shim::ModuleHost* g_host = nullptr;
}  // namespace litelift::compat

namespace litelift::cli {

namespace {

// Stand-ins for the program's registrations: the shadow only needs the
// names to exist (nothing runs them here).
void NullFunction(sqlite3_context* ctx, int, sqlite3_value**) { SQ(sqlite3_result_null)(ctx); }
int BinaryCompare(void*, int n1, const void* a, int n2, const void* b) {
  int c = std::memcmp(a, b, static_cast<size_t>(n1 < n2 ? n1 : n2));
  return c != 0 ? c : n1 - n2;
}

// The tables a statement reads or writes (its triggers' too), lower case.
int NoteTables(void* arg, int action, const char* a1, const char*, const char*, const char*) {
  if ((action == SQLITE_READ || action == SQLITE_INSERT || action == SQLITE_UPDATE ||
       action == SQLITE_DELETE) &&
      a1 != nullptr) {
    static_cast<std::vector<std::string>*>(arg)->push_back(compat::Lower(a1));
  }
  return SQLITE_OK;
}

// The first full-text table of names in the shadow's main database, or "".
std::string FullTextTable(compat::Shadow& shadow, const std::vector<std::string>& names) {
  std::string found;
  shadow.ForEachRow(
      "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE "
      "VIRTUAL%'",
      "", [&](sqlite3_stmt* s) {
        std::string name = compat::ColumnText(s, 0);
        if (!found.empty() || compat::FtsModule(compat::ColumnText(s, 1)).empty()) return;
        for (const std::string& n : names) {
          if (n == compat::Lower(name)) found = name;
        }
      });
  return found;
}

}  // namespace

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
  std::vector<compat::Registration> registered;
  for (const std::string& f : options.functions) {
    SQ(sqlite3_create_function_v2)
    (shadow.db(), f.c_str(), -1, SQLITE_UTF8, nullptr, NullFunction, nullptr, nullptr, nullptr);
    compat::Registration r;
    r.name = f;
    r.func = NullFunction;
    registered.push_back(r);
  }
  for (const std::string& c : options.collations) {
    SQ(sqlite3_create_collation_v2)
    (shadow.db(), c.c_str(), SQLITE_UTF8, nullptr, BinaryCompare, nullptr);
    compat::Registration r;
    r.kind = compat::Registration::Kind::kCollation;
    r.name = c;
    r.compare = BinaryCompare;
    registered.push_back(r);
  }
  shadow.Invalidate();
  int rc = 0;
  const char* at = options.sql.c_str();
  while (at != nullptr && *at != '\0') {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    std::vector<std::string> tables;
    SQ(sqlite3_set_authorizer)(shadow.db(), NoteTables, &tables);
    int prepared = SQ(sqlite3_prepare_v2)(shadow.db(), at, -1, &stmt, &tail);
    SQ(sqlite3_set_authorizer)(shadow.db(), nullptr, nullptr);
    if (prepared != SQLITE_OK) {
      // SQLite's own error, as a routed database gives it.
      std::printf("error: %s\n", SQ(sqlite3_errmsg)(shadow.db()));
      return 1;
    }
    at = tail;
    if (stmt == nullptr) continue;  // only spaces or comments were left
    if (std::string fts = FullTextTable(shadow, tables); !fts.empty()) {
      SQ(sqlite3_finalize)(stmt);
      std::printf(
          "embedded: table %s is a full-text (FTS) table (SQLite's module runs it over "
          "the index tables the server keeps)\n",
          fts.c_str());
      continue;
    }
    compat::sql::Translation tr = shadow.Translate(stmt);
    bool read = SQ(sqlite3_stmt_readonly)(stmt) != 0;
    SQ(sqlite3_finalize)(stmt);
    // As Connection::Prepare decides (pg/connection.cc).
    std::string reason = tr.error.empty() ? "" : compat::EmbeddedReason(tr.error, registered);
    if (!reason.empty() && read) {
      std::printf("embedded: %s (the real SQLite runs it over the server's rows)\n",
                  reason.c_str());
      continue;
    }
    if (!reason.empty()) {
      std::printf("error: %s (a write with the program's function does not run yet)\n",
                  tr.error.c_str());
      rc = 1;
      continue;
    }
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
