#include "libsqlite3-compat/odd_text.h"

#include <cctype>
#include <cstring>

namespace litelift::compat {

namespace {

// Length of the well-formed UTF-8 sequence at s[i] (as PostgreSQL's
// pg_utf8_islegal: no overlong forms, no surrogates, nothing past
// U+10FFFF), or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = at(i);
  size_t n = c < 0x80                 ? 1
             : c >= 0xC2 && c <= 0xDF ? 2
             : c >= 0xE0 && c <= 0xEF ? 3
             : c >= 0xF0 && c <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n >= 3) {
    unsigned char d = at(i + 1);
    if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) || (c == 0xF0 && d < 0x90) ||
        (c == 0xF4 && d > 0x8F)) {
      return 0;
    }
  }
  return n;
}

}  // namespace

const char* OddTextReason(std::string_view s) {
  if (std::memchr(s.data(), '\0', s.size()) != nullptr) return "a NUL byte";
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return "bytes that are not UTF-8";
    i += n;
  }
  return nullptr;
}

bool OnlyStoredUses(std::string_view sql, int index) {
  const std::string param = "$" + std::to_string(index);
  static constexpr std::string_view kBefore = "litelift.to_any(";
  for (size_t at = sql.find(param); at != std::string_view::npos; at = sql.find(param, at + 1)) {
    size_t end = at + param.size();
    if (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end]))) continue;  // $12
    // Inside a quoted literal or name the text would not be a parameter;
    // the translator writes parameters only as $n, so a match elsewhere
    // (a literal holding "$1") makes the answer false, which only refuses.
    if (at < kBefore.size() || sql.substr(at - kBefore.size(), kBefore.size()) != kBefore ||
        end >= sql.size() || sql[end] != ')') {
      return false;
    }
  }
  return true;
}

std::string StoredOddText(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "{\"t\": \"";
  out.reserve(out.size() + bytes.size() * 2 + 2);
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  out += "\"}";
  return out;
}

std::string OddTextForMessage(std::string_view bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  constexpr size_t kMax = 32;
  std::string out = "X'";
  for (size_t i = 0; i < bytes.size() && i < kMax; ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  out += bytes.size() > kMax ? "...'" : "'";
  return out;
}

}  // namespace litelift::compat
