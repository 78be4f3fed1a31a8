// Names on the server for a routed database.

#ifndef LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_
#define LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_

#include <string>
#include <string_view>

namespace litelift::compat {

// The schema for a database file: its sanitised stem (lowercase ASCII
// letters, digits, '_', at most 40 characters, never starting with a digit
// or pg_ and never litelift: those get a db_ prefix)
// plus '_' and 8 hex digits of a stable hash of the canonical path, so that
// /data/cache/token-dashboard.db -> token_dashboard_1a2b3c4d and two files
// with one name in different folders never share a schema.
std::string SchemaNameForPath(std::string_view canonical_path);

// A private schema for one in-memory database (dropped at close).
std::string SchemaNameForMemory();

// 32-bit FNV-1a of text (stable across runs and machines).
unsigned Fnv1a32(std::string_view text);

// text as a PostgreSQL identifier: always quoted, quotes doubled.
std::string QuoteIdent(std::string_view name);

// text as a PostgreSQL string literal: quotes doubled (sessions run with
// standard_conforming_strings on, so backslashes are plain characters).
std::string QuoteLiteral(std::string_view text);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_CATALOG_SCHEMA_NAME_H_
