// UNION under a column's NOCASE or RTRIM collation. SQLite deduplicates a
// UNION in a temporary b-tree keyed by the columns under the compound's
// collations (each column's is the leftmost query's that has one): 'a'
// and 'A' are one key there, and inserting the second replaces the first,
// so the last row the queries give (in their order) stays. PostgreSQL's
// UNION compares bytes and keeps both: the queries go as a UNION ALL, each
// row numbered (its query, its place in the query's scan), and DISTINCT ON
// the collated keys keeps the last one.

#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

std::vector<std::string> Emitter::UnionDedupeKeys(const Select& select,
                                                  const std::vector<bool>& stored) {
  if (select.cores.size() < 2 || select.compounds.back() != "UNION") return {};
  for (const std::string& op : select.compounds) {
    if (op != "UNION" && op != "UNION ALL") return {};  // (a UNION ALL after it is unsorted)
  }
  size_t width = 0;
  std::vector<std::string> collations;
  std::vector<bool> any;
  for (const SelectCore& core : select.cores) {
    size_t n = core.is_values ? (core.values.empty() ? 0 : core.values[0].size())
                              : core.columns.size();
    if (collations.empty()) {
      width = n;
      collations.assign(n, "");
      any.assign(n, false);
    }
    if (n != width || n == 0) return {};
    PushScope(core.from && !core.is_values ? ScopeOf(*core.from) : std::vector<ScopeItem>{});
    for (size_t k = 0; k < n; ++k) {
      const Expr* e = core.is_values ? core.values[0][k].get() : core.columns[k].expr.get();
      if (e == nullptr) {  // * : the positions are the tables'
        PopScope();
        return {};
      }
      // (A table's column has one, BINARY when none is declared.)
      size_t column = 0;
      std::string collation = CollationOf(*e);
      if (collation.empty() && ColumnOf(*e, &column) != nullptr) collation = "BINARY";
      if (collations[k].empty()) collations[k] = collation;
      if (&core == &select.cores.front() && FamilyOf(*e) == Family::kAny) any[k] = true;
    }
    PopScope();
  }
  bool folds = false;
  for (const std::string& c : collations) folds = folds || c == "NOCASE" || c == "RTRIM";
  if (!folds) return {};
  std::vector<std::string> keys;
  for (size_t k = 0; k < width; ++k) {
    std::string c = "litelift_union.c" + std::to_string(k + 1);
    bool as_stored = any[k] || (k < stored.size() && stored[k]);
    keys.push_back(as_stored ? "litelift.any_key(" + c + ")" : Collated(c, collations[k]));
  }
  return keys;
}

std::string Emitter::UnionDedupe(const std::vector<std::string>& keys, const std::string& body) {
  std::string names, columns;
  for (size_t k = 1; k <= keys.size(); ++k) {
    names += (k > 1 ? ", c" : "c") + std::to_string(k);
    columns += (k > 1 ? ", litelift_union.c" : "litelift_union.c") + std::to_string(k);
  }
  std::string distinct, order;
  for (const std::string& key : keys) {
    distinct += (distinct.empty() ? "" : ", ") + key;
    order += (order.empty() ? "" : ", ") + key + " NULLS FIRST";
  }
  return "SELECT * FROM (SELECT DISTINCT ON (" + distinct + ") " + columns + " FROM (" + body +
         ") AS litelift_union(" + names + ", litelift_part, litelift_seq) ORDER BY " + order +
         ", litelift_part DESC, litelift_seq DESC) AS litelift_deduped";
}

}  // namespace litelift::compat::sql
