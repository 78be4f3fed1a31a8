#include "shim/utf.h"

#include <gtest/gtest.h>

namespace litelift::shim {
namespace {

TEST(Utf, RoundTrips) {
  const char* cases[] = {"",
                         "plain ascii",
                         "caf\xc3\xa9",
                         "\xe2\x82\xac 5",
                         "\xf0\x9f\x98\x80 emoji",
                         "\xe4\xb8\xad\xe6\x96\x87"};
  for (const char* c : cases) {
    std::u16string wide = Utf8ToUtf16(c);
    EXPECT_EQ(Utf16ToUtf8(wide.c_str(), -1), c);
    EXPECT_EQ(Utf16ToUtf8(wide.data(), static_cast<int>(wide.size() * 2)), c);
  }
}

TEST(Utf, SurrogatePairs) {
  EXPECT_EQ(Utf8ToUtf16("\xf0\x9f\x98\x80"), std::u16string(u"\xd83d\xde00"));
}

TEST(Utf, InvalidInputBecomesReplacementCharacter) {
  EXPECT_EQ(Utf8ToUtf16("a\xff"
                        "b"),
            std::u16string(u"a\xfffd"
                           u"b"));
  EXPECT_EQ(Utf8ToUtf16("a\xc3"), std::u16string(u"a\xfffd"));
  const char16_t lone[] = {0xD800, u'x', 0};
  EXPECT_EQ(Utf16ToUtf8(lone, -1), "\xef\xbf\xbdx");
}

}  // namespace
}  // namespace litelift::shim
