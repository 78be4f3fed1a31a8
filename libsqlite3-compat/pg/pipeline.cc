// Opt-in write pipelining for bulk loads (docs/configuration.md,
// LITELIFT_PIPELINE_WRITES): inside a transaction that already holds the
// database's write lock, a write of the write batch's kind (its effect fixed
// by its text, parameters and rows; batching.cc) whose statement is already
// prepared in the session is sent without waiting for its result. The
// program gets SQLITE_DONE at once, with changes() = 1 for a one-row INSERT
// (what it is unless it fails). The results are read, in one round trip,
// before anything else uses the session: the next statement that is not
// such a write (a read, COMMIT, another write), changes() when a row count
// is not known, last_insert_rowid(), or every kMaxInflight writes.
//
// A failed write aborts the server's transaction, and the writes after it
// were never run: the transaction is rolled back on both sides when the
// failure is read, and the next statement stepped returns the failed
// write's error with SQLite's code and message (a ROLLBACK returns
// SQLITE_OK; the transaction is already gone).

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "libsqlite3-compat/catalog/schema_name.h"
#include "libsqlite3-compat/host.h"
#include "libsqlite3-compat/pg/batch_copy.h"
#include "libsqlite3-compat/pg/connection.h"
#include "libsqlite3-compat/text.h"
#include "router/log.h"

namespace litelift::compat {

namespace {

// Writes sent before their results are read (bounds the client's and the
// server's buffers; one round trip per this many writes).
constexpr size_t kMaxInflight = 1000;
// One-row INSERTs of one statement sent as one INSERT of this many rows:
// the server's cost per statement (bind, portal, executor start) is most
// of a one-row INSERT's.
constexpr int kCombinedRows = 64;

// The same, as one INSERT ... SELECT ... FROM unnest of one array per
// parameter, when every parameter's type has an array sent in binary
// (UnnestText): 4 parameters however many rows, one plan.
constexpr int kUnnestRows = 1000;

// The array type of a parameter type an unnest group takes (int8, text,
// float8, bytea); 0 for others.
Oid ArrayType(Oid type) {
  switch (type) {
    case 20:
      return 1016;
    case 25:
      return 1009;
    case 701:
      return 1022;
    case 17:
      return 1001;
    default:
      return 0;
  }
}

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
  return i;
}

// Whether text[from, to) names a parameter ($n) outside quotes.
bool HasParameter(const std::string& text, size_t from, size_t to) {
  for (size_t i = from; i < to;) {
    if (text[i] == '\'' || text[i] == '"') {
      i = SkipQuoted(text, i);
    } else if (text[i] == '$' && i + 1 < to &&
               std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      return true;
    } else {
      ++i;
    }
  }
  return false;
}

// The text of a one-row INSERT ... VALUES (row) [suffix] as one INSERT of
// rows rows, the parameters of row j numbered after those of the rows
// before it (n each); "" when its shape is not that.
std::string CombinedText(const std::string& text, int n, int rows) {
  size_t at = std::string::npos;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\'' || text[i] == '"') {
      i = SkipQuoted(text, i);
      continue;
    }
    if (text.compare(i, 8, "VALUES (") == 0) {
      if (at != std::string::npos) return "";  // two
      at = i + 7;
    }
    ++i;
  }
  if (at == std::string::npos || HasParameter(text, 0, at)) return "";
  size_t end = at, depth = 0;
  for (; end < text.size();) {
    char c = text[end];
    if (c == '\'' || c == '"') {
      end = SkipQuoted(text, end);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) break;
    ++end;
  }
  if (end >= text.size() || HasParameter(text, end + 1, text.size())) return "";
  std::string row = text.substr(at, end + 1 - at);
  std::string out = text.substr(0, at);
  for (int j = 0; j < rows; ++j) {
    if (j > 0) out += ", ";
    for (size_t i = 0; i < row.size();) {
      if (row[i] == '\'' || row[i] == '"') {
        size_t k = SkipQuoted(row, i);
        out.append(row, i, k - i);
        i = k;
      } else if (row[i] == '$' && i + 1 < row.size() &&
                 std::isdigit(static_cast<unsigned char>(row[i + 1]))) {
        size_t k = i + 1;
        int v = 0;
        while (k < row.size() && std::isdigit(static_cast<unsigned char>(row[k]))) {
          v = v * 10 + (row[k] - '0');
          ++k;
        }
        out += "$" + std::to_string(v + j * n);
        i = k;
      } else {
        out += row[i++];
      }
    }
  }
  out += text.substr(end + 1);
  return out;
}

// Where a one-row INSERT numbers its row from a given rowid:
// "litelift.rowid_take(litelift.rowid_store($k), 'seq'::regclass, false)"
// (sql/translate.cc; not AUTOINCREMENT's "true").
struct RowidTake {
  size_t at = 0, len = 0;  // the call's place in the text
  int param = 0;           // k
  std::string sequence;    // 'seq'::regclass
};

bool FindRowidTake(const std::string& text, RowidTake* out) {
  static const std::string kHead = "litelift.rowid_take(litelift.rowid_store($";
  size_t at = text.find(kHead);
  if (at == std::string::npos || text.find(kHead, at + 1) != std::string::npos) return false;
  size_t i = at + kHead.size();
  int k = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    k = k * 10 + (text[i++] - '0');
  }
  if (k == 0 || text.compare(i, 3, "), ") != 0 || i + 3 >= text.size() || text[i + 3] != '\'') {
    return false;
  }
  size_t from = i + 3, to = SkipQuoted(text, from);
  static const std::string kTail = "::regclass, false)";
  if (text.compare(to, kTail.size(), kTail) != 0) return false;
  out->at = at;
  out->len = to + kTail.size() - at;
  out->param = k;
  out->sequence = text.substr(from, to - from) + "::regclass";
  return true;
}

// The text of a one-row INSERT whose rows all give their rowid, numbered
// without rowid_take: its sequence is moved once after the rows
// (GivenRowidsSetval); "" when it has no such numbering.
// Its "RETURNING <rowid column>" is dropped too: the last row's rowid is
// the one it gives.
std::string GivenRowidText(const std::string& text) {
  RowidTake take;
  if (!FindRowidTake(text, &take)) return "";
  std::string out = text.substr(0, take.at) + "litelift.rowid_store($" +
                    std::to_string(take.param) + ")" + text.substr(take.at + take.len);
  size_t returning = out.rfind(" RETURNING \"");
  if (returning == std::string::npos || out.back() != '"' ||
      SkipQuoted(out, returning + 11) != out.size()) {
    return "";
  }
  return out.substr(0, returning);
}

// The text of a one-row INSERT ... VALUES (row) [suffix] whose n
// parameters have types as INSERT ... SELECT row' FROM unnest($1::T1[],
// ...) AS litelift_u (c1, ...) [suffix], row' reading $k as
// litelift_u.ck; "" when its shape is not that.
std::string UnnestText(const std::string& text, const std::vector<Oid>& types) {
  std::string one = CombinedText(text, static_cast<int>(types.size()), 1);
  size_t at = one.find("VALUES (");
  if (one.empty() || at == std::string::npos) return "";
  size_t end = at + 7, depth = 0;
  for (; end < one.size();) {
    char c = one[end];
    if (c == '\'' || c == '"') {
      end = SkipQuoted(one, end);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) break;
    ++end;
  }
  std::string out = one.substr(0, at) + "SELECT ";
  for (size_t i = at + 8; i < end;) {
    if (one[i] == '\'' || one[i] == '"') {
      size_t k = SkipQuoted(one, i);
      out.append(one, i, k - i);
      i = k;
    } else if (one[i] == '$' && i + 1 < end && std::isdigit(static_cast<unsigned char>(one[i + 1]))) {
      size_t k = i + 1;
      int v = 0;
      while (k < end && std::isdigit(static_cast<unsigned char>(one[k]))) v = v * 10 + (one[k++] - '0');
      out += "litelift_u.c" + std::to_string(v);
      i = k;
    } else {
      out += one[i++];
    }
  }
  out += " FROM unnest(";
  static const char* kNames[] = {"int8", "text", "float8", "bytea"};
  for (size_t k = 0; k < types.size(); ++k) {
    Oid t = types[k];
    const char* name = t == 20 ? kNames[0] : t == 25 ? kNames[1] : t == 701 ? kNames[2] : kNames[3];
    out += (k ? ", $" : "$") + std::to_string(k + 1) + "::" + name + "[]";
  }
  out += ") AS litelift_u (";
  for (size_t k = 0; k < types.size(); ++k) out += (k ? ", c" : "c") + std::to_string(k + 1);
  return out + ")" + one.substr(end + 1);
}

// Whether $k occurs in text exactly once, as the one argument of a
// litelift.*_store function: an untyped parameter there is text (each
// has a text form, which the server picks for an unknown-typed argument).
bool OnlyInStore(const std::string& text, int k) {
  std::string p = "$" + std::to_string(k);
  size_t found = std::string::npos;
  for (size_t at = text.find(p); at != std::string::npos; at = text.find(p, at + 1)) {
    size_t after = at + p.size();
    if (after < text.size() && std::isdigit(static_cast<unsigned char>(text[after]))) continue;
    if (found != std::string::npos) return false;
    found = at;
  }
  if (found == std::string::npos || found < 7 || text.compare(found - 7, 7, "_store(") != 0) {
    return false;
  }
  size_t after = found + p.size();
  return after < text.size() && text[after] == ')' && text.rfind("litelift.", found) != std::string::npos;
}

// The types an unnest group sends its parameters' arrays of: each
// parameter's own, an untyped one as text where OnlyInStore; false when
// one has no array form here (ArrayType).
bool UnnestTypes(const std::string& text, const std::vector<Oid>& types, std::vector<Oid>* out) {
  out->assign(types.begin(), types.end());
  for (size_t k = 0; k < out->size(); ++k) {
    Oid& t = (*out)[k];
    if (t == 0 && OnlyInStore(text, static_cast<int>(k) + 1)) t = 25;
    if (ArrayType(t) == 0) return false;
  }
  return true;
}

void PutInt32(std::string* out, int32_t v) {
  uint32_t be = __builtin_bswap32(static_cast<uint32_t>(v));
  out->append(reinterpret_cast<const char*>(&be), sizeof be);
}

// Parameter k of the rows of cb as one array of type's in binary format (each
// value in its type's binary form); false when a value is not in the
// format its type is sent in (int8 and text as text, float8 and bytea in
// binary).
bool PackArray(const Connection::CombineBuffer& cb, Oid type, int rows, int k, std::string* out) {
  bool has_null = false;
  for (int j = 0; j < rows; ++j) has_null = has_null || cb.nulls[static_cast<size_t>(j * cb.n + k)];
  out->clear();
  PutInt32(out, 1);
  PutInt32(out, has_null ? 1 : 0);
  PutInt32(out, static_cast<int32_t>(type));
  PutInt32(out, rows);
  PutInt32(out, 1);
  int want = type == 20 || type == 25 ? 0 : 1;
  for (int j = 0; j < rows; ++j) {
    size_t at = static_cast<size_t>(j * cb.n + k);
    if (cb.nulls[at]) {
      PutInt32(out, -1);
      continue;
    }
    if (cb.formats[at] != want) return false;
    const std::string& v = cb.values[at];
    if (type == 20) {
      errno = 0;
      char* end = nullptr;
      long long i = std::strtoll(v.c_str(), &end, 10);
      if (errno != 0 || end == v.c_str() || *end != '\0') return false;
      uint64_t be = __builtin_bswap64(static_cast<uint64_t>(i));
      PutInt32(out, 8);
      out->append(reinterpret_cast<const char*>(&be), sizeof be);
    } else {
      PutInt32(out, static_cast<int32_t>(v.size()));
      out->append(v);
    }
  }
  return true;
}

// (A one-row write the statement then asked single-row mode for comes
// as its row, PGRES_SINGLE_TUPLE, then an empty PGRES_TUPLES_OK.)
bool Written(const PGresult* r) {
  ExecStatusType st = PQresultStatus(r);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE;
}

// Bytes of COPY rows kept before they go to libpq.
constexpr size_t kCopyFlushBytes = 256 * 1024;
// A COPY costs two or three round trips more than pipelined INSERTs (its
// start, its end, the rowid sequence): a statement whose COPY ended with
// fewer rows (a read, another statement or a value it cannot take came
// between) sends its rows as INSERTs from then on.
constexpr int64_t kMinCopyRows = 64;

// Whether the table's definition names another table (a foreign key):
// its checks would run once at the end of the COPY, where SQLite checks
// each INSERT at its own end.
bool HasForeignKey(Connection* c, const std::string& table) {
  for (const auto& [key, o] : c->shadow.Snapshot()) {
    if (o.type == "table" && Lower(o.name) == Lower(table)) {
      return Lower(o.sql).find("references") != std::string::npos;
    }
  }
  return true;  // (not found: not known)
}

// The COPY plan of a pipelined one-row INSERT (batch_copy.h), or null.
const CopyPlan* PlanFor(Connection* c, const sql::Translation& tr) {
  if (c->copy_plans_generation != c->schema_generation) {
    c->copy_plans.clear();
    c->copy_declined.clear();
    c->copy_plans_generation = c->schema_generation;
  }
  auto found = c->copy_plans.find(tr.sql);
  if (c->copy_declined.count(tr.sql) != 0) return nullptr;
  if (found != c->copy_plans.end()) return found->second.get();
  std::shared_ptr<CopyPlan> plan;
  const sql::TableShape* shape = c->shadow.Table(tr.table);
  if (shape != nullptr && !shape->strict && !HasForeignKey(c, tr.table)) {
    auto storage = [&](const std::string& quoted) -> std::string {
      for (size_t i = 0; i < shape->columns.size(); ++i) {
        if (ServerIdent(Lower(shape->columns[i])) == quoted) return shape->Storage(i);
      }
      return "";
    };
    plan = std::make_shared<CopyPlan>();
    if (!PlanCopy(tr.sql, storage, plan.get())) plan.reset();
  }
  return c->copy_plans.emplace(tr.sql, plan).first->second.get();
}

// Sends the row of the statement name (plan's) as one of the COPY's rows,
// starting it when it is not going; false when the row goes as an INSERT
// instead. *rc: SQLITE_OK, or the error of writes settled to start it.
bool CopyRow(Connection* c, const std::string& name, const std::string& text, const CopyPlan& plan,
             const CopyParams& p, int* rc) {
  Connection::CopyStream& cs = c->copy;
  *rc = SQLITE_OK;
  size_t mark = cs.buffer.size();
  CopyRowid how;
  int64_t rowid = 0;
  if (!AppendCopyRow(plan, p, &cs.buffer, &how, &rowid)) return false;
  // A row numbered by the table after a given rowid needs the sequence
  // moved first (rowid_take's order): a new COPY.
  bool restart = cs.active && (cs.name != name || (how == CopyRowid::kNumbered && cs.given));
  if (!cs.active || restart) {
    std::string row = cs.buffer.substr(mark);
    cs.buffer.resize(mark);
    if (c->HasPipelined()) {
      c->SettleWrites();
      *rc = c->TakeDeferredError();
      if (*rc != SQLITE_OK) return true;
    }
    PGconn* pg = c->pg;
    if (PQpipelineStatus(pg) != PQ_PIPELINE_OFF) PQexitPipelineMode(pg);
    PgResult r(PQexec(pg, plan.copy_sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) {
      if (PQstatus(pg) != CONNECTION_OK) {
        c->NoteSessionLost();
        *rc = c->SetError(SQLITE_IOERR,
                          "litelift: lost the connection to postgres: " + ErrorText(pg, r.get()));
        return true;
      }
      c->SetErrorFromServer(r.get());  // (the server's transaction is aborted)
      int code = c->err_code;
      std::string message = c->err_msg;
      c->RollBackBothSides();
      *rc = c->SetError(code, message);
      return true;
    }
    cs = Connection::CopyStream();
    cs.active = true;
    cs.name = name;
    cs.text = text;
    cs.sequence = plan.sequence;
    cs.rowid_before = c->last_insert_rowid;
    AppendCopyHeader(&cs.buffer);
    cs.buffer += row;
  }
  ++cs.rows;
  cs.last_numbered = how == CopyRowid::kNumbered;
  if (how == CopyRowid::kGiven) {
    cs.top = cs.given ? std::max(cs.top, rowid) : rowid;
    cs.given = true;
    c->last_insert_rowid = rowid;  // (back to rowid_before if the COPY fails)
  }
  if (cs.buffer.size() >= kCopyFlushBytes) {
    if (PQputCopyData(c->pg, cs.buffer.data(), static_cast<int>(cs.buffer.size())) != 1) {
      LL_WARN("pipelined COPY rows not sent: {}", ErrorText(c->pg));  // (read at its end)
    }
    cs.buffer.clear();
  }
  return true;
}

}  // namespace

void Connection::EndCopy(PgResult* failure) {
  CopyStream& cs = copy;
  cs.active = false;
  AppendCopyTrailer(&cs.buffer);
  PQputCopyData(pg, cs.buffer.data(), static_cast<int>(cs.buffer.size()));
  PQputCopyEnd(pg, nullptr);  // (refused when the server ended it: then its error is the result)
  cs.buffer.clear();
  cs.buffer.shrink_to_fit();
  PgResult r(PQgetResult(pg));
  while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
  if (PQstatus(pg) != CONNECTION_OK) return;  // (the caller sees the session lost)
  if (!r) r.reset(PQmakeEmptyPGresult(pg, PGRES_FATAL_ERROR));  // (never seen: libpq's error)
  LL_DEBUG("pipelined COPY of {} rows ended: {} {}", cs.rows, PQresStatus(PQresultStatus(r.get())),
           ErrorText(pg, r.get()));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    *failure = std::move(r);
  } else if (cs.given || cs.last_numbered) {
    // Where rowid_take would have left the sequence; the last row's rowid
    // when the table numbered it (never both: CopyRow).
    std::string q = cs.given
                        ? "SELECT setval(" + cs.sequence + ", greatest(pg_sequence_last_value(" +
                              cs.sequence + "), " + std::to_string(cs.top) + "))"
                        : "SELECT currval(" + cs.sequence + ")";
    PgResult s(PQexec(pg, q.c_str()));
    if (PQresultStatus(s.get()) != PGRES_TUPLES_OK) {
      *failure = std::move(s);
    } else if (cs.last_numbered) {
      last_insert_rowid = std::atoll(PQgetvalue(s.get(), 0, 0));
    }
  }
  if (cs.rows < kMinCopyRows) copy_declined.insert(cs.text);
  if (*failure) {
    total_changes -= cs.rows;  // they did not change their rows
    last_insert_rowid = cs.rowid_before;
  }
}

bool Statement::MayPipeline() {
  if (!conn->pipeline_writes || conn->Autocommit() || conn->begin_pending ||
      !conn->holds_write_lock || conn->update_hook != nullptr || conn->snapshot_pending ||
      generation != conn->schema_generation || !translation.state_parameters.empty() ||
      SQ(sqlite3_stmt_readonly)(shadow)) {
    return false;
  }
  // Prepared in this session already (its first run waits).
  const PreparedCache& cache = prepared_cache_;
  if (cache.translation != &translation || cache.folded ||
      cache.generation != conn->prepared_generation) {
    return false;
  }
  return Batchable(translation);
}

int Statement::SendPipelined(const std::string& name, int n) {
  if (conn->inflight.size() >= kMaxInflight) {
    conn->SettleWrites();
    int rc = conn->TakeDeferredError();
    if (rc != SQLITE_OK) return rc;
  }
  PGconn* pg = conn->pg;
  const ServerParams& sp = server_params_;
  // A one-row INSERT without conflict handling inserts its row or fails.
  bool counted = translation.op == SQLITE_INSERT && translation.one_row &&
                 translation.sql.find("ON CONFLICT") == std::string::npos;
  if (counted && n > 0) {
    const CopyPlan* plan = PlanFor(conn, translation);
    int rc = SQLITE_OK;
    CopyParams params{sp.values.data(), sp.lengths.data(), sp.formats.data(), sp.types.data()};
    if (plan != nullptr && CopyRow(conn, name, translation.sql, *plan, params, &rc)) {
      if (rc != SQLITE_OK) return rc;
      conn->changes = 1;
      conn->total_changes += 1;
      conn->wrote_in_txn = true;
      conn->txn_level = SQLITE_TXN_WRITE;
      pipelined_ = true;
      return SQLITE_OK;
    }
  }
  if (conn->copy.active) {  // (nothing else goes while it does)
    conn->SettleWrites();
    int rc = conn->TakeDeferredError();
    if (rc != SQLITE_OK) return rc;
  }
  if (PQpipelineStatus(pg) == PQ_PIPELINE_OFF && !PQenterPipelineMode(pg)) {
    return conn->SetError(SQLITE_IOERR, "litelift: " + ErrorText(pg));
  }
  Connection::CombineBuffer& cb = conn->combine;
  if (cb.rows > 0 && cb.name != name) conn->FlushCombined();
  bool combines = false;
  if (counted && n > 0) {
    auto found = conn->combined_texts.find(translation.sql);
    if (found == conn->combined_texts.end()) {  // (whether it has a many-row form at all)
      found = conn->combined_texts.emplace(translation.sql, CombinedText(translation.sql, n, 2)).first;
    }
    combines = !found->second.empty();
  }
  if (combines) {
    if (cb.rows == 0) {
      cb.name = name;
      cb.text = translation.sql;
      cb.types.assign(sp.types.begin(), sp.types.begin() + n);
      cb.n = n;
      cb.returns_rowid = translation.returns_rowid;
      std::vector<Oid> unnest_types;
      bool arrays = UnnestTypes(cb.text, cb.types, &unnest_types);
      cb.capacity = arrays ? kUnnestRows : n * kCombinedRows <= 65535 ? kCombinedRows : 1;
      size_t size = static_cast<size_t>(n * cb.capacity);
      if (cb.values.size() < size) cb.values.resize(size);
      cb.nulls.assign(size, 0);
      cb.formats.assign(size, 0);
    }
    for (int k = 0; k < n; ++k) {
      size_t at = static_cast<size_t>(cb.rows * n + k);
      const char* v = sp.values[static_cast<size_t>(k)];
      cb.nulls[at] = v == nullptr;
      cb.formats[at] = sp.formats[static_cast<size_t>(k)];
      if (v == nullptr) {
        cb.values[at].clear();
      } else if (cb.formats[at] == 1) {
        cb.values[at].assign(v, static_cast<size_t>(sp.lengths[static_cast<size_t>(k)]));
      } else {
        cb.values[at].assign(v);
      }
    }
    ++cb.rows;
    if (cb.rows == cb.capacity) conn->FlushCombined();
  } else {
    if (!PQsendQueryPrepared(pg, name.c_str(), n, sp.values.data(), sp.lengths.data(),
                             sp.formats.data(), 0)) {
      std::string reason = ErrorText(pg);
      conn->SettleWrites();  // (the session is lost: the transaction with it)
      conn->TakeDeferredError();
      return conn->SetError(SQLITE_IOERR, "litelift: lost the connection to postgres: " + reason);
    }
    conn->inflight.push_back({translation.op, translation.returns_rowid, counted, 1, ""});
  }
  if (counted) {
    conn->changes = 1;
    conn->total_changes += 1;
  } else {
    conn->inflight_changes_unknown = true;
  }
  if (translation.op == SQLITE_INSERT) conn->inflight_rowid = true;
  conn->wrote_in_txn = true;
  conn->txn_level = SQLITE_TXN_WRITE;
  pipelined_ = true;
  return SQLITE_OK;
}

namespace {

// The cached many-row text of cb's statement: as unnest (UnnestText) or
// VALUES of capacity rows (CombinedText), with its rowid numbering or
// without (GivenRowidText); "" when it cannot be made.
const std::string& GroupText(Connection* c, bool unnest, bool given) {
  const Connection::CombineBuffer& cb = c->combine;
  std::string key = std::string(unnest ? "\x1d" : "\x1c") + (given ? "\x1e" : "") + cb.text;
  auto found = c->combined_texts.find(key);
  if (found != c->combined_texts.end()) return found->second;
  std::string one = given ? GivenRowidText(cb.text) : cb.text;
  std::vector<Oid> types;
  std::string text = one.empty()                          ? ""
                     : unnest                             ? (UnnestTypes(cb.text, cb.types, &types)
                                                                 ? UnnestText(one, types)
                                                                 : "")
                                  : CombinedText(one, cb.n, cb.capacity);
  return c->combined_texts.emplace(key, std::move(text)).first->second;
}

}  // namespace

void Connection::FlushCombined() {
  CombineBuffer& cb = combine;
  if (cb.rows == 0) return;
  int rows = cb.rows;
  cb.rows = 0;
  bool unnest = cb.capacity == kUnnestRows;
  // Rows that all give their rowid (an int8, never NULL) skip
  // rowid_take's sequence look-up and setval per row: the sequence is
  // moved once after them to where rowid_take would have left it.
  RowidTake take;
  bool given = cb.returns_rowid && FindRowidTake(cb.text, &take) && take.param <= cb.n &&
               cb.types[static_cast<size_t>(take.param - 1)] == 20;
  int64_t top = INT64_MIN, last = 0;
  for (int j = 0; j < rows && given; ++j) {
    size_t at = static_cast<size_t>(j * cb.n + take.param - 1);
    given = !cb.nulls[at] && cb.formats[at] == 0;
    if (given) last = std::strtoll(cb.values[at].c_str(), nullptr, 10);
    top = std::max(top, last);
  }
  given = given && !GroupText(this, unnest, true).empty();
  const std::string& text = GroupText(this, unnest, given);
  // The statement's parameters: one array per parameter, or the rows'.
  std::vector<std::string> arrays;
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  std::vector<Oid> types;
  bool grouped = !text.empty() && (unnest || rows == cb.capacity);
  if (grouped && unnest) {
    std::vector<Oid> element;
    grouped = UnnestTypes(cb.text, cb.types, &element);
    arrays.resize(static_cast<size_t>(cb.n));
    for (int k = 0; k < cb.n && grouped; ++k) {
      Oid t = element[static_cast<size_t>(k)];
      grouped = PackArray(cb, t, rows, k, &arrays[static_cast<size_t>(k)]);
      values.push_back(arrays[static_cast<size_t>(k)].data());
      lengths.push_back(static_cast<int>(arrays[static_cast<size_t>(k)].size()));
      formats.push_back(1);
      types.push_back(ArrayType(t));
    }
    if (!grouped) values.clear(), lengths.clear(), formats.clear(), types.clear();
  }
  if (!grouped || !unnest) {
    values.resize(static_cast<size_t>(rows * cb.n));
    lengths.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] = cb.nulls[i] ? nullptr : cb.values[i].data();
      lengths[i] = static_cast<int>(cb.values[i].size());
    }
    formats.assign(cb.formats.begin(), cb.formats.begin() + static_cast<long>(values.size()));
    for (int j = 0; j < rows; ++j) types.insert(types.end(), cb.types.begin(), cb.types.end());
  }
  bool sent = true;
  if (!grouped) {  // row by row, as the program's statement
    for (int j = 0; j < rows && sent; ++j) {
      size_t at = static_cast<size_t>(j * cb.n);
      sent = PQsendQueryPrepared(pg, cb.name.c_str(), cb.n, values.data() + at, lengths.data() + at,
                                 formats.data() + at, 0) != 0;
      inflight.push_back({SQLITE_INSERT, cb.returns_rowid, true, 1, ""});
    }
    if (!sent) LL_WARN("pipelined writes not sent: {}", ErrorText(pg));  // read as lost
    return;
  }
  std::string key = text;
  key.push_back('\x1f');
  for (Oid t : types) key += std::to_string(t) + ",";
  auto it = prepared.find(key);
  std::string name;
  if (it == prepared.end()) {
    name = "litelift_" + std::to_string(++prepared_count);
    sent = PQsendPrepare(pg, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                         types.data()) != 0;
    prepared.emplace(key, name);
    inflight.push_back({0, false, false, 0, key});
  } else {
    name = it->second;
  }
  sent = sent && PQsendQueryPrepared(pg, name.c_str(), static_cast<int>(values.size()),
                                     values.data(), lengths.data(), formats.data(), 0);
  inflight.push_back({SQLITE_INSERT, cb.returns_rowid && !given, true, rows, "", given, last});
  if (given && sent) {
    std::string top_text = std::to_string(top);
    const char* param = top_text.c_str();
    std::string setval = "SELECT setval(" + take.sequence + ", greatest(pg_sequence_last_value(" +
                         take.sequence + "), $1::bigint))";
    sent = PQsendQueryParams(pg, setval.c_str(), 1, nullptr, &param, nullptr, nullptr, 0) != 0;
    inflight.push_back({0, false, false, 0, ""});
  }
  if (!sent) LL_WARN("pipelined writes not sent: {}", ErrorText(pg));  // read as lost
}

void Connection::SettleWrites() {
  if (session_lost && HasPipelined()) {
    // Dead, or the parent's after fork: nothing may be read from it or
    // written to it; the transaction went with it (EnsureSession).
    inflight.clear();
    combine.rows = 0;
    copy = CopyStream();
    inflight_changes_unknown = inflight_rowid = false;
    deferred_rc = SQLITE_IOERR;
    deferred_msg = "litelift: lost the connection to postgres with pipelined writes unread";
    return;
  }
  if (copy.active) {  // (then nothing else is in flight)
    PgResult failure;
    EndCopy(&failure);
    if (PQstatus(pg) != CONNECTION_OK) {
      NoteSessionLost();
      deferred_rc = SQLITE_IOERR;
      deferred_msg = "litelift: lost the connection to postgres with pipelined writes unread";
      return;
    }
    if (failure) {
      FailPipelined(failure.get());
    } else if (batch.open()) {
      batch.Failed();  // (as below)
    }
    return;
  }
  FlushCombined();
  if (inflight.empty()) return;
  std::vector<InflightWrite> writes;
  writes.swap(inflight);
  inflight_changes_unknown = false;
  inflight_rowid = false;
  bool lost = !PQpipelineSync(pg);
  PgResult failure;
  for (const InflightWrite& w : writes) {
    if (lost) break;
    PgResult r(PQgetResult(pg));
    if (!r) {
      lost = true;
      break;
    }
    while (PGresult* extra = PQgetResult(pg)) PQclear(extra);  // (the NULL ending it)
    if (w.rows == 0) {  // a statement prepared on the way, or a rowid sequence moved
      if (Written(r.get())) continue;
      // (A failed prepare also fails the writes after it, as aborted:
      // reported, never dropped.)
      if (!w.prepared_key.empty()) prepared.erase(w.prepared_key);
      if (!failure && PQresultStatus(r.get()) != PGRES_PIPELINE_ABORTED) failure = std::move(r);
      continue;
    }
    if (Written(r.get()) && !failure) {
      int got = PQntuples(r.get());
      if (w.returns_rowid && got > 0) {
        last_insert_rowid = std::atoll(PQgetvalue(r.get(), got - 1, 0));
      }
      if (w.rowid_known) last_insert_rowid = w.rowid;
      const char* tuples = PQcmdTuples(r.get());
      if (w.counted) {
        changes = 1;  // (each of the program's statements changed its row)
      } else if (tuples != nullptr && *tuples != '\0') {
        changes = std::atoll(tuples);
        total_changes += changes;
      }
      continue;
    }
    if (w.counted) total_changes -= w.rows;  // they did not change their rows
    if (!failure && PQresultStatus(r.get()) != PGRES_PIPELINE_ABORTED) failure = std::move(r);
  }
  while (!lost) {  // up to the sync point
    PGresult* r = PQgetResult(pg);
    if (r == nullptr) {
      if (PQstatus(pg) != CONNECTION_OK) lost = true;
      continue;
    }
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  if (lost || PQstatus(pg) != CONNECTION_OK) {
    NoteSessionLost();
    deferred_rc = SQLITE_IOERR;
    deferred_msg = "litelift: lost the connection to postgres with pipelined writes unread";
    return;
  }
  PQexitPipelineMode(pg);
  if (failure) {
    FailPipelined(failure.get());
  } else if (batch.open()) {
    // The batch's log lacks the pipelined writes: a later write's failure
    // must not roll back to its savepoint (and replay without them), so
    // the next write starts a new batch.
    batch.Failed();
  }
}

void Connection::FailPipelined(const PGresult* failure) {
  SetErrorFromServer(failure);
  int code = err_code;  // (extended; masked when reported)
  std::string message = err_msg;
  LL_DEBUG("a pipelined write failed ({}): the transaction is rolled back", message);
  changes = 0;
  RollBackBothSides();
  deferred_rc = code;
  deferred_msg = message;
}

int Connection::TakeDeferredError() {
  if (deferred_rc == SQLITE_OK) return SQLITE_OK;
  int code = deferred_rc;
  std::string message = std::move(deferred_msg);
  deferred_rc = SQLITE_OK;
  deferred_msg.clear();
  return SetError(code, message);
}

}  // namespace litelift::compat
