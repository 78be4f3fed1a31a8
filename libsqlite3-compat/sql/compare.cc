// Comparisons with SQLite's meaning: before comparing, SQLite applies an
// affinity to its operands (a TEXT column compared with 1 compares '1'; an
// INTEGER column compared with a TEXT column reads the text as a number
// when it is one), and then orders values of different storage classes
// numbers < text < blobs. PostgreSQL has no bigint = text at all, so a
// comparison whose operands end up in different classes is written out.

#include <cctype>
#include <string>
#include <string_view>

#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {
namespace {

// SQLite's affinity of a declared type (the rules of datatype3.html 3.1).
Affinity AffinityOfDeclared(std::string_view declared) {
  std::string t = Upper(declared);
  if (Contains(t, "INT")) return Affinity::kNumeric;
  if (Contains(t, "CHAR") || Contains(t, "CLOB") || Contains(t, "TEXT")) return Affinity::kText;
  if (t.empty() || Contains(t, "BLOB")) return Affinity::kBlob;
  return Affinity::kNumeric;  // REAL, FLOAT, DOUBLE, NUMERIC and the rest
}

Family FamilyOfServerType(const std::string& type) {
  if (type == "bigint" || type == "double precision" || type == "numeric") return Family::kNumber;
  if (type == "text") return Family::kText;
  if (type == "bytea") return Family::kBlob;
  if (type == "jsonb") return Family::kAny;
  return Family::kUnknown;
}

bool IsWhiteSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsLiteral(const Expr& e) {
  return e.kind == ExprKind::kInteger || e.kind == ExprKind::kFloat ||
         e.kind == ExprKind::kString || e.kind == ExprKind::kBlob;
}

// The storage class's rank in SQLite's order of values of different classes.
int Rank(Family f) { return f == Family::kNumber ? 1 : f == Family::kText ? 2 : 3; }

}  // namespace

NumericText ParseNumericText(std::string_view text) {
  size_t b = 0, e = text.size();
  while (b < e && IsWhiteSpace(text[b])) ++b;
  while (e > b && IsWhiteSpace(text[e - 1])) --e;
  std::string_view s = text.substr(b, e - b);
  size_t i = 0, digits = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool integer = true;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    integer = false;
    ++i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return {};
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    integer = false;
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return {};
  }
  if (i != s.size()) return {};
  NumericText out;
  out.numeric = true;
  out.text = std::string(s[0] == '+' ? s.substr(1) : s);
  if (integer) {
    // Beyond 64 bits SQLite keeps the number as a REAL.
    std::string_view magnitude =
        out.text[0] == '-' ? std::string_view(out.text).substr(1) : std::string_view(out.text);
    while (magnitude.size() > 1 && magnitude[0] == '0') magnitude.remove_prefix(1);
    std::string_view limit = out.text[0] == '-' ? "9223372036854775808" : "9223372036854775807";
    integer =
        magnitude.size() < limit.size() || (magnitude.size() == limit.size() && magnitude <= limit);
  }
  out.integer = integer;
  return out;
}

const TableShape* Emitter::ColumnOf(const Expr& e, size_t* index) {
  if (e.kind != ExprKind::kColumn) return nullptr;
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    for (const ScopeItem& item : *scope) {
      if (item.shape == nullptr) continue;
      if (!e.table.empty() && Lower(item.qualifier) != Lower(e.table)) continue;
      const auto& cols = item.shape->columns;
      for (size_t i = 0; i < cols.size() && i < item.shape->types.size(); ++i) {
        if (Lower(cols[i]) == Lower(e.column)) {
          *index = i;
          return item.shape;
        }
      }
    }
  }
  return nullptr;
}

std::string Emitter::DeclaredTypeOf(const Expr& e, bool* found) {
  size_t i = 0;
  const TableShape* shape = ColumnOf(e, &i);
  *found = shape != nullptr;
  return shape != nullptr ? shape->types[i] : "";
}

std::string Emitter::CollationOf(const Expr& e) {
  size_t i = 0;
  const TableShape* shape = e.kind == ExprKind::kCollate ? nullptr : ColumnOf(e, &i);
  std::string name = e.kind == ExprKind::kCollate                       ? e.text
                     : shape != nullptr && i < shape->collations.size() ? shape->collations[i]
                                                                        : "";
  // The server knows SQLite's three; any other is the program's (the
  // shadow's prepare found it), which only the real SQLite can apply.
  if (!name.empty() && name != "BINARY" && name != "NOCASE" && name != "RTRIM") {
    Fail("no such collation sequence: " + name);
  }
  return name;
}

Affinity Emitter::AffinityOf(const Expr& e) {
  if (e.kind == ExprKind::kCollate) return AffinityOf(*e.args[0]);
  if (e.kind == ExprKind::kCast) return AffinityOfDeclared(e.type);
  bool found = false;
  std::string declared = DeclaredTypeOf(e, &found);
  return found ? AffinityOfDeclared(declared) : Affinity::kNone;
}

Family Emitter::FamilyOf(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNull:
      return Family::kNull;
    case ExprKind::kInteger:
    case ExprKind::kFloat:
      return Family::kNumber;
    case ExprKind::kString:
      return Family::kText;
    case ExprKind::kBlob:
      return Family::kBlob;
    case ExprKind::kColumn:
      return FamilyOfServerType(ServerTypeOf(e));
    case ExprKind::kCollate:
      return FamilyOf(*e.args[0]);
    case ExprKind::kCast:
      return FamilyOfServerType(e.type.empty() ? "bytea" : PgTypeForDeclared(e.type));
    case ExprKind::kUnary:
      return e.text == "-" || e.text == "~" ? Family::kNumber : Family::kUnknown;
    case ExprKind::kBinary:
      if (e.text == "||") return Family::kText;
      if (e.text == "+" || e.text == "-" || e.text == "*" || e.text == "/" || e.text == "%" ||
          e.text == "&" || e.text == "|" || e.text == "<<" || e.text == ">>") {
        return Family::kNumber;
      }
      return Family::kUnknown;
    case ExprKind::kCase:
    case ExprKind::kFunction:
      // Values of mixed classes chosen among are stored values (jsonb).
      if (!ResultsOf(e).empty() && ClassFact(e) == StaticClass::kAny) return Family::kAny;
      return Family::kUnknown;
    default:
      return Family::kUnknown;
  }
}

Emitter::Operand Emitter::ComparisonOperand(const Expr& e, const Expr& other, Affinity applied) {
  Operand op;
  op.family = FamilyOf(e);
  if (applied == Affinity::kNumeric && op.family == Family::kText) {
    if (e.kind == ExprKind::kString) {
      NumericText n = ParseNumericText(std::string_view(e.text).substr(1, e.text.size() - 2));
      if (n.numeric) {
        op.sql = n.integer ? n.text + "::int8" : "'" + n.text + "'::float8";
        op.family = Family::kNumber;
        return op;
      }
    } else {
      op.maybe_number = true;
    }
  }
  if (applied == Affinity::kText && op.family == Family::kNumber &&
      AffinityOf(e) == Affinity::kNone) {
    op.family = Family::kText;
    if (e.kind == ExprKind::kInteger && e.text.find_first_of("xX") == std::string::npos) {
      op.sql = "'" + e.text + "'";
    } else {
      op.sql = "litelift.cast_text(" + Value(e) + ")";
    }
    return op;
  }
  op.sql = Compared(e, other);
  return op;
}

bool Emitter::DiffersInClass(const Expr& l, const Expr& r) {
  Family a = FamilyOf(l), b = FamilyOf(r);
  return a != b && a != Family::kUnknown && a != Family::kNull && b != Family::kUnknown &&
         b != Family::kNull;
}

Affinity CompareAffinity(Affinity left, Affinity right) {
  if (left != Affinity::kNone && right != Affinity::kNone) {
    return left == Affinity::kNumeric || right == Affinity::kNumeric ? Affinity::kNumeric
                                                                     : Affinity::kBlob;
  }
  return left == Affinity::kNone ? right : left;
}

std::string Emitter::ComparisonText(const Expr& l, const Expr& r, const std::string& op,
                                    bool is_form) {
  if (FamilyOf(l) == Family::kAny || FamilyOf(r) == Family::kAny) {
    return StoredComparison(l, r, op, is_form);
  }
  Affinity applied = CompareAffinity(AffinityOf(l), AffinityOf(r));
  Operand a = ComparisonOperand(l, r, applied);
  Operand b = ComparisonOperand(r, l, applied);
  // is_form: op is "=" for IS and "<>" for IS NOT; NULLs compare as values.
  std::string null_case =
      is_form ? "(" + a.sql + " IS NULL) " + (op == "=" ? "=" : "<>") + " (" + b.sql + " IS NULL)"
              : "NULL";
  bool known = a.family != Family::kUnknown && a.family != Family::kNull &&
               b.family != Family::kUnknown && b.family != Family::kNull;
  if (!known || a.family == b.family) {
    // A COLLATE on either side first, then the columns' own, left first.
    std::string collation = l.kind == ExprKind::kCollate   ? CollationOf(l)
                            : r.kind == ExprKind::kCollate ? CollationOf(r)
                            : CollationOf(l).empty()       ? CollationOf(r)
                                                           : CollationOf(l);
    std::string left = Collated(a.sql, collation), right = Collated(b.sql, collation);
    if (is_form) {
      return "(" + left + (op == "=" ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + right +
             ")";
    }
    return "(" + left + " " + op + " " + right + ")";
  }
  std::string ranks =
      "(" + std::to_string(Rank(a.family)) + " " + op + " " + std::to_string(Rank(b.family)) + ")";
  // Literals are never NULL here; the rest may be.
  std::string nulls;
  if (!IsLiteral(l)) nulls = a.sql + " IS NULL";
  if (!IsLiteral(r)) nulls += (nulls.empty() ? "" : " OR ") + b.sql + " IS NULL";
  std::string head = nulls.empty() ? "(CASE" : "(CASE WHEN " + nulls + " THEN " + null_case;
  // A number against text that may read as a number: compare the numbers
  // when it does, else the number is the smaller.
  if (a.family == Family::kNumber && b.maybe_number) {
    std::string n = "litelift.numeric_affinity(" + b.sql + ")";
    return head + " WHEN " + n + " IS NOT NULL THEN " + a.sql + " " + op + " " + n + " ELSE " +
           ranks + " END)";
  }
  if (b.family == Family::kNumber && a.maybe_number) {
    std::string n = "litelift.numeric_affinity(" + a.sql + ")";
    return head + " WHEN " + n + " IS NOT NULL THEN " + n + " " + op + " " + b.sql + " ELSE " +
           ranks + " END)";
  }
  return head + " ELSE " + ranks + " END)";
}

}  // namespace litelift::compat::sql
