// Copying one SQLite database's contents into another, through two sqlite3
// APIs (the real SQLite's and the route's), and checking the copy: the
// common part of `litelift migrate` and `litelift export`.

#ifndef LITELIFT_TOOLS_CLI_TRANSFER_H_
#define LITELIFT_TOOLS_CLI_TRANSFER_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tools/cli/copy_in.h"
#include "tools/cli/sqlite_lib.h"

namespace litelift::cli {

// One row of sqlite_master with SQL (autoindexes and sqlite_* excluded).
struct SchemaObject {
  std::string type, name, tbl_name, sql;
};

// A table's row count and order-independent checksum (the wrapping sum of
// a 64-bit FNV-1a of each row's values with their storage classes, rowid
// first when the table has one), as one side computes them.
struct TableSum {
  int64_t rows = 0;
  uint64_t checksum = 0;
};

// Where `litelift migrate` streams rows with COPY: a connection to the
// route's server and the database's server schema. Owned by the caller.
struct CopyTarget {
  PGconn* conn = nullptr;
  std::string schema;           // the database's server schema
  int64_t lock_key = 0;         // its write lock (compat::WriteLockKey)
  std::string writer_sequence;  // its writer record (compat::WriterSequence)
};

// Copies from into to: tables, rows with their rowids, sqlite_sequence,
// then indexes, views and triggers (after the rows, so that no trigger
// fires and indexes are built once), then user_version and application_id.
// to must hold no tables, unless resuming. Progress lines go to stderr,
// prefixed by verb.
class Transfer {
 public:
  // batch_rows: rows per transaction on to; rows_per_statement: rows per
  // INSERT (several save round trips on the route).
  Transfer(Db* from, Db* to, std::string verb, int64_t batch_rows, int64_t rows_per_statement)
      : from_(from),
        to_(to),
        verb_(std::move(verb)),
        batch_rows_(batch_rows),
        rows_per_statement_(rows_per_statement) {}

  // Rows go in with COPY (binary) into target's tables, which `to` (the
  // route) creates; a table COPY cannot write as the route would (a value
  // of a class its server column stores otherwise, a STRICT table) goes
  // through `to` instead, named on stdout. Call before Copy.
  void UseCopy(CopyTarget* target) { copy_ = target; }

  // Verify reads the server side of each table with COPY TO (binary) over
  // server->conn, decoding each stored form as the route reads it, instead
  // of through the route's sqlite3 API (which it still uses for a table
  // whose server form it does not decode). server_is_from: the route is
  // from (export), else to (migrate). server->conn must be idle during
  // Copy and Verify; it stays the caller's. For export, Copy reads each
  // table's rows that way too (into a prepared INSERT on to), the route's
  // sqlite3 API only a table whose server form it does not decode; the
  // caller gives server->conn one snapshot (REPEATABLE READ) for both.
  void VerifyWithServer(CopyTarget* server, bool server_is_from) {
    verify_server_ = server;
    server_is_from_ = server_is_from;
  }

  // Continue an interrupted copy: tables of from that to already holds
  // (the same CREATE) are kept when complete and verified, continued
  // after their largest key (rowid, else primary key) when their rows are a
  // prefix of from's in that order, and
  // copied again otherwise; indexes, views and triggers to holds are kept.
  void set_resume(bool resume) { resume_ = resume; }

  // Reads from's schema and opens a read transaction on it (a consistent
  // snapshot until Finish). False with *error.
  bool Begin(std::string* error);

  // Copies everything; false with *error at the first failure. With
  // VerifyWithServer(server, false) (migrate), indexes, views, triggers and
  // the header fields are left to Verify, which makes them while it sums.
  bool Copy(std::string* error);

  // Computes counts and checksums on both sides and prints one line per
  // table (and for sqlite_sequence, user_version, application_id) to
  // stdout; false with *error when anything differs.
  bool Verify(std::string* error);

  // Ends the read transaction on from.
  void Finish();

  // Objects created on to so far, in order (for a clean-up on failure).
  const std::vector<SchemaObject>& created() const { return created_; }

  int64_t rows_copied() const { return rows_done_ - rows_kept_; }
  double copy_seconds() const { return copy_seconds_; }

 private:
  struct Shape;
  bool ShapeOf(const SchemaObject& table, Shape* shape, std::string* error);
  // after: "" (from the start) or the condition of the rows still to copy
  // (a resumed copy's: "rowid > 5", "(a, b) > (1, 'x')").
  bool CopyTable(const Shape& shape, const std::string& after, std::string* error);
  bool CopyTableIn(const Shape& shape, const std::string& after, std::string* fallback,
                   std::string* error);
  // Export's fast path: from the server's COPY TO into to's prepared
  // INSERT. False with *fallback (nothing of the table left in to) when
  // the route must read it, or with *error.
  bool CopyTableOut(const Shape& shape, std::string* fallback, std::string* error);
  bool DescribeServerTable(const SchemaObject& table, const CopyTarget& server, Db* file,
                           Shape* shape, std::string* error);
  // A WITHOUT ROWID table's key order, from file's primary key: as SQLite
  // stores it (shape->file_order) and, when the server sorts its columns
  // the same way, on the server (shape->copy.key_order).
  bool KeyOrder(const SchemaObject& table, Db* file, Shape* shape, std::string* error);
  // The server side of Verify with COPY TO; false when it cannot (the
  // route's sqlite3 API reads it then).
  bool ServerSum(const SchemaObject& table, Shape* shape, TableSum* sum);
  bool read_with_copy() const { return verify_server_ != nullptr && server_is_from_; }
  bool overlap_objects() const { return verify_server_ != nullptr && !server_is_from_; }
  // 1: to holds o (the same CREATE); 0: it does not; -1: another one.
  int Existing(const SchemaObject& o, std::string* error) const;
  // Creates objects_ on to_ and sets its header fields.
  bool MakeObjects(std::string* error);
  bool LastKey(const Shape& shape, std::string* last, std::string* error);
  bool ResumePoint(const Shape& shape, bool* done, std::string* after,
                   std::string* error);
  std::string SelectSql(const Shape& shape, const std::string& cols, const std::string& after) const;
  bool CopySequence(std::string* error);
  bool Sum(Db* db, const Shape& shape, TableSum* sum, std::string* error);
  void Report(bool final);

  Db* from_;
  Db* to_;
  std::string verb_;
  int64_t batch_rows_;
  int64_t rows_per_statement_;
  std::vector<SchemaObject> schema_;
  std::vector<SchemaObject> created_;
  int64_t rows_total_ = 0;
  int64_t rows_done_ = 0;
  int64_t rows_kept_ = 0;  // rows a resumed copy found in place
  CopyTarget* copy_ = nullptr;
  CopyTarget* verify_server_ = nullptr;
  bool server_is_from_ = false;
  bool resume_ = false;
  std::vector<SchemaObject> existing_;  // to's objects when resuming
  std::vector<SchemaObject> objects_;   // indexes, views, triggers still to make
  int64_t header_[2] = {0, 0};          // from's user_version, application_id
  std::map<std::string, TableSum> read_sums_;  // export: the server side, hashed as read
  double start_ = 0;
  double last_report_ = 0;
  double copy_seconds_ = 0;
  bool in_read_ = false;
};

// Seconds on a monotonic clock.
double Now();

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_TRANSFER_H_
