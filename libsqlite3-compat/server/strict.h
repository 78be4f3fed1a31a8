// STRICT tables on the server: the functions that write a value into a
// STRICT table's column as SQLite does (its affinity first, then the
// column's type), failing as SQLite does otherwise: SQLSTATE LL004, which
// pg/errors.cc maps to SQLITE_CONSTRAINT_DATATYPE "cannot store TEXT value
// in INT column t.c".
//
//   litelift.strict_int(value, 'INT', 't.c')    -> bigint
//   litelift.strict_real(value, 'REAL', 't.c')  -> double precision
//   litelift.strict_text(value, 'TEXT', 't.c')  -> text
//   litelift.strict_blob(value, 'BLOB', 't.c')  -> bytea
// (an ANY column keeps every value as given: litelift.to_any).

#ifndef LITELIFT_COMPAT_SERVER_STRICT_H_
#define LITELIFT_COMPAT_SERVER_STRICT_H_

namespace litelift::compat::server {

// The SQL that installs them (idempotent).
const char* StrictFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_STRICT_H_
