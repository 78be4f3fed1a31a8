// The translator's emitter: writes a parsed SQLite tree as PostgreSQL text,
// applying the rewrite rules (one small function per SQLite-ism) on the
// way. Names are folded to lower case and quoted (the server holds them so),
// parameters become $<SQLite index>, every operator is parenthesised so that
// SQLite's precedence survives PostgreSQL's.

#ifndef LITELIFT_COMPAT_SQL_EMIT_H_
#define LITELIFT_COMPAT_SQL_EMIT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "libsqlite3-compat/sql/ast.h"
#include "libsqlite3-compat/sql/translate.h"

namespace litelift::compat::sql {

// A server identifier for an SQLite name: folded to lower case, mapped to
// the server's name when longer than it allows (ServerName), and quoted.
std::string Ident(std::string_view name);

// Whether an SQLite name is the rowid's: rowid, oid or _rowid_.
bool IsRowidName(std::string_view name);

// SQLite's affinities, as comparisons apply them (NUMERIC stands for
// INTEGER, REAL and NUMERIC alike; BLOB is a column's "no affinity").
enum class Affinity { kNone, kBlob, kText, kNumeric };
// The storage class an expression has on the server, where its type fixes
// it.
// kAny: an untyped column, whatever was stored (jsonb on the server).
enum class Family { kUnknown, kNull, kNumber, kText, kBlob, kAny };
// The storage class of every value of an expression, where the server's
// type fixes it (finer than Family: INTEGER and REAL apart). kNumeric: a
// NUMERIC column or cast, an integer or a real by the row.
enum class StaticClass { kUnknown, kNull, kInteger, kReal, kNumeric, kText, kBlob, kAny };

// The affinity SQLite applies to both operands of a comparison.
Affinity CompareAffinity(Affinity left, Affinity right);

// Text read by NUMERIC affinity: whether it is a number, its text without
// surrounding space or '+', and whether it is a 64-bit integer.
struct NumericText {
  bool numeric = false;
  bool integer = false;
  std::string text;
};
NumericText ParseNumericText(std::string_view text);

// A value compared under an SQLite collation: NOCASE folds ASCII case, RTRIM
// ignores trailing spaces, BINARY is the server's C collation already.
std::string Collated(const std::string& value, const std::string& collation);

// value_sql as a column of column_type stores it: an untyped (jsonb)
// column's stored value, a NUMERIC column's whole values without a
// fraction, an INTEGER column's whole values (others fail rather than
// round), the rowid's whole values (else SQLite's "datatype mismatch";
// server/any_value.h); else unchanged.
std::string StoredValueSql(const std::string& value_sql, const std::string& column_type);

// The text of an SQL string token ('it''s' -> it's).
std::string UnquotedString(std::string_view token);

class Emitter {
 public:
  explicit Emitter(const TranslateInput& in) : in_(in) {
    // A trigger's statements may name the row it fires for as NEW and OLD.
    if (in.in_trigger) {
      scopes_.push_back({{"new", in.trigger_table}, {"old", in.trigger_table}});
    }
  }

  // A whole query.
  std::string SelectText(const Select& select);
  // The statement's own query (not a subquery, not INSERT's source): its
  // dynamically typed result columns get their class sent alongside.
  std::string TopSelectText(const Select& select) {
    classify_top_ = true;
    top_query_ = true;
    if (select.cores.size() == 1 && !select.with) {
      planned_core_ = &select.cores[0];
      planned_order_ = &select.order_by;
    }
    return SelectText(select);
  }
  const std::vector<int>& classed_columns() const { return classed_columns_; }
  // An expression used as a value (conditions become 0/1).
  std::string Value(const Expr& e);
  // An expression used as a condition (values are true when non-zero).
  std::string Condition(const Expr& e);
  // A select list or RETURNING list; from: the tables * stands for (or null).
  std::string ResultColumns(const std::vector<ResultColumn>& columns, const JoinSource* from);
  std::string WithText(const With& with);
  std::string JoinText(const JoinSource& from);
  // "ORDER BY ..." with SQLite's NULL order; " LIMIT ... OFFSET ..." with
  // SQLite's meaning of negative values.
  std::string OrderText(const std::vector<OrderTerm>& terms);
  std::string LimitText(const Expr* limit, const Expr* offset);

  // The tables whose columns the expressions that follow may name (the
  // FROM of a query, the table of an UPDATE or DELETE): innermost last.
  struct ScopeItem {
    std::string qualifier;    // alias or table name
    const TableShape* shape;  // null: a subquery or an unknown table
    bool json_table = false;  // json_each() or json_tree()
  };
  void PushScope(std::vector<ScopeItem> items) { scopes_.push_back(std::move(items)); }
  void PopScope() { scopes_.pop_back(); }
  std::vector<ScopeItem> ScopeOf(const JoinSource& from);
  // Qualifies unqualified column names of the current scope (not of the
  // subqueries within it) with qualifier; "" stops.
  void QualifyBareColumns(const std::string& qualifier) {
    bare_qualifier_ = qualifier;
    bare_depth_ = scopes_.size();
  }

  // The server types of the columns the statement's VALUES rows go into
  // (an INSERT's): each value is written by ValueFor. Empty: none.
  void StoreValuesAs(std::vector<std::string> types) { values_types_ = std::move(types); }

  // Untyped columns (untyped.cc): e as a number, as text, as a stored value
  // (jsonb), each unchanged when e is not an untyped column (AsStored: made
  // one).
  // Numeric: text (an untyped column's or a TEXT value's) as SQLite reads
  // it in arithmetic: the leading number, an integer or a real (0 when
  // none).
  std::string Numeric(const Expr& e);
  std::string AsText(const Expr& e);
  std::string AsStored(const Expr& e);
  // Whether the server computes e as a bigint (an integer literal, an
  // INTEGER column, integer arithmetic of those).
  bool IsStaticInteger(const Expr& e);
  // e as the new value of a column of column_type (StoredValueSql).
  std::string ValueFor(const Expr& e, const std::string& column_type);
  // e as an ORDER BY term: an untyped column sorts by litelift.any_key.
  std::string SortKey(const Expr& e);

  const std::string& error() const { return error_; }
  void Fail(const std::string& message) {
    if (error_.empty()) error_ = message;
  }
  const std::vector<int>& parameters() const { return parameters_; }
  const std::vector<std::string>& state_parameters() const { return state_parameters_; }

 private:
  // SQLite's bare columns in an aggregate query: a column neither grouped
  // nor inside an aggregate takes its value from one row of the group (the
  // row of the min() or max(), when the query has exactly one).
  struct BareColumns {
    bool active = false;               // the query aggregates
    size_t depth = 0;                  // the query's scope depth
    std::vector<std::string> grouped;  // GROUP BY terms, as emitted
    std::string order;                 // " ORDER BY x DESC NULLS LAST" for max(x)
    // " ORDER BY <group terms>": SQLite's order of the groups (it sorts
    // them by their keys), for a query that gives no ORDER BY.
    std::string group_order;
    // The rest of SQLite's order, where its plan fixes it: a window's
    // (WindowOrder); a DISTINCT core's, its rows in the order they first
    // appear ("min(<scan key>)", after CoreText's GROUP BY); a plain
    // core's scan keys, which break ties under its ORDER BY.
    std::string window_order;
    std::string distinct_order;
    std::string ties;
    std::vector<std::string> group_keys;  // GroupKeys
    // PlannedGroupOrder's terms, which replace group_order's and break
    // ties under an ORDER BY as they are.
    std::string planned_groups;
  };
  std::string Raw(const Expr& e);  // its own form: condition or value
  std::string Column(const Expr& e);
  // The server type of a column of the tables in scope ("" when unknown).
  std::string ServerTypeOf(const Expr& e);
  // e as an operand of a comparison with other, by SQLite's affinity rules.
  std::string Compared(const Expr& e, const Expr& other);
  // (l op r) with SQLite's affinities and its order of storage classes
  // (compare.cc); op is a comparison operator; is_form: IS ("=") or IS NOT
  // ("<>"), where NULLs compare as values.
  std::string ComparisonText(const Expr& l, const Expr& r, const std::string& op, bool is_form);
  struct Operand {
    std::string sql;
    Family family = Family::kUnknown;
    bool maybe_number = false;  // text that compares as a number when it reads as one
  };
  // Whether the server holds l and r in different classes (a comparison
  // of them must be written out).
  bool DiffersInClass(const Expr& l, const Expr& r);

  // A call's arguments, untyped columns converted as the function wants;
  // stored: set when the arguments a function returns one of became stored
  // values (jsonb).
  std::vector<std::string> FunctionArgs(const Expr& call, bool* stored);
  // The class every value of e has, where the server's type fixes it.
  StaticClass ClassFact(const Expr& e);
  // Whether SQLite's values chosen among results are of classes one server
  // type cannot keep apart (an untyped column, text and an integer, an
  // integer and a real, ...): then each becomes a stored value (jsonb),
  // which keeps its own class per row.
  bool MixesClasses(const std::vector<const Expr*>& results);
  // sum, avg or total of DISTINCT text: distinct as text, summed as numbers.
  std::string DistinctTextSum(const Expr& e);
  static bool MixedClasses(const std::vector<StaticClass>& classes);
  // The values a CASE or a function returning one of its arguments
  // chooses among (empty for other expressions).
  std::vector<const Expr*> ResultsOf(const Expr& e);
  // e as a numeric operand of / or (remainder) % (litelift.num_div,
  // num_mod): a real keeps a fraction, so that it never divides as an
  // integer.
  std::string DivisionOperand(const Expr& e, bool remainder);
  // (l op r) where one side is an untyped column.
  std::string StoredComparison(const Expr& l, const Expr& r, const std::string& op, bool is_form);
  Operand ComparisonOperand(const Expr& e, const Expr& other, Affinity applied);
  Affinity AffinityOf(const Expr& e);
  Family FamilyOf(const Expr& e);
  // The table in scope a column belongs to (null when none), and the
  // column's index in it.
  const TableShape* ColumnOf(const Expr& e, size_t* index);
  // The collation an operand asks for: its COLLATE, else its column's
  // declared one ("" for none).
  std::string CollationOf(const Expr& e);
  // The declared type of a column of the tables in scope; found: whether
  // the column is one.
  std::string DeclaredTypeOf(const Expr& e, bool* found);
  std::string Literal(const Expr& e);
  std::string BinaryText(const Expr& e);
  // A chain link's text (emit.cc's Link) around its left operand's text.
  std::string LinkText(const Expr& e, const std::string& left);
  std::string LikeText(const Expr& e);
  std::string InText(const Expr& e);
  std::string FunctionText(const Expr& e);
  std::string CastText(const Expr& e);
  std::string CaseText(const Expr& e);
  std::string WindowText(const WindowSpec& w);
  // bare: set to the core's bare-column context (for the query's ORDER BY).
  std::string CoreText(const SelectCore& core, BareColumns* bare);
  std::string StarText(const ResultColumn& col, const std::vector<ScopeItem>& scope,
                       const JoinSource* from, bool* expanded);
  const TableShape* FindShape(const std::string& qualifier, const std::string& column);

  const TranslateInput& in_;
  std::vector<std::vector<ScopeItem>> scopes_;
  std::vector<int> parameters_;
  std::vector<std::string> state_parameters_;
  // The SQL giving an expression's storage class when PostgreSQL's type
  // cannot ("" for the others).
  std::string ClassOf(const Expr& e);
  // An argument in the place of a JSON value (json_array's, json_set's, ...).
  std::string JsonValue(const Expr& e);
  // The json_each()/json_tree() in scope a column belongs to, or null.
  const ScopeItem* JsonTableOf(const Expr& e);
  // While emitting the subquery of a numeric x IN (SELECT value FROM
  // json_each(...)): the type its json values become, and its depth.
  std::string json_value_type_;
  int json_value_depth_ = 0;
  bool classify_top_ = false;
  bool top_query_ = false;  // emitting the statement's own query (whose rows the program reads)
  bool classify_core_ = false;
  std::string SelectBody(const Select& select, bool classify);
  // SQLite reads a table without an index in rowid order (a WITHOUT ROWID
  // table in key order), and programs come to rely on it: for a plain
  // single-table query without ORDER BY, " ORDER BY <that>" (else "").
  std::string ScanOrder(const Select& select);
  // " ORDER BY k1 NULLS FIRST, ..." over the GROUP BY terms of a core, in
  // SQLite's order of keys (storage class, then the term's collation);
  // "" when every term is a constant.
  std::string GroupOrder(const SelectCore& core);
  // The sort keys of GroupOrder, without direction.
  std::vector<std::string> GroupKeys(const SelectCore& core);
  // The key SQLite reads a core's only table in (its rowid; a WITHOUT
  // ROWID table's primary key), as emitted terms, where its plan is sure to
  // read so: a table without indexes (with one, the plan may scan the
  // index instead). Empty when unsure.
  // plan: for the statement's own query with indexes, the keys its plan
  // reads in (PlanKeys; asked of the shadow once, so only where the order
  // shows), else as without indexes.
  std::vector<std::string> ScanKeys(const SelectCore& core, bool plan = true);
  // ScanKeys of one table of a FROM (empty for a subquery, a function, a
  // table with indexes or UNIQUE keys).
  std::vector<std::string> RefScanKeys(const TableRef& ref);
  // Plan order (plan_order.cc). Whether a table of the core's FROM has an
  // index SQLite's plan may walk.
  bool HasIndexedTable(const SelectCore& core);
  // The statement's own query's scan keys as SQLite's plan (in.plan)
  // reads its tables, each loop's b-tree key in plan order (index columns
  // as "<collated sort key> [DESC] NULLS FIRST|LAST"); empty when the
  // plan is unknown, or leaves the order unsure (an ORDER BY the loops may
  // walk backwards, an automatic or expression index, MULTI-INDEX OR).
  std::vector<std::string> PlanKeys(const SelectCore& core);
  // PlanKeys' reading of the plan, done once (plan_keys_).
  std::vector<std::string> ReadPlanKeys(const SelectCore& core);
  bool plan_keys_done_ = false;
  std::vector<std::string> plan_keys_;
  // The keys of one loop of the plan over ref; rest: its line after the
  // table's name (" USING INDEX i (a=?)"). Empty when unsure.
  // *names: each key's column (lower case; "rowid"; "" for a key under
  // another collation than its column's).
  std::vector<std::string> LoopKeys(const TableRef& ref, const std::string& rest,
                                    std::vector<std::string>* names);
  // The order of a DISTINCT's rows (a GROUP BY of its columns) as the
  // scan first met them: min(key) for one key, else each key of the first
  // row (array_agg in scan order), in its direction.
  std::string FirstMetOrder(const std::vector<std::string>& scan);
  // A table's row order: its rowid, a WITHOUT ROWID table's primary key.
  std::vector<std::string> RowKeys(const TableRef& ref, const TableShape& shape,
                                   std::vector<std::string>* names);
  // A key in the other direction (an index walked backwards).
  static std::string Reversed(const std::string& key);
  // Whether the plan PlanKeys read sorts the groups (a temporary b-tree for
  // GROUP BY): else they come in its loops' order.
  bool plan_sorts_groups_ = true;
  // The column of each key PlanKeys gave (LoopKeys' names).
  std::vector<std::string> plan_key_names_;
  // For a grouped query whose plan walks an index for its GROUP BY (no
  // temporary b-tree), the groups' order: its GROUP BY columns by their
  // place and direction in the plan's keys; "" when unsure.
  std::string PlannedGroupOrder(const SelectCore& core, const std::vector<std::string>& scan);
  // The core whose plan in.plan gives (the statement's single query), its
  // ORDER BY, and the plan once asked.
  const SelectCore* planned_core_ = nullptr;
  const std::vector<OrderTerm>* planned_order_ = nullptr;
  bool plan_loaded_ = false;
  std::vector<PlanLine> plan_;
  // A join of two tables whose order SQLite's plan fixes (a CROSS JOIN, a
  // LEFT JOIN without WHERE, both tables without indexes, no equality that
  // could build an automatic index): " ORDER BY
  // <outer's scan keys>, <inner's>"; else "".
  std::string JoinScanOrder(const SelectCore& core);
  // A top-level compound's columns whose queries give values of classes
  // one server type cannot hold together (1 UNION 'a'): those become
  // stored values (jsonb), each row keeping its class. Empty when none.
  std::vector<bool> CompoundStored(const Select& select);
  // A compound's ORDER BY (the names binder made its terms ordinals),
  // appended to *body; returns what goes before the compound when it is
  // sorted as a subquery (by a collation or a stored value's order).
  std::string CompoundOrder(const Select& select, const std::vector<OrderTerm>& terms,
                            const std::vector<bool>& stored, std::string* body);
  // SQLite returns a compound whose last operator is UNION, EXCEPT or
  // INTERSECT from the temporary b-tree it deduplicated in: sorted by all
  // its columns (each under its collation, storage classes in SQLite's
  // order). Those terms (ordinals 1..n) for such a compound, else empty.
  std::vector<OrderTerm> CompoundRowOrder(const Select& select);
  // Whether a query returns at most one row: an aggregate without GROUP
  // BY, no FROM, or a WHERE that pins a key (PinsOneRow). Then its rows
  // have no order to keep.
  bool AtMostOneRow(const Select& select);
  // Whether a core's WHERE fixes every column of its only table's rowid,
  // PRIMARY KEY or a UNIQUE key to a literal or a parameter (a conjunct
  // "key = value"): at most one row matches.
  bool PinsOneRow(const SelectCore& core);
  // A UNION (its last operator; the others UNION or UNION ALL) with a
  // column under NOCASE or RTRIM (the leftmost query's collation that is
  // given): the keys SQLite's temporary b-tree deduplicates it by, over
  // columns named litelift_union.c1, ...; else empty (compound_dedupe.cc).
  std::vector<std::string> UnionDedupeKeys(const Select& select, const std::vector<bool>& stored);
  // body (the queries as a UNION ALL, each row ending with its query's
  // number and its place there) with only the last of each key's rows,
  // sorted by the keys, as a query of the compound's columns.
  std::string UnionDedupe(const std::vector<std::string>& keys, const std::string& body);
  // Set for the next core: its number in such a UNION (its rows get it and
  // their place as two more columns); 0 for none.
  int union_part_ = 0;
  // CompoundStored's columns, while the cores are emitted.
  std::vector<bool> stored_columns_;
  // Set for the next core (the only one of a query without ORDER BY): a
  // DISTINCT of its groups may be wrapped to keep SQLite's order.
  bool distinct_groups_next_ = false;
  // Set for the next query: a scalar subquery (SQLite's value is its first
  // row, in its order: LIMIT 1 and that order are added), or the query of
  // an EXISTS (no order is observable: none is added).
  bool scalar_next_ = false;
  bool exists_next_ = false;
  // " ORDER BY <partition>, <order>, <scan keys>" of a core whose window
  // functions share one window: SQLite returns the rows in the order it
  // sorted them for it. "" when none or several.
  std::string WindowOrder(const SelectCore& core);
  // While emitting a core's select list and HAVING: " ORDER BY <scan
  // keys>", the order SQLite feeds rows to an aggregate (group_concat's
  // elements), or "".
  std::string aggregate_order_;
  // While emitting a plain core: its scan keys, joined (or ""); while
  // emitting the window of a numbering function (row_number, ntile, lag,
  // lead) or a ROWS frame: those, which its ORDER BY ends with.
  std::string scan_keys_;
  std::string window_scan_order_;
  int select_depth_ = 0;
  std::vector<int> classed_columns_;
  std::string error_;
  // Names for the unnamed subqueries of FROM (PostgreSQL 15 wants them).
  std::string SubqueryAlias(const TableRef& ref);
  std::map<const TableRef*, std::string> subquery_aliases_;
  std::string bare_qualifier_;
  size_t bare_depth_ = 0;
  BareColumns AggregateContext(const SelectCore& core);
  // A DISTINCT core sent as a GROUP BY of its columns over a table read in
  // scan_key order: SQLite sorts each distinct row by the ORDER BY terms
  // of the row where its scan first met it, so a column the ORDER BY names
  // outside the result is that row's (array_agg in scan order)[1].
  void DistinctOrderColumns(const SelectCore& core, const std::string& scan_key, BareColumns* bare);
  // A GROUP BY term: an integer is the server's ordinal, other literals
  // are typed (PostgreSQL refuses them bare).
  std::string GroupTerm(const Expr& g);
  const BareColumns* bare_ = nullptr;  // while emitting a select list or HAVING
  int aggregate_depth_ = 0;
  std::vector<std::string> values_types_;
  // While writing a query's ORDER BY: its select list, and the expression
  // a term names by position or alias (null when none).
  const std::vector<ResultColumn>* order_columns_ = nullptr;
  const Expr* ResultColumnNamed(const Expr& term);
};

// Whether an expression is a condition in PostgreSQL (a boolean), rather
// than a value.
bool IsCondition(const Expr& e);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_EMIT_H_
