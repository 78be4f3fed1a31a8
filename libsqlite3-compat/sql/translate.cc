#include "libsqlite3-compat/sql/translate.h"

#include <sqlite3.h>

#include <algorithm>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/sql/ast.h"
#include "libsqlite3-compat/sql/emit.h"
#include "libsqlite3-compat/sql/names.h"
#include "libsqlite3-compat/sql/parser.h"
#include "libsqlite3-compat/text.h"

namespace litelift::compat::sql {

namespace {

bool SameName(const std::string& a, const std::string& b) { return Lower(a) == Lower(b); }

std::string ColumnList(const std::vector<std::string>& cols) {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : ", ") + Ident(c);
  return out;
}

// A key's columns as an ON CONFLICT target: a column with a NOCASE or
// RTRIM collation is unique under it (its index is on the collated value).
std::string KeyTarget(const TableShape& shape, const std::vector<std::string>& key) {
  std::string out;
  for (const auto& c : key) {
    std::string collation;
    for (size_t k = 0; k < shape.columns.size() && k < shape.collations.size(); ++k) {
      if (SameName(shape.columns[k], c)) collation = shape.collations[k];
    }
    out += (out.empty() ? "" : ", ") + Collated(Ident(c), collation);
  }
  return out;
}

// A column a data change names: the rowid's names mean the table's rowid
// column on the server.
std::string TargetColumn(const TableShape* shape, const std::string& name) {
  if (shape != nullptr && IsRowidName(name) && !shape->rowid_column.empty() &&
      std::none_of(shape->columns.begin(), shape->columns.end(),
                   [&](const std::string& c) { return SameName(c, name); })) {
    return shape->rowid_column;
  }
  return name;
}

// The PRIMARY KEY and UNIQUE column sets of shape whose columns are all
// given by the INSERT (a key not given takes fresh values: no conflict).
std::vector<std::vector<std::string>> UsableKeys(const TableShape& shape,
                                                 const std::vector<std::string>& listed) {
  std::vector<std::vector<std::string>> keys, usable;
  if (shape.hidden_rowid) keys.push_back({shape.rowid_column});  // given as rowid
  if (!shape.primary_key.empty()) keys.push_back(shape.primary_key);
  keys.insert(keys.end(), shape.unique_keys.begin(), shape.unique_keys.end());
  for (const auto& key : keys) {
    bool given = std::all_of(key.begin(), key.end(), [&](const std::string& col) {
      return std::any_of(listed.begin(), listed.end(),
                         [&](const std::string& l) { return SameName(l, col); });
    });
    if (given) usable.push_back(key);
  }
  return usable;
}

// INSERT OR REPLACE as SQLite does it: first delete every row that the new
// rows conflict with on any PRIMARY KEY or UNIQUE constraint, then insert.
// Returns that DELETE ("" when no constraint can conflict); the new rows
// are the statement's own VALUES or SELECT, with the same parameters.
std::string ReplaceDeletes(const TableShape& shape, const std::vector<std::string>& listed,
                           const std::string& source) {
  std::string where;
  for (const auto& key : UsableKeys(shape, listed)) {
    std::string left, right;
    for (const auto& col : key) {
      std::string type = SameName(col, shape.rowid_column) ? "bigint" : "text";
      for (size_t k = 0; k < shape.columns.size(); ++k) {
        if (SameName(shape.columns[k], col)) type = shape.ServerType(k);
      }
      left += (left.empty() ? "" : ", ") + Ident(shape.name) + "." + Ident(col);
      std::string value = "litelift_new." + Ident(col);
      value = type.rfind("jsonb", 0) == 0 ? StoredValueSql(value, type) : value + "::" + type;
      right += (right.empty() ? "" : ", ") + value;
    }
    where += (where.empty() ? "" : " OR ") + ("(" + left + ") = (" + right + ")");
  }
  if (where.empty()) return "";
  // SQLite numbers the new row before these deletes: the DELETE marks
  // itself so that the rowid sequence is not set back (catalog/rowid.h).
  return "DELETE FROM " + Ident(shape.name) + " USING (" + source + ") AS litelift_new (" +
         ColumnList(listed) + ") WHERE set_config('litelift.replacing', 'on', true) = 'on' AND (" +
         where + ")";
}

// REPLACE on one key: an upsert on it that gives the row every listed value
// and the defaults of the others, and a new rowid, as SQLite's delete and
// insert would.
std::string ReplaceUpsert(const TableShape& shape, const std::vector<std::string>& listed,
                          const std::vector<std::string>& key) {
  std::string sets;
  for (const auto& c : shape.InsertableColumns()) {
    bool in_key =
        std::any_of(key.begin(), key.end(), [&](const std::string& k) { return SameName(k, c); });
    // A key column keeps its value, unless its collation let the new
    // row's spelling differ (SQLite's new row has the new spelling).
    if (in_key && KeyTarget(shape, {c}) == Ident(c)) continue;
    bool is_listed = std::any_of(listed.begin(), listed.end(),
                                 [&](const std::string& l) { return SameName(l, c); });
    std::string value = is_listed ? "excluded." + Ident(c) : std::string("DEFAULT");
    if (!is_listed && SameName(c, shape.rowid_column)) {
      value = "(SELECT max(" + Ident(c) + ") + 1 FROM " + Ident(shape.name) + ")";
    }
    sets += (sets.empty() ? "" : ", ") + Ident(c) + " = " + value;
  }
  bool rowid_listed = std::any_of(listed.begin(), listed.end(), [&](const std::string& l) {
    return SameName(l, shape.rowid_column);
  });
  bool rowid_is_key = key.size() == 1 && SameName(key[0], shape.rowid_column);
  if (shape.hidden_rowid && !rowid_is_key) {
    // The row given a rowid takes it; else the next one, as a new row would.
    std::string rowid = Ident(shape.rowid_column);
    sets += (sets.empty() ? "" : ", ") + rowid + " = " +
            (rowid_listed ? "excluded." + rowid
                          : "(SELECT max(" + rowid + ") + 1 FROM " + Ident(shape.name) + ")");
  }
  return " ON CONFLICT (" + KeyTarget(shape, key) + ") DO " +
         (sets.empty() ? std::string("NOTHING") : "UPDATE SET " + sets);
}

// The one table a data change names, as a FROM for its RETURNING list.
JoinSource TargetSource(const TargetTable& t) {
  JoinSource src;
  TableRef ref;
  ref.name = t.name;
  ref.alias = t.alias;
  src.items.push_back(std::move(ref));
  return src;
}

std::string SetsText(Emitter& em, const TableShape* shape, const std::vector<SetClause>& sets) {
  std::string out;
  for (const SetClause& set : sets) {
    out += out.empty() ? "" : ", ";
    if (set.columns.size() == 1) {
      out += Ident(TargetColumn(shape, set.columns[0]));
    } else {
      std::vector<std::string> cols;
      for (const auto& c : set.columns) cols.push_back(TargetColumn(shape, c));
      out += "(" + ColumnList(cols) + ")";
    }
    std::string type;  // the column's: its new value is stored as it stores values
    for (size_t k = 0; set.columns.size() == 1 && shape != nullptr && k < shape->columns.size();
         ++k) {
      if (SameName(shape->columns[k], set.columns[0])) type = shape->Storage(k);
    }
    if (shape != nullptr && set.columns.size() == 1 &&
        SameName(TargetColumn(shape, set.columns[0]), shape->rowid_column)) {
      type = "rowid";  // also the hidden rowid column
    }
    out += " = " + em.ValueFor(*set.value, type);
  }
  return out;
}

// Whether a source is VALUES with exactly one row.
bool OneValuesRow(const Select& src) {
  return src.cores.size() == 1 && src.cores[0].is_values && src.cores[0].values.size() == 1 &&
         !src.with && src.order_by.empty() && !src.limit;
}

// Whether an INSERT numbers its row itself: one VALUES row that gives no
// rowid, into a rowid table, no REPLACE.

bool NumbersInline(const TableShape* shape, const Insert& ins,
                   const std::vector<std::string>& listed, const std::string& conflict) {
  if (shape == nullptr || shape->rowid_column.empty() || ins.default_values ||
      conflict == "REPLACE" || listed.empty()) {
    return false;
  }
  if (!OneValuesRow(*ins.source)) return false;
  return std::none_of(listed.begin(), listed.end(),
                      [&](const std::string& c) { return SameName(c, shape->rowid_column); });
}

// An INSERT's rows, each value written as its column stores it
// (StoredValueSql): in place for VALUES, around the query otherwise. A
// rowid given moves the table's sequence (rowid_storage: "rowid <sequence
// regclass> <autoincrement>").
std::string InsertSource(Emitter& em, const TableShape* shape,
                         const std::vector<std::string>& listed, const Select& source,
                         const std::string& rowid_storage) {
  std::vector<std::string> types;
  bool any = false;
  for (const auto& c : listed) {
    std::string type;
    for (size_t k = 0; shape != nullptr && k < shape->columns.size(); ++k) {
      if (SameName(shape->columns[k], c)) type = shape->Storage(k);
    }
    if (shape != nullptr && SameName(c, shape->rowid_column)) type = rowid_storage;
    any = any || StoredValueSql("", type) != "";
    types.push_back(type);
  }
  if (!any) return em.SelectText(source);
  bool plain_values = source.cores.size() == 1 && source.cores[0].is_values && !source.with &&
                      source.order_by.empty() && !source.limit;
  if (plain_values) {
    em.StoreValuesAs(types);
    std::string out = em.SelectText(source);
    em.StoreValuesAs({});
    return out;
  }
  std::string names, values;
  for (size_t i = 0; i < types.size(); ++i) {
    std::string n = "c" + std::to_string(i + 1);
    names += (i ? ", " : "") + n;
    values += std::string(i ? ", " : "") + StoredValueSql("litelift_source." + n, types[i]);
  }
  return "SELECT " + values + " FROM (" + em.SelectText(source) + ") AS litelift_source (" + names +
         ")";
}

// What the emitter gathered while writing sql: the text, its parameters,
// its first error.
void TakeEmitted(const Emitter& em, std::string sql, Translation* tr) {
  tr->sql = std::move(sql);
  if (tr->error.empty()) tr->error = em.error();
  tr->parameters = em.parameters();
  tr->state_parameters = em.state_parameters();
}

Translation TranslateInsert(const TranslateInput& in, Insert& ins) {
  Translation tr;
  Emitter em(in);
  const TableShape* shape =
      in.table ? in.table(ShapeKey(ins.table.schema, ins.table.name)) : nullptr;
  if (!KnownDatabase(in, ins.table.schema)) {
    tr.error = "unknown database " + ins.table.schema;
    return tr;
  }
  std::string qualifier = ins.table.alias.empty() ? ins.table.name : ins.table.alias;
  std::vector<std::string> listed;
  for (const auto& c : ins.columns) listed.push_back(TargetColumn(shape, c));
  bool explicit_columns = !listed.empty();
  if (!explicit_columns && shape != nullptr) listed = shape->InsertableColumns();
  std::string out = ins.with ? em.WithText(*ins.with) : "";
  // The table's rowid sequence (catalog/rowid.h), as a regclass literal.
  std::string sequence_class;
  if (shape != nullptr && !shape->rowid_column.empty()) {
    std::string table = ServerTableName(in, ins.table.schema, ins.table.name, shape);
    sequence_class = QuoteLiteral(table.substr(0, table.size() - Ident(ins.table.name).size()) +
                                  ServerIdent(RowidSequenceName(shape->name))) +
                     "::regclass";
  }
  std::string rowid_storage =
      "rowid " + sequence_class + (shape != nullptr && shape->autoincrement ? " true" : " false");
  std::string source =
      ins.default_values ? "" : InsertSource(em, shape, listed, *ins.source, rowid_storage);
  // Without an OR clause, the keys' own ON CONFLICT clause decides.
  const std::string conflict = ins.conflict.empty() && shape != nullptr && ins.upserts.empty()
                                   ? shape->default_conflict
                                   : ins.conflict;
  if (!ins.upserts.empty() && (conflict == "REPLACE" || conflict == "IGNORE")) {
    tr.error =
        "litelift: INSERT OR " + conflict + " with an ON CONFLICT clause is not supported yet";
    return tr;
  }
  // REPLACE on several keys deletes the conflicting rows first (same
  // parameters, run just before in the same transaction).
  bool replace_by_delete =
      conflict == "REPLACE" && shape != nullptr && UsableKeys(*shape, listed).size() > 1;
  if (replace_by_delete && !ins.default_values) {
    // (Its rows' rowids as given: the INSERT after it numbers them.)
    tr.pre_sql =
        ReplaceDeletes(*shape, listed, InsertSource(em, shape, listed, *ins.source, "rowid"));
  }
  out += "INSERT INTO " + ServerTableName(in, ins.table.schema, ins.table.name, shape);
  if (!ins.table.alias.empty()) out += " AS " + Ident(ins.table.alias);
  if (NumbersInline(shape, ins, listed, conflict)) {
    // One row without its rowid: numbered here rather than by the rowid
    // trigger (which PL/pgSQL would run for each row).
    out += " (" + Ident(shape->rowid_column) + ", " + ColumnList(listed) + ")";
    tr.numbering_call = "nextval(" + sequence_class + ")";
    source = "VALUES (" + tr.numbering_call + ", " + source.substr(8);
  } else if (explicit_columns) {
    out += " (" + ColumnList(listed) + ")";
  } else if (shape != nullptr && shape->hidden_rowid && !ins.default_values) {
    // INSERT INTO t VALUES (...) names the program's columns, never the
    // server's rowid column.
    out += " (" + ColumnList(shape->InsertableColumns()) + ")";
  }
  out += ins.default_values ? " DEFAULT VALUES" : " " + source;
  tr.one_row = !ins.with && (ins.default_values || OneValuesRow(*ins.source));
  tr.rowid_sequence = sequence_class;
  tr.rollback_on_constraint = conflict == "ROLLBACK";
  // (SQLite's AUTOINCREMENT counter moves for such rows too.)
  if (shape != nullptr && !shape->rowid_column.empty() && !shape->autoincrement &&
      (conflict == "IGNORE" || conflict == "REPLACE" || !ins.upserts.empty())) {
    tr.resync_rowids_of = ShapeKey(ins.table.schema, ins.table.name);
  }
  if (conflict == "IGNORE") {
    out += " ON CONFLICT DO NOTHING";
  } else if (conflict == "REPLACE" && !replace_by_delete) {
    if (shape == nullptr) {
      tr.error = "litelift: INSERT OR REPLACE into an unknown table " + ins.table.name;
      return tr;
    }
    auto keys = UsableKeys(*shape, listed);
    if (!keys.empty()) out += ReplaceUpsert(*shape, listed, keys.front());
  }
  if (ins.upserts.size() > 1) {
    tr.error = "litelift: several ON CONFLICT clauses are not supported on the postgres route yet";
    return tr;
  }
  if (!ins.upserts.empty()) {
    Upsert& up = ins.upserts[0];
    std::vector<Emitter::ScopeItem> scope = {{qualifier, shape}, {"excluded", shape}};
    em.PushScope(scope);
    // Unqualified names are the table's (PostgreSQL finds them ambiguous
    // with excluded's).
    em.QualifyBareColumns(qualifier);
    out += " ON CONFLICT";
    if (!up.target.empty()) {
      out += " (";
      for (size_t i = 0; i < up.target.size(); ++i) {
        const Expr& t = *up.target[i].expr;
        out += i ? ", " : "";
        std::string target = t.kind == ExprKind::kColumn ? TargetColumn(shape, t.column) : "";
        out += !target.empty() && shape != nullptr ? KeyTarget(*shape, {target})
               : !target.empty()                   ? Ident(target)
                                                   : em.Value(t);
      }
      out += ")";
      if (up.target_where) out += " WHERE " + em.Condition(*up.target_where);
    } else if (!up.do_nothing) {
      // SQLite lets the last clause name no target: the table's one key.
      std::vector<std::vector<std::string>> keys;
      if (shape != nullptr) keys = UsableKeys(*shape, shape->columns);
      if (shape != nullptr && !shape->rowid_column.empty() && !shape->hidden_rowid &&
          std::none_of(keys.begin(), keys.end(), [&](const auto& k) {
            return k.size() == 1 && SameName(k[0], shape->rowid_column);
          })) {
        keys.push_back({shape->rowid_column});
      }
      if (keys.size() != 1) {
        tr.error = "litelift: ON CONFLICT DO UPDATE without a target needs a table with one key";
        return tr;
      }
      out += " (" + KeyTarget(*shape, keys[0]) + ")";
    }
    if (up.do_nothing) {
      out += " DO NOTHING";
    } else {
      out += " DO UPDATE SET " + SetsText(em, shape, up.sets);
      if (up.where) out += " WHERE " + em.Condition(*up.where);
    }
    em.QualifyBareColumns("");
    em.PopScope();
  }
  if (!ins.returning.empty()) {
    JoinSource target = TargetSource(ins.table);
    em.PushScope(em.ScopeOf(target));
    out += " RETURNING " + em.ResultColumns(ins.returning, &target);
    em.PopScope();
    if (shape != nullptr && !shape->rowid_column.empty()) {
      // last_insert_rowid moves as in SQLite: the rowid rides along.
      out += ", " + Ident(shape->rowid_column);
      tr.trailing_rowid_columns = 1;
      if (!ins.upserts.empty() && !ins.upserts[0].do_nothing) {
        out += ", (xmax = 0)";
        tr.trailing_rowid_columns = 2;
        tr.rowid_if_inserted = true;
      }
    }
  } else if (shape != nullptr && !shape->rowid_column.empty() && !in.in_trigger) {
    out += " RETURNING " + Ident(shape->rowid_column);
    tr.returns_rowid = true;
    if (!ins.upserts.empty() && !ins.upserts[0].do_nothing) {
      out += ", (xmax = 0)";  // inserted, not updated
      tr.rowid_if_inserted = true;
    }
  }
  tr.op = SQLITE_INSERT;
  if (shape != nullptr) tr.table = shape->name;
  TakeEmitted(em, std::move(out), &tr);
  return tr;
}

// UPDATE or DELETE ... [ORDER BY ...] LIMIT ...: the condition naming the
// rows SQLite would change, by their server row address. Without an ORDER
// BY, or between equal keys, SQLite goes in rowid order.
std::string LimitedRows(Emitter& em, const TargetTable& t, const TableShape* shape,
                        const JoinSource* from, const Expr* where,
                        const std::vector<OrderTerm>& order_by, const Expr* limit,
                        const Expr* offset) {
  std::string q = Ident(t.alias.empty() ? t.name : t.alias);
  std::string rows = "SELECT " + q + ".ctid FROM " + Ident(t.name);
  if (!t.alias.empty()) rows += " AS " + Ident(t.alias);
  if (from != nullptr) rows += ", " + em.JoinText(*from);
  if (where != nullptr) rows += " WHERE " + em.Condition(*where);
  std::string order = order_by.empty() ? "" : " " + em.OrderText(order_by);
  if (shape != nullptr && !shape->rowid_column.empty()) {
    order += (order.empty() ? " ORDER BY " : ", ") + q + "." + Ident(shape->rowid_column);
  }
  return q + ".ctid = ANY (ARRAY(" + rows + order + em.LimitText(limit, offset) + "))";
}

// The condition that row litelift_other holds a key that the row q of an
// UPDATE would take (its new values where SET, its own elsewhere): for each
// PRIMARY KEY or UNIQUE key the UPDATE sets, under the key's collation.
// "" when it sets none. Expressions are written with the update's bare
// names qualified by q.
std::string KeyClash(Emitter& em, const TableShape& shape, const Update& up, const std::string& q) {
  std::vector<std::vector<std::string>> keys = UsableKeys(shape, shape.columns);
  if (!shape.primary_key.empty() && std::none_of(keys.begin(), keys.end(), [&](const auto& k) {
        return k == shape.primary_key;
      })) {
    keys.push_back(shape.primary_key);
  }
  if (!shape.rowid_column.empty()) keys.push_back({shape.rowid_column});
  em.QualifyBareColumns(up.table.alias.empty() ? up.table.name : up.table.alias);
  std::string out;
  for (const auto& key : keys) {
    std::string mine, theirs;
    bool touched = false;
    for (const auto& col : key) {
      std::string value = q + "." + Ident(col);
      for (const SetClause& set : up.sets) {
        if (set.columns.size() == 1 && SameName(TargetColumn(&shape, set.columns[0]), col)) {
          value = em.Value(*set.value);
          touched = true;
        }
      }
      std::string collation;
      for (size_t k = 0; k < shape.columns.size() && k < shape.collations.size(); ++k) {
        if (SameName(shape.columns[k], col)) collation = shape.collations[k];
      }
      mine += (mine.empty() ? "" : ", ") + Collated(value, collation);
      theirs += (theirs.empty() ? "" : ", ") + Collated("litelift_other." + Ident(col), collation);
    }
    if (!touched) continue;
    out += (out.empty() ? "" : " OR ") + ("(" + theirs + ") = (" + mine + ")");
  }
  em.QualifyBareColumns("");
  if (out.empty()) return "";
  return "litelift_other.ctid <> " + q + ".ctid AND (" + out + ")";
}

// SQLite's UPDATE and DELETE gather the rows to change first (a RowSet,
// or a WITHOUT ROWID table's ephemeral table of keys) and change them, and
// so return them, in rowid (key) order, whatever index found them: the
// keys to sort a RETURNING by, as hidden columns (empty when none).
std::vector<std::string> ChangeOrderColumns(const TableShape* shape, const TargetTable& t) {
  if (shape == nullptr) return {};
  std::string q = Ident(t.alias.empty() ? t.name : t.alias) + ".";
  if (!shape->rowid_column.empty()) return {q + Ident(shape->rowid_column)};
  if (!shape->without_rowid) return {};
  std::vector<std::string> out;
  for (const std::string& k : shape->primary_key) {
    std::string collation;
    for (size_t i = 0; i < shape->columns.size(); ++i) {
      if (Lower(shape->columns[i]) == Lower(k) && i < shape->collations.size()) {
        collation = shape->collations[i];
      }
    }
    out.push_back(Collated(q + Ident(k), collation));
  }
  return out;
}

// A change with RETURNING whose rows come in SQLite's order: the change
// as a common table (after the statement's own, with_text), its rows
// sorted by the keys it returns last (hidden from the program). Its
// changes are its rows.
std::string SortedReturning(const std::string& with_text, const std::string& change,
                            const std::vector<std::string>& keys, Translation* tr) {
  int n = static_cast<int>(keys.size());
  std::string order;
  for (int k = 1; k <= n; ++k) {
    order += (k > 1 ? ", " : "") + std::string("litelift_order") + std::to_string(k);
  }
  tr->trailing_rowid_columns = n;
  tr->changes_are_rows = true;
  std::string with = with_text.empty() ? "WITH " : with_text.substr(0, with_text.size() - 1) + ", ";
  return with + "litelift_changed AS (" + change + ") SELECT * FROM litelift_changed ORDER BY " +
         order;
}

// The RETURNING list of a change, with its order keys after it when it
// has some (named litelift_order1, ...).
std::string ReturningText(Emitter& em, const std::vector<ResultColumn>& returning,
                          const JoinSource& target, const std::vector<std::string>& keys) {
  std::string out = " RETURNING " + em.ResultColumns(returning, &target);
  for (size_t k = 0; k < keys.size(); ++k) {
    out += ", " + keys[k] + " AS litelift_order" + std::to_string(k + 1);
  }
  return out;
}

// UPDATE and DELETE: which table they change, and its rowids back when a
// hook wants them.
void FinishChange(const TranslateInput& in, const Emitter& em, const TableShape* shape, int op,
                  bool has_returning, std::string out, Translation* tr) {
  if (in.return_rowids && shape != nullptr && !shape->rowid_column.empty() && !has_returning) {
    out += " RETURNING " + Ident(shape->rowid_column);
    tr->returns_rowid = true;
  }
  tr->op = op;
  if (shape != nullptr) tr->table = shape->name;
  TakeEmitted(em, std::move(out), tr);
}

Translation TranslateUpdate(const TranslateInput& in, Update& up) {
  Translation tr;
  // UPDATE OR <conflict>: ABORT and FAIL are PostgreSQL's own behaviour for
  // a single statement, ROLLBACK ends the transaction; IGNORE and REPLACE
  // look for the rows each updated row's new keys would meet.
  bool resolves = up.conflict == "REPLACE" || up.conflict == "IGNORE";
  if (resolves && (up.from || up.limit)) {
    tr.error = "litelift: UPDATE OR " + up.conflict +
               " with FROM or LIMIT is not supported on the postgres route yet";
    return tr;
  }
  tr.rollback_on_constraint = up.conflict == "ROLLBACK";
  Emitter em(in);
  const TableShape* shape = in.table ? in.table(ShapeKey(up.table.schema, up.table.name)) : nullptr;
  if (!KnownDatabase(in, up.table.schema)) {
    tr.error = "unknown database " + up.table.schema;
    return tr;
  }
  std::string with_text = up.with ? em.WithText(*up.with) : "";
  std::vector<std::string> keys =
      up.returning.empty() ? std::vector<std::string>{} : ChangeOrderColumns(shape, up.table);
  std::string out = keys.empty() ? with_text : "";
  JoinSource target = TargetSource(up.table);
  std::vector<Emitter::ScopeItem> scope = em.ScopeOf(target);
  if (up.from) {
    auto more = em.ScopeOf(*up.from);
    scope.insert(scope.end(), more.begin(), more.end());
  }
  em.PushScope(scope);
  out += "UPDATE " + ServerTableName(in, up.table.schema, up.table.name, shape);
  if (!up.table.alias.empty()) out += " AS " + Ident(up.table.alias);
  out += " SET " + SetsText(em, shape, up.sets);
  if (up.from) out += " FROM " + em.JoinText(*up.from);
  if (up.limit) {
    out += " WHERE ";
    if (up.from && up.where) out += em.Condition(*up.where) + " AND ";
    out += LimitedRows(em, up.table, shape, up.from.get(), up.where.get(), up.order_by,
                       up.limit.get(), up.offset.get());
  } else if (up.where) {
    out += " WHERE " + em.Condition(*up.where);
  }
  if (resolves && shape != nullptr) {
    std::string target_name = ServerTableName(in, up.table.schema, up.table.name, shape);
    std::string q = Ident(up.table.alias.empty() ? up.table.name : up.table.alias);
    std::string clash = KeyClash(em, *shape, up, q);
    if (!clash.empty() && up.conflict == "IGNORE") {
      // A row whose new keys another row has keeps its old values.
      out += std::string(up.where ? " AND " : " WHERE ") + "NOT EXISTS (SELECT 1 FROM " +
             target_name + " AS litelift_other WHERE " + clash + ")";
    } else if (!clash.empty()) {
      // The rows the new keys meet go first, as SQLite's REPLACE deletes them.
      em.QualifyBareColumns(up.table.alias.empty() ? up.table.name : up.table.alias);
      std::string where = up.where ? em.Condition(*up.where) + " AND " : "";
      em.QualifyBareColumns("");
      tr.pre_sql = "DELETE FROM " + target_name + " AS litelift_other USING " + target_name +
                   (up.table.alias.empty() ? "" : " AS " + Ident(up.table.alias)) + " WHERE " +
                   where + clash;
    }
  }
  if (!up.returning.empty()) out += ReturningText(em, up.returning, target, keys);
  if (!keys.empty()) out = SortedReturning(with_text, out, keys, &tr);
  em.PopScope();
  FinishChange(in, em, shape, SQLITE_UPDATE, !up.returning.empty(), std::move(out), &tr);
  return tr;
}

Translation TranslateDelete(const TranslateInput& in, Delete& del) {
  Translation tr;
  Emitter em(in);
  const TableShape* shape =
      in.table ? in.table(ShapeKey(del.table.schema, del.table.name)) : nullptr;
  if (!KnownDatabase(in, del.table.schema)) {
    tr.error = "unknown database " + del.table.schema;
    return tr;
  }
  std::string with_text = del.with ? em.WithText(*del.with) : "";
  std::vector<std::string> keys =
      del.returning.empty() ? std::vector<std::string>{} : ChangeOrderColumns(shape, del.table);
  std::string out = keys.empty() ? with_text : "";
  JoinSource target = TargetSource(del.table);
  em.PushScope(em.ScopeOf(target));
  out += "DELETE FROM " + ServerTableName(in, del.table.schema, del.table.name, shape);
  if (!del.table.alias.empty()) out += " AS " + Ident(del.table.alias);
  if (del.limit) {
    out += " WHERE " + LimitedRows(em, del.table, shape, nullptr, del.where.get(), del.order_by,
                                   del.limit.get(), del.offset.get());
  } else if (del.where) {
    out += " WHERE " + em.Condition(*del.where);
  }
  if (!del.returning.empty()) out += ReturningText(em, del.returning, target, keys);
  if (!keys.empty()) out = SortedReturning(with_text, out, keys, &tr);
  em.PopScope();
  FinishChange(in, em, shape, SQLITE_DELETE, !del.returning.empty(), std::move(out), &tr);
  return tr;
}

}  // namespace

std::string ShapeKey(const std::string& schema, const std::string& name) {
  return schema.empty() ? name : Lower(schema) + "." + name;
}

bool KnownDatabase(const TranslateInput& in, const std::string& schema) {
  std::string db = Lower(schema);
  return db.empty() || db == "main" || db == "temp" ||
         (in.attached != nullptr && in.attached->count(db) != 0);
}

std::string ServerTableName(const TranslateInput& in, const std::string& schema,
                            const std::string& name, const TableShape* shape) {
  std::string db = Lower(schema);
  if (db.empty() && shape != nullptr && shape->db != "main" && shape->db != "temp") db = shape->db;
  if (db == "main" && !in.main_schema.empty()) {
    return QuoteIdent(in.main_schema) + "." + Ident(name);
  }
  if (db == "temp") return "pg_temp." + Ident(name);
  if (in.attached != nullptr) {
    auto it = in.attached->find(db);
    if (it != in.attached->end()) return QuoteIdent(it->second) + "." + Ident(name);
  }
  return Ident(name);
}

std::string RowidSequenceName(std::string_view table) { return "litelift_seq_" + Lower(table); }

std::string TableShape::ServerType(size_t column) const {
  if (column < server_types.size()) return server_types[column];
  return column < types.size() ? PgTypeForDeclared(types[column]) : "";
}

std::string TableShape::Storage(size_t column) const {
  std::string type = ServerType(column);
  bool named = column < types.size() && !types[column].empty();
  if (type == "bigint" && column < columns.size() &&
      Lower(columns[column]) == Lower(rowid_column)) {
    return "rowid";
  }
  if (strict && column < columns.size()) {
    // STRICT: the declared type is one of INT, INTEGER, REAL, TEXT, BLOB, ANY.
    std::string declared = Upper(types[column]);
    if (declared == "ANY") return "jsonb";
    return "strict " + declared + " " + name + "." + columns[column];
  }
  return type == "jsonb" && named ? "jsonb numeric" : type;
}

std::vector<std::string> TableShape::InsertableColumns() const {
  std::vector<std::string> out;
  for (const auto& c : columns) {
    if (std::none_of(generated.begin(), generated.end(),
                     [&](const std::string& g) { return SameName(g, c); })) {
      out.push_back(c);
    }
  }
  return out;
}

std::string PgTypeForDeclared(std::string_view declared_type) {
  std::string t = Upper(declared_type);
  if (Contains(t, "INT")) return "bigint";
  if (Contains(t, "CHAR") || Contains(t, "CLOB") || Contains(t, "TEXT")) return "text";
  if (Contains(t, "BLOB")) return "bytea";
  if (t.empty()) return "jsonb";
  if (Contains(t, "REAL") || Contains(t, "FLOA") || Contains(t, "DOUB")) return "double precision";
  if (Contains(t, "DATE") || Contains(t, "TIME")) return "text";
  if (Contains(t, "BOOL")) return "bigint";
  if (Contains(t, "NUM") || Contains(t, "DEC") || Contains(t, "MONEY")) return "numeric";
  return "jsonb";
}

Translation TranslateStatement(const TranslateInput& input) {
  ParseResult parsed = Parse(input.sql, input.parameter_index);
  if (!parsed.statement) {
    Translation tr;
    tr.error = parsed.error;
    return tr;
  }
  Statement& stmt = *parsed.statement;
  ResolveNames(input, &stmt);
  Translation tr;
  switch (stmt.kind) {
    case Statement::Kind::kInsert:
      tr = TranslateInsert(input, *stmt.insert);
      break;
    case Statement::Kind::kUpdate:
      tr = TranslateUpdate(input, *stmt.update);
      break;
    case Statement::Kind::kDelete:
      tr = TranslateDelete(input, *stmt.del);
      break;
    case Statement::Kind::kSelect: {
      Emitter em(input);
      TakeEmitted(em, em.TopSelectText(*stmt.select), &tr);
      tr.classed_columns = em.classed_columns();
      break;
    }
  }
  if (!tr.error.empty()) {
    std::string error = std::move(tr.error);  // no SQL is sent
    tr = Translation();
    tr.error = std::move(error);
  }
  return tr;
}

}  // namespace litelift::compat::sql
