#include "tools/cli/copy_in.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "libsqlite3-compat/odd_text.h"

namespace litelift::cli {

namespace {

void Put16(std::string* out, int16_t v) {
  uint16_t u = static_cast<uint16_t>(v);
  out->push_back(static_cast<char>(u >> 8));
  out->push_back(static_cast<char>(u & 0xFF));
}

void Put32(std::string* out, int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((u >> s) & 0xFF));
}

void Put64(std::string* out, uint64_t u) {
  for (int s = 56; s >= 0; s -= 8) out->push_back(static_cast<char>((u >> s) & 0xFF));
}

void PutBytes(std::string* out, const void* p, size_t n) {
  Put32(out, static_cast<int32_t>(n));
  out->append(static_cast<const char*>(p), n);
}

// A jsonb field: format version 1, then the JSON text.
void PutJsonb(std::string* out, const std::string& json) {
  Put32(out, static_cast<int32_t>(json.size() + 1));
  out->push_back('\1');
  out->append(json);
}

// text as a JSON string (the server stores the decoded string, so any
// valid escaping stores the same value).
std::string JsonString(const char* p, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n + 2);
  out.push_back('"');
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

std::string Hex(const void* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether text matches litelift.numeric_affinity's pattern (the server
// turns such text into a number in a column of NUMERIC affinity):
// ^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$
bool LooksNumeric(const char* p, size_t n) {
  size_t i = 0;
  while (i < n && IsSpace(p[i])) ++i;
  if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < n && IsDigit(p[i])) ++i, ++int_digits;
  if (i < n && p[i] == '.') {
    ++i;
    while (i < n && IsDigit(p[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    ++i;
    if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && IsDigit(p[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  while (i < n && IsSpace(p[i])) ++i;
  return i == n;
}

bool Whole(double d) { return std::isfinite(d) && d == std::trunc(d); }

// A real as to_any stores it: a whole value under 9.2e18 keeps ".0" (so
// that it reads back as a real), others as the server prints them.
std::string AnyReal(double d) {
  if (Whole(d) && std::fabs(d) < 9.2e18) {
    return std::to_string(static_cast<long long>(d)) + ".0";
  }
  return ShortestReal(d);
}

// Appends a jsonb field for a text or blob value of an untyped column;
// nullptr or why not.
const char* AppendStoredBytes(int type, const char* p, size_t n, std::string* out) {
  if (type == SQLITE_TEXT) {
    std::string_view text(p, n);
    PutJsonb(out, compat::OddTextReason(text) != nullptr ? compat::StoredOddText(text)
                                                         : JsonString(p, n));
    return nullptr;
  }
  // Over 128 MB to_any stores base64 ({"b64": ...}): left to the route.
  if (n > 134217727) return "a blob over 128 MB in a column without a declared type";
  PutJsonb(out, "{\"b\": \"" + Hex(p, n) + "\"}");
  return nullptr;
}

const char* ClassName(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "an INTEGER";
    case SQLITE_FLOAT:
      return "a REAL";
    case SQLITE_TEXT:
      return "a TEXT";
    default:
      return "a BLOB";
  }
}

}  // namespace

Storage StorageOf(const std::string& s) {
  if (s == "bigint" || s == "rowid") return Storage::kInteger;
  if (s == "double precision") return Storage::kReal;
  if (s == "text") return Storage::kText;
  if (s == "bytea") return Storage::kBlob;
  if (s == "numeric") return Storage::kNumeric;
  if (s == "jsonb") return Storage::kAny;
  if (s == "jsonb numeric") return Storage::kAnyNumeric;
  return Storage::kOther;
}

std::string ShortestReal(double d) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

bool NumericBinary(const std::string& text, std::string* out) {
  size_t i = 0, n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits;  // every digit, the point at `point` from the start
  size_t frac = 0;
  while (i < n && IsDigit(text[i])) digits.push_back(text[i++]);
  int64_t point = static_cast<int64_t>(digits.size());
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && IsDigit(text[i])) digits.push_back(text[i++]), ++frac;
  }
  if (digits.empty()) return false;
  int64_t exp = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool neg_exp = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) neg_exp = text[i++] == '-';
    if (i == n) return false;
    while (i < n && IsDigit(text[i])) exp = exp * 10 + (text[i++] - '0');
    if (neg_exp) exp = -exp;
  }
  if (i != n || exp > 100000 || exp < -100000) return false;
  // numeric_in's display scale: the fraction's digits less the exponent.
  int64_t dscale = std::max<int64_t>(0, static_cast<int64_t>(frac) - exp);
  point += exp;
  // Leading and trailing zeros carry no digit.
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  point -= static_cast<int64_t>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  out->clear();
  if (digits.empty()) {  // zero: no digits, weight 0, positive
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, 0);
    Put16(out, static_cast<int16_t>(dscale));
    return true;
  }
  // Digit k has the power point - 1 - k; base-10000 group g holds the
  // powers 4g .. 4g + 3.
  auto floordiv = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  int64_t top = point - 1, low = point - static_cast<int64_t>(digits.size());
  int64_t weight = floordiv(top, 4), low_group = floordiv(low, 4);
  int64_t ndigits = weight - low_group + 1;
  if (ndigits > 32767 || weight > 32767 || weight < -32768) return false;
  Put16(out, static_cast<int16_t>(ndigits));
  Put16(out, static_cast<int16_t>(weight));
  Put16(out, static_cast<int16_t>(negative ? 0x4000 : 0x0000));
  Put16(out, static_cast<int16_t>(dscale));
  for (int64_t g = weight; g >= low_group; --g) {
    int v = 0;
    for (int64_t e = 4 * g + 3; e >= 4 * g; --e) {
      int64_t k = point - 1 - e;
      int d = k >= 0 && k < static_cast<int64_t>(digits.size()) ? digits[k] - '0' : 0;
      v = v * 10 + d;
    }
    Put16(out, static_cast<int16_t>(v));
  }
  return true;
}

const char* AppendField(const SqliteLib& lib, sqlite3_stmt* stmt, int i, Storage storage,
                        std::string* out) {
  int type = lib.sqlite3_column_type(stmt, i);
  if (type == SQLITE_NULL) {
    Put32(out, -1);
    return nullptr;
  }
  switch (storage) {
    case Storage::kInteger:
      if (type != SQLITE_INTEGER) break;
      Put32(out, 8);
      Put64(out, static_cast<uint64_t>(lib.sqlite3_column_int64(stmt, i)));
      return nullptr;
    case Storage::kReal: {
      if (type != SQLITE_FLOAT) break;
      double d = lib.sqlite3_column_double(stmt, i);
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      Put32(out, 8);
      Put64(out, bits);
      return nullptr;
    }
    case Storage::kText:
      if (type == SQLITE_INTEGER) {  // text_store(bigint): its decimal text
        std::string s = std::to_string(lib.sqlite3_column_int64(stmt, i));
        PutBytes(out, s.data(), s.size());
        return nullptr;
      }
      if (type == SQLITE_TEXT) {
        const char* p = reinterpret_cast<const char*>(lib.sqlite3_column_text(stmt, i));
        size_t n = static_cast<size_t>(lib.sqlite3_column_bytes(stmt, i));
        if (compat::OddTextReason(std::string_view(p, n)) != nullptr) {
          return "text PostgreSQL's text cannot hold (a NUL byte or bytes that are not UTF-8)";
        }
        PutBytes(out, p, n);
        return nullptr;
      }
      break;
    case Storage::kBlob:
      if (type != SQLITE_BLOB) break;
      PutBytes(out, lib.sqlite3_column_blob(stmt, i),
               static_cast<size_t>(lib.sqlite3_column_bytes(stmt, i)));
      return nullptr;
    case Storage::kNumeric: {
      std::string text, bin;
      if (type == SQLITE_INTEGER) {
        text = std::to_string(lib.sqlite3_column_int64(stmt, i));
      } else if (type == SQLITE_FLOAT) {
        double d = lib.sqlite3_column_double(stmt, i);
        if (!std::isfinite(d)) return "an infinite REAL in a NUMERIC column";
        // numeric_store(float8): its text as a numeric, whole values
        // below 2^63 without a fraction (the shortest text has none).
        text = ShortestReal(d);
      } else {
        break;
      }
      if (!NumericBinary(text, &bin)) return "a number numeric cannot hold";
      PutBytes(out, bin.data(), bin.size());
      return nullptr;
    }
    case Storage::kAny:
    case Storage::kAnyNumeric:
      switch (type) {
        case SQLITE_INTEGER: {
          int64_t v = lib.sqlite3_column_int64(stmt, i);
          // to_any_numeric keeps integers above -2^63 only (abs < 2^63).
          if (storage == Storage::kAnyNumeric && v == INT64_MIN) {
            return "-9223372036854775808 in a NUMERIC-affinity column";
          }
          PutJsonb(out, std::to_string(v));
          return nullptr;
        }
        case SQLITE_FLOAT: {
          double d = lib.sqlite3_column_double(stmt, i);
          if (!std::isfinite(d)) {  // to_any stores no infinity: NULL
            Put32(out, -1);
            return nullptr;
          }
          if (storage == Storage::kAnyNumeric && Whole(d)) {
            // to_any_numeric makes whole values below 2^63 integers, from
            // their shortest text (exact below 2^53).
            if (std::fabs(d) < 9007199254740992.0) {
              PutJsonb(out, std::to_string(static_cast<long long>(d)));
              return nullptr;
            }
            if (std::fabs(d) < 1e19) return "a whole REAL near 2^63 in a NUMERIC-affinity column";
          }
          PutJsonb(out, AnyReal(d));
          return nullptr;
        }
        default: {
          const char* p = type == SQLITE_TEXT
                              ? reinterpret_cast<const char*>(lib.sqlite3_column_text(stmt, i))
                              : static_cast<const char*>(lib.sqlite3_column_blob(stmt, i));
          size_t n = static_cast<size_t>(lib.sqlite3_column_bytes(stmt, i));
          if (storage == Storage::kAnyNumeric && type == SQLITE_TEXT && LooksNumeric(p, n)) {
            return "text that reads as a number in a NUMERIC-affinity column";
          }
          return AppendStoredBytes(type, p != nullptr ? p : "", n, out);
        }
      }
    case Storage::kOther:
      return "a column COPY does not write (a STRICT table's)";
  }
  static thread_local std::string why;
  why = std::string(ClassName(type)) + " value in a column whose server type stores no such value";
  return why.c_str();
}

bool CopyStream::Command(const std::string& sql, std::string* error) {
  PGresult* res = PQexec(conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(res);
  bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok) *error = PQresultErrorMessage(res);
  PQclear(res);
  while (!error->empty() && (error->back() == '\n' || error->back() == ' ')) error->pop_back();
  return ok;
}

bool CopyStream::Begin(const ServerTable& table, int64_t lock_key,
                       const std::string& writer_sequence, std::string* error) {
  if (!Command("BEGIN", error)) return false;
  in_txn_ = true;
  // The route's writers: its advisory lock, then the writer's record.
  if (!Command("SELECT litelift.write_lock(" + std::to_string(lock_key) + ", 60000), setval('" +
                   writer_sequence + "'::regclass, txid_current())",
               error)) {
    Abort();
    return false;
  }
  std::string cols;
  for (const std::string& c : table.columns) cols += (cols.empty() ? "" : ", ") + c;
  PGresult* res = PQexec(
      conn_, ("COPY " + table.qualified + " (" + cols + ") FROM STDIN (FORMAT binary)").c_str());
  bool ok = PQresultStatus(res) == PGRES_COPY_IN;
  if (!ok) *error = PQresultErrorMessage(res);
  PQclear(res);
  if (!ok) {
    Abort();
    return false;
  }
  copying_ = true;
  buf_.assign("PGCOPY\n\377\r\n\0", 11);
  Put32(&buf_, 0);  // flags
  Put32(&buf_, 0);  // header extension
  return true;
}

std::string* CopyStream::StartRow(int16_t fields) {
  Put16(&buf_, fields);
  return &buf_;
}

bool CopyStream::Flush(std::string* error) {
  if (buf_.empty()) return true;
  if (PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
    *error = PQerrorMessage(conn_);
    return false;
  }
  buf_.clear();
  return true;
}

bool CopyStream::MaybeFlush(std::string* error) { return buf_.size() < (1 << 20) || Flush(error); }

bool CopyStream::Commit(std::string* error) {
  Put16(&buf_, -1);  // the trailer
  bool ok = Flush(error);
  if (ok && PQputCopyEnd(conn_, nullptr) != 1) {
    *error = PQerrorMessage(conn_);
    ok = false;
  }
  if (ok) {
    copying_ = false;
    while (PGresult* res = PQgetResult(conn_)) {
      if (PQresultStatus(res) != PGRES_COMMAND_OK && ok) {
        *error = PQresultErrorMessage(res);
        ok = false;
      }
      PQclear(res);
    }
  }
  while (!error->empty() && (error->back() == '\n' || error->back() == ' ')) error->pop_back();
  if (!ok || !Command("COMMIT", error)) {
    Abort();
    return false;
  }
  in_txn_ = false;
  return true;
}

void CopyStream::Abort() {
  buf_.clear();
  if (copying_) {
    PQputCopyEnd(conn_, "abandoned by litelift migrate");
    while (PGresult* res = PQgetResult(conn_)) PQclear(res);
    copying_ = false;
  }
  if (in_txn_) {
    PGresult* res = PQexec(conn_, "ROLLBACK");
    PQclear(res);
    in_txn_ = false;
  }
}

}  // namespace litelift::cli
