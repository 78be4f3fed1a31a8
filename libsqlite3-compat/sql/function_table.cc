#include "libsqlite3-compat/sql/function_table.h"

#include <algorithm>

#include "libsqlite3-compat/sql/functions.h"

namespace litelift::compat::sql {

namespace {

using K = FunctionKind;
using R = ResultRule;

// SQLite 3.40.1's built-in functions (func.c, date.c, json.c, window.c),
// one row per name and range of argument counts. A row without an emit
// rule is a function SQLite has that the route refuses by name; "->",
// "->>", changes(), total_changes() and last_insert_rowid() are printed
// by the emitter itself, the CURRENT_* keywords too.
std::vector<FunctionInfo> Rows() {
  return {
      {"->", 2, 2, K::kScalar, R::kJson, 0, nullptr, ""},
      {"->>", 2, 2, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"abs", 1, 1, K::kScalar, R::kUnknown, kNumericArgs | kTextRealArgs, rules::Same, ""},
      {"acos", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"acosh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"asin", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"asinh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"atan", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"atan2", 2, 2, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"atanh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"avg", 1, 1, K::kAggregate, R::kReal, kNumericArgs | kTextSumArgs, rules::Avg, ""},
      {"ceil", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.ceil"},
      {"ceiling", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.ceil"},
      {"changes", 0, 0, K::kScalar, R::kUnknown, kConnectionState, nullptr, ""},
      {"char", 0, -1, K::kScalar, R::kText, kNumericArgs, rules::Char, ""},
      {"coalesce", 2, -1, K::kScalar, R::kArgument, 0, rules::Same, ""},
      {"cos", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"cosh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"count", 0, 1, K::kAggregate, R::kInteger, kStoredArgs, rules::Count, ""},
      {"cume_dist", 0, 0, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"current_date", 0, 0, K::kScalar, R::kText, kVolatile, nullptr, ""},
      {"current_time", 0, 0, K::kScalar, R::kText, kVolatile, nullptr, ""},
      {"current_timestamp", 0, 0, K::kScalar, R::kText, kVolatile, nullptr, ""},
      {"date", 0, -1, K::kScalar, R::kText, kVolatile, rules::DateTime, ""},
      {"datetime", 0, -1, K::kScalar, R::kText, kVolatile, rules::DateTime, ""},
      {"degrees", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"dense_rank", 0, 0, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"exp", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"first_value", 1, 1, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"floor", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.floor"},
      {"format", 0, -1, K::kScalar, R::kText, 0, rules::Printf, ""},
      {"glob", 2, 2, K::kScalar, R::kUnknown, kCondition, rules::Glob, ""},
      {"group_concat", 1, 2, K::kAggregate, R::kText,
       kStoredArgs | kShowsRowOrder | kIntegerConditions, rules::GroupConcat, ""},
      {"hex", 1, 1, K::kScalar, R::kText, kStoredArgs, rules::Hex, ""},
      {"ifnull", 2, 2, K::kScalar, R::kArgument, 0, rules::Same, "coalesce"},
      {"iif", 3, 3, K::kScalar, R::kArgument, kConditionArgs, rules::Iif, ""},
      {"instr", 2, 2, K::kScalar, R::kInteger, 0, rules::Same, "litelift.instr"},
      {"json", 1, 1, K::kScalar, R::kJson, kJsonArgs, rules::Same, "litelift.json"},
      {"json_array", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonArray, ""},
      {"json_array_length", 1, 2, K::kScalar, R::kUnknown, kJsonArgs, rules::JsonOptionalPath, ""},
      {"json_extract", 0, -1, K::kScalar, R::kUnknown, kJsonArgs, rules::JsonPaths,
       "litelift.json_extract"},
      {"json_group_array", 1, 1, K::kAggregate, R::kJson, kJsonArgs | kShowsRowOrder,
       rules::JsonGroupArray, ""},
      {"json_group_object", 2, 2, K::kAggregate, R::kJson, kJsonArgs | kShowsRowOrder,
       rules::JsonGroupObject, ""},
      {"json_insert", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonEdit, ""},
      {"json_object", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonObject, ""},
      {"json_patch", 2, 2, K::kScalar, R::kJson, kJsonArgs, rules::Same, "litelift.json_patch"},
      {"json_quote", 1, 1, K::kScalar, R::kJson, kJsonArgs, rules::JsonQuote, ""},
      {"json_remove", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonPaths,
       "litelift.json_remove"},
      {"json_replace", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonEdit, ""},
      {"json_set", 0, -1, K::kScalar, R::kJson, kJsonArgs, rules::JsonEdit, ""},
      {"json_type", 1, 2, K::kScalar, R::kUnknown, kJsonArgs, rules::JsonOptionalPath, ""},
      {"json_valid", 1, 1, K::kScalar, R::kUnknown, kJsonArgs, rules::Same, "litelift.json_valid"},
      {"julianday", 0, -1, K::kScalar, R::kReal, kVolatile, rules::DateTime, ""},
      {"lag", 1, 3, K::kWindow, R::kUnknown, kNumbersRows, rules::IntSecond, ""},
      {"last_insert_rowid", 0, 0, K::kScalar, R::kUnknown, kConnectionState, nullptr, ""},
      {"last_value", 1, 1, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"lead", 1, 3, K::kWindow, R::kUnknown, kNumbersRows, rules::IntSecond, ""},
      {"length", 1, 1, K::kScalar, R::kInteger, kStoredArgs, rules::Same, "litelift.length"},
      {"like", 2, 3, K::kScalar, R::kUnknown, kCondition, rules::Like, ""},
      {"likelihood", 2, 2, K::kScalar, R::kUnknown, kStoredArgs, rules::First, ""},
      {"likely", 1, 1, K::kScalar, R::kUnknown, kStoredArgs, rules::First, ""},
      {"ln", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"load_extension", 1, 2, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"log", 1, 2, K::kScalar, R::kUnknown, kNumericArgs, rules::Log, ""},
      {"log10", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"log2", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Log2, ""},
      {"lower", 1, 1, K::kScalar, R::kText, 0, rules::Same, "litelift.ascii_lower"},
      {"ltrim", 1, 2, K::kScalar, R::kText, 0, rules::Same, "ltrim"},
      {"max", 1, 1, K::kAggregate, R::kArgument, kCollated, rules::MinMax, "greatest"},
      {"max", 2, -1, K::kScalar, R::kArgument, kCollated, rules::MinMax, "greatest"},
      {"min", 1, 1, K::kAggregate, R::kArgument, kCollated, rules::MinMax, "least"},
      {"min", 2, -1, K::kScalar, R::kArgument, kCollated, rules::MinMax, "least"},
      {"mod", 2, 2, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.mod"},
      {"nth_value", 2, 2, K::kWindow, R::kUnknown, 0, rules::IntSecond, ""},
      {"ntile", 1, 1, K::kWindow, R::kUnknown, kNumbersRows, rules::IntFirst, ""},
      {"nullif", 2, 2, K::kScalar, R::kArgument, 0, rules::Same, ""},
      {"percent_rank", 0, 0, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"pi", 0, 0, K::kScalar, R::kUnknown, 0, rules::Same, ""},
      {"pow", 2, 2, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "power"},
      {"power", 2, 2, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"printf", 0, -1, K::kScalar, R::kText, 0, rules::Printf, ""},
      {"quote", 1, 1, K::kScalar, R::kText, kStoredArgs, rules::Same, "litelift.quote"},
      {"radians", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"random", 0, 0, K::kScalar, R::kUnknown, kVolatile, rules::Same, "litelift.random"},
      {"randomblob", 1, 1, K::kScalar, R::kUnknown, kNumericArgs | kVolatile, rules::Same,
       "litelift.randomblob"},
      {"rank", 0, 0, K::kWindow, R::kUnknown, 0, rules::Same, ""},
      {"replace", 3, 3, K::kScalar, R::kText, 0, rules::Same, ""},
      {"round", 1, 2, K::kScalar, R::kReal, kNumericArgs, rules::Same, "litelift.round"},
      {"row_number", 0, 0, K::kWindow, R::kUnknown, kNumbersRows, rules::Same, ""},
      {"rtrim", 1, 2, K::kScalar, R::kText, 0, rules::Same, "rtrim"},
      {"sign", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.sign"},
      {"sin", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"sinh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"soundex", 1, 1, K::kScalar, R::kText, 0, nullptr, ""},
      {"sqlite_compileoption_get", 1, 1, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"sqlite_compileoption_used", 1, 1, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"sqlite_log", 2, 2, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"sqlite_source_id", 0, 0, K::kScalar, R::kUnknown, 0, rules::SourceId, ""},
      {"sqlite_version", 0, 0, K::kScalar, R::kText, 0, rules::Version, ""},
      {"sqrt", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"strftime", 0, -1, K::kScalar, R::kText, kVolatile, rules::Strftime, ""},
      {"substr", 2, 3, K::kScalar, R::kUnknown, 0, rules::Same, "litelift.substr"},
      {"substring", 2, 3, K::kScalar, R::kUnknown, 0, rules::Same, "litelift.substr"},
      {"subtype", 1, 1, K::kScalar, R::kUnknown, 0, nullptr, ""},
      {"sum", 1, 1, K::kAggregate, R::kUnknown, kNumericArgs | kTextSumArgs, rules::Same, ""},
      {"tan", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"tanh", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, ""},
      {"time", 0, -1, K::kScalar, R::kText, kVolatile, rules::DateTime, ""},
      {"total", 1, 1, K::kAggregate, R::kReal, kNumericArgs | kTextSumArgs, rules::Total, ""},
      {"total_changes", 0, 0, K::kScalar, R::kUnknown, kConnectionState, nullptr, ""},
      {"trim", 1, 2, K::kScalar, R::kText, 0, rules::Same, "btrim"},
      {"trunc", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.trunc"},
      {"typeof", 1, 1, K::kScalar, R::kText, kStoredArgs, rules::Same, "litelift.typeof"},
      {"unicode", 1, 1, K::kScalar, R::kInteger, 0, rules::Same, "ascii"},
      {"unixepoch", 0, -1, K::kScalar, R::kUnknown, kVolatile, rules::DateTime, ""},
      {"unlikely", 1, 1, K::kScalar, R::kUnknown, kStoredArgs, rules::First, ""},
      {"upper", 1, 1, K::kScalar, R::kText, 0, rules::Same, "litelift.ascii_upper"},
      {"zeroblob", 1, 1, K::kScalar, R::kUnknown, kNumericArgs, rules::Same, "litelift.zeroblob"},

  };
}

bool ByName(const FunctionInfo& row, std::string_view name) { return row.name < name; }

}  // namespace

const std::vector<FunctionInfo>& FunctionTable() {
  static const auto* table = [] {
    auto* t = new std::vector<FunctionInfo>(Rows());
    std::stable_sort(t->begin(), t->end(),
                     [](const FunctionInfo& a, const FunctionInfo& b) { return a.name < b.name; });
    return t;
  }();
  return *table;
}

const FunctionInfo* FindFunction(std::string_view name, size_t arg_count) {
  const auto& table = FunctionTable();
  auto it = std::lower_bound(table.begin(), table.end(), name, ByName);
  const FunctionInfo* first = nullptr;
  for (; it != table.end() && it->name == name; ++it) {
    if (first == nullptr) first = &*it;
    if (it->Takes(arg_count)) return &*it;
  }
  return first;
}

bool IsAggregateFunction(std::string_view name, size_t arg_count) {
  const FunctionInfo* row = FindFunction(name, arg_count);
  return row != nullptr && row->kind == FunctionKind::kAggregate;
}

bool FunctionHas(std::string_view name, FunctionFlag flag) {
  const FunctionInfo* row = FindFunction(name, 0);
  return row != nullptr && row->Has(flag);
}

ResultRule FunctionResult(std::string_view name, size_t arg_count) {
  const FunctionInfo* row = FindFunction(name, arg_count);
  return row != nullptr && row->Takes(arg_count) ? row->result : ResultRule::kUnknown;
}

}  // namespace litelift::compat::sql
