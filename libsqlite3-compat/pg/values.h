// Server values as SQLite values: each column of a row is bound, with its
// SQLite storage class, into a small "SELECT ?1, ?2, ..." statement on the
// shadow database, so that every sqlite3_column_* conversion (text to
// number, number to text, UTF-16, pointer lifetimes) is SQLite's own.

#ifndef LITELIFT_COMPAT_PG_VALUES_H_
#define LITELIFT_COMPAT_PG_VALUES_H_

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace litelift::compat {

// Binds the value at (row, col) of res to parameter index of stmt, by the
// column's type: integer types and bool -> INTEGER; numeric -> INTEGER when
// written without a fraction and in range, else FLOAT; float types -> FLOAT; bytea -> BLOB;
// timestamps -> TEXT in SQLite's format; jsonb (an untyped column's stored
// value, server/any_value.h) -> its storage class; everything else -> TEXT.
// A blob (bytea, or an untyped column's stored blob) is decoded in place in
// res and bound SQLITE_STATIC: res must outlive the row stmt holds, and the
// value is not bound again from res.
int BindServerValue(sqlite3_stmt* stmt, int index, const PGresult* res, int row, int col);

// Whether every column of a described result is of a type BindServerValue
// reads in binary format as it reads its text (integers, bool, float8,
// bytea, text, jsonb).
bool BinaryResults(const PGresult* described);

// One value of a server row as SQLite would hold it, pointing into libpq's
// result (which must outlive it): what column_* reads without the row
// being bound to a statement.
struct PlainValue {
  int type = SQLITE_NULL;  // SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB or _NULL
  sqlite3_int64 i = 0;
  double d = 0;
  const char* p = nullptr;  // text (NUL-terminated by libpq) or blob bytes
  int n = 0;                // their length
};

// Decodes the first ncol columns of row into *out when each is a plain
// value (a NULL, an integer, a float8, text of a text type, or a bytea in
// binary format, under 1 MB), exactly as BindServerValue would bind it;
// false (and *out unspecified) when a column needs BindServerValue.
bool DecodePlainRow(const PGresult* res, int row, int ncol, std::vector<PlainValue>* out);

// How a column of a result decodes as a plain value: by its type and
// format, the same for every row of a statement's run.
enum class PlainKind : unsigned char {
  kInt8,
  kInt4,
  kInt2,
  kOid,
  kIntText,
  kBool,
  kBoolText,
  kFloat8,
  kFloat8Text,
  kText,
  kBytea,
};

// The plan for the first ncol columns of res when each has a plain kind
// (DecodePlainRow's types); false when some column needs BindServerValue.
bool PlanPlainRow(const PGresult* res, int ncol, std::vector<PlainKind>* plan);

// DecodePlainRow by a plan that PlanPlainRow made for a result of the same
// columns: no per-column type look-up. False when a value is over 1 MB.
bool DecodePlainRow(const PGresult* res, int row, const std::vector<PlainKind>& plan,
                    std::vector<PlainValue>* out);

// Binds value as parameter index of stmt (text and blobs SQLITE_STATIC).
int BindPlainValue(sqlite3_stmt* stmt, int index, const PlainValue& value);

// Binds a server value sent as text with its SQLite storage class beside
// it ("integer", "real", "null", else text).
int BindClassedValue(sqlite3_stmt* stmt, int index, const PGresult* res, int row, int col,
                     const char* storage_class);

// SQLite's text for a timestamp the server printed ("2024-01-02 03:04:05+00"
// -> "2024-01-02 03:04:05").
std::string SqliteTimestamp(std::string_view server_text);

// Binds an untyped column's stored value (jsonb text: a number, a string,
// {"b": "<hex>"}, {"t": "<hex>"} for text with a NUL or not UTF-8) with its
// storage class.
int BindStoredValue(sqlite3_stmt* stmt, int index, std::string_view jsonb_text);

// Decodes a JSON string literal ("a\"b" -> a"b); false when malformed.
bool DecodeJsonString(std::string_view json, std::string* out);

// Decodes bytea's hex output ("\x0aff" -> bytes); false when malformed.
bool DecodeBytea(std::string_view text, std::string* out);

// Parses a number's text (numeric's, or an untyped column's stored
// number): *is_integer when it has no fraction (not even ".0") and no
// exponent and fits in 64 bits, else *d (NaN for numeric's NaN). The one
// rule for the class a stored number reads back as.
void ParseNumeric(std::string_view text, bool* is_integer, int64_t* i, double* d);

// Binds a number's text by ParseNumeric: an integer, a real, or NULL for
// NaN (as SQLite has no NaN).
int BindNumber(sqlite3_stmt* stmt, int index, std::string_view text);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_PG_VALUES_H_
