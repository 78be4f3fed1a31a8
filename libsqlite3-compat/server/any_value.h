// Untyped columns: SQLite's columns without a declared type (BLOB affinity)
// keep whatever storage class was stored. On the server such a column is
// jsonb holding one value: a number (an integer without '.' or exponent,
// a real always with one), a string (text), or {"b": "<hex>"} (a blob),
// SQL NULL for NULL. jsonb orders them as SQLite orders the classes
// (numbers < text < blobs) and compares 1 and 1.0 equal.
//
// These functions convert to and from that form: litelift.to_any(x) for
// every server type, any_text/any_num for the contexts that want text or
// a number, and jsonb overloads of the type-dispatched core functions
// (typeof, quote, length, hex, truth, cast_*, json_quote).

#ifndef LITELIFT_COMPAT_SERVER_ANY_VALUE_H_
#define LITELIFT_COMPAT_SERVER_ANY_VALUE_H_

namespace litelift::compat::server {

// SQL that creates or replaces them (after the core and JSON functions).
const char* AnyValueFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_ANY_VALUE_H_
