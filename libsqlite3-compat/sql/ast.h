// The syntax tree of one SQLite statement, as the parser builds it and the
// rewrite rules and the emitter read it. Names keep the program's spelling
// (SQLite compares them case-insensitively); literals keep their text.

#ifndef LITELIFT_COMPAT_SQL_AST_H_
#define LITELIFT_COMPAT_SQL_AST_H_

#include <memory>
#include <string>
#include <vector>

namespace litelift::compat::sql {

struct Expr;
struct Select;
using ExprPtr = std::unique_ptr<Expr>;
using SelectPtr = std::unique_ptr<Select>;

enum class ExprKind {
  kNull,         // NULL
  kBool,         // TRUE / FALSE (text: "true" or "false")
  kInteger,      // text as written (decimal or 0x hex)
  kFloat,        // text as written
  kString,       // text with its quotes, as written
  kBlob,         // text: the hex digits
  kParam,        // param: SQLite's index
  kColumn,       // [schema.][table.]column
  kCurrentTime,  // CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME (text)
  kUnary,        // text: "-", "+", "~", "NOT"; args[0]
  kBinary,       // text: operator upper-cased ("AND", "=", "||", "->", ...); args[0..1]
  kIs,           // args[0] IS [NOT] args[1] (negated: IS NOT)
  kIsNull,       // args[0] IS NULL / ISNULL (negated: NOT NULL / NOTNULL)
  kLike,         // text: LIKE/GLOB/REGEXP/MATCH; args: value, pattern[, escape]
  kBetween,      // args: value, low, high
  kIn,           // args[0] IN (args[1..]) or IN (select) or IN table (name)
  kExists,       // EXISTS (select)
  kSubquery,     // (select)
  kRow,          // (args...) with two or more
  kFunction,     // text: name; args; distinct; star; filter; over
  kCast,         // CAST(args[0] AS type)
  kCase,         // CASE [operand] WHEN..THEN.. [ELSE] END
  kCollate,      // args[0] COLLATE text
  kRaise,        // RAISE(text[, args[0]])
};

struct OrderTerm {
  ExprPtr expr;
  bool desc = false;
  int nulls = 0;  // 0: not given, 1: NULLS FIRST, 2: NULLS LAST
};

struct WindowSpec {
  std::string base;  // an existing window's name, or ""
  std::vector<ExprPtr> partition;
  std::vector<OrderTerm> order;
  // The frame: keywords as text, expressions (N PRECEDING) in between.
  struct FramePiece {
    std::string word;  // "" when expr is set
    ExprPtr expr;
  };
  std::vector<FramePiece> frame;
};

struct Expr {
  ExprKind kind;
  size_t offset = 0;  // byte offset of its first token in the statement
  std::string text;
  std::string schema, table, column;  // kColumn
  std::string type;                   // kCast: the declared type as written
  int param = 0;
  // kColumn: one name written "x": SQLite reads it as the string 'x' when
  // it names no column in scope (its default DQS build; names.h).
  bool double_quoted = false;
  bool negated = false;   // NOT LIKE, NOT IN, NOT BETWEEN, IS NOT, NOT EXISTS
  bool distinct = false;  // f(DISTINCT x)
  bool star = false;      // count(*)
  std::vector<ExprPtr> args;
  SelectPtr select;            // kIn, kExists, kSubquery
  std::string in_table;        // x IN table
  ExprPtr operand, else_expr;  // kCase
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;
  ExprPtr filter;                    // f(...) FILTER (WHERE ...)
  std::unique_ptr<WindowSpec> over;  // f(...) OVER (...)
  std::string over_name;             // f(...) OVER name

  Expr(ExprKind k, size_t at) : kind(k), offset(at) {}
  // Frees the operands without one recursion per level (a chain of 1000
  // links on a small thread stack).
  ~Expr() {
    std::vector<ExprPtr> pending;
    for (auto& a : args) pending.push_back(std::move(a));
    while (!pending.empty()) {
      ExprPtr e = std::move(pending.back());
      pending.pop_back();
      if (e == nullptr) continue;
      for (auto& a : e->args) pending.push_back(std::move(a));
      e->args.clear();
    }
  }
  Expr(const Expr&) = delete;
  Expr& operator=(const Expr&) = delete;
};

struct ResultColumn {
  ExprPtr expr;            // null for * and t.*
  std::string alias;       // AS alias, or ""
  std::string star_table;  // t.* (with expr null); "" with expr null is *
};

struct TableRef;
// FROM: items joined left to right.
struct JoinSource {
  std::vector<TableRef> items;
};

struct TableRef {
  std::string join;  // "" for the first, else ",", "JOIN", "LEFT JOIN", "CROSS JOIN", ...
  bool natural = false;
  std::string schema, name, alias;
  SelectPtr subquery;                  // (SELECT ...) [AS alias]
  std::unique_ptr<JoinSource> nested;  // (a JOIN b) [AS alias]
  bool is_function = false;            // name(args): a table-valued function
  std::vector<ExprPtr> function_args;
  ExprPtr on;
  std::vector<std::string> using_columns;
};

struct SelectCore {
  bool distinct = false;
  std::vector<ResultColumn> columns;
  std::unique_ptr<JoinSource> from;  // null: no FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  std::vector<std::pair<std::string, WindowSpec>> windows;
  std::vector<std::vector<ExprPtr>> values;  // VALUES (...), (...): the rows
  bool is_values = false;
};

struct CommonTable {
  std::string name;
  std::vector<std::string> columns;
  std::string materialized;  // "", "MATERIALIZED" or "NOT MATERIALIZED"
  SelectPtr select;
};

struct With {
  bool recursive = false;
  std::vector<CommonTable> tables;
};

struct Select {
  std::unique_ptr<With> with;
  std::vector<SelectCore> cores;
  std::vector<std::string> compounds;  // between cores: UNION, UNION ALL, INTERSECT, EXCEPT
  std::vector<OrderTerm> order_by;
  ExprPtr limit, offset;
};

struct SetClause {
  std::vector<std::string> columns;  // one, or (a, b) = (...)
  ExprPtr value;
};

struct Upsert {
  std::vector<OrderTerm> target;  // ON CONFLICT (cols): empty when omitted
  ExprPtr target_where;
  bool do_nothing = false;
  std::vector<SetClause> sets;
  ExprPtr where;
};

// The table a data change names: [schema.]name [AS alias].
struct TargetTable {
  std::string schema, name, alias;
  size_t offset = 0;
};

struct Insert {
  std::unique_ptr<With> with;
  std::string conflict;  // OR REPLACE / IGNORE / ABORT / FAIL / ROLLBACK (upper), or ""
  TargetTable table;
  std::vector<std::string> columns;
  bool default_values = false;
  SelectPtr source;  // VALUES ... or SELECT ...
  std::vector<Upsert> upserts;
  std::vector<ResultColumn> returning;
};

struct Update {
  std::unique_ptr<With> with;
  std::string conflict;
  TargetTable table;
  std::vector<SetClause> sets;
  std::unique_ptr<JoinSource> from;
  ExprPtr where;
  std::vector<ResultColumn> returning;
  std::vector<OrderTerm> order_by;
  ExprPtr limit, offset;
};

struct Delete {
  std::unique_ptr<With> with;
  TargetTable table;
  ExprPtr where;
  std::vector<ResultColumn> returning;
  std::vector<OrderTerm> order_by;
  ExprPtr limit, offset;
};

struct Statement {
  enum class Kind { kSelect, kInsert, kUpdate, kDelete };
  Kind kind = Kind::kSelect;
  SelectPtr select;
  std::unique_ptr<Insert> insert;
  std::unique_ptr<Update> update;
  std::unique_ptr<Delete> del;
};

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_AST_H_
