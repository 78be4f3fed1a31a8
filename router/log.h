// litelift's own log: silent unless LITELIFT_LOG names a level.
//
// LITELIFT_LOG=trace|debug|info|warn|error|critical|off (default off) and
// LITELIFT_LOG_FILE=path (default stderr; a new file is made mode 0600). Every
// line goes through RedactSecrets. The logger is created on first use,
// never in a static constructor, and is private to litelift (spdlog is
// compiled in and hidden, so it never meets a program's own spdlog).

#ifndef LITELIFT_ROUTER_LOG_H_
#define LITELIFT_ROUTER_LOG_H_

#include <spdlog/logger.h>

#include <string>
#include <string_view>

namespace litelift::log {

// The logger, or nullptr when logging is off. Thread-safe; created once.
spdlog::logger* Get();

// Parses a LITELIFT_LOG value; false for an unknown name.
bool ParseLevel(std::string_view text, spdlog::level::level_enum* level);

// Removes a password from a connection string for display: the value of
// password= in key/value form and the password part of a URI's user info.
std::string RedactDsn(std::string_view dsn);

// Remembers the passwords written in a connection string (as written and as
// libpq decodes them), so that RedactSecrets removes them from any text,
// also where libpq quotes them out of context ("invalid percent-encoded
// token: ..."). Process-wide (per copy of this code), thread-safe; a DSN
// without a password adds nothing.
void AddSecrets(std::string_view dsn);

// text with every remembered password, every password=value and every URI
// user-info password masked as ***: for any text that goes to an error
// message or the log. Thread-safe.
std::string RedactSecrets(std::string_view text);

}  // namespace litelift::log

// Logs at the given level when logging is on; the arguments are not evaluated
// otherwise.
#define LL_LOG(level, ...)                                      \
  do {                                                          \
    if (::spdlog::logger* ll_logger_ = ::litelift::log::Get();  \
        ll_logger_ != nullptr && ll_logger_->should_log(level)) \
      ll_logger_->log(level, __VA_ARGS__);                      \
  } while (0)

#define LL_DEBUG(...) LL_LOG(::spdlog::level::debug, __VA_ARGS__)
#define LL_INFO(...) LL_LOG(::spdlog::level::info, __VA_ARGS__)
#define LL_WARN(...) LL_LOG(::spdlog::level::warn, __VA_ARGS__)
#define LL_ERROR(...) LL_LOG(::spdlog::level::err, __VA_ARGS__)

#endif  // LITELIFT_ROUTER_LOG_H_
