// Rows into the route's server tables with COPY ... FROM STDIN in binary
// format, each value in exactly the form the route's INSERT stores it
// (libsqlite3-compat/sql/untyped.cc StoredValueSql and the server's
// *_store / to_any functions): `litelift migrate`'s fast path. A value the
// COPY cannot write as the route would is reported, never guessed, and the
// caller copies that table through the route instead.

#ifndef LITELIFT_TOOLS_CLI_COPY_IN_H_
#define LITELIFT_TOOLS_CLI_COPY_IN_H_

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tools/cli/sqlite_lib.h"

namespace litelift::cli {

// How the route stores a column's values (sql::TableShape::Storage).
enum class Storage {
  kInteger,     // bigint (INTEGER affinity, BOOL), the rowid: integers
  kReal,        // double precision: reals
  kText,        // text: text, and integers as their decimal text
  kBlob,        // bytea: blobs
  kNumeric,     // numeric: integers and reals, as numeric_store keeps them
  kAny,         // jsonb, any class (to_any)
  kAnyNumeric,  // jsonb with NUMERIC affinity (to_any_numeric)
  kOther,       // anything else (STRICT tables): not written by COPY
};

// The Storage for a TableShape::Storage string ("bigint", "rowid",
// "jsonb numeric", ...).
Storage StorageOf(const std::string& route_storage);

// Appends column i of stmt (read through lib) in binary COPY field form
// (length, then bytes) as storage keeps it. Returns nullptr, or why the
// route would store it otherwise or refuse it (nothing appended then).
const char* AppendField(const SqliteLib& lib, sqlite3_stmt* stmt, int i, Storage storage,
                        std::string* out);

// The server's text of a double, as float8out writes it with
// extra_float_digits > 0 (shortest round trip): "0.1", "1e+300", "-0".
std::string ShortestReal(double d);

// numeric's binary form for the decimal text `text` ("-12", "0.1",
// "1e+300"); false when it is not a finite decimal number.
bool NumericBinary(const std::string& text, std::string* out);

// One table's server side, as COPY names it.
struct ServerTable {
  std::string qualified;             // "schema"."table"
  std::vector<std::string> columns;  // server column names, quoted
  std::vector<Storage> storages;     // beside them
  std::string sequence;              // the rowid sequence, quoted, or ""
  std::string rowid_column;          // its server column, quoted, or ""
  // WITHOUT ROWID: an ORDER BY giving the server's rows in SQLite's key
  // order (the primary key's collations and DESC), or "" when the server's
  // order of its columns is not SQLite's (an untyped column, NOCASE).
  std::string key_order;
};

// A binary COPY into one table over conn, in transactions the caller
// commits. Not thread-safe; conn stays the caller's.
class CopyStream {
 public:
  explicit CopyStream(PGconn* conn) : conn_(conn) {}

  // Begins a transaction holding the database's write lock (key) and
  // recording a writer (writer_sequence), as the route's writes do, and
  // starts COPY into table. False with *error.
  bool Begin(const ServerTable& table, int64_t lock_key, const std::string& writer_sequence,
             std::string* error);

  // The buffer the next row goes into, after its field count.
  std::string* StartRow(int16_t fields);

  // Sends what is buffered when it is large; false with *error.
  bool MaybeFlush(std::string* error);

  // Ends the COPY and commits; false with *error (then rolled back).
  bool Commit(std::string* error);

  // Abandons the COPY and rolls back (after a failure or a fallback).
  void Abort();

 private:
  bool Flush(std::string* error);
  bool Command(const std::string& sql, std::string* error);

  PGconn* conn_;
  std::string buf_;
  bool copying_ = false;
  bool in_txn_ = false;
};

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_COPY_IN_H_
