// Names on the server for a routed database.

#ifndef LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_
#define LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace litelift::compat {

// The schema a new database file is given: its sanitised stem (lowercase
// ASCII letters, digits, '_', at most 40 characters, never starting with a
// digit or pg_, never litelift: those get a db_ prefix) plus '_' and 16 hex digits of a stable
// 64-bit hash of the canonical path, so that /data/cache/token-dashboard.db ->
// token_dashboard_0123456789abcdef. The name is only where a database is
// first put: opens find a database by its path in litelift.databases (older
// litelift gave 8 hex digits; a name taken by another path gets a suffix),
// so two files never share a schema, even when their hashes collide.
std::string SchemaNameForPath(std::string_view canonical_path);

// A private schema for one in-memory database (dropped at close): the
// process, a counter and 64 random bits, so that no two processes on any
// machines pick one name (and creating it refuses a name in use).
std::string SchemaNameForMemory();

// 32-bit FNV-1a of text (stable across runs and machines).
unsigned Fnv1a32(std::string_view text);

// 64-bit FNV-1a of text (stable across runs and machines).
uint64_t Fnv1a64(std::string_view text);

// text as a PostgreSQL identifier: always quoted, quotes doubled.
std::string QuoteIdent(std::string_view name);

// PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1): the server
// cuts a longer one, so two long names sharing a prefix would collide.
constexpr size_t kMaxServerName = 63;

// The server's name for the object (table, column, index, view, trigger,
// constraint, sequence, function) that litelift calls name: name itself
// when it fits in kMaxServerName bytes, else its first bytes (whole UTF-8
// characters, at most 46) + '_' + 16 hex digits of Fnv1a64(name), 63 bytes
// at most. Pure, so that every connection and process computes the same
// name; names litelift derives (a table's name with a prefix or suffix)
// pass through it whole, after the prefix or suffix is added.
std::string ServerName(std::string_view name);

// Whether name has the form ServerName gives a long name (60 to 63 bytes
// ending in '_' and 16 hex digits): only such a name needs looking up.
bool IsHashedServerName(std::string_view name);

// QuoteIdent(ServerName(name)): every identifier the route sends to the
// server for a schema object goes through this (or sql::Ident, which
// folds the case first).
std::string ServerIdent(std::string_view name);

// text as a PostgreSQL string literal: quotes doubled (sessions run with
// standard_conforming_strings on, so backslashes are plain characters).
std::string QuoteLiteral(std::string_view text);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_
