// UTF-8 <-> UTF-16 (native byte order) for the *16 functions of remote
// handles. Invalid input is replaced with U+FFFD, as SQLite does.

#ifndef LITELIFT_SHIM_UTF_H_
#define LITELIFT_SHIM_UTF_H_

#include <string>
#include <string_view>

namespace litelift::shim {

std::u16string Utf8ToUtf16(std::string_view in);

// Reads a NUL-terminated UTF-16 string (nbytes < 0) or nbytes bytes of one.
std::string Utf16ToUtf8(const void* in, int nbytes);

}  // namespace litelift::shim

#endif  // LITELIFT_SHIM_UTF_H_
