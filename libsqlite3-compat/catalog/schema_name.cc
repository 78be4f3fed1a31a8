#include "libsqlite3-compat/catalog/schema_name.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace litelift::compat {

unsigned Fnv1a32(std::string_view text) {
  unsigned hash = 2166136261u;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash;
}

std::string SchemaNameForPath(std::string_view canonical_path) {
  std::string_view base = canonical_path.substr(canonical_path.rfind('/') + 1);
  size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  std::string stem;
  for (char c : base) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    bool ok = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
    if (ok) {
      stem.push_back(lower);
    } else if (!stem.empty() && stem.back() != '_') {
      stem.push_back('_');
    }
  }
  while (!stem.empty() && stem.back() == '_') stem.pop_back();
  // pg_ is PostgreSQL's (CREATE SCHEMA refuses it) and litelift is ours.
  if (stem.empty() || (stem[0] >= '0' && stem[0] <= '9') || stem == "pg" ||
      stem.rfind("pg_", 0) == 0 || stem == "litelift") {
    stem = "db_" + stem;
  }
  if (stem.size() > 40) stem.resize(40);
  while (!stem.empty() && stem.back() == '_') stem.pop_back();
  char hash[16];
  std::snprintf(hash, sizeof hash, "_%08x", Fnv1a32(canonical_path));
  return stem + hash;
}

std::string SchemaNameForMemory() {
  static std::atomic<unsigned> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  char name[64];
  std::snprintf(name, sizeof name, "mem_%d_%u_%08x", static_cast<int>(getpid()),
                counter.fetch_add(1),
                static_cast<unsigned>(now) ^ static_cast<unsigned>(now >> 32));
  return name;
}

namespace {

// text between two quote characters, each one inside doubled.
std::string Enclose(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

}  // namespace

std::string QuoteIdent(std::string_view name) { return Enclose(name, '"'); }

std::string QuoteLiteral(std::string_view text) { return Enclose(text, '\''); }

}  // namespace litelift::compat
