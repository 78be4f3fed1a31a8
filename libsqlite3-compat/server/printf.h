// SQLite 3.40's printf(FORMAT, ...) (and its alias format()) as a PostgreSQL 15 function in
// schema litelift, with SQLite's exact output: its printf.c redone step by step, including the
// x87 long double arithmetic of its float conversions (et_getdigit, the rounder, the scaling
// loops, sqlite3AtoF for text read as a number), so %f %e %g and the "%!.15g" text of reals
// come out digit for digit. Checked against the real SQLite by tests/e2e/server_grid.sh printf.
//
// Calling convention (for the translator). SQLite's conversions depend on each argument's
// storage class, which one PostgreSQL array cannot carry, so every argument is wrapped in
// litelift.pf(x), which encodes value and class into one text:
//
//   litelift.printf(FORMAT, VARIADIC ARRAY[litelift.pf(a1), ..., litelift.pf(an)]::text[])
//   litelift.printf(FORMAT, litelift.pf(a1), ..., litelift.pf(an))    (at most 99 arguments)
//   litelift.printf(FORMAT)                                           (no argument)
//
//  * litelift.pf is overloaded: bigint, integer, smallint and boolean (1/0) are SQLite
//    integers; double precision (and real) is a real; numeric is an integer when it has no
//    fractional digits (scale 0, as litelift.typeof) and fits 64 bits, else a real (2.0 and
//    avg() results are reals); text, and unknown-typed literals, are text; bytea is a blob
//    (printf reads it as the text of its bytes up to the first zero byte; bytes that are not
//    UTF-8 raise an error). SQL NULL, and NaN (which SQLite stores as NULL), give NULL.
//    The encoding: 'i' || decimal integer, 'r' || the 16 hex digits of the IEEE double
//    (float8send), 't' || text; NULL stays NULL. Other types must be cast to one of these.
//  * FORMAT is text (take the text of a non-text format first); a NULL format gives NULL.
//    format(...) is the same function: translate it to litelift.printf too. printf() with no
//    argument at all is NULL in SQLite and needs no call.
//  * Returns text; NULL where SQLite returns NULL: an empty format, a format whose output
//    stops before anything is written (output stops at an unknown conversion such as %y or
//    at a truncated one such as a final %5), a result over SQLite's length limit (1e9 bytes).
//
// All functions are IMMUTABLE and PARALLEL SAFE; litelift.pf is an inlinable SQL function.
// printf('%d-%s', ...) costs about 10 microseconds, a float conversion about 50.
//
// Not reproducible (PostgreSQL text cannot hold it): the NUL character %c gives for a NULL or
// empty argument is left out (its width still counts it), and so are the leading bytes of a
// character cut by a byte precision (%.1s of 'é'; the width still counts them).

#ifndef LITELIFT_COMPAT_SERVER_PRINTF_H_
#define LITELIFT_COMPAT_SERVER_PRINTF_H_

namespace litelift::compat::server {

// SQL that creates or replaces litelift.pf, litelift.printf and their helpers
// (litelift._pf_*) in the existing schema litelift. Idempotent; static storage.
const char* PrintfFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_PRINTF_H_
