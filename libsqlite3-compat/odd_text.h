// Text that PostgreSQL's text cannot hold: SQLite keeps any bytes as text
// (a NUL inside, bytes that are not UTF-8), the server's text type neither.
// Such text is never cut: an untyped column (jsonb, server/any_value.h)
// stores it as {"t": "<hex of its bytes>"}, which reads back as TEXT with
// exactly those bytes; anywhere else the statement fails naming it.

#ifndef LITELIFT_COMPAT_ODD_TEXT_H_
#define LITELIFT_COMPAT_ODD_TEXT_H_

#include <string>
#include <string_view>

namespace litelift::compat {

// Why text cannot travel as PostgreSQL text ("a NUL byte", "bytes that are
// not UTF-8"), or nullptr when it can. Ordinary ASCII costs one pass.
const char* OddTextReason(std::string_view bytes);

// Whether every use of parameter $index in sql (PostgreSQL text made by
// the translator) is litelift.to_any($index): the value only becomes an
// untyped column's stored value, so it may travel in the stored form.
// True when sql does not use it.
bool OnlyStoredUses(std::string_view sql, int index);

// The stored form of text: {"t": "<lower-case hex of bytes>"}.
std::string StoredOddText(std::string_view bytes);

// The value's bytes as an SQL blob literal for a message (X'610062'), the
// first 32 bytes and "..." after them.
std::string OddTextForMessage(std::string_view bytes);

}  // namespace litelift::compat

#endif  // LITELIFT_COMPAT_ODD_TEXT_H_
