#include "libsqlite3-compat/pg/values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "libsqlite3-compat/host.h"

namespace litelift::compat {

namespace {

// Type OIDs (pg_type.h).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kTimestamp = 1114, kTimestampTz = 1184, kTime = 1083,
              kTimeTz = 1266;

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

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
  } else if (s.find_first_of("eEN") == std::string::npos) {
    // 12.000 is integral: SQLite stores it as INTEGER in a NUMERIC column.
    size_t dot = s.find('.');
    bool zeros = s.find_first_not_of('0', dot + 1) == std::string::npos;
    if (zeros) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(s.substr(0, dot).c_str(), &end, 10);
      if (errno == 0 && end != nullptr && *end == '\0') {
        *is_integer = true;
        *i = v;
        return;
      }
    }
  }
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
