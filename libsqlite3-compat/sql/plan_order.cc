// The order SQLite's plan reads a query's tables in, where they have
// indexes: the plan SQLite chooses (the shadow's EXPLAIN QUERY PLAN, same
// schema, no statistics) names, for each loop of the join, the b-tree it
// walks. Rows come in that b-tree's key order: the rowid (or a WITHOUT
// ROWID table's primary key) for a scan or a rowid search, the index's
// columns (under their collations and directions) then the rowid for an
// index. Programs see it in group_concat's elements, ties, DISTINCT.

#include <algorithm>

#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

namespace {

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A plan line of the statement's own query that leaves the loops' order
// as it is: a temporary b-tree for GROUP BY or DISTINCT, a subquery's
// heading (its loops are its children), a Bloom filter.
bool KeepsLoopOrder(const std::string& detail) {
  return (StartsWith(detail, "USE TEMP B-TREE FOR ") &&
          detail != "USE TEMP B-TREE FOR ORDER BY") ||
         detail.find("SUBQUERY") != std::string::npos || StartsWith(detail, "BLOOM FILTER ON ");
}

std::string JoinTerms(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace

bool Emitter::HasIndexedTable(const SelectCore& core) {
  if (!core.from || !in_.table) return false;
  for (const TableRef& ref : core.from->items) {
    if (ref.subquery || ref.nested || ref.is_function) continue;
    const TableShape* shape = in_.table(ShapeKey(ref.schema, ref.name));
    if (shape != nullptr && (shape->indexed || !shape->unique_keys.empty())) return true;
  }
  return false;
}

std::vector<std::string> Emitter::PlanKeys(const SelectCore& core) {
  if (&core != planned_core_ || !in_.plan || !in_.index_key || !core.from) return {};
  if (!plan_keys_done_) {
    plan_keys_ = ReadPlanKeys(core);
    plan_keys_done_ = true;
  }
  return plan_keys_;
}

std::vector<std::string> Emitter::ReadPlanKeys(const SelectCore& core) {
  for (const TableRef& ref : core.from->items) {
    if (ref.subquery || ref.nested || ref.is_function) return {};
    if (ref.join.find("RIGHT") != std::string::npos || ref.join.find("FULL") != std::string::npos) {
      return {};
    }
  }
  if (!plan_loaded_) {
    plan_ = in_.plan();
    plan_loaded_ = true;
  }
  std::vector<const PlanLine*> loops;
  bool sorted = false;
  plan_sorts_groups_ = false;
  for (const PlanLine& line : plan_) {
    if (line.parent != 0) continue;
    if (StartsWith(line.detail, "SCAN ") || StartsWith(line.detail, "SEARCH ")) {
      loops.push_back(&line);
    } else if (line.detail == "USE TEMP B-TREE FOR ORDER BY") {
      sorted = true;
    } else if (!KeepsLoopOrder(line.detail)) {
      return {};  // MULTI-INDEX OR, a co-routine, a partly sorted ORDER BY, ...
    }
    plan_sorts_groups_ = plan_sorts_groups_ || line.detail == "USE TEMP B-TREE FOR GROUP BY";
  }
  if (loops.empty() || loops.size() != core.from->items.size()) return {};
  std::vector<bool> used(core.from->items.size(), false);
  std::vector<std::string> keys, first_names;
  plan_key_names_.clear();
  const TableRef* first = nullptr;
  for (const PlanLine* loop : loops) {
    size_t k = 0;
    std::string rest;
    for (; k < core.from->items.size(); ++k) {
      const TableRef& ref = core.from->items[k];
      std::string verb = StartsWith(loop->detail, "SCAN ") ? "SCAN " : "SEARCH ";
      std::string head = Lower(verb + (ref.alias.empty() ? ref.name : ref.alias));
      if (used[k] || Lower(loop->detail.substr(0, head.size())) != head) continue;
      rest = loop->detail.substr(head.size());
      if (rest.empty() || rest[0] == ' ') break;
    }
    if (k == core.from->items.size()) return {};
    used[k] = true;
    std::vector<std::string> names;
    std::vector<std::string> more = LoopKeys(core.from->items[k], rest, &names);
    if (more.empty()) return {};
    if (first == nullptr) {
      first = &core.from->items[k];
      first_names = names;
    }
    plan_key_names_.insert(plan_key_names_.end(), names.begin(), names.end());
    keys.insert(keys.end(), more.begin(), more.end());
  }
  if (sorted || planned_order_ == nullptr || planned_order_->empty()) return keys;
  // An ORDER BY the loops give (no sort): SQLite walks the outer loop
  // backwards when the first term's direction is not its key column's
  // (the plan does not say which); sure only of a term naming a key column
  // of the outer table, and in a join of terms naming only its columns
  // (the inner loops then run forwards) and no walk backwards.
  std::string outer = Lower(first->alias.empty() ? first->name : first->alias);
  for (const OrderTerm& t : *planned_order_) {
    const Expr* c = t.expr.get();
    if (c->kind != ExprKind::kColumn) return {};
    if (c->table.empty() ? loops.size() != 1 : Lower(c->table) != outer) return {};
  }
  const OrderTerm& term = planned_order_->front();
  const Expr* e = term.expr.get();
  const TableShape* shape = in_.table(ShapeKey(first->schema, first->name));
  std::string name = Lower(e->column);
  if (shape != nullptr && !shape->hidden_rowid && name == Lower(shape->rowid_column)) name = "rowid";
  if (IsRowidName(name) && shape != nullptr &&
      std::none_of(shape->columns.begin(), shape->columns.end(),
                   [&](const std::string& c) { return Lower(c) == name; })) {
    name = "rowid";
  }
  for (size_t i = 0; i < first_names.size(); ++i) {
    if (first_names[i] != name) continue;
    bool key_desc = keys[i].find(" DESC") != std::string::npos;
    if (key_desc == term.desc) return keys;
    if (loops.size() != 1) return {};
    for (std::string& key : keys) key = Reversed(key);
    return keys;
  }
  return {};
}

std::string Emitter::PlannedGroupOrder(const SelectCore& core, const std::vector<std::string>& scan) {
  if (plan_sorts_groups_ || scan.size() != plan_key_names_.size() || core.from->items.size() != 1) {
    return "";
  }
  // The groups come as the index walked gives them: by its columns, in
  // its order and directions (whatever the GROUP BY's order of terms).
  std::vector<std::pair<size_t, std::string>> terms;
  for (const auto& g : core.group_by) {
    if (g->kind != ExprKind::kColumn) return "";
    std::string name = Lower(g->column);
    size_t i = 0;
    while (i < plan_key_names_.size() && plan_key_names_[i] != name) ++i;
    if (i == plan_key_names_.size()) return "";  // (the rowid too: as GroupOrder)
    bool desc = scan[i].find(" DESC") != std::string::npos;
    terms.emplace_back(i, Collated(SortKey(*g), CollationOf(*g)) +
                              (desc ? " DESC NULLS LAST" : " NULLS FIRST"));
  }
  std::sort(terms.begin(), terms.end());
  std::string out;
  for (const auto& t : terms) out += (out.empty() ? "" : ", ") + t.second;
  return out;
}

std::string Emitter::Reversed(const std::string& key) {
  static constexpr std::string_view kDesc = " DESC NULLS LAST", kAsc = " NULLS FIRST";
  auto ends = [&](std::string_view suffix) {
    return key.size() > suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(kDesc)) return key.substr(0, key.size() - kDesc.size()) + std::string(kAsc);
  if (ends(kAsc)) return key.substr(0, key.size() - kAsc.size()) + std::string(kDesc);
  return key + " DESC";
}

std::vector<std::string> Emitter::RowKeys(const TableRef& ref, const TableShape& shape,
                                          std::vector<std::string>* names) {
  std::string q = Ident(ref.alias.empty() ? ref.name : ref.alias) + ".";
  if (!shape.rowid_column.empty()) {
    names->push_back("rowid");
    return {q + Ident(shape.rowid_column)};
  }
  if (!shape.without_rowid) return {};
  std::vector<std::string> keys;
  for (const auto& k : shape.primary_key) {
    keys.push_back(q + Ident(k));
    names->push_back(Lower(k));
  }
  return keys;
}

std::vector<std::string> Emitter::LoopKeys(const TableRef& ref, const std::string& rest,
                                           std::vector<std::string>* names) {
  const TableShape* shape = in_.table(ShapeKey(ref.schema, ref.name));
  if (shape == nullptr) return {};
  if (rest.empty() || StartsWith(rest, " USING INTEGER PRIMARY KEY") ||
      (StartsWith(rest, " USING PRIMARY KEY") && shape->without_rowid)) {
    return RowKeys(ref, *shape, names);
  }
  std::string index;
  for (std::string_view using_index : {" USING INDEX ", " USING COVERING INDEX "}) {
    if (StartsWith(rest, using_index)) index = rest.substr(using_index.size());
  }
  index = index.substr(0, index.find(" ("));
  if (index.empty()) return {};  // an automatic index, a virtual table, ...
  std::vector<IndexColumn> key = in_.index_key(index);
  if (key.empty()) return {};
  std::vector<std::string> keys;
  // (Written as the query's own columns: outside any aggregate.)
  const BareColumns* outer = bare_;
  bare_ = nullptr;
  for (const IndexColumn& c : key) {
    if (c.expression) {
      keys.clear();
      break;
    }
    if (c.rowid) {
      std::vector<std::string> row = RowKeys(ref, *shape, names);
      keys.insert(keys.end(), row.begin(), row.end());
      continue;
    }
    if (!c.collation.empty() && c.collation != "BINARY" && c.collation != "NOCASE" &&
        c.collation != "RTRIM") {
      keys.clear();  // the program's collation: only SQLite orders by it
      break;
    }
    Expr column(ExprKind::kColumn, 0);
    column.table = ref.alias.empty() ? ref.name : ref.alias;
    column.column = c.column;
    std::string term = Collated(SortKey(column), c.collation);
    keys.push_back(term + (c.desc ? " DESC NULLS LAST" : " NULLS FIRST"));
    // (A key under another collation than the column's orders otherwise.)
    size_t i = 0;
    bool own = ColumnOf(column, &i) != nullptr && i < shape->collations.size() &&
               (shape->collations[i].empty() ? std::string("BINARY") : shape->collations[i]) ==
                   (c.collation.empty() ? std::string("BINARY") : c.collation);
    names->push_back(own ? Lower(c.column) : "");
  }
  bare_ = outer;
  return keys;
}

std::string Emitter::FirstMetOrder(const std::vector<std::string>& scan) {
  // One key: a rowid (or a one-column primary key), never NULL, maybe
  // walked backwards.
  const std::string& only = scan[0];
  bool backwards = only.size() > 5 && only.compare(only.size() - 5, 5, " DESC") == 0;
  if (scan.size() == 1 && !backwards) return "min(" + only + ")";
  if (scan.size() == 1) return "max(" + only.substr(0, only.size() - 5) + ") DESC";
  // Each key of the row met first (array_agg in scan order), in the
  // key's direction: the groups sort as their first rows did.
  std::string out, order = " ORDER BY " + JoinTerms(scan);
  for (const std::string& key : scan) {
    size_t tail = key.size();
    for (std::string_view suffix : {" DESC NULLS LAST", " NULLS FIRST", " DESC"}) {
      if (tail == key.size() && key.size() > suffix.size() &&
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
        tail = key.size() - suffix.size();
      }
    }
    out += (out.empty() ? "" : ", ") + ("(array_agg(" + key.substr(0, tail) + order + "))[1]") +
           key.substr(tail);
  }
  return out;
}

}  // namespace litelift::compat::sql
