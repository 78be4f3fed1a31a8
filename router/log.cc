#include "router/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace litelift::log {

namespace {

std::once_flag g_once;
spdlog::logger* g_logger = nullptr;  // deliberately never destroyed

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
  spdlog::sink_ptr sink;
  const char* file = std::getenv("LITELIFT_LOG_FILE");
  try {
    if (file != nullptr && *file != '\0') {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file);
    } else {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    }
    auto* logger = new spdlog::logger("litelift", std::move(sink));
    logger->set_level(level);
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [litelift] [%P] [%l] %v");
    logger->flush_on(spdlog::level::trace);
    g_logger = logger;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "litelift: cannot open LITELIFT_LOG_FILE %s: %s\n",
                 file != nullptr ? file : "", e.what());
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

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Masks the password of a URI's user info: scheme://user:password@host.
void RedactUriPassword(std::string* dsn) {
  size_t scheme = dsn->find("://");
  if (scheme == std::string::npos) return;
  size_t start = scheme + 3;
  size_t end = dsn->find_first_of("/?#", start);
  size_t at = dsn->rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at == std::string::npos || at < start) return;
  size_t colon = dsn->find(':', start);
  if (colon == std::string::npos || colon > at) return;
  dsn->replace(colon + 1, at - colon - 1, "***");
}

// Masks every password=value (key/value form, or a URI query parameter).
void RedactPasswordParameters(std::string* dsn) {
  static constexpr std::string_view kKey = "password";
  for (size_t i = 0; i + kKey.size() <= dsn->size(); ++i) {
    if (!IEquals(std::string_view(*dsn).substr(i, kKey.size()), kKey)) continue;
    if (i > 0 && std::isalnum(static_cast<unsigned char>((*dsn)[i - 1]))) continue;
    size_t j = i + kKey.size();
    while (j < dsn->size() && (*dsn)[j] == ' ') ++j;
    if (j >= dsn->size() || (*dsn)[j] != '=') continue;
    ++j;
    while (j < dsn->size() && (*dsn)[j] == ' ') ++j;
    size_t value_end = j;
    if (value_end < dsn->size() && (*dsn)[value_end] == '\'') {
      for (++value_end; value_end < dsn->size() && (*dsn)[value_end] != '\''; ++value_end) {
        if ((*dsn)[value_end] == '\\') ++value_end;
      }
      if (value_end < dsn->size()) ++value_end;
    } else {
      while (value_end < dsn->size() && (*dsn)[value_end] != ' ' && (*dsn)[value_end] != '&') {
        ++value_end;
      }
    }
    dsn->replace(j, value_end - j, "***");
    i = j + 3;
  }
}

}  // namespace

std::string RedactDsn(std::string_view dsn) {
  std::string out(dsn);
  RedactUriPassword(&out);
  RedactPasswordParameters(&out);
  return out;
}

}  // namespace litelift::log
