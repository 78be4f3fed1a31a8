// The function table: one row per SQLite 3.40 built-in function (per name
// and range of argument counts, as SQLite's own aBuiltinFunc), with every
// fact the translator needs about it: how many arguments it takes, whether
// it is a scalar, an aggregate or a window function, the storage class of
// its result, how its arguments go to the server, and the rule that prints
// its call. Every other part of the translator asks this table; none keeps
// a list of function names of its own. tests/compat/function_table_test.cc
// checks it against the real SQLite.

#ifndef LITELIFT_COMPAT_SQL_FUNCTION_TABLE_H_
#define LITELIFT_COMPAT_SQL_FUNCTION_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace litelift::compat::sql {

struct FunctionCall;
struct FunctionText;
struct FunctionInfo;

enum class FunctionKind : uint8_t {
  kScalar,
  kAggregate,  // also a window function with OVER (all of SQLite's are)
  kWindow,     // only with OVER (row_number, rank, lag, ...)
};

// The storage class of the result, as far as the call alone tells.
enum class ResultRule : uint8_t {
  kUnknown,   // depends on the values
  kText,      // TEXT (or NULL)
  kInteger,   // INTEGER (or NULL)
  kReal,      // REAL (or NULL)
  kArgument,  // one of its arguments, with that argument's class (coalesce, iif)
  kJson,      // TEXT that SQLite marks JSON; json on the server
};

// How arguments travel, and what else the emitter must know (bit set).
enum FunctionFlag : uint16_t {
  kNumericArgs = 1 << 0,         // an untyped (jsonb) argument goes in as a number
  kStoredArgs = 1 << 1,          // takes untyped (jsonb) arguments as they are: looks at the class
  kTextSumArgs = 1 << 2,         // TEXT arguments read as numbers as sum() reads them
  kTextRealArgs = 1 << 3,        // TEXT arguments read as reals (abs('3') is 3.0)
  kCollated = 1 << 4,            // compares its arguments under their collation (min, max)
  kShowsRowOrder = 1 << 5,       // an aggregate whose value shows the order rows come in
  kNumbersRows = 1 << 6,         // a window function numbering rows in scan order
  kVolatile = 1 << 7,            // its value is not fixed by its arguments (random, 'now')
  kJsonArgs = 1 << 8,            // its arguments also as JSON values (JSON subtype kept)
  kConditionArgs = 1 << 9,       // its arguments also as conditions (iif)
  kConnectionState = 1 << 10,    // reads the connection (changes(), last_insert_rowid())
  kIntegerConditions = 1 << 11,  // a condition argument is an integer (group_concat)
  kCondition = 1 << 12,          // its value is a condition, 0 or 1 (like, glob)
};

// Prints a call (its arguments translated already) as PostgreSQL text.
using EmitRule = FunctionText (*)(const FunctionCall& call, const FunctionInfo& row);

struct FunctionInfo {
  std::string_view name;  // lower case
  int8_t min_args;
  int8_t max_args;  // -1: any number
  FunctionKind kind;
  ResultRule result;
  uint16_t flags;      // FunctionFlag bits
  EmitRule emit;       // nullptr: refused by name (SQLite has it; the route cannot run it)
  const char* server;  // the server's name for rules that call one ("" when none)

  bool Has(FunctionFlag f) const { return (flags & f) != 0; }
  bool Takes(size_t n) const {
    return static_cast<int>(n) >= min_args && (max_args < 0 || static_cast<int>(n) <= max_args);
  }
};

// Every row, sorted by name (then by min_args).
const std::vector<FunctionInfo>& FunctionTable();

// The row of name (lower case) for arg_count arguments: the one whose
// range holds arg_count, else the name's first row (whose rule reports
// the wrong count), else nullptr (SQLite has no such function).
const FunctionInfo* FindFunction(std::string_view name, size_t arg_count);

// Whether name called with arg_count arguments is one of SQLite's
// aggregates (min and max only with one argument; with more, scalars).
bool IsAggregateFunction(std::string_view name, size_t arg_count);

// Whether any row of name has flag (false for names SQLite does not have).
bool FunctionHas(std::string_view name, FunctionFlag flag);

// The result rule of name with arg_count arguments (kUnknown if none).
ResultRule FunctionResult(std::string_view name, size_t arg_count);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_FUNCTION_TABLE_H_
