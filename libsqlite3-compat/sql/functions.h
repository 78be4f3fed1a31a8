// SQLite's built-in functions on PostgreSQL: one rule per function, each a
// small pure function from the call (its arguments already translated) to
// PostgreSQL text. Functions SQLite has but litelift cannot run on the
// server yet fail by name; a function SQLite does not have (one the
// program registered) fails as SQLite would without it: "no such function".

#ifndef LITELIFT_COMPAT_SQL_FUNCTIONS_H_
#define LITELIFT_COMPAT_SQL_FUNCTIONS_H_

#include <string>
#include <vector>

#include "libsqlite3-compat/sql/function_table.h"

namespace litelift::compat::sql {

struct FunctionCall {
  std::string name;                    // lower case
  std::vector<std::string> args;       // translated, as values
  std::vector<std::string> bool_args;  // translated, as conditions
  std::vector<std::string> json_args;  // translated, as JSON values (json_* functions)
  bool distinct = false;
  bool star = false;    // count(*)
  bool window = false;  // has OVER: aggregates keep their own name
  bool stored = false;  // args are stored values (jsonb): min/max order them as SQLite
  // " ORDER BY ...": the order SQLite feeds rows to the aggregate, which
  // group_concat and json_group_* show ("" when unknown).
  std::string order;
};

struct FunctionText {
  std::string sql;       // PostgreSQL text of the call
  bool boolean = false;  // the text is a condition (like(), glob())
  std::string error;     // non-empty: not translatable
};

// The call as PostgreSQL text, by its row of the function table
// (function_table.h): "no such function: X" for a name SQLite does not
// have, SQLite's "wrong number of arguments" for a count it refuses, and
// a refusal naming the function for one the route cannot run.
FunctionText TranslateFunction(const FunctionCall& call);

// The emit rules the function table's rows name: each prints one kind of
// call. row.server is the server function a rule calls, where it calls one.
namespace rules {
FunctionText Same(const FunctionCall& c, const FunctionInfo& row);       // row.server or c.name
FunctionText IntFirst(const FunctionCall& c, const FunctionInfo& row);   // ntile(n)
FunctionText IntSecond(const FunctionCall& c, const FunctionInfo& row);  // lag(x, n), nth_value
FunctionText DateTime(const FunctionCall& c, const FunctionInfo& row);   // date(v, modifier...)
FunctionText Strftime(const FunctionCall& c, const FunctionInfo& row);   // strftime(f, v, ...)
FunctionText JsonArray(const FunctionCall& c, const FunctionInfo& row);
FunctionText JsonObject(const FunctionCall& c, const FunctionInfo& row);
FunctionText JsonEdit(const FunctionCall& c, const FunctionInfo& row);   // json_set/insert/replace
FunctionText JsonPaths(const FunctionCall& c, const FunctionInfo& row);  // json_extract/remove
FunctionText JsonOptionalPath(const FunctionCall& c, const FunctionInfo& row);
FunctionText JsonQuote(const FunctionCall& c, const FunctionInfo& row);
FunctionText JsonGroupArray(const FunctionCall& c, const FunctionInfo& row);
FunctionText JsonGroupObject(const FunctionCall& c, const FunctionInfo& row);
FunctionText Printf(const FunctionCall& c, const FunctionInfo& row);
FunctionText MinMax(const FunctionCall& c, const FunctionInfo& row);  // row.server: greatest/least
FunctionText GroupConcat(const FunctionCall& c, const FunctionInfo& row);
FunctionText Iif(const FunctionCall& c, const FunctionInfo& row);
FunctionText Like(const FunctionCall& c, const FunctionInfo& row);
FunctionText Glob(const FunctionCall& c, const FunctionInfo& row);
FunctionText First(const FunctionCall& c, const FunctionInfo& row);  // likely(x): x
FunctionText Char(const FunctionCall& c, const FunctionInfo& row);
FunctionText Hex(const FunctionCall& c, const FunctionInfo& row);
FunctionText Avg(const FunctionCall& c, const FunctionInfo& row);
FunctionText Count(const FunctionCall& c, const FunctionInfo& row);
FunctionText Total(const FunctionCall& c, const FunctionInfo& row);
FunctionText Log(const FunctionCall& c, const FunctionInfo& row);
FunctionText Log2(const FunctionCall& c, const FunctionInfo& row);
FunctionText Version(const FunctionCall& c, const FunctionInfo& row);   // sqlite_version()
FunctionText SourceId(const FunctionCall& c, const FunctionInfo& row);  // sqlite_source_id()
}  // namespace rules

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_FUNCTIONS_H_
