// Untyped columns in expressions. Such a column is jsonb on the server
// (server/any_value.h): the emitter hands it over as a number where SQLite
// would use it as one (arithmetic, numeric functions), as text where
// SQLite would convert it to text (LIKE, text functions), and compares it
// with other values by making them stored values too.

#include <set>
#include <string>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/odd_text.h"
#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/sql/function_table.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

namespace {

// Functions whose result is one of their arguments: the others become
// stored values too, so that PostgreSQL sees one type.
bool ReturnsAnArgument(const std::string& name, size_t arg_count) {
  return FunctionResult(name, arg_count) == ResultRule::kArgument;
}

}  // namespace

std::string Emitter::Numeric(const Expr& e) {
  Family f = FamilyOf(e);
  if (f == Family::kAny) return "litelift.any_num(" + Value(e) + ")";
  // Text in arithmetic is its leading number ('12abc' * 2 is 24).
  if (f == Family::kText) return "litelift.text_num(" + Value(e) + ")";
  return Value(e);
}

std::string Emitter::DivisionOperand(const Expr& e, bool remainder) {
  if (ClassFact(e) == StaticClass::kReal) return "litelift.real_num(" + Value(e) + ")";
  // % takes the integer text starts with ('1e3' % 7 is 1 % 7).
  if (remainder && FamilyOf(e) == Family::kText) {
    return "litelift.text_mod_num(" + Value(e) + ")";
  }
  return Numeric(e);
}

StaticClass Emitter::ClassFact(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
      return StaticClass::kNull;
    case ExprKind::kInteger:
      return StaticClass::kInteger;
    case ExprKind::kFloat:
      return StaticClass::kReal;
    case ExprKind::kString:
      return StaticClass::kText;
    case ExprKind::kBlob:
      return StaticClass::kBlob;
    case ExprKind::kCollate:
      return ClassFact(*e.args[0]);
    case ExprKind::kColumn:
    case ExprKind::kCast: {
      std::string type = e.kind == ExprKind::kColumn ? ServerTypeOf(e)
                         : e.type.empty()            ? "bytea"
                                                     : PgTypeForDeclared(e.type);
      if (type == "bigint") return StaticClass::kInteger;
      if (type == "double precision") return StaticClass::kReal;
      if (type == "numeric") return StaticClass::kNumeric;
      if (type == "text") return StaticClass::kText;
      if (type == "bytea") return StaticClass::kBlob;
      if (type == "jsonb") return StaticClass::kAny;
      return StaticClass::kUnknown;
    }
    case ExprKind::kUnary:
    case ExprKind::kBinary: {
      if (e.kind == ExprKind::kBinary && e.text == "||") return StaticClass::kText;
      if (IsStaticInteger(e)) return StaticClass::kInteger;
      // A comparison, AND, OR, NOT: SQLite's 0 or 1 (or NULL).
      if (IsCondition(e)) return StaticClass::kInteger;
      if (e.text != "-" && e.text != "+" && e.text != "*") return StaticClass::kUnknown;
      // Arithmetic with a real, the rest integers or reals: a real.
      bool real = false;
      for (const auto& a : e.args) {
        StaticClass c = ClassFact(*a);
        if (c != StaticClass::kInteger && c != StaticClass::kReal) return StaticClass::kUnknown;
        real = real || c == StaticClass::kReal;
      }
      return real ? StaticClass::kReal : StaticClass::kUnknown;
    }
    case ExprKind::kFunction:
    case ExprKind::kCase: {
      std::vector<const Expr*> results = ResultsOf(e);
      if (!results.empty()) {
        if (MixesClasses(results)) return StaticClass::kAny;
        StaticClass out = StaticClass::kNull;
        for (const Expr* r : results) {
          StaticClass c = ClassFact(*r);
          if (c == StaticClass::kNull) continue;
          if (c == StaticClass::kUnknown || (out != StaticClass::kNull && out != c)) {
            return StaticClass::kUnknown;
          }
          out = c;
        }
        return out;
      }
      if (e.kind != ExprKind::kFunction || e.over || !e.over_name.empty()) {
        return StaticClass::kUnknown;
      }
      switch (FunctionResult(e.text, e.args.size())) {
        case ResultRule::kText:
          return StaticClass::kText;
        case ResultRule::kInteger:
          return StaticClass::kInteger;
        case ResultRule::kReal:
          return StaticClass::kReal;
        default:
          break;
      }
      return StaticClass::kUnknown;
    }
    default:
      return StaticClass::kUnknown;
  }
}

std::vector<const Expr*> Emitter::ResultsOf(const Expr& e) {
  std::vector<const Expr*> out;
  if (e.kind == ExprKind::kCase) {
    for (const auto& [when, then] : e.whens) out.push_back(then.get());
    if (e.else_expr) out.push_back(e.else_expr.get());
  } else if (e.kind == ExprKind::kFunction && !e.over && e.over_name.empty() &&
             ReturnsAnArgument(e.text, e.args.size()) && e.args.size() >= 2) {
    for (size_t i = FunctionHas(e.text, kConditionArgs) ? 1 : 0; i < e.args.size(); ++i) {
      out.push_back(e.args[i].get());
    }
  }
  return out;
}

bool Emitter::MixesClasses(const std::vector<const Expr*>& results) {
  // A parameter may be bound to a value of any class (text and NULL are
  // sent untyped, for the server to guess): beside another value, it is
  // one of mixed classes.
  size_t values = 0;
  bool parameter = false;
  for (const Expr* r : results) {
    const Expr* v = r->kind == ExprKind::kCollate ? r->args[0].get() : r;
    values += v->kind == ExprKind::kNull ? 0 : 1;
    parameter = parameter || v->kind == ExprKind::kParam;
  }
  if (parameter && values > 1) return true;
  std::vector<StaticClass> classes;
  for (const Expr* r : results) classes.push_back(ClassFact(*r));
  return MixedClasses(classes);
}

bool Emitter::MixedClasses(const std::vector<StaticClass>& classes) {
  StaticClass seen = StaticClass::kNull;
  for (StaticClass c : classes) {
    if (c == StaticClass::kAny) return true;
    if (c == StaticClass::kNull || c == StaticClass::kUnknown || c == seen) continue;
    if (seen == StaticClass::kNull) {
      seen = c;
      continue;
    }
    // A NUMERIC value keeps an integer's class as the server's numeric.
    bool numeric_pair = (seen == StaticClass::kNumeric && c == StaticClass::kInteger) ||
                        (seen == StaticClass::kInteger && c == StaticClass::kNumeric);
    if (!numeric_pair) return true;
    seen = StaticClass::kNumeric;
  }
  return false;
}

std::string Emitter::AsText(const Expr& e) {
  if (FamilyOf(e) == Family::kAny) return "litelift.any_text(" + Value(e) + ")";
  return Value(e);
}

std::string Emitter::SortKey(const Expr& e) {
  if (FamilyOf(e) == Family::kAny) return "litelift.any_key(" + Value(e) + ")";
  return Value(e);
}

std::string Emitter::AsStored(const Expr& e) {
  if (FamilyOf(e) == Family::kAny) return Value(e);
  // A text literal the server's text cannot hold, in its stored form.
  if (e.kind == ExprKind::kString && OddTextReason(e.text) != nullptr) {
    return QuoteLiteral(StoredOddText(UnquotedString(e.text))) + "::jsonb";
  }
  return "litelift.to_any(" + Value(e) + ")";
}

std::string StoredValueSql(const std::string& value, const std::string& column_type) {
  if (column_type == "jsonb") return "litelift.to_any(" + value + ")";
  if (column_type.rfind("strict ", 0) == 0) {
    // "strict <TYPE> <table>.<column>" (TableShape::Storage).
    size_t space = column_type.find(' ', 7);
    std::string type = column_type.substr(7, space - 7);
    std::string fn = type == "REAL"   ? "strict_real"
                     : type == "TEXT" ? "strict_text"
                     : type == "BLOB" ? "strict_blob"
                                      : "strict_int";
    return "litelift." + fn + "(" + value + ", '" + type + "', " +
           QuoteLiteral(column_type.substr(space + 1)) + ")";
  }
  if (column_type == "jsonb numeric") return "litelift.to_any_numeric(" + value + ")";
  if (column_type == "numeric") return "litelift.numeric_store(" + value + ")";
  if (column_type == "bigint") return "litelift.integer_store(" + value + ")";
  // The rowid takes integers only: SQLite's "datatype mismatch" otherwise.
  if (column_type == "rowid") return "litelift.rowid_store(" + value + ")";
  if (column_type.rfind("rowid ", 0) == 0) {
    // "rowid <sequence> <autoincrement>": an INSERT's rowid, which moves
    // the table's sequence when above it, or takes the next when NULL.
    size_t last = column_type.rfind(' ');
    return "litelift.rowid_take(litelift.rowid_store(" + value + "), " +
           column_type.substr(6, last - 6) + ", " + column_type.substr(last + 1) + ")";
  }
  // A number goes into a TEXT column as SQLite writes it (1.0 is "1.0").
  // (A blob fails naming itself: a TEXT column cannot keep it as one.)
  if (column_type == "text") return "litelift.text_store(" + value + ")";
  if (column_type == "bytea") return "litelift.blob_store(" + value + ")";
  return value;
}

bool Emitter::IsStaticInteger(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kInteger:
      return true;
    case ExprKind::kColumn:
      return ServerTypeOf(e) == "bigint";
    case ExprKind::kUnary:
      return (e.text == "-" || e.text == "+" || e.text == "~") && IsStaticInteger(*e.args[0]);
    case ExprKind::kBinary: {
      static const std::set<std::string> kIntegerOps = {"+", "-", "*", "%", "&", "|", "<<", ">>"};
      return kIntegerOps.count(e.text) != 0 && IsStaticInteger(*e.args[0]) &&
             IsStaticInteger(*e.args[1]);
    }
    case ExprKind::kCast:
      return PgTypeForDeclared(e.type) == "bigint";
    default:
      return false;
  }
}

std::string Emitter::ValueFor(const Expr& e, const std::string& column_type) {
  if (column_type == "jsonb") return AsStored(e);
  // An integer already: nothing to check.
  if ((column_type == "bigint" || column_type == "rowid") && IsStaticInteger(e)) return Value(e);
  // Text already, or an integer (whose text PostgreSQL writes alike).
  if (column_type == "text" &&
      (FamilyOf(e) == Family::kText || IsStaticInteger(e) || e.kind == ExprKind::kNull)) {
    return Value(e);
  }
  if (column_type == "jsonb numeric") return "litelift.to_any_numeric(" + AsStored(e) + ")";
  // A stored value (a CASE of mixed classes, an untyped column) into a
  // REAL column: as a real, as SQLite's REAL affinity makes it.
  if (column_type == "double precision" && FamilyOf(e) == Family::kAny) {
    return "litelift.real_store(" + Value(e) + ")";
  }
  return StoredValueSql(Value(e), column_type);
}

std::vector<std::string> Emitter::FunctionArgs(const Expr& call, bool* stored) {
  std::vector<std::string> args;
  bool any = false;
  for (const auto& a : call.args) any = any || FamilyOf(*a) == Family::kAny;
  const std::string& name = call.text;
  const FunctionInfo* row = FindFunction(name, call.args.size());
  auto has = [row](FunctionFlag f) { return row != nullptr && row->Has(f); };
  bool returns_argument = row != nullptr && row->result == ResultRule::kArgument;
  std::vector<const Expr*> results = ResultsOf(call);
  // The values it returns one of are of classes one server type cannot
  // keep: all of them stored values.
  if (!any && !results.empty() && MixesClasses(results)) any = true;
  *stored = any && returns_argument;
  for (size_t i = 0; i < call.args.size(); ++i) {
    const Expr& a = *call.args[i];
    if (!any) {
      Family f = FamilyOf(a);
      if (f == Family::kText && has(kTextSumArgs)) {
        // Text read as a number, as SQLite's sum() reads it.
        args.push_back("litelift.text_sum_num(" + Value(a) + ")");
      } else if (f == Family::kText && has(kTextRealArgs)) {
        args.push_back("litelift.to_real(" + Value(a) + ")");  // SQLite's abs('3') is 3.0
      } else {
        args.push_back(Value(a));
      }
    } else if (returns_argument && !(has(kConditionArgs) && i == 0)) {
      args.push_back(AsStored(a));
    } else if (FamilyOf(a) != Family::kAny || has(kStoredArgs)) {
      args.push_back(Value(a));
    } else if (has(kNumericArgs)) {
      args.push_back(Numeric(a));
    } else {
      args.push_back(AsText(a));
    }
  }
  return args;
}

std::string Emitter::StoredComparison(const Expr& l, const Expr& r, const std::string& op,
                                      bool is_form) {
  // An untyped column has no affinity of its own; beside a column of
  // INTEGER, REAL or NUMERIC affinity its text reads as a number.
  auto side = [&](const Expr& e, const Expr& other) {
    if (FamilyOf(e) != Family::kAny) {
      // Beside an untyped-storage column of NUMERIC affinity (JSON, UUID,
      // ...), text that reads as a number is that number.
      if (FamilyOf(other) == Family::kAny && AffinityOf(other) == Affinity::kNumeric &&
          AffinityOf(e) != Affinity::kNumeric) {
        return "litelift.any_numeric_affinity(" + AsStored(e) + ")";
      }
      return AsStored(e);
    }
    if (AffinityOf(other) == Affinity::kNumeric) {
      return "litelift.any_numeric_affinity(" + Value(e) + ")";
    }
    return Value(e);
  };
  std::string a = side(l, r), b = side(r, l);
  if (op != "=" && op != "<>") {
    // jsonb's own order puts text before numbers; SQLite's is the key's.
    a = "litelift.any_key(" + a + ")";
    b = "litelift.any_key(" + b + ")";
  }
  if (is_form) {
    return "(" + a + (op == "=" ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + b + ")";
  }
  return "(" + a + " " + op + " " + b + ")";
}

}  // namespace litelift::compat::sql
