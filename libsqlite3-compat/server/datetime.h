// SQLite's date and time functions (date, time, datetime, julianday, unixepoch,
// strftime) as PostgreSQL functions in schema litelift, with SQLite 3.40's results
// byte for byte: its date.c redone step by step on the Julian day in milliseconds,
// rather than on PostgreSQL's timestamps, whose range, rounding and parsing differ.

#ifndef LITELIFT_COMPAT_SERVER_DATETIME_H_
#define LITELIFT_COMPAT_SERVER_DATETIME_H_

namespace litelift::compat::server {

// SQL that creates or replaces the functions; idempotent, and the schema litelift
// must already exist. Each SQL name takes its time value as text, bigint, double
// precision or numeric, then any number of text modifiers (VARIADIC text[]); with no
// time value it means 'now'. A NULL argument or an invalid value or modifier gives
// NULL, never an error. 'now' is the statement's time (statement_timestamp()), and
// 'localtime'/'utc' use the session's TimeZone. Calls that can read neither are
// IMMUTABLE, the others STABLE; all are PARALLEL SAFE. What 3.40 lacks stays NULL
// (the 'subsec' modifier, strftime codes other than %d %f %H %j %J %m %M %s %S %w %W
// %Y %%). The string is static.
const char* DateTimeFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_DATETIME_H_
