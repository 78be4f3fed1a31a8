#include "libsqlite3-compat/pg/errors.h"

#include <sqlite3.h>

#include <vector>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat {

namespace {

std::string Field(const PGresult* res, int code) {
  const char* v = res != nullptr ? PQresultErrorField(res, code) : nullptr;
  return v != nullptr ? v : "";
}

std::string Qualified(const PgError& e, const NameMapper& names, std::string_view column) {
  std::string table = names.table ? names.table(e.table) : e.table;
  std::string col = names.column ? names.column(e.table, column) : std::string(column);
  return table + "." + col;
}

SqliteError Unique(const PgError& e, const NameMapper& names) {
  std::vector<std::string> cols = KeyColumnsOfDetail(e.detail);
  std::string list;
  for (const auto& c : cols) {
    if (c.empty()) {
      // An index on an expression: SQLite names the index.
      std::string index = names.index ? names.index(e.constraint) : e.constraint;
      return {SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: index '" + index + "'"};
    }
    list += (list.empty() ? "" : ", ") + Qualified(e, names, c);
  }
  // (A long table's key is named by ServerName, without the suffix.)
  std::string table = names.table ? names.table(e.table) : e.table;
  bool pk = (e.constraint.size() >= 5 &&
             e.constraint.compare(e.constraint.size() - 5, 5, "_pkey") == 0) ||
            e.constraint == ServerName(Lower(table) + "_pkey");
  return {pk ? SQLITE_CONSTRAINT_PRIMARYKEY : SQLITE_CONSTRAINT_UNIQUE,
          "UNIQUE constraint failed: " + list};
}

SqliteError NotNull(const PgError& e, const NameMapper& names) {
  return {SQLITE_CONSTRAINT_NOTNULL,
          "NOT NULL constraint failed: " + Qualified(e, names, e.column)};
}

SqliteError ForeignKey(const PgError&, const NameMapper&) {
  return {SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed"};
}

SqliteError Check(const PgError& e, const NameMapper& names) {
  return {SQLITE_CONSTRAINT_CHECK,
          "CHECK constraint failed: " +
              (names.check ? names.check(e.table, e.constraint) : e.constraint)};
}

// "function foo(integer) does not exist" -> "no such function: foo"
SqliteError NoSuchFunction(const PgError& e, const NameMapper&) {
  std::string name = e.message;
  const std::string prefix = "function ";
  if (name.rfind(prefix, 0) != 0) return {SQLITE_ERROR, e.message};  // an operator
  name.erase(0, prefix.size());
  size_t paren = name.find('(');
  if (paren != std::string::npos) name.resize(paren);
  size_t dot = name.rfind('.');
  if (dot != std::string::npos) name.erase(0, dot + 1);
  return {SQLITE_ERROR, "no such function: " + name};
}

// 'relation "s.t" does not exist' -> "no such table: t": a table another
// connection dropped after this one's catalog was read (SQLite's own
// prepare would say so). litelift's own relations keep the server's text.
SqliteError NoSuchTable(const PgError& e, const NameMapper& names) {
  size_t open = e.message.find('"');
  size_t close = e.message.rfind('"');
  if (e.message.rfind("relation ", 0) != 0 || open == std::string::npos || close <= open) {
    return {SQLITE_ERROR, e.message};
  }
  std::string name = e.message.substr(open + 1, close - open - 1);
  size_t dot = name.find('.');
  if (dot != std::string::npos) {
    if (name.compare(0, dot, "litelift") == 0) return {SQLITE_ERROR, e.message};
    name.erase(0, dot + 1);
  }
  return {SQLITE_ERROR, "no such table: " + (names.table ? names.table(name) : name)};
}

SqliteError Fixed(int code, const char* message) { return {code, message}; }

struct Rule {
  const char* sqlstate;  // a full code, or a two-character class
  std::function<SqliteError(const PgError&, const NameMapper&)> map;
};

// One row per SQLSTATE (or class) that SQLite has a code for. The first
// matching row wins; a full code is listed before its class.
const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = {
      {"23505", Unique},
      {"23502", NotNull},
      {"23503", ForeignKey},
      {"23514", Check},
      {"23",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_CONSTRAINT, "constraint failed: " + e.message};
       }},
      // A write to rows changed since the transaction's snapshot: SQLite's
      // WAL mode refuses such a write the same way.
      {"40001",
       [](const PgError&, const NameMapper&) {
         return Fixed(SQLITE_BUSY_SNAPSHOT, "database is locked");
       }},
      {"40P01",
       [](const PgError&, const NameMapper&) { return Fixed(SQLITE_BUSY, "database is locked"); }},
      {"55P03",
       [](const PgError&, const NameMapper&) { return Fixed(SQLITE_BUSY, "database is locked"); }},
      {"57014",
       [](const PgError&, const NameMapper&) { return Fixed(SQLITE_INTERRUPT, "interrupted"); }},
      {"53100", [](const PgError&,
                   const NameMapper&) { return Fixed(SQLITE_FULL, "database or disk is full"); }},
      // A rowid sequence at the largest rowid (catalog/rowid.h): SQLite's
      // AUTOINCREMENT fails alike; without it SQLite would try random rowids.
      {"2200H", [](const PgError&,
                   const NameMapper&) { return Fixed(SQLITE_FULL, "database or disk is full"); }},
      {"53200",
       [](const PgError&, const NameMapper&) { return Fixed(SQLITE_NOMEM, "out of memory"); }},
      // A value over one of the server's limits: a jsonb string holds 2^28 - 1
      // bytes, so a column without a type holds blobs up to 192 MB and text
      // up to 256 MB (server/any_value.cc); a field holds 1 GB.
      {"54000",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_TOOBIG,
                            "string or blob too big: " + e.message +
                                " (on PostgreSQL a column without a type holds a blob up to "
                                "201326591 bytes, text up to 268435455 bytes)"};
       }},
      {"25006",
       [](const PgError&, const NameMapper&) {
         return Fixed(SQLITE_READONLY, "attempt to write a readonly database");
       }},
      {"42501", [](const PgError&,
                   const NameMapper&) { return Fixed(SQLITE_PERM, "access permission denied"); }},
      {"42883", NoSuchFunction},
      {"42P01", NoSuchTable},
      {"LL003",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_MISMATCH, e.message};  // a value a bigint cannot hold
       }},
      {"LL004",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_CONSTRAINT_DATATYPE, e.message};  // a STRICT column's type
       }},
      {"LL001",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_CONSTRAINT_TRIGGER, e.message};  // RAISE(ABORT, message)
       }},
      {"22003",
       [](const PgError&, const NameMapper&) { return Fixed(SQLITE_ERROR, "integer overflow"); }},
      {"22P02", [](const PgError&,
                   const NameMapper&) { return Fixed(SQLITE_MISMATCH, "datatype mismatch"); }},
      {"08",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_IOERR,
                            "litelift: lost the connection to postgres: " + e.message};
       }},
      {"57P01",
       [](const PgError& e, const NameMapper&) {
         return SqliteError{SQLITE_IOERR,
                            "litelift: lost the connection to postgres: " + e.message};
       }},
  };
  return rules;
}

}  // namespace

PgError ErrorOf(const PGresult* res, const PGconn* conn) {
  PgError e;
  e.sqlstate = Field(res, PG_DIAG_SQLSTATE);
  e.message = Field(res, PG_DIAG_MESSAGE_PRIMARY);
  e.detail = Field(res, PG_DIAG_MESSAGE_DETAIL);
  e.table = Field(res, PG_DIAG_TABLE_NAME);
  e.column = Field(res, PG_DIAG_COLUMN_NAME);
  e.constraint = Field(res, PG_DIAG_CONSTRAINT_NAME);
  if (e.message.empty() && conn != nullptr) {
    e.message = PQerrorMessage(conn);
    while (!e.message.empty() && (e.message.back() == '\n' || e.message.back() == ' ')) {
      e.message.pop_back();
    }
  }
  if (e.sqlstate.empty() && conn != nullptr && PQstatus(conn) != CONNECTION_OK) {
    e.sqlstate = "08006";  // connection failure
  }
  return e;
}

SqliteError MapPgError(const PgError& error, const NameMapper& names) {
  for (const Rule& rule : Rules()) {
    std::string_view code(rule.sqlstate);
    if (error.sqlstate.compare(0, code.size(), code) == 0) return rule.map(error, names);
  }
  return {SQLITE_ERROR, error.message.empty() ? "SQL logic error" : error.message};
}

std::vector<std::string> KeyColumnsOfDetail(std::string_view detail) {
  std::vector<std::string> cols;
  const std::string_view prefix = "Key (";
  if (detail.substr(0, prefix.size()) != prefix) return cols;
  size_t end = detail.find(")=(");
  if (end == std::string_view::npos) return cols;
  std::string_view list = detail.substr(prefix.size(), end - prefix.size());
  while (!list.empty()) {
    // The next ", " outside parentheses ends the item.
    size_t comma = std::string_view::npos;
    int depth = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i] == '(') ++depth;
      if (list[i] == ')') --depth;
      if (depth == 0 && list.compare(i, 2, ", ") == 0) {
        comma = i;
        break;
      }
    }
    std::string_view item = list.substr(0, comma);
    // A column under a collation (litelift's indexes): the column.
    for (std::string_view wrapper : {"litelift.ascii_lower(", "ascii_lower(", "rtrim("}) {
      if (item.substr(0, wrapper.size()) == wrapper) {
        item.remove_prefix(wrapper.size());
        size_t close = item.find_first_of(",)");
        item = item.substr(0, close);
      }
    }
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    } else if (item.find_first_of("()+-*/|' :") != std::string_view::npos) {
      item = {};  // an expression
    }
    cols.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 2);
  }
  return cols;
}

}  // namespace litelift::compat
