// SQLite's core functions and conversions as PostgreSQL functions in the
// litelift schema, for the translator's rewrite rules: truth values,
// SQLite's lenient CAST, text rendering of reals, substr with negative
// starts, glob, length/instr on text and blobs, round, sign, random, ...
// Each keeps SQLite's semantics for the server's column types (bigint,
// double precision, numeric, text, bytea).

#ifndef LITELIFT_COMPAT_SERVER_CORE_FUNCTIONS_H_
#define LITELIFT_COMPAT_SERVER_CORE_FUNCTIONS_H_

namespace litelift::compat::server {

// SQL that creates or replaces them (the litelift schema exists).
const char* CoreFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_CORE_FUNCTIONS_H_
