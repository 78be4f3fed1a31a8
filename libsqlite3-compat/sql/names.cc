#include "libsqlite3-compat/sql/names.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/sql/functions.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

// ---- deep copies ------------------------------------------------------------

namespace {

SelectPtr CloneSelect(const Select& s);

std::vector<ExprPtr> CloneList(const std::vector<ExprPtr>& list) {
  std::vector<ExprPtr> out;
  for (const auto& e : list) out.push_back(e ? CloneExpr(*e) : nullptr);
  return out;
}

ExprPtr CloneOrNull(const ExprPtr& e) { return e ? CloneExpr(*e) : nullptr; }

std::vector<OrderTerm> CloneOrder(const std::vector<OrderTerm>& terms) {
  std::vector<OrderTerm> out;
  for (const auto& t : terms) out.push_back({CloneOrNull(t.expr), t.desc, t.nulls});
  return out;
}

WindowSpec CloneWindow(const WindowSpec& w) {
  WindowSpec out;
  out.base = w.base;
  out.partition = CloneList(w.partition);
  out.order = CloneOrder(w.order);
  for (const auto& piece : w.frame) out.frame.push_back({piece.word, CloneOrNull(piece.expr)});
  return out;
}

std::unique_ptr<JoinSource> CloneJoin(const JoinSource& from) {
  auto out = std::make_unique<JoinSource>();
  for (const TableRef& ref : from.items) {
    TableRef r;
    r.join = ref.join;
    r.natural = ref.natural;
    r.schema = ref.schema;
    r.name = ref.name;
    r.alias = ref.alias;
    if (ref.subquery) r.subquery = CloneSelect(*ref.subquery);
    if (ref.nested) r.nested = CloneJoin(*ref.nested);
    r.is_function = ref.is_function;
    r.function_args = CloneList(ref.function_args);
    r.on = CloneOrNull(ref.on);
    r.using_columns = ref.using_columns;
    out->items.push_back(std::move(r));
  }
  return out;
}

std::vector<ResultColumn> CloneColumns(const std::vector<ResultColumn>& columns) {
  std::vector<ResultColumn> out;
  for (const auto& c : columns) out.push_back({CloneOrNull(c.expr), c.alias, c.star_table});
  return out;
}

SelectPtr CloneSelect(const Select& s) {
  auto out = std::make_unique<Select>();
  if (s.with) {
    out->with = std::make_unique<With>();
    out->with->recursive = s.with->recursive;
    for (const auto& ct : s.with->tables) {
      out->with->tables.push_back(
          {ct.name, ct.columns, ct.materialized, ct.select ? CloneSelect(*ct.select) : nullptr});
    }
  }
  for (const SelectCore& core : s.cores) {
    SelectCore c;
    c.distinct = core.distinct;
    c.columns = CloneColumns(core.columns);
    if (core.from) c.from = CloneJoin(*core.from);
    c.where = CloneOrNull(core.where);
    c.group_by = CloneList(core.group_by);
    c.having = CloneOrNull(core.having);
    for (const auto& [name, w] : core.windows) c.windows.emplace_back(name, CloneWindow(w));
    for (const auto& row : core.values) c.values.push_back(CloneList(row));
    c.is_values = core.is_values;
    out->cores.push_back(std::move(c));
  }
  out->compounds = s.compounds;
  out->order_by = CloneOrder(s.order_by);
  out->limit = CloneOrNull(s.limit);
  out->offset = CloneOrNull(s.offset);
  return out;
}

// One node, with its operands but the first (left null).
ExprPtr CloneNode(const Expr& e) {
  auto out = std::make_unique<Expr>(e.kind, e.offset);
  out->text = e.text;
  out->schema = e.schema;
  out->table = e.table;
  out->column = e.column;
  out->type = e.type;
  out->param = e.param;
  out->double_quoted = e.double_quoted;
  out->negated = e.negated;
  out->distinct = e.distinct;
  out->star = e.star;
  for (size_t i = 0; i < e.args.size(); ++i) {
    out->args.push_back(i == 0 || e.args[i] == nullptr ? nullptr : CloneExpr(*e.args[i]));
  }
  if (e.select) out->select = CloneSelect(*e.select);
  out->in_table = e.in_table;
  out->operand = CloneOrNull(e.operand);
  out->else_expr = CloneOrNull(e.else_expr);
  for (const auto& [when, then] : e.whens) {
    out->whens.emplace_back(CloneOrNull(when), CloneOrNull(then));
  }
  out->filter = CloneOrNull(e.filter);
  if (e.over) out->over = std::make_unique<WindowSpec>(CloneWindow(*e.over));
  out->over_name = e.over_name;
  return out;
}

}  // namespace

// (The first operands are copied in a loop: a left-deep chain 1000 links
// long on a small thread stack.)
ExprPtr CloneExpr(const Expr& e) {
  ExprPtr root = CloneNode(e);
  Expr* to = root.get();
  const Expr* from = &e;
  while (!from->args.empty() && from->args[0] != nullptr) {
    to->args[0] = CloneNode(*from->args[0]);
    to = to->args[0].get();
    from = from->args[0].get();
  }
  return root;
}

// ---- the resolver -----------------------------------------------------------

namespace {

bool SameName(const std::string& a, const std::string& b) { return Lower(a) == Lower(b); }

bool IsRowid(const std::string& name) {
  std::string w = Lower(name);
  return w == "rowid" || w == "oid" || w == "_rowid_";
}

// One table of a FROM clause as names see it.
struct Source {
  bool known = false;  // false: its columns cannot be listed (any name may be one)
  std::vector<std::string> names;
  bool rowid = false;     // rowid, oid and _rowid_ name its rowid
  std::string qualifier;  // the name its columns are qualified by ("" when none)
};

// One query level: its tables and, while its WHERE, GROUP BY, HAVING or
// ORDER BY is resolved, its result columns (whose aliases names may use).
struct Level {
  std::vector<Source> sources;
  const std::vector<ResultColumn>* results = nullptr;
};

// The known columns of WITH's tables: name -> columns (empty optional: unknown).
struct CommonColumns {
  std::string name;
  bool known = false;
  std::vector<std::string> names;
};

// The columns json_each() and json_tree() return.
const char* const kJsonTableColumns[] = {"key",    "value",   "type", "atom", "id",
                                         "parent", "fullkey", "path", "json", "root"};

// The string a double-quoted name stands for, as an SQL literal.
std::string StringLiteral(const std::string& name) { return QuoteLiteral(name); }

class Resolver {
 public:
  explicit Resolver(const TranslateInput& in) : in_(in) {}

  void ResolveStatement(sql::Statement* stmt) {
    switch (stmt->kind) {
      case Statement::Kind::kSelect:
        ResolveSelect(stmt->select.get());
        break;
      case Statement::Kind::kInsert:
        ResolveInsert(stmt->insert.get());
        break;
      case Statement::Kind::kUpdate:
        ResolveUpdate(stmt->update.get());
        break;
      case Statement::Kind::kDelete:
        ResolveDelete(stmt->del.get());
        break;
    }
  }

 private:
  void ResolveInsert(sql::Insert* ins) {
    size_t ctes = ResolveWith(ins->with.get());
    if (ins->source) ResolveSelect(ins->source.get());
    Source target = TableSource(ins->table.schema, ins->table.name);
    Source excluded = target;
    levels_.push_back({{target, excluded}, nullptr});
    for (auto& up : ins->upserts) {
      for (auto& t : up.target) Resolve(&t.expr);
      Resolve(&up.target_where);
      for (auto& s : up.sets) Resolve(&s.value);
      Resolve(&up.where);
    }
    for (auto& c : ins->returning) Resolve(&c.expr);
    levels_.pop_back();
    common_.resize(ctes);
  }

  void ResolveUpdate(sql::Update* up) {
    size_t ctes = ResolveWith(up->with.get());
    Level level;
    level.sources.push_back(TableSource(up->table.schema, up->table.name));
    if (up->from) {
      FromSubqueries(up->from.get());
      Sources(*up->from, &level.sources);
    }
    levels_.push_back(std::move(level));
    for (auto& s : up->sets) Resolve(&s.value);
    Resolve(&up->where);
    for (auto& c : up->returning) Resolve(&c.expr);
    for (auto& t : up->order_by) Resolve(&t.expr);
    levels_.pop_back();
    Resolve(&up->limit);
    Resolve(&up->offset);
    common_.resize(ctes);
  }

  void ResolveDelete(sql::Delete* del) {
    size_t ctes = ResolveWith(del->with.get());
    levels_.push_back({{TableSource(del->table.schema, del->table.name)}, nullptr});
    Resolve(&del->where);
    for (auto& c : del->returning) Resolve(&c.expr);
    for (auto& t : del->order_by) Resolve(&t.expr);
    levels_.pop_back();
    Resolve(&del->limit);
    Resolve(&del->offset);
    common_.resize(ctes);
  }

  // Registers WITH's tables (resolving their queries); returns how many
  // were known before, to forget them after the statement.
  size_t ResolveWith(sql::With* with) {
    size_t before = common_.size();
    if (with == nullptr) return before;
    for (auto& ct : with->tables) {
      CommonColumns cc{ct.name, !ct.columns.empty(), ct.columns};
      // A recursive table's columns come from its first query, which
      // cannot name it.
      if (!cc.known && ct.select) cc.known = ResultNames(*ct.select, &cc.names);
      if (with->recursive) common_.push_back(cc);
      if (ct.select) ResolveSelect(ct.select.get());
      if (!with->recursive) common_.push_back(cc);
    }
    return before;
  }

  void ResolveSelect(sql::Select* s) {
    size_t ctes = ResolveWith(s->with.get());
    for (auto& core : s->cores) ResolveCore(&core);
    if (!s->order_by.empty()) OrderBy(s);
    Resolve(&s->limit);
    Resolve(&s->offset);
    common_.resize(ctes);
  }

  void ResolveCore(SelectCore* core) {
    if (core->is_values) {
      for (auto& row : core->values) {
        for (auto& v : row) Resolve(&v);
      }
      return;
    }
    if (core->from) FromSubqueries(core->from.get());
    Level level;
    if (core->from) Sources(*core->from, &level.sources);
    levels_.push_back(std::move(level));
    if (core->from) Ons(core->from.get());
    for (auto& c : core->columns) Resolve(&c.expr);
    levels_.back().results = &core->columns;
    Resolve(&core->where);
    GroupBy(core);
    Resolve(&core->having);
    for (auto& [name, w] : core->windows) ResolveWindow(&w);
    levels_.pop_back();
  }

  // GROUP BY k is the k-th result column's expression; a name is a column
  // of the tables first, else an alias.
  void GroupBy(SelectCore* core) {
    for (auto& g : core->group_by) {
      const sql::Expr* result = Ordinal(*g, core->columns);
      if (result != nullptr) {
        g = CloneExpr(*result);
        continue;
      }
      Resolve(&g);
    }
  }

  // ORDER BY of one query: a whole term naming an alias is that result
  // column (before a column of the tables), k the k-th; else an expression
  // whose names may be aliases.
  void OrderBy(sql::Select* s) {
    if (s->cores.size() != 1 || s->cores[0].is_values) {
      CompoundOrderBy(s);
      return;
    }
    SelectCore& core = s->cores[0];
    Level level;
    if (core.from) Sources(*core.from, &level.sources);
    level.results = &core.columns;
    levels_.push_back(std::move(level));
    bool stars = std::any_of(core.columns.begin(), core.columns.end(),
                             [](const ResultColumn& c) { return !c.expr; });
    for (auto& t : s->order_by) {
      ExprPtr* term = &t.expr;
      bool collated = (*term)->kind == ExprKind::kCollate;
      if (collated) term = &(*term)->args[0];
      int k = AliasIndex(**term, core.columns);
      if (k > 0) {
        // The server's ordinal is that column exactly (evaluated once, as
        // SQLite), where its position is the program's: no * before it.
        if (!collated && !stars) {
          auto ordinal = std::make_unique<sql::Expr>(ExprKind::kInteger, (*term)->offset);
          ordinal->text = std::to_string(k);
          *term = std::move(ordinal);
        } else {
          *term = CloneExpr(*core.columns[k - 1].expr);
        }
        continue;
      }
      if ((*term)->kind == ExprKind::kInteger) continue;  // an ordinal: the emitter's
      Resolve(term);
    }
    levels_.pop_back();
  }

  // A compound's ORDER BY names its result columns (resolveCompoundOrderBy):
  // each term naming one becomes its ordinal (under its COLLATE), by the
  // first query, from the left, whose alias it is or whose column
  // expression it is.
  void CompoundOrderBy(sql::Select* s) {
    for (const SelectCore& core : s->cores) {
      for (const auto& c : core.columns) {
        if (!c.expr) return;  // * : positions the tables give
      }
    }
    for (auto& t : s->order_by) {
      ExprPtr* term = &t.expr;
      if ((*term)->kind == ExprKind::kCollate) term = &(*term)->args[0];
      if ((*term)->kind != ExprKind::kColumn) continue;
      int k = 0;
      for (const SelectCore& core : s->cores) {
        if (core.is_values) continue;
        k = AliasIndex(**term, core.columns);
        for (size_t i = 0; k == 0 && i < core.columns.size(); ++i) {
          const sql::Expr& c = *core.columns[i].expr;
          if (c.kind == ExprKind::kColumn && SameName(c.column, (*term)->column) &&
              ((*term)->table.empty() || SameName(c.table, (*term)->table))) {
            k = static_cast<int>(i + 1);
          }
        }
        if (k > 0) break;
      }
      if (k == 0) continue;
      auto ordinal = std::make_unique<sql::Expr>(ExprKind::kInteger, (*term)->offset);
      ordinal->text = std::to_string(k);
      *term = std::move(ordinal);
    }
  }

  void ResolveWindow(WindowSpec* w) {
    for (auto& p : w->partition) Resolve(&p);
    for (auto& t : w->order) Resolve(&t.expr);
    for (auto& piece : w->frame) Resolve(&piece.expr);
  }

  // The k-th result column's expression when e is the integer k (1-based).
  static const sql::Expr* Ordinal(const sql::Expr& e, const std::vector<ResultColumn>& columns) {
    if (e.kind != ExprKind::kInteger) return nullptr;
    long long k = std::strtoll(e.text.c_str(), nullptr, 10);
    if (k < 1 || static_cast<size_t>(k) > columns.size()) return nullptr;
    return columns[k - 1].expr.get();
  }

  // 1 + the index of the result column whose alias e names (an unqualified
  // name), else 0.
  static int AliasIndex(const sql::Expr& e, const std::vector<ResultColumn>& columns) {
    if (e.kind != ExprKind::kColumn || !e.table.empty()) return 0;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].expr && !columns[i].alias.empty() && SameName(columns[i].alias, e.column)) {
        return static_cast<int>(i + 1);
      }
    }
    return 0;
  }

  // The subqueries and table functions of FROM see the enclosing queries,
  // not this one's tables.
  void FromSubqueries(JoinSource* from) {
    for (auto& ref : from->items) {
      if (ref.subquery) ResolveSelect(ref.subquery.get());
      if (ref.nested) FromSubqueries(ref.nested.get());
      for (auto& a : ref.function_args) Resolve(&a);
    }
  }

  void Ons(JoinSource* from) {
    for (auto& ref : from->items) {
      if (ref.nested) Ons(ref.nested.get());
      Resolve(&ref.on);
    }
  }

  Source TableSource(const std::string& schema, const std::string& name) {
    Source s;
    if (schema.empty()) {
      for (auto it = common_.rbegin(); it != common_.rend(); ++it) {
        if (!SameName(it->name, name)) continue;
        s.known = it->known;
        s.names = it->names;
        return s;
      }
    }
    const TableShape* shape = in_.table ? in_.table(ShapeKey(schema, name)) : nullptr;
    if (shape == nullptr) return s;
    s.known = true;
    s.names = shape->columns;
    s.rowid = !shape->without_rowid;
    return s;
  }

  void Sources(const JoinSource& from, std::vector<Source>* out) {
    for (const auto& ref : from.items) {
      if (ref.nested) {
        Sources(*ref.nested, out);
      } else if (ref.subquery) {
        Source s;
        s.known = ResultNames(*ref.subquery, &s.names);
        s.qualifier = ref.alias;
        out->push_back(std::move(s));
      } else if (ref.is_function) {
        Source s;
        std::string n = Lower(ref.name);
        s.known = n == "json_each" || n == "json_tree";
        if (s.known) s.names.assign(std::begin(kJsonTableColumns), std::end(kJsonTableColumns));
        s.qualifier = ref.alias.empty() ? ref.name : ref.alias;
        out->push_back(std::move(s));
      } else {
        out->push_back(TableSource(ref.schema, ref.name));
        out->back().qualifier = ref.alias.empty() ? ref.name : ref.alias;
      }
    }
  }

  // The names of a query's result columns (its first query's); false when
  // a * over tables it cannot list hides them.
  bool ResultNames(const sql::Select& s, std::vector<std::string>* names) {
    if (s.cores.empty()) return false;
    const SelectCore& core = s.cores[0];
    if (core.is_values) {
      size_t n = core.values.empty() ? 0 : core.values[0].size();
      for (size_t i = 0; i < n; ++i) names->push_back("column" + std::to_string(i + 1));
      return true;
    }
    std::vector<Source> sources;
    if (core.from) Sources(*core.from, &sources);
    for (const auto& c : core.columns) {
      if (!c.expr) {
        // * (or t.*, taken as all: a name it lists is still a column).
        for (const auto& src : sources) {
          if (!src.known) return false;
          names->insert(names->end(), src.names.begin(), src.names.end());
        }
      } else if (!c.alias.empty()) {
        names->push_back(c.alias);
      } else if (c.expr->kind == ExprKind::kColumn) {
        names->push_back(c.expr->column);
      }
      // Other expressions are named by their text, which no one writes.
    }
    return true;
  }

  // Whether an unqualified name is a column of the source.
  static bool Names(const Source& s, const std::string& name) {
    if (s.rowid && IsRowid(name)) return true;
    return std::any_of(s.names.begin(), s.names.end(),
                       [&](const std::string& n) { return SameName(n, name); });
  }

  // Resolves the names of an expression (and its subqueries) in place.
  // (The first operand is followed in a loop: a left-deep chain 1000 links
  // long, a + 1 + 1 ..., on a small thread stack.)
  void Resolve(ExprPtr* slot) {
    while (*slot != nullptr) {
      sql::Expr& e = **slot;
      if (e.kind == ExprKind::kColumn) {
        ResolveColumn(slot);
        return;
      }
      for (size_t i = 1; i < e.args.size(); ++i) Resolve(&e.args[i]);
      if (e.select) ResolveSelect(e.select.get());
      Resolve(&e.operand);
      Resolve(&e.else_expr);
      for (auto& [when, then] : e.whens) {
        Resolve(&when);
        Resolve(&then);
      }
      Resolve(&e.filter);
      if (e.over) ResolveWindow(e.over.get());
      if (e.args.empty()) return;
      slot = &e.args[0];
    }
  }

  // SQLite's lookupName for an unqualified name: each level from the
  // innermost, its tables' columns and then its aliases; at the end a
  // double-quoted name is a string.
  void ResolveColumn(ExprPtr* slot) {
    const sql::Expr& e = **slot;
    if (!e.table.empty()) return;
    for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) {
      bool unknown = false;
      for (const Source& s : level->sources) {
        if (!s.known) {
          unknown = true;
        } else if (Names(s, e.column)) {
          return;
        }
      }
      if (unknown) return;  // perhaps a column of a source it cannot list
      if (level->results != nullptr) {
        int k = AliasIndex(e, *level->results);
        if (k == 0) continue;
        if (level == levels_.rbegin()) {
          *slot = CloneExpr(*(*level->results)[k - 1].expr);
        } else if (ExprPtr outer = OuterAlias(*(*level->results)[k - 1].expr, level)) {
          *slot = std::move(outer);
        }
        return;
      }
    }
    if (!e.double_quoted) return;
    auto literal = std::make_unique<sql::Expr>(ExprKind::kString, e.offset);
    literal->text = StringLiteral(e.column);
    *slot = std::move(literal);
  }

  // An outer query's aliased expression as a subquery of it names it
  // (SQLite binds its columns to the outer tables): a copy whose columns
  // are qualified by their outer tables; null where that cannot be written
  // (a subquery between uses the qualifier, the expression aggregates or
  // holds a subquery, a column of a source without a name).
  ExprPtr OuterAlias(const sql::Expr& aliased, std::vector<Level>::reverse_iterator level) {
    ExprPtr copy = CloneExpr(aliased);
    std::vector<sql::Expr*> todo = {copy.get()};
    while (!todo.empty()) {
      sql::Expr* x = todo.back();
      todo.pop_back();
      if (x == nullptr) continue;
      if (x->select || x->over || !x->over_name.empty() ||
          (x->kind == ExprKind::kFunction && IsAggregateFunction(Lower(x->text), x->args.size()))) {
        return nullptr;
      }
      if (x->kind == ExprKind::kColumn) {
        std::string q = x->table;
        if (q.empty()) {
          for (const Source& s : level->sources) {
            if (s.known && Names(s, x->column)) {
              q = s.qualifier;
              break;
            }
          }
        }
        if (q.empty() || !x->schema.empty()) return nullptr;
        for (auto inner = levels_.rbegin(); inner != level; ++inner) {
          for (const Source& s : inner->sources) {
            if (SameName(s.qualifier, q)) return nullptr;
          }
        }
        x->table = q;
        continue;
      }
      for (auto& [when, then] : x->whens) {
        todo.push_back(when.get());
        todo.push_back(then.get());
      }
      todo.push_back(x->else_expr.get());
      todo.push_back(x->operand.get());
      todo.push_back(x->filter.get());
      for (auto& a : x->args) todo.push_back(a.get());
    }
    return copy;
  }

  const TranslateInput& in_;
  std::vector<Level> levels_;
  std::vector<CommonColumns> common_;
};

}  // namespace

void ResolveNames(const TranslateInput& in, Statement* stmt) {
  Resolver r(in);
  r.ResolveStatement(stmt);
}

}  // namespace litelift::compat::sql
