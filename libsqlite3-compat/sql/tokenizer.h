// SQLite's tokens, with byte offsets, by SQLite's rules (tokenize.c): the
// first stage of the translator.

#ifndef LITELIFT_COMPAT_SQL_TOKENIZER_H_
#define LITELIFT_COMPAT_SQL_TOKENIZER_H_

#include <string_view>
#include <vector>

namespace litelift::compat::sql {

enum class TokenType {
  kSpace,       // whitespace
  kComment,     // -- ... or /* ... */
  kWord,        // a bare identifier or keyword
  kQuotedName,  // "x", [x] or `x`
  kString,      // 'text'
  kBlob,        // x'ABCD'
  kNumber,      // 12, 1.5e3, .5, 0x1F
  kVariable,    // ?, ?12, :a, @a, $a
  kOperator,    // punctuation and operators: ( ) , ; . = == != <> || -> ->> ...
  kIllegal,     // a character SQLite rejects, or an unterminated literal
};

struct Token {
  TokenType type;
  size_t offset;  // byte offset in the statement
  std::string_view text;
};

// Splits sql into tokens; concatenating their texts gives sql back.
std::vector<Token> Tokenize(std::string_view sql);

// The tokens of sql without spaces and comments.
std::vector<Token> SignificantTokens(std::string_view sql);

// The name a kQuotedName or kWord token denotes ("a""b" -> a"b, [x] -> x).
std::string_view NameText(const Token& token, std::string* storage);

// Case-insensitive ASCII comparison of a word token with a keyword.
bool IsWord(const Token& token, std::string_view keyword);

// Whether any of tokens is the word keyword (IsWord).
bool HasWord(const std::vector<Token>& tokens, std::string_view keyword);

// In the significant tokens of CREATE [TEMP] [UNIQUE] TABLE|INDEX|VIEW|
// TRIGGER [IF NOT EXISTS] [schema.]name ..., the index of the name's token
// (tokens.size() when there is none).
size_t CreatedNameIndex(const std::vector<Token>& tokens);

}  // namespace litelift::compat::sql

#endif  // LITELIFT_COMPAT_SQL_TOKENIZER_H_
