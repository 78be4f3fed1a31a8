// The translator's seam: one SQLite statement in, PostgreSQL text out.
//
// This first version rewrites tokens (identifiers, parameters, literals,
// INSERT's conflict clauses) using the table shapes the shadow catalog
// knows; the full compiler (parser, AST, one rule per SQLite-ism) replaces
// it behind the same function. What it cannot translate it reports, by
// name, instead of sending wrong SQL.

#ifndef LITELIFT_COMPAT_SQL_TRANSLATE_H_
#define LITELIFT_COMPAT_SQL_TRANSLATE_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace litelift::compat::sql {

// What the shadow catalog knows of one table.
struct TableShape {
  std::string name;                      // as created
  std::vector<std::string> columns;      // in declared order
  std::vector<std::string> types;        // their declared types
  std::vector<std::string> primary_key;  // in key order
  std::string rowid_column;              // the INTEGER PRIMARY KEY column, or ""
  bool without_rowid = false;            // WITHOUT ROWID
  // No INTEGER PRIMARY KEY: the server keeps the rowid in a column of its
  // own (rowid_column), which SELECT * and INSERT without columns skip.
  bool hidden_rowid = false;
  std::vector<std::vector<std::string>> unique_keys;  // other UNIQUE column sets
  // Whether SQLite could scan an index of it (CREATE INDEX, UNIQUE, a
  // PRIMARY KEY other than the rowid's or a WITHOUT ROWID table's own):
  // then the order its plans read rows in depends on the plan.
  bool indexed = false;
  // Generated columns (also in columns): SELECT * shows them, INSERT
  // without a column list and REPLACE never write them.
  std::vector<std::string> generated;
  std::vector<std::string> collations;  // the columns' COLLATE (upper case), or ""
  // The columns' server types (PgTypeForDeclared, except that an untyped
  // column referencing another table takes the referenced column's type);
  // empty: by PgTypeForDeclared.
  std::vector<std::string> server_types;
  std::string ServerType(size_t column) const;
  // How the column stores a value written to it (StoredValueSql): its
  // server type, "jsonb numeric" for a jsonb column with NUMERIC affinity
  // (a type name SQLite does not know, such as JSON or UUID), "rowid" for
  // the INTEGER PRIMARY KEY; in a STRICT table "strict <TYPE> <table>.<column>"
  // (server/strict.h), "jsonb" for ANY.
  std::string Storage(size_t column) const;
  // The conflict resolution a PRIMARY KEY or UNIQUE constraint names (ON
  // CONFLICT REPLACE / IGNORE, upper case), which an INSERT without an OR
  // clause follows; "" for none.
  std::string default_conflict;
  bool autoincrement = false;  // INTEGER PRIMARY KEY AUTOINCREMENT
  bool strict = false;         // a STRICT table: values are checked against the column's type
  std::string db = "main";     // the database holding it: main, temp or an attached one
  // The columns an INSERT without a column list gives values for.
  std::vector<std::string> InsertableColumns() const;
};

// One line of SQLite's plan for a statement (EXPLAIN QUERY PLAN).
struct PlanLine {
  int id = 0;
  int parent = 0;  // 0: a line of the statement's own query
  std::string detail;
};

// One column of an index's b-tree key, in key order (SQLite's
// pragma_index_xinfo): its declared key columns, then the rowid (or a
// WITHOUT ROWID table's primary key columns).
struct IndexColumn {
  std::string column;     // "" for the rowid or an expression
  bool rowid = false;     // the rowid
  bool expression = false;
  std::string collation;  // upper case
  bool desc = false;
};

struct TranslateInput {
  std::string_view sql;  // one statement, without its tail
  // The parameter index SQLite gave a named parameter (":a" -> 1).
  std::function<int(std::string_view)> parameter_index;
  // Whether a word is an SQLite keyword (sqlite3_keyword_check).
  std::function<bool(std::string_view)> is_keyword;
  // The shape of a table, looked up case-insensitively; null when unknown.
  // A TEMP table hides a main one of its name; "main.t" asks for main's.
  std::function<const TableShape*(std::string_view)> table;
  // UPDATE and DELETE return the rowids they change (for sqlite3_update_hook).
  bool return_rowids = false;
  // How many parameters the statement has (its connection values come after).
  int parameter_count = 0;
  // The statement is one of a trigger's: NEW and OLD name its rows (of
  // trigger_table, null for a view's), RAISE() is allowed, and nothing is
  // returned for the client.
  // The program registered a regexp(pattern, text) function: X REGEXP Y
  // runs as PostgreSQL's regular expression match (differs in details).
  bool regexp_function = false;
  bool in_trigger = false;
  // The database's schema on the server: main.t names it there (a TEMP t
  // would otherwise hide it). "" leaves main.t unqualified.
  std::string main_schema;
  // Attached databases: name (lower case) -> schema on the server.
  const std::map<std::string, std::string>* attached = nullptr;
  const TableShape* trigger_table = nullptr;
  // SQLite's plan for the statement, as the shadow (same schema, no
  // statistics, as a database without ANALYZE) chooses it; asked only
  // where a row order depends on the plan. Null or empty: unknown.
  std::function<std::vector<PlanLine>()> plan;
  // The key of an index by its name (IndexColumn); empty when unknown.
  std::function<std::vector<IndexColumn>(std::string_view)> index_key;
};

struct Translation {
  std::string sql;             // PostgreSQL text; parameters are $<SQLite index>
  bool returns_rowid = false;  // an INSERT that returns its rowids as its only column
  // An upsert: a second column says whether the row was inserted (only
  // those move last_insert_rowid, as in SQLite).
  bool rowid_if_inserted = false;
  // An INSERT with the program's own RETURNING: the rowid (and, for an
  // upsert, the inserted flag) follow the program's columns, hidden from it.
  int trailing_rowid_columns = 0;
  // An UPDATE or DELETE sent as a query over it (its RETURNING rows
  // sorted): the server says SELECT n, and its changes are those n rows.
  bool changes_are_rows = false;
  // Result columns whose storage class the server sends separately (a
  // function with a dynamic class, as json_extract): the k-th listed column's
  // class ('integer', 'real', 'text', 'null') is in the k-th hidden column
  // after the program's columns (before trailing_rowid_columns).
  std::vector<int> classed_columns;
  std::vector<int> parameters;  // the SQLite parameter indexes the text uses
  // Values of the connection the text reads, bound after the program's
  // parameters ($<parameter_count + 1>, ...): "changes", "total_changes",
  // "last_insert_rowid" (SQLite's functions of those names).
  std::vector<std::string> state_parameters;
  int op = 0;         // SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE or 0
  std::string table;  // the table it changes, as created
  // A statement to run first, in the same transaction, with the same
  // parameters (REPLACE deletes the rows it conflicts with), or "".
  std::string pre_sql;
  // OR ROLLBACK: a constraint failure rolls the whole transaction back.
  bool rollback_on_constraint = false;
  // The call that numbers an INSERT's one row in sql (nextval of the
  // table's rowid sequence), or "": a statement may take the write lock
  // in it (pg/statement.cc).
  std::string numbering_call;
  // An INSERT that may number rows it then does not insert (OR IGNORE,
  // REPLACE, upserts) into a table without AUTOINCREMENT (SQLite's
  // counter moves for them): its table (as in.table finds it) has its rowid
  // sequence set again after it. "" for other statements.
  std::string resync_rowids_of;
  // An INSERT of exactly one row (VALUES with one row, DEFAULT VALUES)
  // without a WITH clause: it numbers at most that row.
  bool one_row = false;
  // An INSERT into a rowid table: the regclass literal of the sequence that
  // numbers its rows (catalog/rowid.h), or "".
  std::string rowid_sequence;
  std::string error;  // non-empty: not translatable; names the construct
};

Translation TranslateStatement(const TranslateInput& input);

// The PostgreSQL type for a declared SQLite type, by SQLite's affinity
// rules, chosen so that stored values keep their storage class:
// INTEGER -> bigint, TEXT -> text, REAL -> double precision, BLOB -> bytea,
// dates and times -> text (SQLite keeps them as text), BOOLEAN -> bigint,
// NUMERIC, DECIMAL, NUMBER, MONEY -> numeric; no type and every other name
// (JSON, UUID, ...: NUMERIC affinity, and they hold text) -> jsonb, which
// keeps any storage class (server/any_value.h).
std::string PgTypeForDeclared(std::string_view declared_type);

// The name to look a table's shape up by (in.table): "aux.t" for aux.t.
std::string ShapeKey(const std::string& schema, const std::string& name);

// Whether schema names a database the statement may use ("" included).
bool KnownDatabase(const TranslateInput& in, const std::string& schema);

// A table name as the server reads it: main.t in the database's schema,
// aux.t (and t that only an attached database has: shape) in the attached
// database's, temp.t and t by the search path (TEMP tables first).
std::string ServerTableName(const TranslateInput& in, const std::string& schema,
                            const std::string& name, const TableShape* shape = nullptr);

// The name of the sequence that numbers a rowid table's rows on the server
// (catalog/rowid.h), in the table's schema.
std::string RowidSequenceName(std::string_view table);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_TRANSLATE_H_
