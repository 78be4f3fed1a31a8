#include "router/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <regex>

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
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"warning", spdlog::level::warn}, {"error", spdlog::level::err},
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

std::string RedactDsn(std::string_view dsn) {
  std::string out(dsn);
  // URI form: scheme://user:password@host
  static const std::regex uri_password(R"(^(\w+://[^:/@]*):[^@/]*@)");
  out = std::regex_replace(out, uri_password, "$1:***@");
  // key/value form and URI query: password=secret or password='se cret'
  static const std::regex kv_password(R"((password\s*=\s*)('([^'\\]|\\.)*'|[^\s&]*))",
                                      std::regex::icase);
  return std::regex_replace(out, kv_password, "$1***");
}

}  // namespace litelift::log
