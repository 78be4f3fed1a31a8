// SQLite's name rules that change what an expression is (resolve.c),
// applied to the syntax tree before it is emitted:
//
// - a result column's alias or ordinal: ORDER BY n (a whole term naming an
//   alias is that result column, even where a table has a column n),
//   GROUP BY 1, and an alias inside WHERE, GROUP BY, HAVING and ORDER BY
//   expressions (where a column of the query's tables wins) stand for the
//   aliased expression;
// - a double-quoted name that names no column in scope is a string
//   (SQLite's default DQS build): "one", "ctid", never a PostgreSQL system
//   column.
//
// The shadow SQLite has accepted the statement already, so only valid
// statements come here; a name whose tables it cannot know (a source it
// cannot see into) is left as it is.

#ifndef LITELIFT_COMPAT_SQL_NAMES_H_
#define LITELIFT_COMPAT_SQL_NAMES_H_

#include "libsqlite3-compat/sql/ast.h"
#include "libsqlite3-compat/sql/translate.h"

namespace litelift::compat::sql {

// Rewrites stmt's aliases, ordinals and double-quoted strings as above.
void ResolveNames(const TranslateInput& in, Statement* stmt);

// A deep copy of an expression (subqueries included).
ExprPtr CloneExpr(const Expr& e);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_NAMES_H_
