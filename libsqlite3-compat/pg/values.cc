#include "libsqlite3-compat/pg/values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "libsqlite3-compat/host.h"
#include "router/route.h"

namespace litelift::compat {

namespace {

// Type OIDs (pg_type.h).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700, kTimestamp = 1114, kTimestampTz = 1184, kTime = 1083,
              kTimeTz = 1266, kJsonb = 3802, kText = 25, kVarchar = 1043;

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
    v = v * 16 + static_cast<uint32_t>(router::HexDigitValue(s[k]));
  return v;
}

// Decodes the hex digits in [from, from + n) of p to p (in place: each
// byte lands before the digits it is read from); false, p unchanged, when
// a digit is not hex or n is odd.
bool DecodeHexInPlace(char* p, size_t from, size_t n) {
  if (n % 2 != 0) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (router::HexDigitValue(p[i]) < 0) return false;
  }
  for (size_t i = 0; i < n / 2; ++i) {
    p[i] = static_cast<char>(router::HexDigitValue(p[from + 2 * i]) * 16 +
                             router::HexDigitValue(p[from + 2 * i + 1]));
  }
  return true;
}

int Base64(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes the base64 in [from, from + n) of p to p, in place as
// DecodeHexInPlace; the bytes' count in *out; false, p unchanged, when
// malformed.
bool DecodeBase64InPlace(char* p, size_t from, size_t n, size_t* out) {
  if (n % 4 != 0) return false;
  size_t pad = n >= 1 && p[from + n - 1] == '=' ? (n >= 2 && p[from + n - 2] == '=' ? 2 : 1) : 0;
  for (size_t i = from; i < from + n - pad; ++i) {
    if (Base64(p[i]) < 0) return false;
  }
  size_t o = 0;
  for (size_t i = from; i < from + n; i += 4) {
    uint32_t bits = 0;
    for (size_t k = 0; k < 4; ++k) {
      int d = p[i + k] == '=' ? 0 : Base64(p[i + k]);
      bits = (bits << 6) | static_cast<uint32_t>(d);
    }
    p[o++] = static_cast<char>(bits >> 16);
    p[o++] = static_cast<char>((bits >> 8) & 0xFF);
    p[o++] = static_cast<char>(bits & 0xFF);
  }
  *out = o - pad;
  return true;
}

// Decodes a stored blob in jsonb text, {"b": "<hex>"} or (over 128 MB,
// server/any_value.cc) {"b64": "<base64>"}, in place at v[0]: the bytes'
// count in *n; false, v unchanged, when v is not that form.
bool DecodeStoredBlobInPlace(char* v, size_t len, size_t* n) {
  std::string_view s(v, len);
  bool hex = s.rfind("{\"b\": \"", 0) == 0;
  if (!hex && s.rfind("{\"b64\": \"", 0) != 0) return false;
  size_t from = hex ? 7 : 9;
  size_t close = s.find('"', from);
  if (close == std::string_view::npos) return false;
  if (hex) {
    if (!DecodeHexInPlace(v + from, 0, close - from)) return false;
    std::memmove(v, v + from, (close - from) / 2);
    *n = (close - from) / 2;
    return true;
  }
  if (!DecodeBase64InPlace(v + from, 0, close - from, n)) return false;
  std::memmove(v, v + from, *n);
  return true;
}

bool DecodeStoredBlob(std::string_view v, std::string* out) {
  out->assign(v);
  size_t n = 0;
  if (!DecodeStoredBlobInPlace(out->data(), out->size(), &n)) return false;
  out->resize(n);
  return true;
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

int BindNumber(sqlite3_stmt* stmt, int index, std::string_view text) {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  ParseNumeric(text, &integral, &i, &d);
  if (integral) return SQ(sqlite3_bind_int64)(stmt, index, i);
  if (std::isnan(d)) return SQ(sqlite3_bind_null)(stmt, index);
  return SQ(sqlite3_bind_double)(stmt, index, d);
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
    std::string bytes;
    if (DecodeStoredBlob(v, &bytes)) {
      return SQ(sqlite3_bind_blob64)(stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
  } else {
    return BindNumber(stmt, index, v);
  }
  return SQ(sqlite3_bind_text)(stmt, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

bool DecodeBytea(std::string_view text, std::string* out) {
  out->clear();
  if (text.substr(0, 2) != "\\x" || text.size() % 2 != 0) return false;
  out->reserve((text.size() - 2) / 2);
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    int hi = router::HexDigitValue(text[i]), lo = router::HexDigitValue(text[i + 1]);
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

bool BinaryResults(const PGresult* described) {
  for (int c = 0; c < PQnfields(described); ++c) {
    switch (PQftype(described, c)) {
      case kBool:
      case kBytea:
      case kInt8:
      case kInt2:
      case kInt4:
      case kOid:
      case kFloat8:
      case kText:
      case kVarchar:
      case kJsonb:
        break;
      default:
        return false;  // numeric, float4, timestamps, ...: read as text
    }
  }
  return true;
}

namespace {

// A big-endian integer of n bytes.
uint64_t BigEndian(const char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
// The same for the fixed widths of a row's values (one load, one swap).
uint64_t BigEndian8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
uint32_t BigEndian4(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// BindServerValue for a value in binary format (BinaryResults' types).
int BindBinaryValue(sqlite3_stmt* stmt, int index, Oid type, char* v, int len) {
  switch (type) {
    case kInt2:
      return SQ(sqlite3_bind_int64)(stmt, index, static_cast<int16_t>(BigEndian(v, 2)));
    case kInt4:
      return SQ(sqlite3_bind_int64)(stmt, index, static_cast<int32_t>(BigEndian(v, 4)));
    case kOid:
      return SQ(sqlite3_bind_int64)(stmt, index, static_cast<uint32_t>(BigEndian(v, 4)));
    case kInt8:
      return SQ(sqlite3_bind_int64)(stmt, index, static_cast<int64_t>(BigEndian(v, 8)));
    case kBool:
      return SQ(sqlite3_bind_int64)(stmt, index, v[0] != 0 ? 1 : 0);
    case kFloat8: {
      uint64_t bits = BigEndian(v, 8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      if (std::isnan(d)) return SQ(sqlite3_bind_null)(stmt, index);
      return SQ(sqlite3_bind_double)(stmt, index, d);
    }
    case kBytea:  // the bytes themselves, where libpq holds them
      return SQ(sqlite3_bind_blob64)(stmt, index, v, static_cast<size_t>(len), SQLITE_STATIC);
    case kJsonb: {  // a version byte (1), then the text
      if (len < 1 || v[0] != 1) return SQ(sqlite3_bind_null)(stmt, index);
      size_t n = 0;
      if (DecodeStoredBlobInPlace(v + 1, static_cast<size_t>(len - 1), &n)) {
        return SQ(sqlite3_bind_blob64)(stmt, index, v + 1, n, SQLITE_STATIC);
      }
      return BindStoredValue(stmt, index, std::string_view(v + 1, static_cast<size_t>(len - 1)));
    }
    default:  // text: libpq keeps the row's result while the row is read
      return SQ(sqlite3_bind_text)(stmt, index, v, len, SQLITE_STATIC);
  }
}

}  // namespace

bool PlanPlainRow(const PGresult* res, int ncol, std::vector<PlainKind>* plan) {
  plan->resize(static_cast<size_t>(ncol));
  for (int c = 0; c < ncol; ++c) {
    bool binary = PQfformat(res, c) == 1;
    PlainKind k;
    switch (PQftype(res, c)) {
      case kInt2:
        k = binary ? PlainKind::kInt2 : PlainKind::kIntText;
        break;
      case kInt4:
        k = binary ? PlainKind::kInt4 : PlainKind::kIntText;
        break;
      case kInt8:
        k = binary ? PlainKind::kInt8 : PlainKind::kIntText;
        break;
      case kOid:
        k = binary ? PlainKind::kOid : PlainKind::kIntText;
        break;
      case kBool:
        k = binary ? PlainKind::kBool : PlainKind::kBoolText;
        break;
      case kFloat8:
        k = binary ? PlainKind::kFloat8 : PlainKind::kFloat8Text;
        break;
      case kText:
      case kVarchar:
        k = PlainKind::kText;
        break;
      case kBytea:
        if (!binary) return false;
        k = PlainKind::kBytea;
        break;
      default:
        return false;
    }
    (*plan)[static_cast<size_t>(c)] = k;
  }
  return true;
}

bool DecodePlainRow(const PGresult* res, int row, const std::vector<PlainKind>& plan,
                    std::vector<PlainValue>* out) {
  constexpr int kLargest = 1 << 20;  // larger values take the bound path (its limits)
  const int ncol = static_cast<int>(plan.size());
  out->resize(plan.size());
  PlainValue* v = out->data();
  for (int c = 0; c < ncol; ++c, ++v) {
    // A NULL has length 0: only an empty value needs the NULL check (one
    // libpq call a column fewer; a binary number is never empty).
    const char* text = PQgetvalue(res, row, c);
    const int len = PQgetlength(res, row, c);
    if (len == 0 && PQgetisnull(res, row, c)) {
      v->type = SQLITE_NULL;
      continue;
    }
    switch (plan[static_cast<size_t>(c)]) {
      case PlainKind::kInt8:
        v->type = SQLITE_INTEGER;
        v->i = static_cast<int64_t>(BigEndian8(text));
        break;
      case PlainKind::kInt4:
        v->type = SQLITE_INTEGER;
        v->i = static_cast<int32_t>(BigEndian4(text));
        break;
      case PlainKind::kInt2:
        v->type = SQLITE_INTEGER;
        v->i = static_cast<int16_t>(BigEndian(text, 2));
        break;
      case PlainKind::kOid:
        v->type = SQLITE_INTEGER;
        v->i = BigEndian4(text);
        break;
      case PlainKind::kIntText:
        v->type = SQLITE_INTEGER;
        v->i = std::strtoll(text, nullptr, 10);
        break;
      case PlainKind::kBool:
        v->type = SQLITE_INTEGER;
        v->i = text[0] != 0 ? 1 : 0;
        break;
      case PlainKind::kBoolText:
        v->type = SQLITE_INTEGER;
        v->i = text[0] == 't' ? 1 : 0;
        break;
      case PlainKind::kFloat8:
      case PlainKind::kFloat8Text: {
        double d;
        if (plan[static_cast<size_t>(c)] == PlainKind::kFloat8) {
          uint64_t bits = BigEndian8(text);
          std::memcpy(&d, &bits, sizeof d);
        } else {
          d = std::strtod(text, nullptr);
        }
        v->type = std::isnan(d) ? SQLITE_NULL : SQLITE_FLOAT;  // SQLite holds NaN as NULL
        v->d = d;
        break;
      }
      case PlainKind::kText:
      case PlainKind::kBytea: {
        if (len > kLargest) return false;
        v->type = plan[static_cast<size_t>(c)] == PlainKind::kText ? SQLITE_TEXT : SQLITE_BLOB;
        v->p = text;
        v->n = len;
        break;
      }
    }
  }
  return true;
}

bool DecodePlainRow(const PGresult* res, int row, int ncol, std::vector<PlainValue>* out) {
  std::vector<PlainKind> plan;
  return PlanPlainRow(res, ncol, &plan) && DecodePlainRow(res, row, plan, out);
}

int BindPlainValue(sqlite3_stmt* stmt, int index, const PlainValue& v) {
  switch (v.type) {
    case SQLITE_INTEGER:
      return SQ(sqlite3_bind_int64)(stmt, index, v.i);
    case SQLITE_FLOAT:
      return SQ(sqlite3_bind_double)(stmt, index, v.d);
    case SQLITE_TEXT:
      return SQ(sqlite3_bind_text)(stmt, index, v.p, v.n, SQLITE_STATIC);
    case SQLITE_BLOB:
      return SQ(sqlite3_bind_blob)(stmt, index, v.p, v.n, SQLITE_STATIC);
    default:
      return SQ(sqlite3_bind_null)(stmt, index);
  }
}

int BindServerValue(sqlite3_stmt* stmt, int index, const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return SQ(sqlite3_bind_null)(stmt, index);
  char* v = PQgetvalue(res, row, col);  // libpq's own storage, ours to change
  int len = PQgetlength(res, row, col);
  if (PQfformat(res, col) == 1) return BindBinaryValue(stmt, index, PQftype(res, col), v, len);
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
    case kNumeric:
      return BindNumber(stmt, index, std::string_view(v, static_cast<size_t>(len)));
    case kBytea: {
      // Decoded where libpq holds it, and bound without a copy: a large
      // blob then costs the client libpq's two copies of its hex only.
      size_t n = static_cast<size_t>(len);
      if (n < 2 || v[0] != '\\' || v[1] != 'x' || !DecodeHexInPlace(v, 2, n - 2)) {
        return SQ(sqlite3_bind_text)(stmt, index, v, len, SQLITE_TRANSIENT);
      }
      return SQ(sqlite3_bind_blob64)(stmt, index, v, (n - 2) / 2, SQLITE_STATIC);
    }
    case kJsonb: {
      size_t n = 0;
      if (DecodeStoredBlobInPlace(v, static_cast<size_t>(len), &n)) {
        return SQ(sqlite3_bind_blob64)(stmt, index, v, n, SQLITE_STATIC);
      }
      return BindStoredValue(stmt, index, std::string_view(v, static_cast<size_t>(len)));
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
