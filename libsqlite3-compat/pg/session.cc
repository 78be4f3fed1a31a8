#include "libsqlite3-compat/pg/session.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "router/log.h"

namespace litelift::compat {

namespace {

constexpr size_t kMaxIdlePerDsn = 8;

// SQLite's text is bytes in UTF-8; dates and numbers in one fixed form.
constexpr const char* kSessionSettings =
    "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; "
    "SET extra_float_digits = 3; SET client_min_messages = warning; "
    "SET standard_conforming_strings = on";

// The program's local time zone, as SQLite's 'localtime' sees it: TZ, else
// /etc/localtime's zone name; "" when neither names one.
std::string ClientTimeZone() {
  std::string zone;
  const char* tz = std::getenv("TZ");
  if (tz != nullptr && *tz != '\0') {
    zone = tz[0] == ':' ? tz + 1 : tz;
  } else {
    char target[512];
    ssize_t n = readlink("/etc/localtime", target, sizeof target - 1);
    if (n > 0) zone.assign(target, static_cast<size_t>(n));
  }
  size_t at = zone.find("zoneinfo/");
  if (at != std::string::npos) zone = zone.substr(at + 9);
  for (char c : zone) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string("_+-/").find(c) == std::string::npos) {
      return "";  // not a zone name the server could know
    }
  }
  return zone;
}

// kSessionSettings and the client's time zone (a zone the server does not
// know leaves the server's).
const std::string& SessionSettings() {
  static const std::string* settings = [] {
    std::string zone = ClientTimeZone();
    std::string text = kSessionSettings;
    if (!zone.empty()) {
      text += "; DO $$ BEGIN PERFORM set_config('TimeZone', '" + zone +
              "', false); EXCEPTION WHEN others THEN NULL; END $$";
    }
    return new std::string(text);
  }();
  return *settings;
}

std::atomic<unsigned> g_fork_generation{0};

void OnForkChild() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

std::mutex g_mutex;
// Idle sessions by DSN, each with the ForkGeneration it was opened under.
struct IdleSession {
  PGconn* conn;
  unsigned generation;
};
std::map<std::string, std::vector<IdleSession>>* g_idle = nullptr;  // never destroyed

std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Server notices (WARNING: there is no transaction in progress, ...) go to
// litelift's log, never to the program's stderr; a trigger's count of the
// rows it changed goes to the connection's total (CountTriggerChanges).
void OnNotice(void* total, const PGresult* notice) {
  static constexpr std::string_view kChanges = "litelift_changes ";
  const char* primary = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  if (primary != nullptr && std::string_view(primary).substr(0, kChanges.size()) == kChanges) {
    if (total != nullptr) *static_cast<int64_t*>(total) += std::atoll(primary + kChanges.size());
    return;
  }
  const char* message = PQresultErrorMessage(notice);
  LL_DEBUG("server notice: {}", OneLine(message != nullptr ? message : ""));
}

}  // namespace

unsigned ForkGeneration() {
  // (A function-local static: a plain flag test on every call after the
  // first, where call_once cost a thread-local look-up per row.)
  static const bool registered = pthread_atfork(nullptr, nullptr, &OnForkChild) == 0;
  (void)registered;
  return g_fork_generation.load(std::memory_order_relaxed);
}

bool SessionAlive(PGconn* conn) {
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) return false;
  // A server that closed the session while it was idle left a FATAL
  // message and an end of file on the socket: reading them (libpq reads
  // one packet per call) turns the status to CONNECTION_BAD.
  for (int reads = 0; reads < 4; ++reads) {
    pollfd waiting{PQsocket(conn), POLLIN, 0};
    if (poll(&waiting, 1, 0) <= 0) break;  // nothing waiting: alive
    if (PQconsumeInput(conn) == 0) return false;
  }
  return PQstatus(conn) == CONNECTION_OK;
}

void DiscardSession(PGconn* conn, bool inherited) {
  if (conn == nullptr) return;
  int fd = PQsocket(conn);
  if (inherited && fd >= 0) {
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
      dup2(null_fd, fd);  // PQfinish now says goodbye to /dev/null
      close(null_fd);
    }
  }
  PQfinish(conn);
}

PgResult Exec(PGconn* conn, const std::string& sql) {
  PGresult* res = PQexec(conn, sql.c_str());
  if (res == nullptr) res = PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR);
  return PgResult(res);
}

PgResult ExecKeepingRows(PGconn* conn, const std::string& sql, PgResult* rows) {
  rows->reset();
  if (PQsendQuery(conn, sql.c_str()) == 0) {
    return PgResult(PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR));
  }
  PgResult last;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      rows->reset(r);
      last.reset(PQmakeEmptyPGresult(conn, PGRES_TUPLES_OK));
      continue;
    }
    last.reset(r);
  }
  if (last == nullptr) last.reset(PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR));
  return last;
}

bool Ok(const PGresult* res) {
  ExecStatusType s = PQresultStatus(res);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_SINGLE_TUPLE;
}

std::string ErrorText(const PGconn* conn, const PGresult* res) {
  const char* text = res != nullptr ? PQresultErrorMessage(res) : nullptr;
  if (text == nullptr || *text == '\0') text = conn != nullptr ? PQerrorMessage(conn) : "";
  std::string out = OneLine(text);
  if (out.rfind("ERROR:  ", 0) == 0) out.erase(0, 8);
  return log::RedactSecrets(out);
}

// libpq's own defaults wait for TCP's timeouts (two hours and more) on a
// server that vanished without closing (a network cut, a host gone): a
// connect gives up after 10 s, an idle or waiting session is probed after
// 30 s and dropped after 3 unanswered probes 10 s apart, and data the
// server never acknowledges fails the session after 60 s. A busy server
// answers the probes, so a long query is not cut. The DSN's own settings
// win: they come later in the list (expand_dbname).
static PGconn* Connect(const std::string& dsn) {
  static const char* const kKeywords[] = {
      "connect_timeout",  "keepalives", "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname", nullptr};
  const char* values[] = {"10", "1", "30", "10", "3", "60000", dsn.c_str(), nullptr};
  return PQconnectdbParams(kKeywords, values, /*expand_dbname=*/1);
}

PGconn* AcquireSession(const std::string& dsn, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_idle != nullptr) {
      auto& idle = (*g_idle)[dsn];
      unsigned generation = ForkGeneration();
      while (!idle.empty()) {
        IdleSession s = idle.back();
        idle.pop_back();
        if (s.generation == generation && SessionAlive(s.conn)) return s.conn;
        DiscardSession(s.conn, s.generation != generation);
      }
    }
  }
  // libpq may quote the password back out of context (a bad %-escape).
  log::AddSecrets(dsn);
  PGconn* conn = Connect(dsn);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    *error = ErrorText(conn);
    if (conn != nullptr) PQfinish(conn);
    return nullptr;
  }
  PQsetNoticeReceiver(conn, &OnNotice, nullptr);
  PgResult res = Exec(conn, SessionSettings());
  if (!Ok(res.get())) {
    *error = ErrorText(conn, res.get());
    PQfinish(conn);
    return nullptr;
  }
  LL_DEBUG("connected to {}", log::RedactDsn(dsn));
  return conn;
}

void CountTriggerChanges(PGconn* conn, int64_t* total) {
  if (conn != nullptr) PQsetNoticeReceiver(conn, &OnNotice, total);
}

void ReleaseSession(const std::string& dsn, PGconn* conn) {
  if (conn == nullptr) return;
  CountTriggerChanges(conn, nullptr);
  bool reusable = PQstatus(conn) == CONNECTION_OK;
  if (reusable) {
    if (PQtransactionStatus(conn) != PQTRANS_IDLE) reusable = Ok(Exec(conn, "ROLLBACK").get());
    // DISCARD ALL, step by step so that it shares one round trip with the
    // settings (DISCARD ALL itself refuses a multi-statement string).
    reusable =
        reusable && Ok(Exec(conn, std::string("CLOSE ALL; RESET ALL; DEALLOCATE ALL; UNLISTEN *; "
                                              "SELECT pg_advisory_unlock_all(); DISCARD PLANS; "
                                              "DISCARD TEMP; DISCARD SEQUENCES; ") +
                                      SessionSettings())
                           .get());
  }
  if (reusable) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_idle == nullptr) g_idle = new std::map<std::string, std::vector<IdleSession>>();
    auto& idle = (*g_idle)[dsn];
    if (idle.size() < kMaxIdlePerDsn) {
      idle.push_back({conn, ForkGeneration()});
      return;
    }
  }
  PQfinish(conn);
}

}  // namespace litelift::compat
