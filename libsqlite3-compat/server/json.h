// SQLite 3.40's JSON1 functions as PostgreSQL 15 functions in the litelift
// schema, with SQLite's exact output: JSON stays text (keys keep their order
// and duplicates, numbers and string escapes keep their spelling), json()
// minifies as SQLite does, paths, lookups and edits follow SQLite's json.c
// step for step, errors carry SQLite's words. Checked against the real
// SQLite by tests/e2e/json_grid.sh.
//
// Calling convention (for the translator). PostgreSQL has no value subtypes
// and one static type per function, so:
//
//  * JSON document arguments (X, the patch of json_patch) are `text` or
//    `json`; both are parsed as JSON.
//  * Value arguments (json_array, json_object values, json_set/insert/replace
//    values, json_group_*) are `json`: wrap each SQL value in
//    litelift.json_quote(v), which is SQLite's conversion of an argument
//    (text -> JSON string, bigint/integer -> number, double precision ->
//    SQLite's %!.15g text, numeric -> integer when integral else real,
//    boolean -> 1/0, json -> inserted as is (SQLite's JSON subtype), NULL ->
//    null, bytea -> error "JSON cannot hold BLOB values"). Pass the result of
//    another json function (type json) directly. A SQL NULL json is null.
//  * Functions whose SQLite result is JSON return `json`: json, json_array,
//    json_object, json_quote, json_set/insert/replace/remove, json_patch,
//    json_arrow (->), json_extract_json, json_group_array/object.
//  * SQL values: json_valid -> integer, json_type -> text,
//    json_array_length -> bigint. json_extract(X, VARIADIC P) and
//    json_arrow2 (->>) return `text`: the value as SQLite converts it to text
//    (integers in decimal, reals as SQLite prints them, strings unescaped,
//    arrays/objects as minified JSON, JSON null or a missing path -> NULL;
//    several paths -> a JSON array). Its storage class comes from
//    json_extract_type(X, VARIADIC P): 'integer', 'real', 'text' or 'null'
//    (true/false are integer 1/0; integers beyond 64 bits are real); the
//    exact double of a real from json_extract_real(X, VARIADIC P) (NULL
//    unless integer or real); the form another json function needs (SQLite
//    passes json_extract's result on with its class and subtype) from
//    json_extract_json(X, VARIADIC P).
//  * `x -> p` is json_arrow(x, p), `x ->> p` is json_arrow2(x, p), p text or
//    bigint; json_arrow_path(p) gives the full path, so the typed variants
//    above serve ->> too.
//  * json_array(VARIADIC json[]), json_object(keys text[], vals json[]) (a
//    NULL key is "json_object() labels must be TEXT"; the odd-argument error
//    is the caller's), json_set/insert/replace(X, paths text[], vals json[])
//    or (X, path text, val json), json_remove(X, VARIADIC paths text[]).
//  * json_each(X[, P]) and json_tree(X[, P]) return (key text, value text,
//    type text, atom text, id bigint, parent bigint, fullkey text, path
//    text). value and atom follow json_extract's text rule; their storage
//    class follows `type` ('true'/'false'/'integer' -> integer, 'real' ->
//    real, 'null' -> NULL, else text); key is an integer (array index) when
//    the row's container is an array. id and parent are SQLite's node
//    numbers exactly.
//
// Errors: malformed JSON is "malformed JSON" (SQLSTATE 22032); a bad path is
// "JSON path error near '...'" and the other argument errors carry SQLite's
// text (SQLSTATE 22023).
//
// Not reproducible (PostgreSQL text/json cannot hold it): a string with a
// \u0000 escape is cut there, as SQLite does, but a lone UTF-16 surrogate
// escape decodes to U+FFFD where SQLite returns invalid UTF-8; SQLite's
// "Inf" for infinite reals and "{:v}" for json_group_object(NULL, v) are
// not JSON, so those calls raise an error; json_set/replace of the whole
// document ('$') return the new value as JSON where SQLite returns the bare
// SQL value. Reals are parsed correctly rounded (SQLite's own parser can
// differ in the last bit for some inputs with 16+ digits).

#ifndef LITELIFT_COMPAT_SERVER_JSON_H_
#define LITELIFT_COMPAT_SERVER_JSON_H_

namespace litelift::compat::server {

// SQL that creates or replaces the JSON functions in the existing schema
// litelift. Idempotent; static storage, never freed.
const char* JsonFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_JSON_H_
