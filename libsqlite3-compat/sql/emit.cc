#include "libsqlite3-compat/sql/emit.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/odd_text.h"
#include "libsqlite3-compat/sql/function_table.h"
#include "libsqlite3-compat/sql/functions.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

std::string Ident(std::string_view name) { return ServerIdent(Lower(name)); }

bool IsRowidName(std::string_view name) {
  std::string w = Lower(name);
  return w == "rowid" || w == "oid" || w == "_rowid_";
}

// A value compared under an SQLite collation: NOCASE folds ASCII case, RTRIM
// ignores trailing spaces, BINARY is the server's C collation already.
std::string Collated(const std::string& value, const std::string& collation) {
  if (collation == "NOCASE") return "litelift.ascii_lower(" + value + ")";
  if (collation == "RTRIM") return "rtrim(" + value + ", ' ')";
  return value;
}

namespace {

bool HasColumn(const TableShape& shape, std::string_view name) {
  std::string n = Lower(name);
  return std::any_of(shape.columns.begin(), shape.columns.end(),
                     [&](const std::string& c) { return Lower(c) == n; });
}

bool IsComparison(const std::string& op) {
  return op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=";
}

// An SQLite integer literal as PostgreSQL text: hex is two's complement
// 64-bit; decimals beyond 64 bits are reals in SQLite.
std::string IntegerLiteral(const std::string& text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t v = std::strtoull(text.c_str() + 2, nullptr, 16);
    return std::to_string(static_cast<int64_t>(v));
  }
  errno = 0;
  std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return text + "::float8";
  return text;
}

void FlattenJoin(const JoinSource& from, std::vector<const TableRef*>* out) {
  for (const TableRef& ref : from.items) {
    if (ref.nested) {
      FlattenJoin(*ref.nested, out);
    } else {
      out->push_back(&ref);
    }
  }
}

bool IsAggregateCall(const Expr& e) {
  if (e.kind != ExprKind::kFunction || e.over || !e.over_name.empty()) return false;
  return IsAggregateFunction(e.text, e.args.size());
}

// Calls visit(node) on each node of an expression, outside its subqueries,
// until it returns false. (A loop over a stack of operands: a chain 1000
// deep on a small stack.)
template <typename Visit>
void VisitNodes(const Expr* root, Visit visit) {
  std::vector<const Expr*> todo = {root};
  while (!todo.empty()) {
    const Expr* e = todo.back();
    todo.pop_back();
    if (e == nullptr) continue;
    if (!visit(*e)) return;
    for (const auto& [when, then] : e->whens) {
      todo.push_back(when.get());
      todo.push_back(then.get());
    }
    todo.push_back(e->else_expr.get());
    todo.push_back(e->operand.get());
    todo.push_back(e->filter.get());
    for (const auto& a : e->args) todo.push_back(a.get());
  }
}

// The window function calls of an expression, outside its subqueries.
void CollectWindowCalls(const Expr* root, std::vector<const Expr*>* out) {
  VisitNodes(root, [out](const Expr& e) {
    if (e.kind == ExprKind::kFunction && (e.over || !e.over_name.empty())) out->push_back(&e);
    return true;
  });
}

// Whether an expression holds an equality (=, IS, IN) outside subqueries.
bool HasEquality(const Expr* root) {
  bool found = false;
  VisitNodes(root, [&found](const Expr& e) {
    found = (e.kind == ExprKind::kBinary && e.text == "=") || e.kind == ExprKind::kIs ||
            e.kind == ExprKind::kIn;
    return !found;
  });
  return found;
}

// Whether an expression holds a subquery.
bool HasSubquery(const Expr* root) {
  bool found = false;
  VisitNodes(root, [&found](const Expr& e) {
    found = e.select != nullptr;
    return !found;
  });
  return found;
}

// Whether an expression is a literal (a constant sort key, which orders
// nothing).
bool IsLiteral(const Expr& e) {
  return e.kind == ExprKind::kInteger || e.kind == ExprKind::kString || e.kind == ExprKind::kNull ||
         e.kind == ExprKind::kFloat || e.kind == ExprKind::kBlob;
}

std::string JoinTerms(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : ", ") + t;
  return out;
}

// The aggregate calls of an expression, outside its subqueries.
// (A loop over a stack of operands: a chain 1000 deep on a small stack.)
void CollectAggregates(const Expr* root, std::vector<const Expr*>* out) {
  std::vector<const Expr*> todo = {root};
  while (!todo.empty()) {
    const Expr* e = todo.back();
    todo.pop_back();
    if (e == nullptr) continue;
    if (IsAggregateCall(*e)) {
      out->push_back(e);
      continue;
    }
    // Pushed in reverse, so that they are found in the order written.
    for (auto w = e->whens.rbegin(); w != e->whens.rend(); ++w) {
      todo.push_back(w->second.get());
      todo.push_back(w->first.get());
    }
    todo.push_back(e->else_expr.get());
    todo.push_back(e->operand.get());
    for (auto a = e->args.rbegin(); a != e->args.rend(); ++a) todo.push_back(a->get());
  }
}

}  // namespace

bool IsCondition(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kBinary:
      return e.text == "AND" || e.text == "OR" || IsComparison(e.text);
    case ExprKind::kUnary:
      return e.text == "NOT";
    case ExprKind::kIs:
    case ExprKind::kIsNull:
    case ExprKind::kLike:
    case ExprKind::kBetween:
    case ExprKind::kIn:
    case ExprKind::kExists:
    case ExprKind::kBool:
      return true;
    case ExprKind::kFunction:
      return FunctionHas(e.text, kCondition) && !e.over && e.over_name.empty();
    default:
      return false;
  }
}

std::string Emitter::Value(const Expr& e) {
  if (e.kind == ExprKind::kBool) return e.text == "true" ? "1" : "0";
  if (IsCondition(e)) return "(" + Raw(e) + ")::int";
  return Raw(e);
}

std::string Emitter::Condition(const Expr& e) {
  if (IsCondition(e)) return Raw(e);
  return "litelift.truth(" + Raw(e) + ")";
}

std::string Emitter::Raw(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
      return "NULL";
    case ExprKind::kBool:
      return e.text;
    case ExprKind::kInteger:
    case ExprKind::kFloat:
    case ExprKind::kString:
    case ExprKind::kBlob:
      return Literal(e);
    case ExprKind::kParam:
      parameters_.push_back(e.param);
      return "$" + std::to_string(e.param);
    case ExprKind::kColumn:
      return Column(e);
    case ExprKind::kCurrentTime: {
      // SQLite's text, in UTC.
      const char* format = e.text == "CURRENT_TIMESTAMP" ? "YYYY-MM-DD HH24:MI:SS"
                           : e.text == "CURRENT_DATE"    ? "YYYY-MM-DD"
                                                         : "HH24:MI:SS";
      return std::string("to_char(timezone('UTC', now()), '") + format + "')";
    }
    case ExprKind::kUnary:
      if (e.text == "NOT") return "(NOT " + Condition(*e.args[0]) + ")";
      if (e.text == "+") return Value(*e.args[0]);
      if (e.text == "-" && e.args[0]->kind == ExprKind::kInteger &&
          e.args[0]->text == "9223372036854775808") {
        return "(-9223372036854775808)::int8";  // the one integer only a minus makes
      }
      return "(" + e.text + " " + Numeric(*e.args[0]) + ")";
    case ExprKind::kBinary:
      return BinaryText(e);
    case ExprKind::kIs:
      return ComparisonText(*e.args[0], *e.args[1], e.negated ? "<>" : "=", true);
    case ExprKind::kIsNull:
      return "(" + Value(*e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kLike:
      return LikeText(e);
    case ExprKind::kBetween:
      if (DiffersInClass(*e.args[0], *e.args[1]) || DiffersInClass(*e.args[0], *e.args[2])) {
        return std::string(e.negated ? "(NOT " : "(") +
               ComparisonText(*e.args[0], *e.args[1], ">=", false) + " AND " +
               ComparisonText(*e.args[0], *e.args[2], "<=", false) + ")";
      }
      return "(" + Value(*e.args[0]) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") +
             Compared(*e.args[1], *e.args[0]) + " AND " + Compared(*e.args[2], *e.args[0]) + ")";
    case ExprKind::kIn:
      return InText(e);
    case ExprKind::kExists:
      exists_next_ = true;
      return "(EXISTS (" + SelectText(*e.select) + "))";
    case ExprKind::kSubquery:
      scalar_next_ = true;
      return "(" + SelectText(*e.select) + ")";
    case ExprKind::kRow: {
      std::string out = "(";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + Value(*e.args[i]);
      return out + ")";
    }
    case ExprKind::kFunction:
      return FunctionText(e);
    case ExprKind::kCast:
      return CastText(e);
    case ExprKind::kCase:
      return CaseText(e);
    case ExprKind::kCollate:
      CollationOf(e);            // fails for a collation the server does not have
      return Value(*e.args[0]);  // comparisons and ORDER BY apply it
    case ExprKind::kRaise:
      if (!in_.in_trigger) {
        Fail("RAISE() may only be used within a trigger-program");
        return "";
      }
      // litelift.raise() raises the error SQLite's RAISE() stands for.
      return "litelift.raise('" + e.text + "', " +
             (e.args.empty() ? std::string("NULL")
                             : "litelift.cast_text(" + Value(*e.args[0]) + ")") +
             ")";
  }
  return "";
}

std::string Emitter::Literal(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kInteger: {
      // PostgreSQL types a small integer literal int4, whose arithmetic
      // overflows at 2^31 (and which a recursive query cannot mix with
      // int8); SQLite's integers are all 64-bit.
      std::string v = IntegerLiteral(e.text);
      return v.find("::") == std::string::npos ? v + "::int8" : v;
    }
    case ExprKind::kFloat:
      return e.text + "::float8";  // SQLite's literal is REAL, not numeric
    case ExprKind::kBlob:
      return "'\\x" + e.text + "'::bytea";
    default:
      // Bytes that are not UTF-8 (a NUL ends SQLite's SQL text): the
      // server's text cannot hold them, and would refuse the whole
      // statement; only an untyped column stores them (AsStored).
      if (e.kind == ExprKind::kString && OddTextReason(e.text) != nullptr) {
        Fail("litelift: the text literal " + OddTextForMessage(UnquotedString(e.text)) + " has " +
             OddTextReason(e.text) +
             ", which PostgreSQL text cannot hold (only a column without a declared type "
             "stores it)");
      }
      return e.text;  // strings: the server keeps standard_conforming_strings on
  }
}

std::string UnquotedString(std::string_view token) {
  if (token.size() < 2) return std::string(token);
  char quote = token.front();
  std::string out;
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    out.push_back(token[i]);
    if (token[i] == quote && token[i + 1] == quote) ++i;  // '' is one '
  }
  return out;
}

const TableShape* Emitter::FindShape(const std::string& qualifier, const std::string& column) {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (const ScopeItem& item : *scope) {
      if (!qualifier.empty()) {
        if (Lower(item.qualifier) == Lower(qualifier)) return item.shape;
        continue;
      }
      if (item.shape != nullptr && (column.empty() || !HasColumn(*item.shape, column))) {
        return item.shape;
      }
    }
  }
  return nullptr;
}

std::string Emitter::ServerTypeOf(const Expr& e) {
  size_t i = 0;
  const TableShape* shape = ColumnOf(e, &i);
  return shape != nullptr ? shape->ServerType(i) : "";
}

std::string Emitter::Compared(const Expr& e, const Expr& other) {
  // SQLite gives a value compared with a TEXT column the column's affinity:
  // a number bound to a parameter compares as its text.
  if (e.kind == ExprKind::kParam && ServerTypeOf(other) == "text") {
    return "litelift.cast_text(" + Value(e) + ")";
  }
  // What json_extract() or ->> found, compared with a number: its number
  // (NULL when it is not one), as SQLite compares the extracted integer or
  // real; the server's json_extract is text.
  std::string other_type = ServerTypeOf(other);
  bool numeric_other = other.kind == ExprKind::kInteger || other.kind == ExprKind::kFloat ||
                       other_type == "bigint" || other_type == "double precision" ||
                       other_type == "numeric";
  if (numeric_other && e.kind == ExprKind::kFunction && e.text == "json_extract" &&
      e.args.size() == 2) {
    return "litelift.json_extract_real(" + AsText(*e.args[0]) + ", (" + Value(*e.args[1]) +
           ")::text)";
  }
  if (numeric_other && e.kind == ExprKind::kBinary && e.text == "->>") {
    return "litelift.json_extract_real(" + AsText(*e.args[0]) + ", litelift.json_arrow_path(" +
           Value(*e.args[1]) + "))";
  }
  return Value(e);
}

std::string Emitter::Column(const Expr& e) {
  std::string prefix = e.table.empty() ? "" : Ident(e.table) + ".";
  if (e.table.empty() && !bare_qualifier_.empty() && scopes_.size() == bare_depth_) {
    prefix = Ident(bare_qualifier_) + ".";
  }
  if (IsRowidName(e.column)) {
    const TableShape* shape = FindShape(e.table, e.column);
    if (shape != nullptr && !HasColumn(*shape, e.column) && !shape->rowid_column.empty()) {
      return prefix + Ident(shape->rowid_column);
    }
  }
  std::string text = prefix + Ident(e.column);
  if (bare_ != nullptr && aggregate_depth_ == 0 && scopes_.size() == bare_->depth &&
      std::find(bare_->grouped.begin(), bare_->grouped.end(), text) == bare_->grouped.end()) {
    return "(array_agg(" + text + bare_->order + "))[1]";
  }
  return text;
}

namespace {

// The binary operators whose text is a prefix, the left operand's text and
// a tail: a left-deep chain of them (1 + 1 + ... + 1, a AND b AND ...) is
// emitted in a loop, not one recursion per link, so that a chain as deep
// as SQLite allows (1000) fits a small thread stack.
enum class Link { kNone, kArithmetic, kLogic, kConcat };

Link LinkOf(const Expr& e) {
  if (e.kind != ExprKind::kBinary) return Link::kNone;
  const std::string& op = e.text;
  if (op == "AND" || op == "OR") return Link::kLogic;
  if (op == "||") return Link::kConcat;
  if (op == "+" || op == "-" || op == "*" || op == "&" || op == "|") return Link::kArithmetic;
  return Link::kNone;
}

// Whether link n shows its left operand l as Raw(l): Numeric() and
// Value() of a number or text operation are its raw text, Condition() of
// a condition too.
bool LeftIsRaw(const Expr& n, const Expr& l) {
  Link left = LinkOf(l);
  switch (LinkOf(n)) {
    case Link::kArithmetic:
    case Link::kConcat:
      return left == Link::kArithmetic || left == Link::kConcat;
    case Link::kLogic:
      return left == Link::kLogic;
    case Link::kNone:
      break;
  }
  return false;
}

}  // namespace

std::string Emitter::LinkText(const Expr& e, const std::string& left) {
  const Expr& r = *e.args[1];
  switch (LinkOf(e)) {
    case Link::kLogic:
      return "(" + left + " " + e.text + " " + Condition(r) + ")";
    case Link::kConcat:
      return "(litelift.cast_text(" + left + ") || litelift.cast_text(" + Value(r) + "))";
    default:
      return "(" + left + " " + e.text + " " + Numeric(r) + ")";
  }
}

std::string Emitter::BinaryText(const Expr& e) {
  const Expr& l = *e.args[0];
  const Expr& r = *e.args[1];
  const std::string& op = e.text;
  switch (LinkOf(e)) {
    case Link::kNone:
      break;
    case Link::kLogic:
    case Link::kArithmetic:
    case Link::kConcat: {
      std::vector<const Expr*> spine = {&e};
      while (LeftIsRaw(*spine.back(), *spine.back()->args[0])) {
        spine.push_back(spine.back()->args[0].get());
      }
      // The deepest link's left operand is not a link: emitted as usual.
      const Expr& deepest = *spine.back();
      const Expr& first = *deepest.args[0];
      std::string text = LinkText(deepest, LinkOf(deepest) == Link::kLogic    ? Condition(first)
                                           : LinkOf(deepest) == Link::kConcat ? Value(first)
                                                                              : Numeric(first));
      for (size_t k = spine.size() - 1; k-- > 0;) text = LinkText(*spine[k], text);
      return text;
    }
  }
  if (IsComparison(op)) {
    // SQLite compares under the left operand's collation, else the right's.
    return ComparisonText(l, r, op, false);
  }
  if ((op == "/" || op == "%") && (FamilyOf(l) == Family::kAny || FamilyOf(r) == Family::kAny)) {
    // Whether integers divide as integers depends on the stored classes.
    return std::string(op == "/" ? "litelift.any_div(" : "litelift.any_mod(") + AsStored(l) + ", " +
           AsStored(r) + ")";
  }
  if ((op == "/" || op == "%") && (ServerTypeOf(l) == "numeric" || ServerTypeOf(r) == "numeric" ||
                                   FamilyOf(l) == Family::kText || FamilyOf(r) == Family::kText)) {
    // Integers (text reading as one too) divide as integers.
    return std::string(op == "/" ? "litelift.num_div(" : "litelift.num_mod(") +
           DivisionOperand(l, op == "%") + ", " + DivisionOperand(r, op == "%") + ")";
  }
  if (op == "/" || op == "%") {
    // SQLite: division by zero is NULL, not an error.
    return "(" + Numeric(l) + " " + op + " NULLIF(" + Numeric(r) + ", 0))";
  }
  if (op == "<<" || op == ">>") {
    return "(" + Numeric(l) + " " + op + " (" + Numeric(r) + ")::int)";
  }
  if (op == "->" || op == "->>") {
    return std::string(op == "->" ? "litelift.json_arrow(" : "litelift.json_arrow2(") + AsText(l) +
           ", " + AsText(r) + ")";
  }
  return "(" + Numeric(l) + " " + op + " " + Numeric(r) + ")";
}

std::string Emitter::LikeText(const Expr& e) {
  std::string value = AsText(*e.args[0]), pattern = AsText(*e.args[1]);
  std::string n = e.negated ? "NOT " : "";
  if (e.text == "LIKE") {
    // SQLite's LIKE ignores the case of ASCII letters (only).
    std::string out =
        "(litelift.ascii_lower(" + value + ") " + n + "LIKE litelift.ascii_lower(" + pattern + ")";
    // SQLite's LIKE has no escape character unless ESCAPE names one;
    // PostgreSQL's default is the backslash.
    out += " ESCAPE " + (e.args.size() > 2 ? Value(*e.args[2]) : std::string("''"));
    return out + ")";
  }
  if (e.text == "GLOB") return "(" + n + "litelift.glob(" + pattern + ", " + value + "))";
  if (e.text == "MATCH") {
    Fail("unable to use function MATCH in the requested context");
    return "";
  }
  if (in_.regexp_function) return "(" + value + (e.negated ? " !~ " : " ~ ") + pattern + ")";
  Fail("no such function: REGEXP");
  return "";
}

std::string Emitter::InText(const Expr& e) {
  std::string value = Value(*e.args[0]);
  std::string op = e.negated ? " NOT IN " : " IN ";
  if (e.select) {
    // x IN (SELECT value FROM json_each(?)), the way to pass a list: the
    // values are text on the server; compared with a number they are numbers.
    std::string type = e.args[0]->kind == ExprKind::kInteger ? "bigint"
                       : e.args[0]->kind == ExprKind::kFloat ? "double precision"
                                                             : ServerTypeOf(*e.args[0]);
    std::string saved_type = json_value_type_;
    int saved_depth = json_value_depth_;
    bool numeric = type == "bigint" || type == "double precision" || type == "numeric";
    json_value_type_ = numeric ? type : "";
    json_value_depth_ = select_depth_ + 1;
    std::string sub = SelectText(*e.select);
    json_value_type_ = saved_type;
    json_value_depth_ = saved_depth;
    return "(" + value + op + "(" + sub + "))";
  }
  if (!e.in_table.empty()) {
    const TableShape* shape = in_.table ? in_.table(e.in_table) : nullptr;
    std::string column =
        shape != nullptr && !shape->columns.empty() ? Ident(shape->columns[0]) : "*";
    return "(" + value + op + "(SELECT " + column + " FROM " + Ident(e.in_table) + "))";
  }
  if (e.args.size() == 1) return e.negated ? "true" : "false";  // x IN (): SQLite allows it
  for (size_t i = 1; i < e.args.size(); ++i) {
    if (!DiffersInClass(*e.args[0], *e.args[i])) continue;
    // Values of other classes in the list: each comparison written out.
    std::string out = e.negated ? "(NOT (" : "((";
    for (size_t k = 1; k < e.args.size(); ++k) {
      out += (k > 1 ? " OR " : "") + ComparisonText(*e.args[0], *e.args[k], "=", false);
    }
    return out + "))";
  }
  // The list compares under the left operand's collation.
  std::string collation = CollationOf(*e.args[0]);
  std::string out = "(" + Collated(value, collation) + op + "(";
  for (size_t i = 1; i < e.args.size(); ++i) {
    out += (i > 1 ? ", " : "") + Collated(Compared(*e.args[i], *e.args[0]), collation);
  }
  return out + "))";
}

std::string Emitter::FunctionText(const Expr& e) {
  const FunctionInfo* row = FindFunction(e.text, e.args.size());
  auto has = [row](FunctionFlag f) { return row != nullptr && row->Has(f); };
  if (has(kConnectionState) && e.args.empty() && !e.star) {
    // The connection's values at the time the statement runs: parameters
    // the client binds after the program's.
    auto it = std::find(state_parameters_.begin(), state_parameters_.end(), e.text);
    size_t k = static_cast<size_t>(it - state_parameters_.begin());
    if (it == state_parameters_.end()) state_parameters_.push_back(e.text);
    return "$" + std::to_string(in_.parameter_count + static_cast<int>(k) + 1);
  }
  if (has(kCollated)) {
    // They compare under their arguments' collation: one of the program's
    // (CollationOf fails for it) only the real SQLite can apply.
    for (const auto& a : e.args) CollationOf(*a);
  }
  if (e.text == "typeof" && e.args.size() == 1 && IsLiteral(*e.args[0]) && !e.over &&
      e.over_name.empty()) {
    // A literal's class is its own (its text alone would be of unknown type).
    switch (e.args[0]->kind) {
      case ExprKind::kNull:
        return "'null'::text";
      case ExprKind::kInteger:  // (one past 64 bits is a real, as SQLite reads it)
        return IntegerLiteral(e.args[0]->text).find("float8") == std::string::npos
                   ? "'integer'::text"
                   : "'real'::text";
      case ExprKind::kFloat:
        return "'real'::text";
      case ExprKind::kBlob:
        return "'blob'::text";
      default:
        return "'text'::text";
    }
  }
  if (has(kTextSumArgs) && e.distinct &&
      e.args.size() == 1 && !e.over && e.over_name.empty() &&
      FamilyOf(*e.args[0]) == Family::kText) {
    return DistinctTextSum(e);
  }
  FunctionCall call;
  call.name = e.text;
  if (IsAggregateCall(e)) call.order = aggregate_order_;
  call.distinct = e.distinct;
  call.star = e.star;
  call.window = e.over || !e.over_name.empty();
  bool aggregate = IsAggregateCall(e);
  aggregate_depth_ += aggregate ? 1 : 0;
  call.args = FunctionArgs(e, &call.stored);
  for (size_t i = 0; has(kIntegerConditions) && i < e.args.size(); ++i) {
    // A condition's 0 or 1 is an integer (its ::int would be read as a real).
    if (IsCondition(*e.args[i])) call.args[i] += "::int8";
  }
  if (has(kConditionArgs)) {
    for (const auto& a : e.args) call.bool_args.push_back(Condition(*a));
  }
  if (has(kJsonArgs)) {
    for (const auto& a : e.args) call.json_args.push_back(JsonValue(*a));
  }
  sql::FunctionText t = TranslateFunction(call);
  if (!t.error.empty()) {
    aggregate_depth_ -= aggregate ? 1 : 0;
    Fail(t.error);
    return "";
  }
  std::string out = t.sql;
  if (e.filter) out += " FILTER (WHERE " + Condition(*e.filter) + ")";
  aggregate_depth_ -= aggregate ? 1 : 0;
  if (e.over) {
    // Without an ORDER BY, these number a partition's rows in the order
    // SQLite scans them (the frame matters to none of them).
    bool numbering = has(kNumbersRows);
    bool rows = !e.over->frame.empty() && Lower(e.over->frame[0].word) == "rows";
    if ((numbering || rows) && e.over->base.empty()) window_scan_order_ = scan_keys_;
    out += " OVER " + WindowText(*e.over);
    window_scan_order_.clear();
  }
  if (!e.over_name.empty()) out += " OVER " + Ident(e.over_name);
  return out;
}

std::string Emitter::DistinctTextSum(const Expr& e) {
  // SQLite's DISTINCT compares the texts ('3' and '3.0' are two values),
  // then the sum reads each as a number: the distinct texts gathered, then
  // summed in a subquery.
  ++aggregate_depth_;
  std::string texts = "array_agg(DISTINCT " + Value(*e.args[0]) + ")";
  if (e.filter) texts += " FILTER (WHERE " + Condition(*e.filter) + ")";
  --aggregate_depth_;
  FunctionCall call;
  call.name = e.text;
  call.args = {"litelift.text_sum_num(litelift_text)"};
  sql::FunctionText t = TranslateFunction(call);
  if (!t.error.empty()) {
    Fail(t.error);
    return "";
  }
  return "(SELECT " + t.sql + " FROM unnest(" + texts + ") AS litelift_text)";
}

std::string Emitter::CastText(const Expr& e) {
  // SQLite's CAST is lenient ('12abc' -> 12) and goes by affinity.
  std::string type = PgTypeForDeclared(e.type);
  std::string fn = type == "bigint"             ? "cast_integer"
                   : type == "double precision" ? "cast_real"
                   : type == "bytea"            ? "cast_blob"
                   : type == "numeric"          ? "cast_numeric"
                                                : "cast_text";
  if (e.type.empty()) fn = "cast_blob";  // CAST(x AS "") has BLOB affinity... as none
  return "litelift." + fn + "(" + Value(*e.args[0]) + ")";
}

std::string Emitter::CaseText(const Expr& e) {
  // An untyped column among the results (or the operand and its WHENs),
  // or results of classes one server type cannot keep apart: all become
  // stored values, so that PostgreSQL sees one type and each row keeps its
  // value's class.
  bool any_result = MixesClasses(ResultsOf(e));
  bool any_operand = e.operand && FamilyOf(*e.operand) == Family::kAny;
  bool mixed_operand = false;
  for (const auto& [when, then] : e.whens) {
    any_operand = any_operand || (e.operand && FamilyOf(*when) == Family::kAny);
    mixed_operand = mixed_operand || (e.operand && DiffersInClass(*e.operand, *when));
  }
  if (mixed_operand && !any_operand) {
    // CASE x WHEN 1 ... WHEN 'a' ...: each WHEN compares as x = it does,
    // with SQLite's affinities (PostgreSQL has no bigint = text).
    std::string out = "(CASE";
    for (const auto& [when, then] : e.whens) {
      out += " WHEN " + ComparisonText(*e.operand, *when, "=", false) + " THEN " +
             (any_result ? AsStored(*then) : Value(*then));
    }
    if (e.else_expr) out += " ELSE " + (any_result ? AsStored(*e.else_expr) : Value(*e.else_expr));
    return out + " END)";
  }
  auto result = [&](const Expr& x) { return any_result ? AsStored(x) : Value(x); };
  auto operand = [&](const Expr& x) { return any_operand ? AsStored(x) : Value(x); };
  std::string out = "(CASE";
  if (e.operand) out += " " + operand(*e.operand);
  for (const auto& [when, then] : e.whens) {
    out += " WHEN " + (e.operand ? operand(*when) : Condition(*when)) + " THEN " + result(*then);
  }
  if (e.else_expr) out += " ELSE " + result(*e.else_expr);
  return out + " END)";
}

std::string Emitter::WindowText(const WindowSpec& w) {
  std::string out = "(";
  auto add = [&](const std::string& s) {
    if (out.size() > 1) out += " ";
    out += s;
  };
  if (!w.base.empty()) add(Ident(w.base));
  if (!w.partition.empty()) {
    std::string p = "PARTITION BY ";
    for (size_t i = 0; i < w.partition.size(); ++i) p += (i ? ", " : "") + Value(*w.partition[i]);
    add(p);
  }
  // Rows equal under the window's order come in SQLite's scan order, where
  // that decides a number or a ROWS frame (window_scan_order_).
  if (!w.order.empty()) {
    add(OrderText(w.order) + (window_scan_order_.empty() ? "" : ", " + window_scan_order_));
  } else if (!window_scan_order_.empty()) {
    add("ORDER BY " + window_scan_order_);
  }
  for (const auto& piece : w.frame) add(piece.expr ? Value(*piece.expr) : piece.word);
  return out + ")";
}

std::string Emitter::OrderText(const std::vector<OrderTerm>& terms) {
  std::string out = "ORDER BY ";
  for (size_t i = 0; i < terms.size(); ++i) {
    const OrderTerm& t = terms[i];
    out += i ? ", " : "";
    // ORDER BY 2 names the second column: the literal stays bare, unless
    // that column is untyped (its key sorts it, not jsonb).
    const Expr* named = ResultColumnNamed(*t.expr);
    if (named != nullptr && FamilyOf(*named) == Family::kAny) {
      out += SortKey(*named);
    } else {
      out += t.expr->kind == ExprKind::kInteger ? t.expr->text
                                                : Collated(SortKey(*t.expr), CollationOf(*t.expr));
    }
    if (t.desc) out += " DESC";
    // SQLite puts NULLs first when ascending, last when descending:
    // PostgreSQL's defaults are the other way round.
    int nulls = t.nulls != 0 ? t.nulls : (t.desc ? 2 : 1);
    out += nulls == 1 ? " NULLS FIRST" : " NULLS LAST";
  }
  return out;
}

const Expr* Emitter::ResultColumnNamed(const Expr& term) {
  if (order_columns_ == nullptr) return nullptr;
  const auto& cols = *order_columns_;
  if (term.kind == ExprKind::kInteger) {
    size_t k = static_cast<size_t>(std::strtoll(term.text.c_str(), nullptr, 10));
    return k >= 1 && k <= cols.size() ? cols[k - 1].expr.get() : nullptr;
  }
  if (term.kind == ExprKind::kColumn && term.table.empty()) {
    for (const auto& c : cols) {
      if (!c.alias.empty() && Lower(c.alias) == Lower(term.column)) return c.expr.get();
    }
  }
  return nullptr;
}

std::string Emitter::LimitText(const Expr* limit, const Expr* offset) {
  std::string out;
  if (limit != nullptr) {
    // A negative LIMIT means none; PostgreSQL's LIMIT NULL too.
    if (limit->kind == ExprKind::kInteger) {
      out += " LIMIT " + Value(*limit);
    } else if (limit->kind == ExprKind::kUnary && limit->text == "-" &&
               limit->args[0]->kind == ExprKind::kInteger) {
      out += " LIMIT NULL";
    } else {
      out += " LIMIT litelift.limit_value(" + Value(*limit) + ")";
    }
  }
  if (offset != nullptr) {
    if (offset->kind == ExprKind::kInteger) {
      out += " OFFSET " + Value(*offset);
    } else {
      out += " OFFSET litelift.offset_value(" + Value(*offset) + ")";
    }
  }
  return out;
}

std::string Emitter::WithText(const With& with) {
  // SQLite lets a common table name itself without RECURSIVE; PostgreSQL
  // needs the word. (Said when the name appears in its own body at all: a
  // column of that name costs nothing, since a table of it would have been
  // SQLite's "circular reference" error already.)
  bool recursive = with.recursive;
  std::string body;
  for (size_t i = 0; i < with.tables.size(); ++i) {
    const CommonTable& ct = with.tables[i];
    std::string select = SelectText(*ct.select);
    if (select.find(Ident(ct.name)) != std::string::npos) recursive = true;
    body += (i ? ", " : "") + Ident(ct.name);
    if (!ct.columns.empty()) {
      body += " (";
      for (size_t k = 0; k < ct.columns.size(); ++k) body += (k ? ", " : "") + Ident(ct.columns[k]);
      body += ")";
    }
    body += " AS ";
    if (!ct.materialized.empty()) body += ct.materialized + " ";
    body += "(" + select + ")";
  }
  return (recursive ? "WITH RECURSIVE " : "WITH ") + body + " ";
}

namespace {

// Functions whose value is JSON (PostgreSQL type json).
bool ReturnsJson(const Expr& e) {
  if (e.kind == ExprKind::kBinary) return e.text == "->";
  if (e.kind != ExprKind::kFunction) return false;
  return FunctionResult(e.text, e.args.size()) == ResultRule::kJson;
}

}  // namespace

std::string Emitter::JsonValue(const Expr& e) {
  // A JSON function's result goes in as JSON (SQLite's JSON subtype); what
  // json_extract found, as the JSON it was; any other value is quoted.
  if (ReturnsJson(e)) return Value(e);
  if (e.kind == ExprKind::kFunction && e.text == "json_extract" && e.args.size() >= 2) {
    std::string out = "litelift.json_extract_json(" + AsText(*e.args[0]);
    for (size_t i = 1; i < e.args.size(); ++i) out += ", (" + Value(*e.args[i]) + ")::text";
    return out + ")";
  }
  return "litelift.json_quote(" + Value(e) + ")";
}

std::string Emitter::ClassOf(const Expr& e) {
  // json_extract() and ->> return text on the server; their SQLite class
  // (integer, real, text, null) comes from json_extract_type.
  if (e.kind == ExprKind::kFunction && e.text == "json_extract" && e.args.size() >= 2 && !e.over &&
      e.over_name.empty()) {
    std::string out = "litelift.json_extract_type(" + AsText(*e.args[0]);
    for (size_t i = 1; i < e.args.size(); ++i) out += ", (" + Value(*e.args[i]) + ")::text";
    return out + ")";
  }
  if (e.kind == ExprKind::kBinary && e.text == "->>") {
    return "litelift.json_extract_type(" + AsText(*e.args[0]) + ", litelift.json_arrow_path(" +
           Value(*e.args[1]) + "))";
  }
  std::string column = e.kind == ExprKind::kColumn ? Lower(e.column) : "";
  if (column == "value" || column == "atom" || column == "key") {
    // json_each/json_tree's value and atom: their class is the row's type;
    // key: an integer in an array (fullkey ends "[n]").
    if (const ScopeItem* item = JsonTableOf(e)) {
      std::string q = Ident(item->qualifier);
      if (column == "key") {
        return "(CASE WHEN " + q + ".\"key\" IS NULL THEN 'null' WHEN " + q +
               ".\"fullkey\" LIKE '%]' THEN 'integer' ELSE 'text' END)";
      }
      return "(CASE " + q + ".\"type\" WHEN 'integer' THEN 'integer' WHEN 'true' THEN 'integer' " +
             "WHEN 'false' THEN 'integer' WHEN 'real' THEN 'real' WHEN 'null' THEN 'null' " +
             "ELSE 'text' END)";
    }
  }
  return "";
}

const Emitter::ScopeItem* Emitter::JsonTableOf(const Expr& e) {
  if (e.kind != ExprKind::kColumn) return nullptr;
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (const ScopeItem& item : *scope) {
      if (item.json_table && (e.table.empty() || Lower(e.table) == Lower(item.qualifier))) {
        return &item;
      }
    }
  }
  return nullptr;
}

std::string Emitter::SelectText(const Select& select) {
  ++select_depth_;
  bool classify = classify_top_ && select_depth_ == 1 && select.cores.size() == 1;
  classify_top_ = false;
  std::string out = SelectBody(select, classify);
  --select_depth_;
  return out;
}

std::string Emitter::SelectBody(const Select& select, bool classify) {
  // Whether the program sees the rows' order: the statement's own rows,
  // those a LIMIT picks, a scalar subquery's first row; never an EXISTS.
  bool scalar = scalar_next_, exists = exists_next_;
  scalar_next_ = exists_next_ = false;
  bool observed = !exists && (select_depth_ == 1 || select.limit || scalar);
  std::string out;
  if (select.with) out += WithText(*select.with);
  BareColumns first_bare;
  bool single = select.cores.size() == 1;
  std::vector<bool> outer_stored = std::move(stored_columns_);
  // (Only where the program reads the rows: an INSERT's source keeps the
  // server's types, which its columns convert.)
  stored_columns_ =
      single || select_depth_ != 1 || !top_query_ ? std::vector<bool>{} : CompoundStored(select);
  // A UNION deduplicating under NOCASE or RTRIM: a UNION ALL of numbered
  // rows, the last of equal ones kept (compound_dedupe.cc).
  std::vector<std::string> dedupe =
      single ? std::vector<std::string>{} : UnionDedupeKeys(select, stored_columns_);
  size_t body = out.size();
  for (size_t i = 0; i < select.cores.size(); ++i) {
    if (i > 0) out += " " + (dedupe.empty() ? select.compounds[i - 1] : "UNION ALL") + " ";
    union_part_ = dedupe.empty() ? 0 : static_cast<int>(i + 1);
    BareColumns bare;
    classify_core_ = classify;
    // (Only where no ORDER BY must name the core's tables.)
    distinct_groups_next_ = single && select.order_by.empty() && observed;
    out += CoreText(select.cores[i], &bare);
    classify_core_ = false;
    if (i == 0) first_bare = bare;
  }
  union_part_ = 0;
  if (!dedupe.empty()) out = out.substr(0, body) + UnionDedupe(dedupe, out.substr(body));
  std::vector<bool> stored = std::move(stored_columns_);
  stored_columns_ = std::move(outer_stored);
  if (!single && !select.order_by.empty()) {
    std::string prefix = CompoundOrder(select, select.order_by, stored, &out);
    out.insert(body, prefix);
  } else if (!select.order_by.empty()) {
    // ORDER BY may name the columns of the (first) query's tables.
    const SelectCore& first = select.cores.front();
    PushScope(first.from ? ScopeOf(*first.from) : std::vector<ScopeItem>{});
    // In an aggregate query, ORDER BY's bare columns are the select list's.
    const BareColumns* outer = bare_;
    if (select.cores.size() == 1 && first_bare.active) bare_ = &first_bare;
    order_columns_ = select.cores.size() == 1 ? &first.columns : nullptr;
    out += " " + OrderText(select.order_by);
    // Ties keep the order SQLite's plan gives them, where it is sure.
    const SelectCore& core = select.cores.front();
    if (!single) {
    } else if (!first_bare.distinct_order.empty()) {
      out += ", " + first_bare.distinct_order;
    } else if (!first_bare.planned_groups.empty()) {
      out += ", " + first_bare.planned_groups;
    } else if (!first_bare.group_order.empty()) {
      // The groups come in key order; with as many ORDER BY terms as
      // GROUP BY terms, SQLite sorts each key in the direction of the
      // ORDER BY term in its place.
      bool directed = select.order_by.size() == core.group_by.size();
      for (size_t k = 0, i = 0; i < core.group_by.size(); ++i) {
        if (IsLiteral(*core.group_by[i]) && core.group_by[i]->kind != ExprKind::kInteger) continue;
        bool desc = directed && select.order_by[i].desc;
        out += ", " + first_bare.group_keys[k++] + (desc ? " DESC NULLS LAST" : " NULLS FIRST");
      }
    } else if (!first_bare.ties.empty()) {
      out += ", " + first_bare.ties;
    }
    order_columns_ = nullptr;
    bare_ = outer;
    PopScope();
  } else if (!observed) {
  } else if (!single) {
    std::vector<OrderTerm> terms = CompoundRowOrder(select);
    if (!terms.empty()) out.insert(body, CompoundOrder(select, terms, stored, &out));
  } else if (!first_bare.distinct_order.empty()) {
    out += " ORDER BY " + first_bare.distinct_order;
  } else if (!first_bare.group_order.empty()) {
    out += first_bare.group_order;
  } else if (!first_bare.window_order.empty()) {
    out += first_bare.window_order;
  } else {
    out += ScanOrder(select);
  }
  out += LimitText(select.limit.get(), select.offset.get());
  // PostgreSQL refuses a scalar subquery of several rows; SQLite takes
  // the first.
  if (scalar && !select.limit && !AtMostOneRow(select)) out += " LIMIT 1";
  return out;
}

std::string Emitter::ScanOrder(const Select& select) {
  if (select.cores.size() != 1) return "";
  const SelectCore& core = select.cores[0];
  if (core.is_values || core.distinct || !core.group_by.empty() || !core.from) return "";
  std::vector<const Expr*> aggregates;
  for (const auto& col : core.columns) CollectAggregates(col.expr.get(), &aggregates);
  if (!aggregates.empty()) return "";
  if (HasIndexedTable(core) && !PinsOneRow(core)) {
    std::vector<std::string> planned = PlanKeys(core);
    if (!planned.empty()) return " ORDER BY " + JoinTerms(planned);
  }
  if (core.from->items.size() == 2) return JoinScanOrder(core);
  if (core.from->items.size() != 1) return "";
  const TableRef& ref = core.from->items[0];
  if (ref.subquery || ref.nested || ref.is_function || PinsOneRow(core)) return "";
  const TableShape* shape = in_.table ? in_.table(ShapeKey(ref.schema, ref.name)) : nullptr;
  if (shape == nullptr) return "";
  std::string q = Ident(ref.alias.empty() ? ref.name : ref.alias) + ".";
  if (!shape->rowid_column.empty()) return " ORDER BY " + q + Ident(shape->rowid_column);
  if (!shape->without_rowid || shape->primary_key.empty()) return "";
  std::string out = " ORDER BY ";
  for (size_t i = 0; i < shape->primary_key.size(); ++i) {
    out += (i ? ", " : "") + q + Ident(shape->primary_key[i]);
  }
  return out;
}

std::vector<OrderTerm> Emitter::CompoundRowOrder(const Select& select) {
  if (select.compounds.empty() || select.compounds.back() == "UNION ALL") return {};
  const SelectCore& first = select.cores.front();
  if (first.is_values && first.values.empty()) return {};
  for (const auto& c : first.columns) {
    if (!c.expr) return {};  // * : its width is the tables'
  }
  size_t width = first.is_values ? first.values[0].size() : first.columns.size();
  std::vector<OrderTerm> terms;
  for (size_t k = 1; k <= width; ++k) {
    OrderTerm t;
    t.expr = std::make_unique<Expr>(ExprKind::kInteger, 0);
    t.expr->text = std::to_string(k);
    terms.push_back(std::move(t));
  }
  return terms;
}

bool Emitter::AtMostOneRow(const Select& select) {
  if (select.cores.size() != 1) return false;
  const SelectCore& core = select.cores[0];
  if (core.is_values) return core.values.size() <= 1;
  if (!core.from) return true;
  if (core.group_by.empty()) {
    std::vector<const Expr*> aggregates, windows;
    for (const auto& col : core.columns) {
      CollectAggregates(col.expr.get(), &aggregates);
      CollectWindowCalls(col.expr.get(), &windows);
    }
    if (!aggregates.empty() && windows.empty()) return true;
  }
  return PinsOneRow(core);
}

bool Emitter::PinsOneRow(const SelectCore& core) {
  if (core.is_values || !core.where || !core.from || core.from->items.size() != 1) return false;
  const TableRef& ref = core.from->items[0];
  if (ref.subquery || ref.nested || ref.is_function) return false;
  const TableShape* shape = in_.table ? in_.table(ShapeKey(ref.schema, ref.name)) : nullptr;
  if (shape == nullptr) return false;
  std::string qualifier = Lower(ref.alias.empty() ? ref.name : ref.alias);
  // The columns the WHERE's conjuncts set equal to a literal or parameter
  // (lower case; "rowid" for the rowid under any of its names).
  std::vector<std::string> pinned;
  std::vector<const Expr*> todo = {core.where.get()};
  while (!todo.empty()) {
    const Expr* e = todo.back();
    todo.pop_back();
    if (e->kind == ExprKind::kBinary && e->text == "AND") {
      todo.push_back(e->args[0].get());
      todo.push_back(e->args[1].get());
      continue;
    }
    if (e->kind != ExprKind::kBinary || e->text != "=") continue;
    for (int side = 0; side < 2; ++side) {
      const Expr& col = *e->args[side];
      const Expr& value = *e->args[1 - side];
      bool constant =
          (IsLiteral(value) && value.kind != ExprKind::kNull) || value.kind == ExprKind::kParam;
      if (col.kind != ExprKind::kColumn || !constant || col.double_quoted) continue;
      if (!col.table.empty() && Lower(col.table) != qualifier) continue;
      std::string name = Lower(col.column);
      bool own = std::any_of(shape->columns.begin(), shape->columns.end(),
                             [&](const std::string& c) { return Lower(c) == name; });
      if (!own && IsRowidName(name) && !shape->without_rowid) name = "rowid";
      if (own && Lower(shape->rowid_column) == name) name = "rowid";
      pinned.push_back(name);
    }
  }
  auto all_pinned = [&pinned](const std::vector<std::string>& key) {
    if (key.empty()) return false;
    for (const auto& k : key) {
      if (std::find(pinned.begin(), pinned.end(), Lower(k)) == pinned.end()) return false;
    }
    return true;
  };
  if (std::find(pinned.begin(), pinned.end(), "rowid") != pinned.end()) return true;
  if (shape->rowid_column.empty() || shape->hidden_rowid) {
    if (all_pinned(shape->primary_key)) return true;
  }
  return std::any_of(shape->unique_keys.begin(), shape->unique_keys.end(), all_pinned);
}

std::string Emitter::GroupOrder(const SelectCore& core) {
  std::string out;
  for (const std::string& key : GroupKeys(core)) {
    out += (out.empty() ? " ORDER BY " : ", ") + key + " NULLS FIRST";
  }
  return out;
}

std::vector<std::string> Emitter::GroupKeys(const SelectCore& core) {
  std::vector<std::string> out;
  for (const auto& g : core.group_by) {
    std::string key;
    if (g->kind == ExprKind::kInteger) {
      key = g->text;
    } else if (g->kind == ExprKind::kString || g->kind == ExprKind::kNull ||
               g->kind == ExprKind::kFloat || g->kind == ExprKind::kBlob) {
      continue;  // a constant: one group
    } else {
      key = Collated(SortKey(*g), CollationOf(*g));
    }
    out.push_back(key);
  }
  return out;
}

std::vector<bool> Emitter::CompoundStored(const Select& select) {
  std::vector<std::vector<StaticClass>> classes;  // by column, one per query
  for (const SelectCore& core : select.cores) {
    if (core.is_values) {
      for (const auto& row : core.values) {
        if (classes.size() < row.size()) classes.resize(row.size());
        for (size_t i = 0; i < row.size(); ++i) classes[i].push_back(ClassFact(*row[i]));
      }
      continue;
    }
    PushScope(core.from ? ScopeOf(*core.from) : std::vector<ScopeItem>{});
    if (classes.size() < core.columns.size()) classes.resize(core.columns.size());
    for (size_t i = 0; i < core.columns.size(); ++i) {
      if (!core.columns[i].expr) {
        PopScope();
        return {};  // * : the positions are the tables'
      }
      classes[i].push_back(ClassFact(*core.columns[i].expr));
    }
    PopScope();
  }
  std::vector<bool> stored;
  bool any = false;
  for (const auto& column : classes) {
    stored.push_back(MixedClasses(column));
    any = any || stored.back();
  }
  return any ? stored : std::vector<bool>{};
}

std::string Emitter::CompoundOrder(const Select& select, const std::vector<OrderTerm>& terms,
                                   const std::vector<bool>& stored, std::string* body) {
  // PostgreSQL sorts a compound by its columns only: by ordinals when
  // they are all SQLite's sort needs, else over the compound as a
  // subquery whose columns are named c1, c2, ...
  const SelectCore& first = select.cores.front();
  size_t width =
      first.is_values ? (first.values.empty() ? 0 : first.values[0].size()) : first.columns.size();
  PushScope(first.from && !first.is_values ? ScopeOf(*first.from) : std::vector<ScopeItem>{});
  bool plain = true;
  std::vector<std::string> ordinals, named;
  for (const OrderTerm& t : terms) {
    const Expr* term = t.expr.get();
    std::string collation = CollationOf(*term);
    if (term->kind == ExprKind::kCollate) term = term->args[0].get();
    size_t k = term->kind == ExprKind::kInteger
                   ? static_cast<size_t>(std::strtoll(term->text.c_str(), nullptr, 10))
                   : 0;
    if (k < 1 || k > width) {
      PopScope();
      if (&terms == &select.order_by) *body += " " + OrderText(terms);  // left as written
      return "";
    }
    const Expr* column =
        first.is_values ? first.values[0][k - 1].get() : first.columns[k - 1].expr.get();
    if (collation.empty() && column != nullptr) collation = CollationOf(*column);
    bool any = (k <= stored.size() && stored[k - 1]) ||
               (column != nullptr && FamilyOf(*column) == Family::kAny);
    std::string c = "litelift_compound.c" + std::to_string(k);
    if (any) c = "litelift.any_key(" + c + ")";
    if (any || (!collation.empty() && collation != "BINARY")) plain = false;
    int nulls = t.nulls != 0 ? t.nulls : (t.desc ? 2 : 1);
    std::string tail =
        std::string(t.desc ? " DESC" : "") + (nulls == 1 ? " NULLS FIRST" : " NULLS LAST");
    ordinals.push_back(std::to_string(k) + tail);
    named.push_back(Collated(c, any ? "" : collation) + tail);
  }
  PopScope();
  if (plain) {
    *body += " ORDER BY " + JoinTerms(ordinals);
    return "";
  }
  std::string out = " ORDER BY " + JoinTerms(named);
  std::string names;
  for (size_t k = 1; k <= width; ++k) names += (k > 1 ? ", c" : "c") + std::to_string(k);
  *body += ") AS litelift_compound(" + names + ")" + out;
  return "SELECT * FROM (";
}

std::string Emitter::JoinScanOrder(const SelectCore& core) {
  // SQLite never reorders a CROSS JOIN, nor a LEFT JOIN that no WHERE
  // turns into an inner one; an unindexed inner table is scanned, or
  // searched through an automatic index on the ON's equalities, which
  // keeps its rows for one outer row in rowid order.
  // An equality may make it an automatic index whose key holds the
  // columns the query reads: its order is then theirs, not claimed here.
  const TableRef& inner = core.from->items[1];
  if (inner.join != "CROSS JOIN" && (inner.join != "LEFT JOIN" || core.where)) return "";
  if (inner.natural || !inner.using_columns.empty() || HasEquality(inner.on.get()) ||
      HasEquality(core.where.get())) {
    return "";
  }
  std::vector<std::string> keys;
  for (const TableRef& ref : core.from->items) {
    std::vector<std::string> k = RefScanKeys(ref);
    if (k.empty()) return "";
    keys.insert(keys.end(), k.begin(), k.end());
  }
  return " ORDER BY " + JoinTerms(keys);
}

std::vector<std::string> Emitter::ScanKeys(const SelectCore& core, bool plan) {
  if (core.is_values || !core.from) return {};
  if (plan && HasIndexedTable(core)) {
    std::vector<std::string> planned = PlanKeys(core);
    if (!planned.empty()) return planned;
  }
  if (core.from->items.size() != 1) return {};
  return RefScanKeys(core.from->items[0]);
}

std::vector<std::string> Emitter::RefScanKeys(const TableRef& ref) {
  if (ref.subquery || ref.nested || ref.is_function) return {};
  const TableShape* shape = in_.table ? in_.table(ShapeKey(ref.schema, ref.name)) : nullptr;
  if (shape == nullptr || shape->indexed || !shape->unique_keys.empty()) return {};
  std::string q = Ident(ref.alias.empty() ? ref.name : ref.alias) + ".";
  if (!shape->rowid_column.empty()) return {q + Ident(shape->rowid_column)};
  if (!shape->without_rowid) return {};
  std::vector<std::string> keys;
  for (const auto& k : shape->primary_key) keys.push_back(q + Ident(k));
  return keys;
}

std::string Emitter::WindowOrder(const SelectCore& core) {
  std::vector<const Expr*> calls;
  for (const auto& col : core.columns) CollectWindowCalls(col.expr.get(), &calls);
  if (calls.empty()) return "";
  std::string shared;
  for (const Expr* call : calls) {
    const WindowSpec* spec = call->over.get();
    for (const auto& [name, w] : core.windows) {
      if (spec == nullptr && Lower(name) == Lower(call->over_name)) spec = &w;
    }
    if (spec == nullptr || !spec->base.empty()) return "";
    std::string key;
    for (const auto& p : spec->partition) {
      if (IsLiteral(*p)) continue;
      key += (key.empty() ? "" : ", ") + Collated(SortKey(*p), CollationOf(*p)) + " NULLS FIRST";
    }
    for (const OrderTerm& t : spec->order) {
      if (IsLiteral(*t.expr)) continue;
      int nulls = t.nulls != 0 ? t.nulls : (t.desc ? 2 : 1);
      key += (key.empty() ? "" : ", ") + Collated(SortKey(*t.expr), CollationOf(*t.expr)) +
             (t.desc ? " DESC" : "") + (nulls == 1 ? " NULLS FIRST" : " NULLS LAST");
    }
    if (call != calls.front() && key != shared) return "";  // several sorts
    shared = key;
  }
  std::string keys = JoinTerms(ScanKeys(core));
  if (!keys.empty()) shared += (shared.empty() ? "" : ", ") + keys;
  return shared.empty() ? "" : " ORDER BY " + shared;
}

std::vector<Emitter::ScopeItem> Emitter::ScopeOf(const JoinSource& from) {
  std::vector<ScopeItem> items;
  for (const TableRef& ref : from.items) {
    if (ref.nested) {
      auto inner = ScopeOf(*ref.nested);
      items.insert(items.end(), inner.begin(), inner.end());
      continue;
    }
    const TableShape* shape = nullptr;
    if (!ref.subquery && !ref.is_function && in_.table) {
      shape = in_.table(ShapeKey(ref.schema, ref.name));
    }
    items.push_back({ref.alias.empty() ? ref.name : ref.alias, shape});
    items.back().json_table =
        ref.is_function && (Lower(ref.name) == "json_each" || Lower(ref.name) == "json_tree");
    if (ref.subquery && ref.alias.empty()) items.back().qualifier = SubqueryAlias(ref);
  }
  return items;
}

std::string Emitter::SubqueryAlias(const TableRef& ref) {
  auto it = subquery_aliases_.find(&ref);
  if (it != subquery_aliases_.end()) return it->second;
  std::string alias = "litelift_subquery" + std::to_string(subquery_aliases_.size() + 1);
  subquery_aliases_.emplace(&ref, alias);
  return alias;
}

std::string Emitter::JoinText(const JoinSource& from) {
  std::string out;
  for (const TableRef& ref : from.items) {
    if (!ref.join.empty()) {
      // SQLite's CROSS JOIN takes ON and USING (an inner join whose order
      // its planner keeps); PostgreSQL's takes neither.
      bool conditioned = ref.on || !ref.using_columns.empty() || ref.natural;
      std::string join = ref.join == "CROSS JOIN" && conditioned ? "JOIN" : ref.join;
      out += join == "," ? ", " : std::string(" ") + (ref.natural ? "NATURAL " : "") + join + " ";
    }
    if (ref.nested) {
      out += "(" + JoinText(*ref.nested) + ")";
      if (!ref.alias.empty()) out += " AS " + Ident(ref.alias);
    } else if (ref.subquery) {
      // PostgreSQL 15 wants every subquery in FROM named.
      std::string alias = ref.alias.empty() ? SubqueryAlias(ref) : ref.alias;
      out += "(" + SelectText(*ref.subquery) + ") AS " + Ident(alias);
    } else if (ref.is_function) {
      std::string name = Lower(ref.name);
      if ((name != "json_each" && name != "json_tree") || ref.function_args.empty() ||
          ref.function_args.size() > 2) {
        Fail("litelift: the table-valued function " + ref.name +
             "() is not supported on the postgres route yet");
        return "";
      }
      out += "litelift." + name + "(" + AsText(*ref.function_args[0]);
      if (ref.function_args.size() == 2) out += ", (" + Value(*ref.function_args[1]) + ")::text";
      out += ") AS " + Ident(ref.alias.empty() ? ref.name : ref.alias);
    } else {
      if (!KnownDatabase(in_, ref.schema)) {
        Fail("unknown database " + ref.schema);
        return "";
      }
      const TableShape* shape = in_.table ? in_.table(ShapeKey(ref.schema, ref.name)) : nullptr;
      std::string table = ServerTableName(in_, ref.schema, ref.name, shape);
      out += table;
      if (!ref.alias.empty()) {
        out += " AS " + Ident(ref.alias);
      } else if (table != Ident(ref.name)) {
        out += " AS " + Ident(ref.name);  // columns name it t, not schema.t
      }
    }
    if (ref.on) out += " ON " + Condition(*ref.on);
    if (!ref.using_columns.empty()) {
      out += " USING (";
      for (size_t i = 0; i < ref.using_columns.size(); ++i) {
        out += (i ? ", " : "") + Ident(ref.using_columns[i]);
      }
      out += ")";
    }
  }
  return out;
}

std::string Emitter::StarText(const ResultColumn& col, const std::vector<ScopeItem>& scope,
                              const JoinSource* from, bool* expanded) {
  *expanded = false;
  if (from == nullptr) return "*";
  // The tables in order, a parenthesised join's among them (as ScopeOf).
  std::vector<const TableRef*> refs;
  FlattenJoin(*from, &refs);
  bool all_tables = true, hidden = false, merged = false;
  for (const TableRef* ref : refs) {
    if (ref->subquery || ref->is_function) all_tables = false;
    if (ref->natural || !ref->using_columns.empty()) merged = true;
  }
  for (const ScopeItem& item : scope) {
    if (item.shape == nullptr) all_tables = false;
    if (item.shape != nullptr && item.shape->hidden_rowid) hidden = true;
  }
  if (!col.star_table.empty()) {
    for (const ScopeItem& item : scope) {
      if (Lower(item.qualifier) != Lower(col.star_table)) continue;
      if (item.shape == nullptr || !item.shape->hidden_rowid) break;
      std::string out;
      for (const auto& c : item.shape->columns) {
        out += (out.empty() ? "" : ", ") + Ident(item.qualifier) + "." + Ident(c);
      }
      *expanded = true;
      return out;
    }
    return Ident(col.star_table) + ".*";
  }
  if (hidden && !merged && scope.size() == refs.size() && !all_tables) {
    // Tables by their columns (hiding the rowid's), the rest by q.*.
    std::string out;
    for (const ScopeItem& item : scope) {
      if (item.shape == nullptr) {
        out += (out.empty() ? "" : ", ") + Ident(item.qualifier) + ".*";
        continue;
      }
      for (const auto& c : item.shape->columns) {
        out += (out.empty() ? "" : ", ") + Ident(item.qualifier) + "." + Ident(c);
      }
    }
    *expanded = true;
    return out;
  }
  if (!all_tables || (!hidden && !merged)) return "*";
  // SQLite's order: each table's columns, those a USING or NATURAL join
  // merged with an earlier table's left out.
  std::string out;
  std::vector<std::string> seen;
  for (size_t i = 0; i < scope.size(); ++i) {
    const TableRef& ref = *refs[i];
    for (const auto& c : scope[i].shape->columns) {
      std::string lc = Lower(c);
      bool dropped = false;
      if (ref.natural) dropped = std::find(seen.begin(), seen.end(), lc) != seen.end();
      for (const auto& u : ref.using_columns) dropped = dropped || Lower(u) == lc;
      if (!dropped) out += (out.empty() ? "" : ", ") + Ident(scope[i].qualifier) + "." + Ident(c);
    }
    for (const auto& c : scope[i].shape->columns) seen.push_back(Lower(c));
  }
  *expanded = true;
  return out;
}

std::string Emitter::ResultColumns(const std::vector<ResultColumn>& columns,
                                   const JoinSource* from) {
  std::string out;
  const std::vector<ScopeItem> empty;
  const std::vector<ScopeItem>& scope = scopes_.empty() ? empty : scopes_.back();
  for (size_t i = 0; i < columns.size(); ++i) {
    const ResultColumn& col = columns[i];
    out += i ? ", " : "";
    if (!col.expr) {
      bool expanded;
      out += StarText(col, scope, from, &expanded);
      continue;
    }
    const ScopeItem* json = nullptr;
    if (!json_value_type_.empty() && select_depth_ == json_value_depth_ &&
        col.expr->kind == ExprKind::kColumn &&
        (Lower(col.expr->column) == "value" || Lower(col.expr->column) == "atom")) {
      json = JsonTableOf(*col.expr);
    }
    if (json != nullptr) {
      // SQLite gives the values the number's NUMERIC affinity: what reads as
      // a number is one (a real equals an integer only when whole).
      std::string n = "litelift.numeric_affinity(" + Value(*col.expr) + ")";
      out += json_value_type_ == "bigint"             ? "litelift.whole_bigint(" + n + ")"
             : json_value_type_ == "double precision" ? n + "::float8"
                                                      : n;
    } else {
      bool stored = select_depth_ == 1 && i < stored_columns_.size() && stored_columns_[i];
      out += stored ? AsStored(*col.expr) : Value(*col.expr);
    }
    // (A name too long for the server as references to it name it: Ident.)
    if (!col.alias.empty()) {
      out +=
          " AS " + (col.alias.size() > kMaxServerName ? Ident(col.alias) : QuoteIdent(col.alias));
    }
  }
  return out;
}

void Emitter::DistinctOrderColumns(const SelectCore& core, const std::string& scan_key,
                                   BareColumns* bare) {
  bare->active = true;
  bare->depth = scopes_.size();
  for (const auto& col : core.columns) {
    if (col.expr && col.expr->kind == ExprKind::kColumn) bare->grouped.push_back(Column(*col.expr));
  }
  bare->order = " ORDER BY " + scan_key;
}

Emitter::BareColumns Emitter::AggregateContext(const SelectCore& core) {
  BareColumns bare;
  bare.depth = scopes_.size();
  for (const auto& g : core.group_by) bare.grouped.push_back(GroupTerm(*g));
  std::vector<const Expr*> aggregates;
  for (const auto& col : core.columns) CollectAggregates(col.expr.get(), &aggregates);
  CollectAggregates(core.having.get(), &aggregates);
  if (aggregates.size() == 1 && (aggregates[0]->text == "min" || aggregates[0]->text == "max")) {
    bare.order = " ORDER BY " + Value(*aggregates[0]->args[0]) +
                 (aggregates[0]->text == "max" ? " DESC" : " ASC") + " NULLS LAST";
  }
  return bare;
}

std::string Emitter::GroupTerm(const Expr& g) {
  if (g.kind == ExprKind::kInteger) return g.text;
  // SQLite groups by any constant (one group); PostgreSQL refuses a bare
  // literal that is not an ordinal, but not a typed one.
  if (g.kind == ExprKind::kString || g.kind == ExprKind::kNull) return Value(g) + "::text";
  // Groups are the keys equal under the term's collation ('a' and 'A'
  // under NOCASE); the column itself is then a bare column of the group.
  return Collated(Value(g), CollationOf(g));
}

std::string Emitter::CoreText(const SelectCore& core, BareColumns* bare_out) {
  int part = union_part_;  // (its subqueries are no parts)
  union_part_ = 0;
  if (core.is_values) {
    std::string out = "VALUES ";
    for (size_t r = 0; r < core.values.size(); ++r) {
      out += r ? ", (" : "(";
      for (size_t i = 0; i < core.values[r].size(); ++i) {
        std::string type = select_depth_ == 1 && i < values_types_.size() ? values_types_[i] : "";
        bool stored = select_depth_ == 1 && i < stored_columns_.size() && stored_columns_[i];
        out += (i ? ", " : "") +
               (stored ? AsStored(*core.values[r][i]) : ValueFor(*core.values[r][i], type));
      }
      if (part > 0) out += ", " + std::to_string(part) + "::int8, " + std::to_string(r + 1) + "::int8";
      out += ")";
    }
    return out;
  }
  PushScope(core.from ? ScopeOf(*core.from) : std::vector<ScopeItem>{});
  std::vector<const Expr*> aggregates;
  for (const auto& col : core.columns) CollectAggregates(col.expr.get(), &aggregates);
  CollectAggregates(core.having.get(), &aggregates);
  bool aggregate_query = !aggregates.empty() || !core.group_by.empty();
  BareColumns bare;
  if (aggregate_query && core.from) bare = AggregateContext(core);
  bare.active = aggregate_query && core.from;
  const BareColumns* outer = bare_;
  bare_ = aggregate_query && core.from ? &bare : nullptr;
  bool stars = std::any_of(core.columns.begin(), core.columns.end(),
                           [](const ResultColumn& c) { return !c.expr; });
  std::vector<const Expr*> windows;
  bool subqueries = false;
  for (const auto& col : core.columns) {
    CollectWindowCalls(col.expr.get(), &windows);
    subqueries = subqueries || HasSubquery(col.expr.get());
  }
  // SQLite's scan order, where sure: aggregates see the rows in it, a
  // DISTINCT keeps each row where it first appears in it. (The plan is
  // asked only where the order shows: an aggregate of elements, a
  // DISTINCT, a window, ties under the statement's ORDER BY.)
  bool elements = std::any_of(aggregates.begin(), aggregates.end(), [](const Expr* a) {
    return FunctionHas(a->text, kShowsRowOrder);
  });
  bool shows = aggregate_query ? elements || !core.group_by.empty()
                               : core.distinct || !windows.empty() ||
                                     (planned_order_ != nullptr && !planned_order_->empty());
  std::vector<std::string> scan = ScanKeys(core, shows);
  std::string outer_aggregate_order = aggregate_order_, outer_scan_keys = scan_keys_;
  aggregate_order_ = aggregate_query && !scan.empty() ? " ORDER BY " + JoinTerms(scan) : "";
  scan_keys_ = aggregate_query ? "" : JoinTerms(scan);
  // A DISTINCT as a GROUP BY of its columns, which may sort by min(key).
  bool distinct_groups = core.distinct && !aggregate_query && !scan.empty() && !stars &&
                         windows.empty() && !subqueries;
  // A DISTINCT of groups keeps each row where it first appears among the
  // groups in key order: the groups numbered in that order, then the
  // distinct rows of them as a GROUP BY sorting by min(number).
  bool distinct_of_groups = core.distinct && distinct_groups_next_ && !core.group_by.empty() &&
                            core.from && !stars && windows.empty();
  distinct_groups_next_ = false;
  std::string out =
      core.distinct && !distinct_groups && !distinct_of_groups ? "SELECT DISTINCT " : "SELECT ";
  bool classify = classify_core_;
  classify_core_ = false;
  out += ResultColumns(core.columns, core.from.get());
  size_t emitted = core.columns.size();
  for (size_t i = 0; classify && !stars && i < core.columns.size(); ++i) {
    std::string cls = ClassOf(*core.columns[i].expr);
    if (cls.empty()) continue;
    out += ", " + cls;
    classed_columns_.push_back(static_cast<int>(i));
    ++emitted;
  }
  if (part > 0) {
    // A compound's part and the row's place in it (in scan order where
    // sure; a DISTINCT's rows are not numbered).
    std::string order = aggregate_query || scan.empty() ? "" : "ORDER BY " + JoinTerms(scan);
    out += ", " + std::to_string(part) + "::int8, " +
           (core.distinct ? std::string("0::int8") : "row_number() OVER (" + order + ")");
  }
  if (distinct_of_groups) {
    out += ", row_number() OVER (ORDER BY ";
    std::vector<std::string> keys = GroupKeys(core);
    for (size_t i = 0; i < keys.size(); ++i) out += (i ? ", " : "") + keys[i] + " NULLS FIRST";
    out += keys.empty() ? "1)" : ")";
  }
  bare_ = nullptr;
  if (core.from) out += " FROM " + JoinText(*core.from);
  if (core.where) out += " WHERE " + Condition(*core.where);
  if (distinct_groups) {
    out += " GROUP BY ";
    for (size_t i = 1; i <= emitted; ++i) out += (i > 1 ? ", " : "") + std::to_string(i);
    bare.distinct_order = FirstMetOrder(scan);
    DistinctOrderColumns(core, JoinTerms(scan), &bare);
  }
  if (!aggregate_query && !core.distinct && windows.empty()) bare.ties = JoinTerms(scan);
  if (!aggregate_query) bare.window_order = WindowOrder(core);
  if (!core.group_by.empty()) {
    out += " GROUP BY ";
    for (size_t i = 0; i < core.group_by.size(); ++i) {
      const Expr& g = *core.group_by[i];
      out += (i ? ", " : "") + GroupTerm(g);
    }
  }
  if (!core.group_by.empty() && core.from && !core.distinct) {
    bare.group_order = GroupOrder(core);
    bare.group_keys = GroupKeys(core);
    if (&core == planned_core_ && !scan.empty() && HasIndexedTable(core)) {
      bare.planned_groups = PlannedGroupOrder(core, scan);
      if (!bare.planned_groups.empty()) bare.group_order = " ORDER BY " + bare.planned_groups;
    }
  }
  bare_ = aggregate_query && core.from ? &bare : nullptr;
  if (core.having) out += " HAVING " + Condition(*core.having);
  aggregate_order_ = outer_aggregate_order;
  scan_keys_ = outer_scan_keys;
  bare_ = outer;
  *bare_out = bare;
  if (!core.windows.empty()) {
    out += " WINDOW ";
    for (size_t i = 0; i < core.windows.size(); ++i) {
      out += (i ? ", " : "") + Ident(core.windows[i].first) + " AS " +
             WindowText(core.windows[i].second);
    }
  }
  PopScope();
  if (distinct_of_groups) {
    std::string names, groups;
    for (size_t i = 1; i <= emitted; ++i) {
      names += (i > 1 ? ", litelift_distinct.c" : "litelift_distinct.c") + std::to_string(i);
      groups += (i > 1 ? ", " : "") + std::to_string(i);
    }
    std::string columns;
    for (size_t i = 1; i <= emitted; ++i) columns += "c" + std::to_string(i) + ", ";
    out = "SELECT " + names + " FROM (" + out + ") AS litelift_distinct(" + columns +
          "litelift_k) GROUP BY " + groups;
    bare_out->distinct_order = "min(litelift_distinct.litelift_k)";
  }
  return out;
}

}  // namespace litelift::compat::sql
