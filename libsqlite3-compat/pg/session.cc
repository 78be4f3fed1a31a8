#include "libsqlite3-compat/pg/session.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
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

std::mutex g_mutex;
std::map<std::string, std::vector<PGconn*>>* g_idle = nullptr;  // never destroyed

std::string OneLine(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Server notices (WARNING: there is no transaction in progress, ...) go to
// litelift's log, never to the program's stderr.
void OnNotice(void*, const char* message) {
  LL_DEBUG("server notice: {}", OneLine(message != nullptr ? message : ""));
}

}  // namespace

PgResult Exec(PGconn* conn, const std::string& sql) {
  PGresult* res = PQexec(conn, sql.c_str());
  if (res == nullptr) res = PQmakeEmptyPGresult(conn, PGRES_FATAL_ERROR);
  return PgResult(res);
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

PGconn* AcquireSession(const std::string& dsn, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_idle != nullptr) {
      auto& idle = (*g_idle)[dsn];
      while (!idle.empty()) {
        PGconn* conn = idle.back();
        idle.pop_back();
        if (PQstatus(conn) == CONNECTION_OK) return conn;
        PQfinish(conn);
      }
    }
  }
  // libpq may quote the password back out of context (a bad %-escape).
  log::AddSecrets(dsn);
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    *error = ErrorText(conn);
    if (conn != nullptr) PQfinish(conn);
    return nullptr;
  }
  PQsetNoticeProcessor(conn, &OnNotice, nullptr);
  PgResult res = Exec(conn, SessionSettings());
  if (!Ok(res.get())) {
    *error = ErrorText(conn, res.get());
    PQfinish(conn);
    return nullptr;
  }
  LL_DEBUG("connected to {}", log::RedactDsn(dsn));
  return conn;
}

void ReleaseSession(const std::string& dsn, PGconn* conn) {
  if (conn == nullptr) return;
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
    if (g_idle == nullptr) g_idle = new std::map<std::string, std::vector<PGconn*>>();
    auto& idle = (*g_idle)[dsn];
    if (idle.size() < kMaxIdlePerDsn) {
      idle.push_back(conn);
      return;
    }
  }
  PQfinish(conn);
}

}  // namespace litelift::compat
