// ATTACH and DETACH on the postgres route. The attached file must route to
// the same PostgreSQL server (the router decides, as for an open); its
// schema there holds its tables, and the shadow catalog gets an in-memory
// database of that name with its objects, so that SQLite resolves aux.t and
// unqualified names as it would. Writes lock every attached database too.

#include <algorithm>
#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/rowid.h"
#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/pg/local_file.h"
#include "libsqlite3-compat/pg/locate.h"
#include "libsqlite3-compat/pg/session.h"
#include "libsqlite3-compat/sql/tokenizer.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

// An object's CREATE text with its name put in database db.
std::string QualifyCreate(const std::string& sql, const std::string& db) {
  std::vector<sql::Token> tok = sql::SignificantTokens(sql);
  size_t i = sql::CreatedNameIndex(tok);
  if (i >= tok.size()) return sql;
  return sql.substr(0, tok[i].offset) + QuoteIdent(db) + "." + sql.substr(tok[i].offset);
}

}  // namespace

int Statement::StepAttach() {
  started = true;
  std::string sql = SQ(sqlite3_sql)(shadow);
  std::vector<sql::Token> tok = sql::SignificantTokens(sql);
  // (A statement's text keeps the ';' that ended it in a script.)
  while (!tok.empty() && tok.back().text == ";") tok.pop_back();
  // The operands: literals or bound parameters ('file.db', ?1, :name).
  int next_param = 0;
  auto operand = [&](size_t at, std::string* out) {
    if (at >= tok.size()) return false;
    const sql::Token& t = tok[at];
    std::string storage;
    if (t.type == sql::TokenType::kString) {
      out->clear();
      for (size_t k = 1; k + 1 < t.text.size(); ++k) {
        out->push_back(t.text[k]);
        if (t.text[k] == '\'') ++k;  // '' is one quote
      }
      return true;
    }
    if (t.type == sql::TokenType::kWord || t.type == sql::TokenType::kQuotedName) {
      *out = std::string(sql::NameText(t, &storage));
      return true;
    }
    if (t.type != sql::TokenType::kVariable) return false;
    std::string name(t.text);
    int index = name == "?" ? ++next_param : SQ(sqlite3_bind_parameter_index)(shadow, name.c_str());
    next_param = std::max(next_param, index);
    if (index <= 0 || static_cast<size_t>(index) >= params.size()) return false;
    *out = params[static_cast<size_t>(index)].bytes;
    return params[static_cast<size_t>(index)].type != SQLITE_NULL;
  };
  bool attach = !tok.empty() && sql::IsWord(tok[0], "ATTACH");
  size_t at = tok.size() > 1 && sql::IsWord(tok[1], "DATABASE") ? 2 : 1;
  std::string file, name;
  if (attach) {
    size_t as = at;
    while (as < tok.size() && !sql::IsWord(tok[as], "AS")) ++as;
    if (as != at + 1 || !operand(at, &file) || !operand(as + 1, &name) || as + 2 < tok.size()) {
      return conn->SetError(SQLITE_ERROR,
                            "litelift: ATTACH takes a file name and a name, each a literal or "
                            "a parameter, on the postgres route");
    }
  } else if (!operand(at, &name) || at + 1 < tok.size()) {
    return conn->SetError(SQLITE_ERROR, "litelift: DETACH takes a name on the postgres route");
  }
  std::string key = Lower(name);
  auto found = std::find_if(conn->attached.begin(), conn->attached.end(),
                            [&](const Connection::Attached& a) { return a.name == key; });
  if (!attach) {
    if (found == conn->attached.end())
      return conn->SetError(SQLITE_ERROR, "no such database: " + name);
    if (!conn->Autocommit()) return conn->SetError(SQLITE_ERROR, "database " + name + " is locked");
    conn->TakeSession(nullptr);
    SQ(sqlite3_exec)
    (conn->shadow.db(), ("DETACH " + QuoteIdent(key)).c_str(), nullptr, nullptr, nullptr);
    conn->shadow.Detach(key);
    if (found->memory) {
      Exec(conn->pg, "DROP SCHEMA IF EXISTS " + QuoteIdent(found->schema) +
                         " CASCADE; DELETE FROM litelift.databases WHERE db_schema = " +
                         QuoteLiteral(found->schema));
    }
    conn->attached.erase(found);
    ++conn->schema_generation;
    done = true;
    return SQLITE_DONE;
  }
  if (key == "main" || key == "temp" || found != conn->attached.end()) {
    return conn->SetError(SQLITE_ERROR, "database " + name + " is already in use");
  }
  // Where the router sends the file: it must be this server.
  shim::ModuleRoute route{};
  int routed = g_host->route_for(file.c_str(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &route);
  if (routed == shim::kRouteError) return conn->SetError(SQLITE_ERROR, route.origin);
  // A private in-memory database stays private and brief wherever it is:
  // here, a schema of its own, dropped at DETACH or close.
  bool memory_name = file.empty() || file == ":memory:" || file.rfind("file::memory:", 0) == 0;
  if (routed == shim::kStaysLocal && memory_name) {
    routed = shim::kRoutedToPostgres;
    route = shim::ModuleRoute{conn->dsn.c_str(), "", "", 1, "ATTACH", 0};
  }
  if (routed != shim::kRoutedToPostgres || conn->dsn != route.dsn) {
    return conn->SetError(
        SQLITE_ERROR, "litelift: cannot attach " + file + ": " +
                          (routed == shim::kStaysLocal ? "it stays on the local SQLite"
                                                       : "it lives on another PostgreSQL server") +
                          ", and this database is on PostgreSQL");
  }
  Connection::Attached a;
  a.name = key;
  Placement place = PlacementFor(route);
  a.memory = place.memory;
  a.filename = a.memory ? "" : route.canonical_path;
  conn->TakeSession(nullptr);
  // The database found by its path (pg/locate.h), with its catalog.
  PgResult catalog;
  LocalFileState local;
  if (!a.memory) {
    // (Inside the program's transaction the stamp would hold the row's
    // lock until it ends: recorded only outside one.)
    std::string stamp = conn->Autocommit() ? StampOpenedSql(place) : "";
    catalog = Exec(conn->pg, stamp + LocateQuery(place));
    if (!Ok(catalog.get())) return conn->SetErrorFromServer(catalog.get());
    std::string why;
    int rc = CheckLocated(catalog.get(), place, &a.schema, &why);
    if (rc != SQLITE_OK) return conn->SetError(rc, why);
    local.local = ReadLocalFile(route.canonical_path);
    if (!a.schema.empty() && !PQgetisnull(catalog.get(), 0, kLocatedMarker)) {
      local.recorded = PQgetvalue(catalog.get(), 0, kLocatedMarker);
    }
  }
  // What ATTACH changes on the server (a deleted database set aside, a new
  // one, its marker) stays, as the file would, also when the program's
  // transaction rolls back: inside one, another session makes it.
  PGconn* maker = conn->pg;
  std::string why;
  if (!conn->Autocommit()) {
    maker = AcquireSession(conn->dsn, &why);
    if (maker == nullptr) return conn->SetError(SQLITE_CANTOPEN, "litelift: " + why);
  }
  struct Release {
    Connection* conn;
    PGconn* maker;
    ~Release() {
      if (maker != conn->pg) ReleaseSession(conn->dsn, maker);
    }
  } release{conn, maker};
  if (!a.memory) {
    // As an open (pg/local_file.h): a deleted marker means a new database.
    int rc = CheckLocalFile(maker, place, !conn->readonly,
                            route.on_first_open == 1 /* router::FirstOpen::kEmpty */, &local,
                            &a.schema, &why);
    if (rc != SQLITE_OK && a.schema.empty() && local.local.kind == LocalFile::kSqliteData &&
        route.on_first_open == 2 /* router::FirstOpen::kMigrate */) {
      // The migrate runs a child under a lock an open holds; ATTACH (maybe
      // inside the program's transaction) does not wait for one.
      why = "unable to open database file (litelift: " + place.path +
            " holds SQLite data and the server has no database for it; on_first_open = "
            "\"migrate\" migrates at an open, not at ATTACH: open it once with sqlite3_open, "
            "or run `litelift migrate " + place.path + "`)";
    }
    if (rc != SQLITE_OK) return conn->SetError(rc, why);
  }
  bool created = a.schema.empty();
  if (created) {
    // The database exists from now on (ATTACH creates a missing file).
    PgResult made = Exec(maker, CreateDatabaseQuery(place, kRowidLayout, false));
    if (!Ok(made.get()) || PQntuples(made.get()) != 1) {
      return conn->SetError(SQLITE_ERROR, "litelift: " + ErrorText(maker, made.get()));
    }
    a.schema = PQgetvalue(made.get(), 0, 0);
  }
  if (!a.memory && !conn->readonly &&
      !EnsureMarker(maker, route.canonical_path, conn->dsn, a.schema, local, &a.marker, &why)) {
    return conn->SetError(SQLITE_CANTOPEN, why);
  }
  if (created) {
    catalog = Exec(conn->pg, CatalogQuery(a.schema));
    if (!Ok(catalog.get())) return conn->SetErrorFromServer(catalog.get());
  }
  std::string error;
  if (!conn->LoadAttached(key, a.schema, catalog.get(), &error)) {
    return conn->SetError(SQLITE_ERROR, error);
  }
  a.schema_version = PQntuples(catalog.get()) > 0 ? std::atoll(PQgetvalue(catalog.get(), 0, 0)) : 0;
  // A database an older litelift made gets its rowid sequences now (only
  // outside a transaction: the upgrade commits).
  if (PQntuples(catalog.get()) > 0 && std::atoi(PQgetvalue(catalog.get(), 0, 7)) < kRowidLayout) {
    if (!conn->Autocommit()) {
      return conn->SetError(SQLITE_ERROR, "litelift: " + file +
                                              " was made by an older litelift: attach it "
                                              "outside a transaction once");
    }
    if (!conn->UpgradeRowids(key, &error)) return conn->SetError(SQLITE_ERROR, error);
  }
  conn->attached.push_back(a);
  ++conn->schema_generation;
  done = true;
  return SQLITE_DONE;
}

bool Connection::LoadAttached(const std::string& name, const std::string& server_schema,
                              const PGresult* catalog, std::string* error) {
  sqlite3* sdb = shadow.db();
  if (shadow.attached().count(name) != 0) {
    SQ(sqlite3_exec)(sdb, ("DETACH " + QuoteIdent(name)).c_str(), nullptr, nullptr, nullptr);
    shadow.Detach(name);
  }
  if (SQ(sqlite3_exec)(sdb, ("ATTACH ':memory:' AS " + QuoteIdent(name)).c_str(), nullptr, nullptr,
                       nullptr) != SQLITE_OK) {
    *error = SQ(sqlite3_errmsg)(sdb);
    return false;
  }
  for (int i = 0; i < PQntuples(catalog); ++i) {
    if (PQgetisnull(catalog, i, 6)) continue;  // no objects, or an automatic index
    SchemaObject o{PQgetvalue(catalog, i, 3), PQgetvalue(catalog, i, 4), PQgetvalue(catalog, i, 5),
                   PQgetvalue(catalog, i, 6)};
    if (!ApplyStoredObject(sdb, o, QualifyCreate(o.sql, name), error)) {
      *error = "litelift: the attached database's schema does not apply: " + *error;
      SQ(sqlite3_exec)(sdb, ("DETACH " + QuoteIdent(name)).c_str(), nullptr, nullptr, nullptr);
      return false;
    }
  }
  shadow.Attach(name, server_schema);
  return true;
}

}  // namespace litelift::compat
