// Small text helpers shared by the postgres module.

#ifndef LITELIFT_COMPAT_TEXT_H_
#define LITELIFT_COMPAT_TEXT_H_

#include <cctype>
#include <string>
#include <string_view>

namespace litelift::compat {

// ASCII case folding: SQLite's names are case-insensitive for ASCII only.
inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

inline bool Contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_TEXT_H_
