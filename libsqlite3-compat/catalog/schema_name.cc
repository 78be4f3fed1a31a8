#include "libsqlite3-compat/catalog/schema_name.h"

#include <sys/random.h>
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

uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
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
  char hash[24];
  std::snprintf(hash, sizeof hash, "_%016llx",
                static_cast<unsigned long long>(Fnv1a64(canonical_path)));
  return stem + hash;
}

std::string SchemaNameForMemory() {
  static std::atomic<unsigned> counter{0};
  unsigned long long bits = 0;
  if (getrandom(&bits, sizeof bits, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof bits)) {
    // No kernel randomness yet (early boot): the clock, hashed.
    auto now = std::chrono::system_clock::now().time_since_epoch().count();
    bits = Fnv1a64(std::string_view(reinterpret_cast<const char*>(&now), sizeof now));
  }
  char name[64];
  std::snprintf(name, sizeof name, "mem_%d_%u_%016llx", static_cast<int>(getpid()),
                counter.fetch_add(1), bits);
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

std::string ServerName(std::string_view name) {
  if (name.size() <= kMaxServerName) return std::string(name);
  constexpr size_t kKept = kMaxServerName - 17;  // '_' and 16 hex digits follow
  size_t keep = kKept;
  // Not inside a UTF-8 character: PostgreSQL refuses a name that is not
  // valid in the server's encoding.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  char hash[20];
  std::snprintf(hash, sizeof hash, "_%016llx", static_cast<unsigned long long>(Fnv1a64(name)));
  return std::string(name.substr(0, keep)) + hash;
}

bool IsHashedServerName(std::string_view name) {
  if (name.size() < kMaxServerName - 3 || name.size() > kMaxServerName) return false;
  if (name[name.size() - 17] != '_') return false;
  return name.find_first_not_of("0123456789abcdef", name.size() - 16) == std::string_view::npos;
}

std::string ServerIdent(std::string_view name) { return QuoteIdent(ServerName(name)); }

}  // namespace litelift::compat
