#include "router/log.h"

#include <fcntl.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <vector>

#include "router/route.h"

namespace litelift::log {

namespace {

std::once_flag g_once;
spdlog::logger* g_logger = nullptr;  // deliberately never destroyed

// Writes each line to a FILE*, its message passed through RedactSecrets
// first, so that no call site can leak a password into the log.
class SecretFreeSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit SecretFreeSink(FILE* file) : file_(file) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string clean = RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = clean;
    spdlog::memory_buf_t line;
    formatter_->format(copy, line);
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  void flush_() override { std::fflush(file_); }

 private:
  FILE* file_;  // never closed: the logger lives until exit
};

void Create() {
  const char* level_text = std::getenv("LITELIFT_LOG");
  if (level_text == nullptr || *level_text == '\0') return;
  spdlog::level::level_enum level;
  if (!ParseLevel(level_text, &level)) {
    std::fprintf(stderr,
                 "litelift: LITELIFT_LOG=%s is not a level (trace, debug, info, "
                 "warn, error, critical, off); logging stays off\n",
                 level_text);
    return;
  }
  if (level == spdlog::level::off) return;
  FILE* out = stderr;
  const char* file = std::getenv("LITELIFT_LOG_FILE");
  if (file != nullptr && *file != '\0') {
    // Made 0600: the log holds paths, SQL and server messages. O_APPEND keeps
    // lines whole when several processes (or both copies of this code in
    // one process) share the file.
    int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    out = fd >= 0 ? fdopen(fd, "a") : nullptr;
    if (out == nullptr) {
      int err = errno;
      if (fd >= 0) close(fd);
      std::fprintf(stderr, "litelift: cannot open LITELIFT_LOG_FILE %s: %s; logging stays off\n",
                   file, std::strerror(err));
      return;
    }
  }
  try {
    auto* logger = new spdlog::logger("litelift", std::make_shared<SecretFreeSink>(out));
    logger->set_level(level);
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [litelift] [%P] [%l] %v");
    logger->flush_on(spdlog::level::trace);
    g_logger = logger;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "litelift: cannot start the log: %s\n", e.what());
  }
}

}  // namespace

spdlog::logger* Get() {
  std::call_once(g_once, Create);
  return g_logger;
}

bool ParseLevel(std::string_view text, spdlog::level::level_enum* level) {
  static constexpr struct {
    std::string_view name;
    spdlog::level::level_enum level;
  } kLevels[] = {
      {"trace", spdlog::level::trace},       {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},         {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn},      {"error", spdlog::level::err},
      {"critical", spdlog::level::critical}, {"off", spdlog::level::off},
  };
  for (const auto& entry : kLevels) {
    if (entry.name == text) {
      *level = entry.level;
      return true;
    }
  }
  return false;
}

namespace {

// Passwords shorter than this are not searched for in free text: every "a"
// of a message would go. Their password=/user-info forms are still masked.
constexpr size_t kMinSecretSize = 4;

std::mutex g_secrets_mutex;
std::vector<std::string>* g_secrets = nullptr;  // longest first; never destroyed
std::set<std::string>* g_dsns_seen = nullptr;   // never destroyed

// Where a key/value value quoted at text[quote] ends: just past its
// closing quote, backslash escapes skipped (text.size() when unclosed).
size_t QuotedValueEnd(std::string_view text, size_t quote) {
  size_t i = quote + 1;
  for (; i < text.size() && text[i] != '\''; ++i) {
    if (text[i] == '\\') ++i;
  }
  return std::min(i + 1, text.size());
}

// text with %XX decoded, as libpq decodes a URI; "" when malformed.
std::string PercentDecoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || router::HexDigitValue(text[i + 1]) < 0 ||
        router::HexDigitValue(text[i + 2]) < 0)
      return "";
    out.push_back(static_cast<char>(router::HexDigitValue(text[i + 1]) * 16 +
                                    router::HexDigitValue(text[i + 2])));
    i += 2;
  }
  return out;
}

// The user-info password of the URI whose "://" is at or after from:
// scheme://user:password@host. Sets [*begin, *end) and returns true, or
// returns false. last_at: take the last '@' of the whole text (a password
// with '/' in it) instead of the last one before the path.
bool UriPasswordSpan(std::string_view text, size_t from, bool last_at, size_t* begin, size_t* end) {
  size_t scheme = text.find("://", from);
  if (scheme == std::string_view::npos) return false;
  size_t start = scheme + 3;
  size_t limit = last_at ? std::string_view::npos : text.find_first_of("/?#", start);
  size_t at = text.rfind('@', limit);
  if (at == std::string_view::npos || at < start) return false;
  size_t colon = text.find(':', start);
  if (colon == std::string_view::npos || colon > at) return false;
  *begin = colon + 1;
  *end = at;
  return true;
}

// Calls fn(begin, end) for the value of every ...password=value (key/value
// form, quoted or not, or a URI query parameter); sslpassword too.
// text is read afresh at each step, so fn may change it.
template <typename Fn>
void ForEachPasswordValue(const std::string& text, Fn fn) {
  static constexpr std::string_view kKey = "password";
  for (size_t i = 0; i + kKey.size() <= text.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < kKey.size() && match; ++k) {
      match = std::tolower(static_cast<unsigned char>(text[i + k])) == kKey[k];
    }
    if (!match) continue;
    size_t j = i + kKey.size();
    while (j < text.size() && text[j] == ' ') ++j;
    if (j >= text.size() || text[j] != '=') continue;
    ++j;
    while (j < text.size() && text[j] == ' ') ++j;
    size_t value_end = j;
    if (value_end < text.size() && text[value_end] == '\'') {
      value_end = QuotedValueEnd(text, value_end);
    } else {
      while (value_end < text.size() && text[value_end] != ' ' && text[value_end] != '&') {
        ++value_end;
      }
    }
    i = fn(j, value_end);  // fn says where to go on (it may change the text)
  }
}

// A key/value value without its quotes and backslash escapes.
std::string Unquoted(std::string_view value) {
  if (value.size() < 2 || value.front() != '\'') return std::string(value);
  std::string out;
  for (size_t i = 1; i + 1 < value.size(); ++i) {
    if (value[i] == '\\' && i + 2 < value.size()) ++i;
    out.push_back(value[i]);
  }
  return out;
}

// libpq's connection keywords whose values are not secret. The value of any
// other key is taken for one: password, sslpassword, but also a misspelt or
// unknown key ("pasword=..."), whose value libpq may quote back.
bool IsPublicKey(std::string_view key) {
  static constexpr std::string_view kPublic =
      " host hostaddr port dbname user passfile channel_binding connect_timeout "
      "client_encoding options application_name fallback_application_name keepalives "
      "keepalives_idle keepalives_interval keepalives_count tcp_user_timeout replication "
      "sslmode sslnegotiation sslcompression sslcert sslkey sslcertmode sslrootcert sslcrl "
      "sslcrldir sslsni requirepeer require_auth ssl_min_protocol_version "
      "ssl_max_protocol_version gssencmode krbsrvname gsslib gssdelegation service "
      "target_session_attrs load_balance_hosts requiressl ";
  if (key.empty() || key.find(' ') != std::string_view::npos) return false;
  return kPublic.find(" " + std::string(key) + " ") != std::string_view::npos;
}

// Calls fn(key, raw value) for each setting of a key/value connection string
// or of a URI's query; a word without "=" comes with key "" (libpq quotes it
// back: missing "=" after "...").
template <typename Fn>
void ForEachSetting(std::string_view dsn, Fn fn) {
  if (dsn.rfind("postgresql://", 0) == 0 || dsn.rfind("postgres://", 0) == 0) {
    size_t q = dsn.find('?');
    if (q == std::string_view::npos) return;
    std::string_view query = dsn.substr(q + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) {
        fn(std::string_view(), pair);
      } else {
        fn(pair.substr(0, eq), pair.substr(eq + 1));
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
    return;
  }
  auto space = [&dsn](size_t i) {
    return i < dsn.size() && std::isspace(static_cast<unsigned char>(dsn[i]));
  };
  size_t i = 0;
  while (i < dsn.size()) {
    while (space(i)) ++i;
    size_t key_begin = i;
    while (i < dsn.size() && dsn[i] != '=' && !space(i)) ++i;
    std::string_view key = dsn.substr(key_begin, i - key_begin);
    while (space(i)) ++i;
    if (i >= dsn.size() || dsn[i] != '=') {
      if (!key.empty()) fn(std::string_view(), key);
      continue;
    }
    ++i;
    while (space(i)) ++i;
    size_t value_begin = i;
    if (i < dsn.size() && dsn[i] == '\'') {
      i = QuotedValueEnd(dsn, i);
    } else {
      while (i < dsn.size() && !space(i)) ++i;
    }
    fn(key, dsn.substr(value_begin, i - value_begin));
  }
}

void Remember(std::string secret) {
  // White space around a password is not part of it for libpq either.
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) {
    secret.pop_back();
  }
  if (secret.size() < kMinSecretSize) return;
  for (const std::string& s : *g_secrets) {
    if (s == secret) return;
  }
  auto at = std::find_if(g_secrets->begin(), g_secrets->end(),
                         [&](const std::string& s) { return s.size() < secret.size(); });
  g_secrets->insert(at, std::move(secret));
}

// Masks every URI user-info password of text.
void RedactUriPasswords(std::string* text) {
  size_t begin, end;
  size_t from = 0;
  while (UriPasswordSpan(*text, from, false, &begin, &end)) {
    text->replace(begin, end - begin, "***");
    from = begin + 3;
  }
}

// Masks every password=value of text.
void RedactPasswordParameters(std::string* text) {
  std::string& t = *text;
  ForEachPasswordValue(t, [&t](size_t begin, size_t end) {
    t.replace(begin, end - begin, "***");
    return begin + 2;  // the loop's ++ steps past the mask
  });
}

}  // namespace

std::string RedactDsn(std::string_view dsn) {
  std::string out(dsn);
  RedactUriPasswords(&out);
  RedactPasswordParameters(&out);
  return out;
}

void AddSecrets(std::string_view dsn) {
  if (dsn.empty()) return;
  std::lock_guard<std::mutex> lock(g_secrets_mutex);
  if (g_secrets == nullptr) {
    g_secrets = new std::vector<std::string>();
    g_dsns_seen = new std::set<std::string>();
  }
  if (!g_dsns_seen->insert(std::string(dsn)).second) return;
  size_t begin, end;
  for (bool last_at : {false, true}) {
    if (UriPasswordSpan(dsn, 0, last_at, &begin, &end)) {
      std::string_view raw = dsn.substr(begin, end - begin);
      Remember(std::string(raw));
      Remember(PercentDecoded(raw));
    }
  }
  ForEachSetting(dsn, [](std::string_view key, std::string_view raw) {
    if (IsPublicKey(key)) return;
    Remember(std::string(raw));
    Remember(Unquoted(raw));
    Remember(PercentDecoded(raw));
  });
}

std::string RedactSecrets(std::string_view text) {
  std::string out(text);
  {
    std::lock_guard<std::mutex> lock(g_secrets_mutex);
    if (g_secrets != nullptr) {
      for (const std::string& secret : *g_secrets) {  // longest first
        for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3)) {
          out.replace(at, secret.size(), "***");
        }
      }
    }
  }
  RedactUriPasswords(&out);
  RedactPasswordParameters(&out);
  return out;
}

}  // namespace litelift::log
