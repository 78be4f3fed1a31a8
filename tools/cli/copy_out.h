// A table's rows read back from the route's server with COPY ... TO STDOUT
// in binary format, each stored form decoded to the value and storage
// class the route reads (libsqlite3-compat/pg/values.cc BindServerValue):
// the server side of `litelift migrate`'s and `litelift export`'s
// verification, without a round through the route's sqlite3 API.

#ifndef LITELIFT_TOOLS_CLI_COPY_OUT_H_
#define LITELIFT_TOOLS_CLI_COPY_OUT_H_

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tools/cli/copy_in.h"

namespace litelift::cli {

// Where a row's values go, one call per value in column order, each with
// the storage class the route reads.
class ValueSink {
 public:
  virtual ~ValueSink() = default;
  virtual void Null() = 0;
  virtual void Integer(int64_t v) = 0;
  virtual void Real(double v) = 0;
  // type: SQLITE_TEXT or SQLITE_BLOB; p is valid during the call only.
  virtual void Bytes(int type, const void* p, int64_t n) = 0;
  // After each row's last value; false stops the read (*error says why).
  virtual bool EndRow(std::string* error) = 0;
};

// The order-independent row hash both sides of a verification compute: a
// 64-bit FNV-1a over each value's storage class and value.
class RowHash final : public ValueSink {
 public:
  void Null() override;
  void Integer(int64_t v) override;
  void Real(double v) override;
  void Bytes(int type, const void* p, int64_t n) override;
  bool EndRow(std::string*) override { return true; }
  uint64_t value() const { return h_; }

 private:
  void Mix(const void* data, size_t n);
  uint64_t h_ = 14695981039346656037ull;
};

// Counts and hashes the rows of table on conn (its columns in order, the
// rowid column first when it has one), each value as the route reads it
// back by its storage; the sum of the row hashes in *checksum. False with
// *error (also when a storage is kOther: the caller reads through the
// route then). conn must be idle, and is used by this thread only.
bool ServerTableSum(PGconn* conn, const ServerTable& table, int64_t* rows, uint64_t* checksum,
                    std::string* error);

// Reads the rows of table on conn as ServerTableSum does, each value into
// *sink (EndRow after each row); in_key_order: in rowid order when table
// has a rowid column, else by its key_order when it has one. *rows counts the rows read. False with *error, as
// ServerTableSum (a value only the route decodes stops it: the caller
// reads that table through the route, undoing what the sink did). conn
// stays usable.
bool ServerTableRows(PGconn* conn, const ServerTable& table, bool in_key_order, ValueSink* sink,
                     int64_t* rows, std::string* error);

}  // namespace litelift::cli

#endif  // LITELIFT_TOOLS_CLI_COPY_OUT_H_
