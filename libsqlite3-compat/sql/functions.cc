#include "libsqlite3-compat/sql/functions.h"

#include <sqlite3.h>

namespace litelift::compat::sql {

namespace {

// Elements from, from + step, ... of v, separated by commas.
std::string Join(const std::vector<std::string>& v, size_t from = 0, size_t step = 1) {
  std::string out;
  for (size_t i = from; i < v.size(); i += step) out += (out.empty() ? "" : ", ") + v[i];
  return out;
}

std::string Call(const std::string& name, const FunctionCall& c) {
  return name + "(" + std::string(c.distinct ? "DISTINCT " : "") + Join(c.args) + ")";
}

FunctionText Text(std::string sql) { return FunctionText{std::move(sql), false, ""}; }
FunctionText Error(std::string message) { return FunctionText{"", false, std::move(message)}; }

FunctionText WrongCount(const FunctionCall& c) {
  return Error("wrong number of arguments to function " + c.name + "()");
}

// The same name with the arguments at position i a PostgreSQL integer
// (ntile(4), lag(x, 2)) where SQLite's is 64-bit.
FunctionText IntArg(const FunctionCall& c, size_t i) {
  FunctionCall cast = c;
  if (i < cast.args.size()) cast.args[i] = "(" + cast.args[i] + ")::int";
  return Text(Call(c.name, cast));
}

// date(), time(), datetime(), julianday(), unixepoch(), strftime(): the
// server's ports of SQLite's date.c (server/datetime.h), called as
// litelift.f([format,] [value [, modifier ...]]) with text modifiers.
FunctionText DateTimeCall(const FunctionCall& c, size_t leading_text) {
  std::string out = "litelift." + c.name + "(";
  for (size_t i = 0; i < c.args.size(); ++i) {
    bool text = i < leading_text || i > leading_text;  // the format, the modifiers
    out += (i ? ", " : "") + (text ? "(" + c.args[i] + ")::text" : c.args[i]);
  }
  return Text(out + ")");
}

}  // namespace

namespace rules {

FunctionText Same(const FunctionCall& c, const FunctionInfo& row) {
  return Text(Call(*row.server ? std::string(row.server) : c.name, c));
}

FunctionText IntFirst(const FunctionCall& c, const FunctionInfo&) { return IntArg(c, 0); }
FunctionText IntSecond(const FunctionCall& c, const FunctionInfo&) { return IntArg(c, 1); }

FunctionText DateTime(const FunctionCall& c, const FunctionInfo&) { return DateTimeCall(c, 0); }

FunctionText Strftime(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.empty()) return Text("NULL::text");  // strftime() is NULL, as SQLite's
  return DateTimeCall(c, 1);
}

// ---- JSON1 (server/json.h: documents are text or json, values json) ---

// json_array(v, ...): each value in its JSON form.
FunctionText JsonArray(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.empty()) return Text("litelift.json_array()");
  return Text("litelift.json_array(VARIADIC ARRAY[" + Join(c.json_args, 0, 1) + "]::json[])");
}

FunctionText JsonObject(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.size() % 2 != 0) {
    return Error("json_object() requires an even number of arguments");
  }
  if (c.args.empty()) return Text("litelift.json_object()");
  std::string keys;
  for (size_t i = 0; i < c.args.size(); i += 2) {
    keys += (keys.empty() ? "" : ", ") + std::string("(") + c.args[i] + ")::text";
  }
  return Text("litelift.json_object(ARRAY[" + keys + "]::text[], ARRAY[" + Join(c.json_args, 1, 2) +
              "]::json[])");
}

// json_set/insert/replace(X, path, value, ...).
FunctionText JsonEdit(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.size() < 1 || c.args.size() % 2 != 1) {
    return Error("json_" + c.name.substr(5) + "() needs an odd number of arguments");
  }
  if (c.args.size() == 1) return Text("litelift.json(" + c.args[0] + ")");
  std::string paths;
  for (size_t i = 1; i < c.args.size(); i += 2) {
    paths += (paths.empty() ? "" : ", ") + std::string("(") + c.args[i] + ")::text";
  }
  return Text("litelift." + c.name + "(" + c.args[0] + ", ARRAY[" + paths + "]::text[], ARRAY[" +
              Join(c.json_args, 2, 2) + "]::json[])");
}

// json_extract(X, path, ...), json_remove(X, path, ...): paths as text.
FunctionText JsonPaths(const FunctionCall& c, const FunctionInfo& row) {
  // No document, or json_extract(X) without a path: NULL, as SQLite's.
  std::string null = row.result == ResultRule::kJson ? "NULL::json" : "NULL::text";
  if (c.args.empty()) return Text(null);
  if (c.args.size() == 1 && row.result == ResultRule::kJson) {  // json_remove(X)
    return Text(std::string(row.server) + "(" + c.args[0] + ")");
  }
  if (c.args.size() == 1) return Text(null);
  std::string out = std::string(row.server) + "(" + c.args[0];
  for (size_t i = 1; i < c.args.size(); ++i) out += ", (" + c.args[i] + ")::text";
  return Text(out + ")");
}

// json_type(X[, P]), json_array_length(X[, P]).
FunctionText JsonOptionalPath(const FunctionCall& c, const FunctionInfo&) {
  std::string out = "litelift." + c.name + "(" + c.args[0];
  if (c.args.size() == 2) out += ", (" + c.args[1] + ")::text";
  return Text(out + ")");
}

FunctionText JsonQuote(const FunctionCall& c, const FunctionInfo&) { return Text(c.json_args[0]); }

FunctionText JsonGroupArray(const FunctionCall& c, const FunctionInfo&) {
  // (PostgreSQL's DISTINCT needs an equality on json, and sorts.)
  return Text(std::string(c.distinct ? "litelift.json_group_array_distinct("
                                     : "litelift.json_group_array(") +
              c.json_args[0] + (c.distinct ? "" : c.order) + ")");
}

FunctionText JsonGroupObject(const FunctionCall& c, const FunctionInfo&) {
  return Text("litelift.json_group_object((" + c.args[0] + ")::text, " + c.json_args[1] +
              (c.distinct ? "" : c.order) + ")");
}

// printf(format, ...) and format(...): the server's port of SQLite's
// printf.c (server/printf.h); each argument travels with its storage class.
FunctionText Printf(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.empty()) return Text("NULL::text");  // printf() is NULL, as SQLite's
  std::string values;
  for (size_t i = 1; i < c.args.size(); ++i) {
    values += std::string(", ") + "litelift.pf(" + c.args[i] + ")";
  }
  if (c.args.size() > 100) {  // more than the variadic call takes
    return Text("litelift.printf((" + c.args[0] + ")::text, VARIADIC ARRAY[" + values.substr(2) +
                "]::text[])");
  }
  return Text("litelift.printf((" + c.args[0] + ")::text" + values + ")");
}

FunctionText MinMax(const FunctionCall& c, const FunctionInfo& row) {
  if (c.args.size() == 1 || c.star) return Text(Call(c.name, c));  // the aggregate
  // Several arguments: SQLite's answer is NULL when any of them is.
  std::string list = Join(c.args);
  bool greatest = row.server[0] == 'g';
  if (c.stored) {
    // jsonb's own order puts text before numbers: SQLite's order instead.
    return Text(std::string(greatest ? "litelift.any_greatest(" : "litelift.any_least(") + list +
                ")");
  }
  return Text("(CASE WHEN num_nulls(" + list + ") > 0 THEN NULL ELSE " + row.server + "(" + list +
              ") END)");
}

FunctionText GroupConcat(const FunctionCall& c, const FunctionInfo&) {
  std::string sep = c.args.size() == 2 ? "litelift.cast_text(" + c.args[1] + ")" : "','";
  return Text(std::string("string_agg(") + (c.distinct ? "DISTINCT " : "") + "litelift.cast_text(" +
              c.args[0] + "), " + sep + (c.distinct ? "" : c.order) + ")");
}

FunctionText Iif(const FunctionCall& c, const FunctionInfo&) {
  return Text("(CASE WHEN " + c.bool_args[0] + " THEN " + c.args[1] + " ELSE " + c.args[2] +
              " END)");
}

FunctionText Like(const FunctionCall& c, const FunctionInfo&) {
  // like(pattern, value[, escape]) is value LIKE pattern.
  std::string sql =
      "(litelift.ascii_lower(" + c.args[1] + ") LIKE litelift.ascii_lower(" + c.args[0] + ")";
  // No escape character unless one is given (PostgreSQL's default is '\\').
  sql += " ESCAPE " + (c.args.size() == 3 ? c.args[2] : std::string("''"));
  return FunctionText{sql + ")", true, ""};
}

FunctionText Glob(const FunctionCall& c, const FunctionInfo&) {
  return FunctionText{"litelift.glob(" + c.args[0] + ", " + c.args[1] + ")", true, ""};
}

// likely(x), unlikely(x), likelihood(x, p): hints; the value is x.
FunctionText First(const FunctionCall& c, const FunctionInfo&) { return Text(c.args[0]); }

FunctionText Char(const FunctionCall& c, const FunctionInfo&) {
  if (c.args.empty()) return Text("''");
  std::string out = "concat(";
  for (size_t i = 0; i < c.args.size(); ++i) {
    out += (i ? ", " : "") + std::string("chr((") + c.args[i] + ")::int)";
  }
  return Text(out + ")");
}

FunctionText Hex(const FunctionCall& c, const FunctionInfo&) {  // hex(NULL) is ''
  return Text("coalesce(litelift.hex(" + c.args[0] + "), '')");
}

FunctionText Avg(const FunctionCall& c, const FunctionInfo&) {
  return Text(Call("avg", c) + "::float8");
}

FunctionText Count(const FunctionCall& c, const FunctionInfo&) {
  return Text(c.star || c.args.empty() ? "count(*)" : Call("count", c));
}

FunctionText Total(const FunctionCall& c, const FunctionInfo&) {
  return Text("coalesce(sum(" + std::string(c.distinct ? "DISTINCT " : "") + c.args[0] +
              ")::float8, 0::float8)");
}

// A real, as SQLite's (PostgreSQL's log(b, x) is numeric).
FunctionText Log(const FunctionCall& c, const FunctionInfo&) {
  return Text(Call("log", c) + "::float8");
}

FunctionText Log2(const FunctionCall& c, const FunctionInfo&) {
  return Text("log(2, " + c.args[0] + ")::float8");
}

FunctionText Version(const FunctionCall&, const FunctionInfo&) {
  return Text("'" SQLITE_VERSION "'");
}

FunctionText SourceId(const FunctionCall&, const FunctionInfo&) {
  return Text("'" SQLITE_SOURCE_ID "'");
}

}  // namespace rules

FunctionText TranslateFunction(const FunctionCall& call) {
  size_t n = call.args.size();
  const FunctionInfo* row = FindFunction(call.name, n);
  if (row == nullptr) return Error("no such function: " + call.name);
  if (!row->Takes(n) && !(call.star && row->Takes(0))) return WrongCount(call);
  if (row->emit == nullptr) {
    return Error("litelift: " + call.name + "() is not supported on the postgres route yet");
  }
  return row->emit(call, *row);
}

}  // namespace litelift::compat::sql
