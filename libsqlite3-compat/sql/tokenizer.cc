#include "libsqlite3-compat/sql/tokenizer.h"

#include <algorithm>
#include <string>

namespace litelift::compat::sql {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsIdStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (static_cast<unsigned char>(c) & 0x80);
}
bool IsIdChar(char c) { return IsIdStart(c) || IsDigit(c) || c == '$'; }

// Length of the token starting at s[0], and its type.
size_t Scan(std::string_view s, TokenType* type) {
  const char c = s[0];
  auto at = [&](size_t i) { return i < s.size() ? s[i] : '\0'; };
  if (IsSpace(c)) {
    size_t i = 1;
    while (i < s.size() && IsSpace(s[i])) ++i;
    *type = TokenType::kSpace;
    return i;
  }
  if (c == '-' && at(1) == '-') {
    size_t i = 2;
    while (i < s.size() && s[i] != '\n') ++i;
    *type = TokenType::kComment;
    return i < s.size() ? i + 1 : i;
  }
  if (c == '/' && at(1) == '*') {
    size_t end = s.find("*/", 2);
    *type = TokenType::kComment;
    return end == std::string_view::npos ? s.size() : end + 2;
  }
  if (c == '\'' || c == '"' || c == '`') {
    size_t i = 1;
    while (i < s.size()) {
      if (s[i] == c) {
        if (at(i + 1) == c) {
          i += 2;
          continue;
        }
        *type = c == '\'' ? TokenType::kString : TokenType::kQuotedName;
        return i + 1;
      }
      ++i;
    }
    *type = TokenType::kIllegal;
    return s.size();
  }
  if (c == '[') {
    size_t end = s.find(']');
    *type = end == std::string_view::npos ? TokenType::kIllegal : TokenType::kQuotedName;
    return end == std::string_view::npos ? s.size() : end + 1;
  }
  if ((c == 'x' || c == 'X') && at(1) == '\'') {
    size_t i = 2;
    while (i < s.size() && IsHex(s[i])) ++i;
    if (at(i) == '\'' && (i - 2) % 2 == 0) {
      *type = TokenType::kBlob;
      return i + 1;
    }
    size_t end = s.find('\'', 2);
    *type = TokenType::kIllegal;
    return end == std::string_view::npos ? s.size() : end + 1;
  }
  if (IsDigit(c) || (c == '.' && IsDigit(at(1)))) {
    *type = TokenType::kNumber;
    size_t i = 0;
    if (c == '0' && (at(1) == 'x' || at(1) == 'X') && IsHex(at(2))) {
      i = 2;
      while (IsHex(at(i))) ++i;
      return i;
    }
    while (IsDigit(at(i))) ++i;
    if (at(i) == '.') {
      ++i;
      while (IsDigit(at(i))) ++i;
    }
    if ((at(i) == 'e' || at(i) == 'E') &&
        (IsDigit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && IsDigit(at(i + 2))))) {
      i += 2;
      while (IsDigit(at(i))) ++i;
    }
    if (IsIdChar(at(i))) {  // 12abc is not a number
      while (IsIdChar(at(i))) ++i;
      *type = TokenType::kIllegal;
    }
    return i;
  }
  if (c == '?') {
    size_t i = 1;
    while (IsDigit(at(i))) ++i;
    *type = TokenType::kVariable;
    return i;
  }
  if (c == ':' || c == '@' || c == '$' || c == '#') {
    size_t i = 1;
    while (IsIdChar(at(i))) ++i;
    if (c == '$') {  // TCL-style $a::b(c)
      while (at(i) == ':' && at(i + 1) == ':') {
        i += 2;
        while (IsIdChar(at(i))) ++i;
      }
      if (at(i) == '(') {
        size_t close = s.find(')', i);
        if (close != std::string_view::npos) i = close + 1;
      }
    }
    *type = i > 1 ? TokenType::kVariable : TokenType::kIllegal;
    return i;
  }
  if (IsIdStart(c)) {
    size_t i = 1;
    while (IsIdChar(at(i))) ++i;
    *type = TokenType::kWord;
    return i;
  }
  *type = TokenType::kOperator;
  static const char* const kLong[] = {"->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->"};
  for (const char* op : kLong) {
    std::string_view o(op);
    if (s.substr(0, o.size()) == o) return o.size();
  }
  if (std::string_view("()[],;.+-*/%=<>&|~").find(c) != std::string_view::npos) return 1;
  *type = TokenType::kIllegal;
  return 1;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  size_t pos = 0;
  while (pos < sql.size()) {
    TokenType type;
    size_t n = Scan(sql.substr(pos), &type);
    tokens.push_back({type, pos, sql.substr(pos, n)});
    pos += n;
  }
  return tokens;
}

std::vector<Token> SignificantTokens(std::string_view sql) {
  std::vector<Token> out;
  for (const Token& t : Tokenize(sql)) {
    if (t.type != TokenType::kSpace && t.type != TokenType::kComment) out.push_back(t);
  }
  return out;
}

std::string_view NameText(const Token& token, std::string* storage) {
  if (token.type != TokenType::kQuotedName) return token.text;
  char open = token.text.front();
  std::string_view inner = token.text.substr(1, token.text.size() - 2);
  if (open == '[') return inner;
  storage->clear();
  for (size_t i = 0; i < inner.size(); ++i) {
    storage->push_back(inner[i]);
    if (inner[i] == open && i + 1 < inner.size() && inner[i + 1] == open) ++i;
  }
  return *storage;
}

bool HasWord(const std::vector<Token>& tokens, std::string_view keyword) {
  for (const Token& t : tokens) {
    if (IsWord(t, keyword)) return true;
  }
  return false;
}

bool IsWord(const Token& token, std::string_view keyword) {
  if (token.type != TokenType::kWord || token.text.size() != keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char a = token.text[i], b = keyword[i];
    if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
    if (b >= 'a' && b <= 'z') b = static_cast<char>(b - 'a' + 'A');
    if (a != b) return false;
  }
  return true;
}

size_t CreatedNameIndex(const std::vector<Token>& tokens) {
  size_t i = 0;
  while (i < tokens.size() && !IsWord(tokens[i], "TABLE") && !IsWord(tokens[i], "INDEX") &&
         !IsWord(tokens[i], "VIEW") && !IsWord(tokens[i], "TRIGGER")) {
    ++i;
  }
  ++i;
  if (i + 2 < tokens.size() && IsWord(tokens[i], "IF")) i += 3;
  if (i + 1 < tokens.size() && tokens[i + 1].text == ".") i += 2;
  return std::min(i, tokens.size());
}

}  // namespace litelift::compat::sql
