// SQLite's built-in functions on PostgreSQL: one rule per function, each a
// small pure function from the call (its arguments already translated) to
// PostgreSQL text. Functions SQLite has but litelift cannot run on the
// server yet fail by name; a function SQLite does not have (one the
// program registered) fails as SQLite would without it: "no such function".

#ifndef LITELIFT_COMPAT_SQL_FUNCTIONS_H_
#define LITELIFT_COMPAT_SQL_FUNCTIONS_H_

#include <string>
#include <vector>

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

FunctionText TranslateFunction(const FunctionCall& call);

// Whether name (lower case) called with arg_count arguments is one of
// SQLite 3.40's aggregate functions (min and max only with one argument;
// with more they are scalar).
bool IsAggregateFunction(const std::string& name, size_t arg_count);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_FUNCTIONS_H_
