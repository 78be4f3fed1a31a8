#include "libsqlite3-compat/sql/functions.h"

#include <sqlite3.h>

#include <functional>
#include <map>
#include <set>

namespace litelift::compat::sql {

namespace {

using Rule = std::function<FunctionText(const FunctionCall&)>;

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

// The same name and arguments on PostgreSQL.
Rule Same(int min_args, int max_args) {
  return [=](const FunctionCall& c) {
    int n = static_cast<int>(c.args.size());
    if (n < min_args || n > max_args)
      return Error("wrong number of arguments to function " + c.name + "()");
    return Text(Call(c.name, c));
  };
}

// The same name; the arguments at int_positions are PostgreSQL integers
// (ntile(4), lag(x, 2)) where SQLite's are 64-bit.
Rule IntArgs(int min_args, int max_args, std::vector<size_t> int_positions) {
  return [=](const FunctionCall& c) {
    int n = static_cast<int>(c.args.size());
    if (n < min_args || n > max_args) {
      return Error("wrong number of arguments to function " + c.name + "()");
    }
    FunctionCall cast = c;
    for (size_t i : int_positions) {
      if (i < cast.args.size()) cast.args[i] = "(" + cast.args[i] + ")::int";
    }
    return Text(Call(c.name, cast));
  };
}

// date(), time(), datetime(), julianday(), unixepoch(), strftime(): the
// server's ports of SQLite's date.c (server/datetime.h), called as
// litelift.f([format,] [value [, modifier ...]]) with text modifiers.
Rule DateTime(size_t leading_text) {
  return [=](const FunctionCall& c) {
    if (c.args.size() < leading_text) {
      return Error("wrong number of arguments to function " + c.name + "()");
    }
    std::string out = "litelift." + c.name + "(";
    for (size_t i = 0; i < c.args.size(); ++i) {
      bool text = i < leading_text || i > leading_text;  // the format, the modifiers
      out += (i ? ", " : "") + (text ? "(" + c.args[i] + ")::text" : c.args[i]);
    }
    return Text(out + ")");
  };
}

// ---- JSON1 (server/json.h: documents are text or json, values json) ---

// json_array(v, ...): each value in its JSON form.
FunctionText JsonArray(const FunctionCall& c) {
  if (c.args.empty()) return Text("litelift.json_array()");
  return Text("litelift.json_array(VARIADIC ARRAY[" + Join(c.json_args, 0, 1) + "]::json[])");
}

FunctionText JsonObject(const FunctionCall& c) {
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
FunctionText JsonEdit(const FunctionCall& c) {
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
Rule JsonPaths(std::string pg_name) {
  return [=](const FunctionCall& c) {
    if (c.args.empty()) return Error("wrong number of arguments to function " + c.name + "()");
    if (c.args.size() == 1 && c.name == "json_remove")
      return Text("litelift.json_remove(" + c.args[0] + ")");
    if (c.args.size() == 1) return Error("wrong number of arguments to function " + c.name + "()");
    std::string out = pg_name + "(" + c.args[0];
    for (size_t i = 1; i < c.args.size(); ++i) out += ", (" + c.args[i] + ")::text";
    return Text(out + ")");
  };
}

// json_type(X[, P]), json_array_length(X[, P]).
Rule JsonOptionalPath() {
  return [](const FunctionCall& c) {
    if (c.args.empty() || c.args.size() > 2) {
      return Error("wrong number of arguments to function " + c.name + "()");
    }
    std::string out = "litelift." + c.name + "(" + c.args[0];
    if (c.args.size() == 2) out += ", (" + c.args[1] + ")::text";
    return Text(out + ")");
  };
}

// printf(format, ...) and format(...): the server's port of SQLite's
// printf.c (server/printf.h); each argument travels with its storage class.
FunctionText Printf(const FunctionCall& c) {
  if (c.args.empty()) return Error("wrong number of arguments to function " + c.name + "()");
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

// Another name on PostgreSQL, or one in litelift's server schema.
Rule Renamed(std::string pg_name) {
  return [=](const FunctionCall& c) { return Text(Call(pg_name, c)); };
}

Rule NotYet() {
  return [](const FunctionCall& c) {
    return Error("litelift: " + c.name + "() is not supported on the postgres route yet");
  };
}

FunctionText MinMax(const FunctionCall& c, const char* pg) {
  if (c.args.size() == 1 || c.star) return Text(Call(c.name, c));  // the aggregate
  // Several arguments: SQLite's answer is NULL when any of them is.
  std::string list = Join(c.args);
  if (c.stored) {
    // jsonb's own order puts text before numbers: SQLite's order instead.
    return Text(std::string(pg[0] == 'g' ? "litelift.any_greatest(" : "litelift.any_least(") +
                list + ")");
  }
  return Text("(CASE WHEN num_nulls(" + list + ") > 0 THEN NULL ELSE " + pg + "(" + list +
              ") END)");
}

FunctionText GroupConcat(const FunctionCall& c) {
  if (c.args.empty() || c.args.size() > 2)
    return Error("wrong number of arguments to function group_concat()");
  std::string sep = c.args.size() == 2 ? "litelift.cast_text(" + c.args[1] + ")" : "','";
  return Text(std::string("string_agg(") + (c.distinct ? "DISTINCT " : "") + "litelift.cast_text(" +
              c.args[0] + "), " + sep + (c.distinct ? "" : c.order) + ")");
}

FunctionText Iif(const FunctionCall& c) {
  if (c.args.size() != 3) return Error("wrong number of arguments to function iif()");
  return Text("(CASE WHEN " + c.bool_args[0] + " THEN " + c.args[1] + " ELSE " + c.args[2] +
              " END)");
}

FunctionText Like(const FunctionCall& c) {
  // like(pattern, value[, escape]) is value LIKE pattern.
  if (c.args.size() < 2 || c.args.size() > 3)
    return Error("wrong number of arguments to function like()");
  std::string sql =
      "(litelift.ascii_lower(" + c.args[1] + ") LIKE litelift.ascii_lower(" + c.args[0] + ")";
  // No escape character unless one is given (PostgreSQL's default is '\\').
  sql += " ESCAPE " + (c.args.size() == 3 ? c.args[2] : std::string("''"));
  return FunctionText{sql + ")", true, ""};
}

FunctionText Glob(const FunctionCall& c) {
  if (c.args.size() != 2) return Error("wrong number of arguments to function glob()");
  return FunctionText{"litelift.glob(" + c.args[0] + ", " + c.args[1] + ")", true, ""};
}

FunctionText Trim(const FunctionCall& c, const char* pg) {
  if (c.args.empty() || c.args.size() > 2)
    return Error("wrong number of arguments to function " + c.name + "()");
  return Text(std::string(pg) + "(" + Join(c.args) + ")");
}

FunctionText First(const FunctionCall& c) {
  // likely(x), unlikely(x), likelihood(x, p): hints; the value is x.
  if (c.args.empty()) return Error("wrong number of arguments to function " + c.name + "()");
  return Text(c.args[0]);
}

FunctionText Char(const FunctionCall& c) {
  if (c.args.empty()) return Text("''");
  std::string out = "concat(";
  for (size_t i = 0; i < c.args.size(); ++i) {
    out += (i ? ", " : "") + std::string("chr((") + c.args[i] + ")::int)";
  }
  return Text(out + ")");
}

FunctionText Total(const FunctionCall& c) {
  if (c.args.size() != 1) return Error("wrong number of arguments to function total()");
  return Text("coalesce(sum(" + std::string(c.distinct ? "DISTINCT " : "") + c.args[0] +
              ")::float8, 0::float8)");
}

const std::map<std::string, Rule>& Rules() {
  static const auto* rules = new std::map<std::string, Rule>{
      // Core scalars.
      {"abs", Same(1, 1)},
      {"char", Char},
      {"coalesce", Same(2, 1000)},
      {"ifnull",
       [](const FunctionCall& c) {
         if (c.args.size() != 2) return Error("wrong number of arguments to function ifnull()");
         return Text(Call("coalesce", c));
       }},
      {"iif", Iif},
      {"nullif", Same(2, 2)},
      {"glob", Glob},
      {"like", Like},
      {"likely", First},
      {"unlikely", First},
      {"likelihood", First},
      {"hex",
       [](const FunctionCall& c) {  // hex(NULL) is ''
         if (c.args.size() != 1) return Error("wrong number of arguments to function hex()");
         return Text("coalesce(litelift.hex(" + c.args[0] + "), '')");
       }},
      {"quote", Renamed("litelift.quote")},
      {"typeof", Renamed("litelift.typeof")},
      {"zeroblob", Renamed("litelift.zeroblob")},
      {"instr", Renamed("litelift.instr")},
      {"length", Renamed("litelift.length")},
      {"lower", Renamed("litelift.ascii_lower")},  // ASCII only, as SQLite's
      {"upper", Renamed("litelift.ascii_upper")},
      {"ltrim", [](const FunctionCall& c) { return Trim(c, "ltrim"); }},
      {"rtrim", [](const FunctionCall& c) { return Trim(c, "rtrim"); }},
      {"trim", [](const FunctionCall& c) { return Trim(c, "btrim"); }},
      {"replace", Same(3, 3)},
      {"round", Renamed("litelift.round")},
      {"sign", Renamed("litelift.sign")},
      {"substr", Renamed("litelift.substr")},
      {"substring", Renamed("litelift.substr")},
      {"unicode", Renamed("ascii")},
      {"random", Renamed("litelift.random")},
      {"randomblob", Renamed("litelift.randomblob")},
      {"sqlite_version", [](const FunctionCall&) { return Text("'" SQLITE_VERSION "'"); }},
      {"sqlite_source_id", [](const FunctionCall&) { return Text("'" SQLITE_SOURCE_ID "'"); }},
      {"max", [](const FunctionCall& c) { return MinMax(c, "greatest"); }},
      {"min", [](const FunctionCall& c) { return MinMax(c, "least"); }},
      {"printf", Printf},
      {"format", Printf},
      {"soundex", NotYet()},
      {"load_extension", NotYet()},
      {"sqlite_compileoption_get", NotYet()},
      {"sqlite_compileoption_used", NotYet()},
      {"sqlite_offset", NotYet()},
      // Math (SQLite 3.35+).
      {"acos", Same(1, 1)},
      {"acosh", Same(1, 1)},
      {"asin", Same(1, 1)},
      {"asinh", Same(1, 1)},
      {"atan", Same(1, 1)},
      {"atan2", Same(2, 2)},
      {"atanh", Same(1, 1)},
      {"cos", Same(1, 1)},
      {"cosh", Same(1, 1)},
      {"degrees", Same(1, 1)},
      {"exp", Same(1, 1)},
      {"ln", Same(1, 1)},
      {"log10", Same(1, 1)},
      {"pi", Same(0, 0)},
      {"radians", Same(1, 1)},
      {"sin", Same(1, 1)},
      {"sinh", Same(1, 1)},
      {"sqrt", Same(1, 1)},
      {"tan", Same(1, 1)},
      {"tanh", Same(1, 1)},
      {"ceil", Renamed("litelift.ceil")},
      {"ceiling", Renamed("litelift.ceil")},
      {"floor", Renamed("litelift.floor")},
      {"trunc", Renamed("litelift.trunc")},
      {"log",
       [](const FunctionCall& c) {  // a real, as SQLite's (log(b, x) is numeric here)
         if (c.args.empty() || c.args.size() > 2) {
           return Error("wrong number of arguments to function log()");
         }
         return Text(Call("log", c) + "::float8");
       }},
      {"log2",
       [](const FunctionCall& c) {
         if (c.args.size() != 1) return Error("wrong number of arguments to function log2()");
         return Text("log(2, " + c.args[0] + ")::float8");
       }},
      {"pow", Renamed("power")},
      {"power", Same(2, 2)},
      {"mod", Renamed("litelift.mod")},
      // Date and time.
      {"date", DateTime(0)},
      {"time", DateTime(0)},
      {"datetime", DateTime(0)},
      {"julianday", DateTime(0)},
      {"unixepoch", DateTime(0)},
      {"strftime", DateTime(1)},
      // JSON1.
      {"json", Renamed("litelift.json")},
      {"json_valid", Renamed("litelift.json_valid")},
      {"json_quote",
       [](const FunctionCall& c) {
         if (c.args.size() != 1) return Error("wrong number of arguments to function json_quote()");
         return Text(c.json_args[0]);
       }},
      {"json_array", JsonArray},
      {"json_object", JsonObject},
      {"json_set", JsonEdit},
      {"json_insert", JsonEdit},
      {"json_replace", JsonEdit},
      {"json_remove", JsonPaths("litelift.json_remove")},
      {"json_extract", JsonPaths("litelift.json_extract")},
      {"json_patch", Renamed("litelift.json_patch")},
      {"json_type", JsonOptionalPath()},
      {"json_array_length", JsonOptionalPath()},
      {"json_group_array",
       [](const FunctionCall& c) {
         if (c.args.size() != 1)
           return Error("wrong number of arguments to function json_group_array()");
         // (PostgreSQL's DISTINCT needs an equality on json, and sorts.)
         return Text(std::string(c.distinct ? "litelift.json_group_array_distinct("
                                            : "litelift.json_group_array(") +
                     c.json_args[0] + (c.distinct ? "" : c.order) + ")");
       }},
      {"json_group_object",
       [](const FunctionCall& c) {
         if (c.args.size() != 2)
           return Error("wrong number of arguments to function json_group_object()");
         return Text("litelift.json_group_object((" + c.args[0] + ")::text, " + c.json_args[1] +
                     (c.distinct ? "" : c.order) + ")");
       }},
      // Aggregates.
      {"avg", [](const FunctionCall& c) { return Text(Call("avg", c) + "::float8"); }},
      {"count", [](const FunctionCall& c) { return Text(c.star ? "count(*)" : Call("count", c)); }},
      {"sum", Same(1, 1)},
      {"total", Total},
      {"group_concat", GroupConcat},
      // Window functions: PostgreSQL has them all, with SQLite's meaning.
      {"row_number", Same(0, 0)},
      {"rank", Same(0, 0)},
      {"dense_rank", Same(0, 0)},
      {"percent_rank", Same(0, 0)},
      {"cume_dist", Same(0, 0)},
      {"ntile", IntArgs(1, 1, {0})},
      {"lag", IntArgs(1, 3, {1})},
      {"lead", IntArgs(1, 3, {1})},
      {"first_value", Same(1, 1)},
      {"last_value", Same(1, 1)},
      {"nth_value", IntArgs(2, 2, {1})},
  };
  return *rules;
}

}  // namespace

bool IsAggregateFunction(const std::string& name, size_t arg_count) {
  // SQLite 3.40's built-in aggregates (func.c, json.c): every one, so that
  // a grouped query's bare columns and nesting are judged as SQLite does.
  static const auto* kAggregates = new std::set<std::string>{
      "avg", "count", "group_concat", "sum", "total", "json_group_array", "json_group_object"};
  if (name == "min" || name == "max") return arg_count == 1;
  return kAggregates->count(name) != 0;
}

FunctionText TranslateFunction(const FunctionCall& call) {
  const auto& rules = Rules();
  auto it = rules.find(call.name);
  if (it == rules.end()) return Error("no such function: " + call.name);
  return it->second(call);
}

}  // namespace litelift::compat::sql
