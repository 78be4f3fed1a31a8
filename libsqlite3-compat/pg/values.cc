#include "libsqlite3-compat/pg/values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "libsqlite3-compat/host.h"

namespace litelift::compat {

namespace {

// Type OIDs (pg_type.h).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kTimestamp = 1114, kTimestampTz = 1184, kTime = 1083,
              kTimeTz = 1266, kJsonb = 3802;

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends the UTF-8 form of code point cp.
void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t Hex4(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (size_t k = at; k < at + 4 && k < s.size(); ++k)
    v = v * 16 + static_cast<uint32_t>(Hex(s[k]));
  return v;
}

}  // namespace

bool DecodeJsonString(std::string_view json, std::string* out) {
  out->clear();
  if (json.size() < 2 || json.front() != '"' || json.back() != '"') return false;
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    char c = json[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (++i + 1 >= json.size() + 1) return false;
    switch (json[i]) {
      case 'n':
        out->push_back('\n');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'u': {
        if (i + 4 >= json.size()) return false;
        uint32_t cp = Hex4(json, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < json.size() && json[i + 1] == '\\' &&
            json[i + 2] == 'u') {
          uint32_t low = Hex4(json, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(cp, out);
        break;
      }
      default:
        out->push_back(json[i]);  // \" \\ \/
    }
  }
  return true;
}

int BindStoredValue(sqlite3_stmt* stmt, int index, std::string_view v) {
  if (v.empty()) return SQ(sqlite3_bind_null)(stmt, index);
  if (v.front() == '"') {
    std::string text;
    if (DecodeJsonString(v, &text)) {
      return SQ(sqlite3_bind_text)(stmt, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT);
    }
  } else if (v.rfind("{\"t\": \"", 0) == 0 && v.size() >= 10) {
    // {"t": "6100"}: text the server's text cannot hold (odd_text.h),
    // every byte of it.
    std::string bytes;
    if (DecodeBytea("\\x" + std::string(v.substr(7, v.size() - 9)), &bytes)) {
      return SQ(sqlite3_bind_text)(stmt, index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
    }
  } else if (v.front() == '{') {
    // {"b": "0aff"}: a blob.
    size_t colon = v.find(':');
    size_t open = v.find('"', colon == std::string_view::npos ? 0 : colon);
    size_t close = open == std::string_view::npos ? open : v.find('"', open + 1);
    if (close != std::string_view::npos) {
      std::string hex = "\\x" + std::string(v.substr(open + 1, close - open - 1));
      std::string bytes;
      if (DecodeBytea(hex, &bytes)) {
        return SQ(sqlite3_bind_blob)(stmt, index, bytes.data(), static_cast<int>(bytes.size()),
                                     SQLITE_TRANSIENT);
      }
    }
  } else if (v.find_first_of(".eE") == std::string_view::npos) {
    std::string s(v);
    errno = 0;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end != nullptr && *end == '\0') return SQ(sqlite3_bind_int64)(stmt, index, i);
    return SQ(sqlite3_bind_double)(stmt, index, std::strtod(s.c_str(), nullptr));
  } else {
    return SQ(sqlite3_bind_double)(stmt, index, std::strtod(std::string(v).c_str(), nullptr));
  }
  return SQ(sqlite3_bind_text)(stmt, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

bool DecodeBytea(std::string_view text, std::string* out) {
  out->clear();
  if (text.substr(0, 2) != "\\x" || text.size() % 2 != 0) return false;
  out->reserve((text.size() - 2) / 2);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    int hi = Hex(text[i]), lo = Hex(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string SqliteTimestamp(std::string_view t) {
  // Drop a time zone suffix (+00, -05:30); keep fractional seconds.
  size_t time = t.find(' ');
  size_t from = time == std::string_view::npos ? 0 : time;
  size_t zone = t.find_first_of("+-", from + 1);
  if (time != std::string_view::npos && zone != std::string_view::npos) t = t.substr(0, zone);
  return std::string(t);
}

void ParseNumeric(std::string_view text, bool* is_integer, int64_t* i, double* d) {
  std::string s(text);
  *is_integer = false;
  if (s.find_first_of(".eEN") == std::string::npos) {
    errno = 0;
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end != nullptr && *end == '\0') {
      *is_integer = true;
      *i = v;
      return;
    }
  }
  // A fraction, even .0, is a REAL: a NUMERIC column stores whole values
  // without one (litelift.numeric_store), so only arithmetic on reals
  // makes one.
  *d = std::strtod(s.c_str(), nullptr);
}

int BindServerValue(sqlite3_stmt* stmt, int index, const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return SQ(sqlite3_bind_null)(stmt, index);
  const char* v = PQgetvalue(res, row, col);
  int len = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return SQ(sqlite3_bind_int64)(stmt, index, std::strtoll(v, nullptr, 10));
    case kBool:
      return SQ(sqlite3_bind_int64)(stmt, index, v[0] == 't' ? 1 : 0);
    case kFloat4:
    case kFloat8: {
      double d = std::strtod(v, nullptr);  // handles NaN and Infinity
      if (std::isnan(d)) return SQ(sqlite3_bind_null)(stmt, index);
      return SQ(sqlite3_bind_double)(stmt, index, d);
    }
    case kNumeric: {
      bool integral;
      int64_t i = 0;
      double d = 0;
      ParseNumeric(std::string_view(v, static_cast<size_t>(len)), &integral, &i, &d);
      if (integral) return SQ(sqlite3_bind_int64)(stmt, index, i);
      if (std::isnan(d)) return SQ(sqlite3_bind_null)(stmt, index);
      return SQ(sqlite3_bind_double)(stmt, index, d);
    }
    case kBytea: {
      std::string bytes;
      if (!DecodeBytea(std::string_view(v, static_cast<size_t>(len)), &bytes)) {
        return SQ(sqlite3_bind_text)(stmt, index, v, len, SQLITE_TRANSIENT);
      }
      return SQ(sqlite3_bind_blob)(stmt, index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
    }
    case kJsonb:
      return BindStoredValue(stmt, index, std::string_view(v, static_cast<size_t>(len)));
    case kTimestamp:
    case kTimestampTz:
    case kTime:
    case kTimeTz: {
      std::string t = SqliteTimestamp(std::string_view(v, static_cast<size_t>(len)));
      return SQ(sqlite3_bind_text)(stmt, index, t.data(), static_cast<int>(t.size()),
                                   SQLITE_TRANSIENT);
    }
    default:
      return SQ(sqlite3_bind_text)(stmt, index, v, len, SQLITE_TRANSIENT);
  }
}

int BindClassedValue(sqlite3_stmt* stmt, int index, const PGresult* res, int row, int col,
                     const char* storage_class) {
  std::string_view cls(storage_class);
  if (PQgetisnull(res, row, col) || cls == "null") return SQ(sqlite3_bind_null)(stmt, index);
  const char* v = PQgetvalue(res, row, col);
  if (cls == "integer") return SQ(sqlite3_bind_int64)(stmt, index, std::strtoll(v, nullptr, 10));
  if (cls == "real") return SQ(sqlite3_bind_double)(stmt, index, std::strtod(v, nullptr));
  return SQ(sqlite3_bind_text)(stmt, index, v, PQgetlength(res, row, col), SQLITE_TRANSIENT);
}

}  // namespace litelift::compat
