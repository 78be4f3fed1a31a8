#include "tools/cli/copy_out.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "libsqlite3-compat/pg/values.h"
#include "router/route.h"

namespace litelift::cli {

void RowHash::Mix(const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h_ ^= p[i];
    h_ *= 1099511628211ull;
  }
}

void RowHash::Null() {
  unsigned char type = SQLITE_NULL;
  Mix(&type, 1);
}

void RowHash::Integer(int64_t v) {
  unsigned char type = SQLITE_INTEGER;
  Mix(&type, 1);
  Mix(&v, sizeof v);
}

void RowHash::Real(double v) {
  unsigned char type = SQLITE_FLOAT;
  Mix(&type, 1);
  Mix(&v, sizeof v);
}

void RowHash::Bytes(int type, const void* p, int64_t n) {
  unsigned char t = static_cast<unsigned char>(type);
  Mix(&t, 1);
  Mix(&n, sizeof n);
  if (n > 0) Mix(p, static_cast<size_t>(n));
}

namespace {

uint64_t Get(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

// The hex digits in [p, p + n) as bytes; false when not hex.
bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->resize(hex.size() / 2);
  for (size_t i = 0; i < out->size(); ++i) {
    int hi = router::HexDigitValue(hex[2 * i]), lo = router::HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<char>(hi * 16 + lo);
  }
  return true;
}

// A number's text (numeric's, or an untyped column's stored number) as the
// route binds it (compat::BindNumber, by compat::ParseNumeric).
void HashNumber(std::string_view v, ValueSink* h) {
  bool integral = false;
  int64_t i = 0;
  double d = 0;
  compat::ParseNumeric(v, &integral, &i, &d);
  if (integral) {
    h->Integer(i);
  } else if (std::isnan(d)) {
    h->Null();  // the route reads NaN as NULL
  } else {
    h->Real(d);
  }
}

// An untyped column's stored value (jsonb text), as BindServerValue and
// BindStoredValue read it; false when only the route can say (a blob
// stored as base64, over 128 MB).
bool HashStored(std::string_view v, ValueSink* h, std::string* scratch) {
  if (v.empty()) {
    h->Null();
    return true;
  }
  if (v.rfind("{\"b\": \"", 0) == 0) {
    size_t close = v.find('"', 7);
    if (close != std::string_view::npos && Unhex(v.substr(7, close - 7), scratch)) {
      h->Bytes(SQLITE_BLOB, scratch->data(), static_cast<int64_t>(scratch->size()));
      return true;
    }
  } else if (v.rfind("{\"b64\": \"", 0) == 0) {
    return false;
  }
  if (v.front() == '"') {
    if (compat::DecodeJsonString(v, scratch)) {
      h->Bytes(SQLITE_TEXT, scratch->data(), static_cast<int64_t>(scratch->size()));
      return true;
    }
  } else if (v.rfind("{\"t\": \"", 0) == 0 && v.size() >= 10) {
    if (Unhex(v.substr(7, v.size() - 9), scratch)) {
      h->Bytes(SQLITE_TEXT, scratch->data(), static_cast<int64_t>(scratch->size()));
      return true;
    }
  } else if (v.front() != '{') {
    HashNumber(v, h);
    return true;
  }
  h->Bytes(SQLITE_TEXT, v.data(), static_cast<int64_t>(v.size()));
  return true;
}

// Hashes one field of storage (its binary COPY form p, n); false with
// *error when the form is not the one the storage's server type has.
bool HashField(Storage storage, const char* p, int32_t n, ValueSink* h, std::string* scratch,
               std::string* error) {
  switch (storage) {
    case Storage::kInteger:
      if (n == 8) {
        h->Integer(static_cast<int64_t>(Get(p, 8)));
        return true;
      }
      break;
    case Storage::kReal:
      if (n == 8) {
        uint64_t bits = Get(p, 8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isnan(d)) {
          h->Null();  // the route reads NaN as NULL
        } else {
          h->Real(d);
        }
        return true;
      }
      break;
    case Storage::kText:
      h->Bytes(SQLITE_TEXT, p, n);
      return true;
    case Storage::kBlob:
      h->Bytes(SQLITE_BLOB, p, n);
      return true;
    case Storage::kNumeric:  // selected as text
      HashNumber(std::string_view(p, static_cast<size_t>(n)), h);
      return true;
    case Storage::kAny:
    case Storage::kAnyNumeric:  // jsonb: a version byte (1), then its text
      if (n >= 1 && p[0] == 1) {
        if (HashStored(std::string_view(p + 1, static_cast<size_t>(n - 1)), h, scratch)) {
          return true;
        }
        *error = "a value only the route decodes (a blob over 128 MB)";
        return false;
      }
      break;
    case Storage::kOther:
      break;
  }
  *error = "a column whose server form the verification does not decode";
  return false;
}

// Frees buf, drains the rest of a COPY (the connection stays usable) and
// returns false.
bool Drain(PGconn* conn, char* buf) {
  PQfreemem(buf);
  buf = nullptr;
  while (PQgetCopyData(conn, &buf, 0) > 0) PQfreemem(buf);
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
  return false;
}

std::string PgError(PGconn* conn, const PGresult* res) {
  std::string e = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  while (!e.empty() && (e.back() == '\n' || e.back() == ' ')) e.pop_back();
  return e;
}

}  // namespace

namespace {

// Sums the hashes of the rows it is given.
class SumSink final : public ValueSink {
 public:
  void Null() override { h_.Null(); }
  void Integer(int64_t v) override { h_.Integer(v); }
  void Real(double v) override { h_.Real(v); }
  void Bytes(int type, const void* p, int64_t n) override { h_.Bytes(type, p, n); }
  bool EndRow(std::string*) override {
    sum_ += h_.value();
    h_ = RowHash();
    return true;
  }
  uint64_t sum() const { return sum_; }

 private:
  RowHash h_;
  uint64_t sum_ = 0;
};

}  // namespace

bool ServerTableSum(PGconn* conn, const ServerTable& table, int64_t* rows, uint64_t* checksum,
                    std::string* error) {
  SumSink sink;
  bool ok = ServerTableRows(conn, table, false, &sink, rows, error);
  *checksum = ok ? sink.sum() : 0;
  return ok;
}

bool ServerTableRows(PGconn* conn, const ServerTable& table, bool in_key_order, ValueSink* sink,
                     int64_t* rows, std::string* error) {
  *rows = 0;
  std::string cols;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (table.storages[i] == Storage::kOther) {
      *error = "a column whose server form the verification does not decode";
      return false;
    }
    cols += (i > 0 ? ", " : "") + table.columns[i];
    // numeric as the route reads it: its text.
    if (table.storages[i] == Storage::kNumeric) cols += "::text";
  }
  if (cols.empty()) cols = "1";  // (a table always has a column)
  std::string sql = "COPY (SELECT " + cols + " FROM " + table.qualified;
  if (in_key_order && !table.rowid_column.empty()) {
    sql += " ORDER BY " + table.rowid_column;
  } else if (in_key_order && !table.key_order.empty()) {
    sql += " ORDER BY " + table.key_order;
  }
  sql += ") TO STDOUT (FORMAT binary)";
  PGresult* res = PQexec(conn, sql.c_str());
  bool ok = PQresultStatus(res) == PGRES_COPY_OUT;
  if (!ok) *error = PgError(conn, res);
  PQclear(res);
  if (!ok) return false;
  const int ncol = static_cast<int>(table.columns.size());
  std::string scratch;
  bool header = true, trailer = false;
  char* buf = nullptr;
  int len;
  while ((len = PQgetCopyData(conn, &buf, 0)) > 0) {
    const char* p = buf;
    const char* end = buf + len;
    if (header) {  // signature, flags, header extension
      if (len < 19 || std::memcmp(p, "PGCOPY\n\377\r\n\0", 11) != 0) {
        ok = false;
      } else {
        uint32_t ext = static_cast<uint32_t>(Get(p + 15, 4));
        p += 19 + ext;
      }
      header = false;
    }
    while (ok && p + 2 <= end) {
      int16_t fields = static_cast<int16_t>(Get(p, 2));
      p += 2;
      if (fields == -1) {
        trailer = true;
        break;
      }
      if (fields != ncol) {
        ok = false;
        break;
      }
      ValueSink& h = *sink;
      for (int c = 0; ok && c < ncol; ++c) {
        if (p + 4 > end) {
          ok = false;
          break;
        }
        int32_t n = static_cast<int32_t>(Get(p, 4));
        p += 4;
        if (n == -1) {
          h.Null();
          continue;
        }
        if (n < 0 || p + n > end) {
          ok = false;
          break;
        }
        if (!HashField(table.storages[static_cast<size_t>(c)], p, n, &h, &scratch, error)) {
          return Drain(conn, buf);
        }
        p += n;
      }
      if (!ok) break;
      if (!h.EndRow(error)) return Drain(conn, buf);
      ++*rows;
    }
    PQfreemem(buf);
    buf = nullptr;
    if (!ok) {
      *error = "a malformed row in the server's COPY of " + table.qualified;
      while (PQgetCopyData(conn, &buf, 0) > 0) PQfreemem(buf);
      break;
    }
  }
  if (ok && len == -2) {
    *error = PgError(conn, nullptr);
    ok = false;
  }
  while (PGresult* r = PQgetResult(conn)) {
    if (ok && PQresultStatus(r) != PGRES_COMMAND_OK) {
      *error = PgError(conn, r);
      ok = false;
    }
    PQclear(r);
  }
  if (ok && !trailer) {
    *error = "the server's COPY of " + table.qualified + " ended early";
    ok = false;
  }
  return ok;
}

}  // namespace litelift::cli
