#include "libsqlite3-compat/pg/batch_copy.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace litelift::compat {

namespace {

// Skips a quoted string or identifier starting at text[i]; returns the
// index after it.
size_t SkipQuoted(const std::string& text, size_t i) {
  char q = text[i];
  for (++i; i < text.size(); ++i) {
    if (text[i] == q) {
      if (i + 1 < text.size() && text[i + 1] == q) {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  return std::string::npos;
}

// The k of "$k" making up all of s[from, to), from 1; 0 when it is not that.
int ParamAt(const std::string& s, size_t from, size_t to) {
  if (to <= from + 1 || s[from] != '$') return 0;
  int k = 0;
  for (size_t i = from + 1; i < to; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) || k > 100000) return 0;
    k = k * 10 + (s[i] - '0');
  }
  return k;
}

// The k of "<head>$k)" making up all of s; 0 when it is not that.
int StoreParam(const std::string& s, const std::string& head) {
  if (s.size() < head.size() + 3 || s.compare(0, head.size(), head) != 0 || s.back() != ')') {
    return 0;
  }
  return ParamAt(s, head.size(), s.size() - 1);
}

// "'<sequence>'::regclass" making up all of s[from, to).
bool IsRegclass(const std::string& s, size_t from, size_t to) {
  static const std::string kCast = "::regclass";
  if (from >= to || s[from] != '\'') return false;
  size_t end = SkipQuoted(s, from);
  return end != std::string::npos && end + kCast.size() == to &&
         s.compare(end, kCast.size(), kCast) == 0;
}

// Reads one VALUES entry into kind, param (from 1, 0 for none) and
// sequence; false when it is none of CopyKind's forms.
bool ReadEntry(const std::string& e, const std::string& storage, CopyKind* kind, int* param,
               std::string* sequence) {
  static const std::string kTake = "litelift.rowid_take(litelift.rowid_store(";
  static const std::string kNext = "nextval(";
  static const std::string kFalse = ", false)";
  if (e.compare(0, kTake.size(), kTake) == 0) {
    size_t close = e.find("), ", kTake.size());
    if (close == std::string::npos || e.size() < close + 3 + kFalse.size() ||
        e.compare(e.size() - kFalse.size(), kFalse.size(), kFalse) != 0) {
      return false;
    }
    size_t from = close + 3, to = e.size() - kFalse.size();
    if (!IsRegclass(e, from, to)) return false;
    *param = ParamAt(e, kTake.size(), close);
    *kind = CopyKind::kRowid;
    *sequence = e.substr(from, to - from);
    return *param > 0;
  }
  if (e.compare(0, kNext.size(), kNext) == 0 && e.back() == ')') {
    if (!IsRegclass(e, kNext.size(), e.size() - 1)) return false;
    *kind = CopyKind::kNumbered;
    *param = 0;
    *sequence = e.substr(kNext.size(), e.size() - 1 - kNext.size());
    return true;
  }
  static const struct {
    const char* head;
    CopyKind kind;
  } kStores[] = {{"litelift.integer_store(", CopyKind::kInteger},
                 {"litelift.text_store(", CopyKind::kText},
                 {"litelift.blob_store(", CopyKind::kBlob},
                 {"litelift.to_any(", CopyKind::kAny}};
  for (const auto& s : kStores) {
    *param = StoreParam(e, s.head);
    if (*param > 0) {
      *kind = s.kind;
      return true;
    }
  }
  // A bare parameter: the column's type takes it (REAL columns only here).
  *param = ParamAt(e, 0, e.size());
  *kind = CopyKind::kReal;
  return *param > 0 && storage == "double precision";
}

void PutInt16(std::string* out, int16_t v) {
  uint16_t be = __builtin_bswap16(static_cast<uint16_t>(v));
  out->append(reinterpret_cast<const char*>(&be), sizeof be);
}

void PutInt32(std::string* out, int32_t v) {
  uint32_t be = __builtin_bswap32(static_cast<uint32_t>(v));
  out->append(reinterpret_cast<const char*>(&be), sizeof be);
}

void PutInt64(std::string* out, uint64_t v) {
  uint64_t be = __builtin_bswap64(v);
  out->append(reinterpret_cast<const char*>(&be), sizeof be);
}

// A decimal int8 as the statement sends it (std::to_string).
bool ParseInt(const char* v, int64_t* out) {
  errno = 0;
  char* end = nullptr;
  long long i = std::strtoll(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0') return false;
  *out = i;
  return true;
}

// s as a JSON string (to_jsonb(text)'s value; any valid escaping of the
// same characters is the same jsonb).
void AppendJsonString(std::string* out, const char* s, size_t n) {
  out->push_back('"');
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out->append(esc);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

// The value as to_any stores it, in jsonb's binary form (version 1, then
// its text); false for values whose stored text is not made here (a real
// with a fraction: float8out's digits).
bool AppendAny(const char* v, int length, int format, Oid type, std::string* out) {
  std::string json;
  if (type == 20 && format == 0) {
    int64_t i;
    if (!ParseInt(v, &i)) return false;
    json = std::to_string(i);
  } else if ((type == 0 || type == 25) && format == 0) {
    AppendJsonString(&json, v, std::strlen(v));
  } else if (type == 3802 && format == 0) {  // stored odd text (odd_text.h), kept as it is
    json = v;
  } else if (type == 17 && format == 1 && length <= 134217727) {
    static const char kHex[] = "0123456789abcdef";
    json = "{\"b\": \"";
    for (int i = 0; i < length; ++i) {
      unsigned char c = static_cast<unsigned char>(v[i]);
      json.push_back(kHex[c >> 4]);
      json.push_back(kHex[c & 15]);
    }
    json += "\"}";
  } else if (type == 701 && format == 1 && length == 8) {
    uint64_t bits;
    std::memcpy(&bits, v, sizeof bits);
    bits = __builtin_bswap64(bits);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 9.2e18) return false;
    json = std::to_string(static_cast<long long>(d)) + ".0";  // (to_any: a whole real keeps ".0")
  } else {
    return false;
  }
  PutInt32(out, static_cast<int32_t>(json.size() + 1));
  out->push_back('\x01');
  out->append(json);
  return true;
}

}  // namespace

bool PlanCopy(const std::string& text,
              const std::function<std::string(const std::string&)>& storage, CopyPlan* out) {
  static const std::string kInsert = "INSERT INTO ";
  if (text.compare(0, kInsert.size(), kInsert) != 0) return false;
  size_t i = kInsert.size(), n = text.size();
  size_t target_from = i;
  while (i < n && text[i] != ' ') {
    if (text[i] == '"') {
      i = SkipQuoted(text, i);
      if (i == std::string::npos) return false;
    } else if (text[i] == '.') {
      ++i;
    } else {
      return false;
    }
  }
  std::string target = text.substr(target_from, i - target_from);
  if (target.empty() || text.compare(i, 2, " (") != 0) return false;
  i += 2;
  std::vector<std::string> columns;
  for (;;) {
    if (i >= n || text[i] != '"') return false;
    size_t k = SkipQuoted(text, i);
    if (k == std::string::npos) return false;
    columns.push_back(text.substr(i, k - i));
    i = k;
    if (text.compare(i, 2, ", ") == 0) {
      i += 2;
    } else if (i < n && text[i] == ')') {
      ++i;
      break;
    } else {
      return false;
    }
  }
  static const std::string kValues = " VALUES (";
  if (text.compare(i, kValues.size(), kValues) != 0) return false;
  i += kValues.size();
  std::vector<std::string> entries;
  size_t depth = 0, from = i;
  while (i < n) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      i = SkipQuoted(text, i);
      if (i == std::string::npos) return false;
      continue;
    }
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0) {
      entries.push_back(text.substr(from, i - from));
      from = i + 2;
      if (text.compare(i, 2, ", ") != 0) return false;
    }
    ++i;
  }
  if (i >= n) return false;
  entries.push_back(text.substr(from, i - from));
  ++i;
  static const std::string kReturning = " RETURNING \"";
  if (i < n) {
    if (text.compare(i, kReturning.size(), kReturning) != 0 ||
        SkipQuoted(text, i + kReturning.size() - 1) != n) {
      return false;
    }
  }
  if (entries.size() != columns.size()) return false;
  CopyPlan plan;
  std::string copied;
  for (size_t j = 0; j < entries.size(); ++j) {
    CopyKind kind;
    int param = 0;
    std::string sequence;
    if (!ReadEntry(entries[j], storage(columns[j]), &kind, &param, &sequence)) return false;
    if (kind == CopyKind::kRowid || kind == CopyKind::kNumbered) {
      if (plan.rowid >= 0) return false;
      plan.rowid = static_cast<int>(j);
      plan.sequence = sequence;
    }
    plan.kinds.push_back(kind);
    plan.params.push_back(param - 1);
    if (kind != CopyKind::kNumbered) copied += (copied.empty() ? "" : ", ") + columns[j];
  }
  if (copied.empty()) return false;
  plan.copy_sql = "COPY " + target + " (" + copied + ") FROM STDIN (FORMAT binary)";
  *out = std::move(plan);
  return true;
}

bool AppendCopyRow(const CopyPlan& plan, const CopyParams& p, std::string* out, CopyRowid* how,
                   int64_t* rowid) {
  size_t mark = out->size();
  int16_t fields = 0;
  for (CopyKind k : plan.kinds) fields += k == CopyKind::kNumbered ? 0 : 1;
  PutInt16(out, fields);
  *how = CopyRowid::kNone;
  for (size_t j = 0; j < plan.kinds.size(); ++j) {
    CopyKind kind = plan.kinds[j];
    if (kind == CopyKind::kNumbered) {
      *how = CopyRowid::kNumbered;
      continue;
    }
    size_t k = static_cast<size_t>(plan.params[j]);
    const char* v = p.values[k];
    int format = p.formats[k], length = p.lengths[k];
    Oid type = p.types[k];
    if (v == nullptr) {  // (every store function is STRICT)
      if (kind == CopyKind::kRowid) *how = CopyRowid::kNumbered;  // the table's trigger numbers it
      PutInt32(out, -1);
      continue;
    }
    bool ok = false;
    int64_t i = 0;
    switch (kind) {
      case CopyKind::kRowid:
      case CopyKind::kInteger:
        ok = type == 20 && format == 0 && ParseInt(v, &i);
        if (ok) {
          PutInt32(out, 8);
          PutInt64(out, static_cast<uint64_t>(i));
        }
        if (ok && kind == CopyKind::kRowid) {
          *how = CopyRowid::kGiven;
          *rowid = i;
        }
        break;
      case CopyKind::kText:
        ok = (type == 0 || type == 25) && format == 0;
        if (ok) {
          size_t len = std::strlen(v);
          PutInt32(out, static_cast<int32_t>(len));
          out->append(v, len);
        }
        break;
      case CopyKind::kBlob:
        ok = type == 17 && format == 1;
        if (ok) {
          PutInt32(out, length);
          out->append(v, static_cast<size_t>(length));
        }
        break;
      case CopyKind::kReal:
        if (type == 701 && format == 1 && length == 8) {
          ok = true;
          PutInt32(out, 8);
          out->append(v, 8);
        } else if (type == 20 && format == 0 && ParseInt(v, &i)) {
          // (the server's int8 to float8 assignment, SQLite's REAL affinity)
          ok = true;
          double d = static_cast<double>(i);
          uint64_t bits;
          std::memcpy(&bits, &d, sizeof bits);
          PutInt32(out, 8);
          PutInt64(out, bits);
        }
        break;
      case CopyKind::kAny:
        ok = AppendAny(v, length, format, type, out);
        break;
      case CopyKind::kNumbered:
        break;
    }
    if (!ok) {
      out->resize(mark);
      return false;
    }
  }
  return true;
}

void AppendCopyHeader(std::string* out) {
  static const char kSignature[] = "PGCOPY\n\377\r\n";
  out->append(kSignature, 11);  // (with its NUL)
  PutInt32(out, 0);             // flags
  PutInt32(out, 0);             // header extension
}

void AppendCopyTrailer(std::string* out) { PutInt16(out, -1); }

}  // namespace litelift::compat
