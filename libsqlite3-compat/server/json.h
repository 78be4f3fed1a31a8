// SQLite 3.40's JSON1 functions as PostgreSQL 15 functions in the litelift
// schema, with SQLite's exact output: JSON stays text (keys keep their order
// and duplicates, numbers and string escapes their spelling), json()
// minifies as SQLite does, paths, lookups and edits follow SQLite's json.c
// step by step (quirks included), reals print as SQLite's own printf does,
// errors carry SQLite's words. tests/e2e/server_grid.sh json checks them against
// the real SQLite.
//
// Calling convention (for the translator). PostgreSQL has no value subtypes
// and one static type per function, so:
//
//  * JSON document arguments (X, and the patch of json_patch) are `text` or
//    `json`; both are parsed as JSON.
//  * Value arguments (json_array, json_object values, json_set/insert/replace
//    values, json_group_array/object) are `json`: wrap each SQL value in
//    litelift.json_quote(v), which is SQLite's conversion of an argument
//    (text -> JSON string, bigint/integer -> number, double precision ->
//    SQLite's %!.15g text, numeric -> integer when integral else real,
//    boolean -> 1/0, json -> inserted as is (SQLite's JSON subtype), bytea
//    -> error "JSON cannot hold BLOB values"). Pass the result of another
//    json function (type json) directly. A SQL NULL json is JSON null.
//  * Functions whose SQLite result is JSON return `json`: json, json_array,
//    json_object, json_quote, json_set/insert/replace/remove, json_patch,
//    json_arrow (->), json_extract_json, json_group_array/object.
//  * SQL values: json_valid -> integer, json_type -> text,
//    json_array_length -> bigint. json_extract(X, VARIADIC P) returns `text`:
//    the value as SQLite converts it to text (integers in decimal, reals as
//    SQLite prints them, strings unescaped, arrays/objects as minified JSON,
//    JSON null or a missing path -> NULL; several paths -> a JSON array).
//    Its storage class: json_extract_type(X, VARIADIC P) -> 'integer',
//    'real', 'text' or 'null' (true/false are integer 1/0, integers beyond
//    64 bits real). The exact double of an integer or real:
//    json_extract_real(X, VARIADIC P), NULL otherwise. What SQLite passes on
//    when json_extract's result is an argument of another json function
//    (value, class and subtype): json_extract_json(X, VARIADIC P).
//  * x -> p is json_arrow(x, p), x ->> p is json_arrow2(x, p) (like
//    json_extract), p text or bigint; json_arrow_path(p) is the full path p
//    stands for, so the json_extract_* variants serve ->> too.
//  * json_array(VARIADIC json[]) and json_array(); json_object(keys text[],
//    vals json[]) and json_object() (a NULL key is "json_object() labels must
//    be TEXT"; the caller checks the argument count);
//    json_set/insert/replace(X, paths text[], vals json[]) or (X, path text,
//    val json); json_remove(X, VARIADIC paths text[]) and json_remove(X).
//  * json_each(X[, P]) and json_tree(X[, P]) return (key text, value text,
//    type text, atom text, id bigint, parent bigint, fullkey text, path
//    text). value and atom follow json_extract's text rule; their class
//    follows type: 'true', 'false', 'integer' -> integer (real when the text
//    has a '.': beyond 64 bits), 'real' -> real, 'null' -> NULL, else text.
//    key is an integer (array index) when fullkey ends in ']', else text.
//    id and parent are SQLite's node numbers, exactly.
//
// Errors: malformed JSON raises "malformed JSON" (SQLSTATE 22032); a bad path
// "JSON path error near '...'", argument errors SQLite's text (SQLSTATE
// 22023).
//
// Differences (text and json cannot hold what SQLite returns): a lone
// surrogate escape decodes to U+FFFD (SQLite writes invalid UTF-8); an
// infinite real inside JSON is 9.0e+999 (SQLite 3.40 writes Inf, no JSON;
// 3.42 writes 9.0e+999); json_group_object with a NULL label raises (SQLite
// writes {:v}); json_set/replace of the whole document ('$') with a plain
// SQL value return it as JSON (json_quote) where SQLite returns the value
// itself. json_group_object copies its state per row (quadratic: seconds at
// 20,000 rows); litelift.json(pg_catalog.json_object_agg(k, v)) is the same
// text in linear time when no label is NULL (NULL for no rows, not '{}').
//
// Cost: json_extract, ->, ->>, json_type, json_array_length with a path of
// plain keys and indexes use PostgreSQL's json operators (about 6 us on a
// small document) unless a key of the path repeats in its object or a key
// has an escape; everything else parses into SQLite's node array in
// PL/pgSQL (about 30 us for a small document, 1.3 us per token).

#ifndef LITELIFT_COMPAT_SERVER_JSON_H_
#define LITELIFT_COMPAT_SERVER_JSON_H_

namespace litelift::compat::server {

// SQL that creates or replaces the JSON functions in the existing schema
// litelift. Idempotent; static storage, never freed.
const char* JsonFunctionsSql();

}  // namespace litelift::compat::server

#endif  // LITELIFT_COMPAT_SERVER_JSON_H_
