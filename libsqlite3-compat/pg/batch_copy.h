// Pipelined one-row INSERTs sent as the rows of one COPY FROM STDIN
// (FORMAT binary) into their table (pipeline.cc, docs/design.md "Write
// pipelining"): when the INSERT's text stores each parameter through a
// function that, for the value's class, stores it unchanged, the row's
// values go to the server as they are, in their binary form, and the
// server's COPY stores the same row the INSERT would have.

#ifndef LITELIFT_LIBSQLITE3_COMPAT_PG_BATCH_COPY_H_
#define LITELIFT_LIBSQLITE3_COMPAT_PG_BATCH_COPY_H_

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace litelift::compat {

// How a value of the INSERT's row is written.
enum class CopyKind {
  kRowid,     // rowid_take(rowid_store($k), seq, false): an int8, or NULL (the table numbers it)
  kNumbered,  // nextval(seq): the table numbers it (not a COPY column)
  kInteger,   // integer_store($k): int8
  kText,      // text_store($k): text
  kBlob,      // blob_store($k): bytea
  kReal,      // $k into a double precision column: float8, or int8 as float8
  kAny,       // to_any($k): jsonb, as to_any makes it
};

struct CopyPlan {
  std::string copy_sql;         // COPY <table> (<columns>) FROM STDIN (FORMAT binary)
  std::vector<CopyKind> kinds;  // per VALUES entry
  std::vector<int> params;      // per VALUES entry: the parameter's index from 0 (-1: none)
  int rowid = -1;               // the VALUES entry that numbers the row, or -1
  std::string sequence;         // its sequence, as 'seq'::regclass
};

// The plan of a translated one-row INSERT "INSERT INTO t (c1, ...) VALUES
// (e1, ...) [RETURNING "c"]", each e one of CopyKind's forms; storage(c)
// gives the storage (TableShape::Storage) of the column quoted as c. False
// when the text is not of that shape (conflict clauses, expressions, ...).
bool PlanCopy(const std::string& text,
              const std::function<std::string(const std::string&)>& storage, CopyPlan* out);

// The parameters of one row as the statement binds them (pg/statement.cc:
// int8 as text, float8 and bytea in binary, text untyped as text).
struct CopyParams {
  const char* const* values;
  const int* lengths;
  const int* formats;
  const Oid* types;
};

// What a row's rowid entry held.
enum class CopyRowid { kNone, kGiven, kNumbered };

// Appends the row's COPY tuple to out and says how it is numbered (*rowid
// the given one); false, out unchanged, when a value is not one its
// column's store function keeps as sent (the row then goes as an INSERT).
bool AppendCopyRow(const CopyPlan& plan, const CopyParams& p, std::string* out, CopyRowid* how,
                   int64_t* rowid);

// The binary COPY stream's header and trailer.
void AppendCopyHeader(std::string* out);
void AppendCopyTrailer(std::string* out);

}  // namespace litelift::compat

#endif  // LITELIFT_LIBSQLITE3_COMPAT_PG_BATCH_COPY_H_
