#include "flows/common/text.h"

#include <gtest/gtest.h>

namespace flows {
namespace {

TEST(Quote, EscapesWhatCouldGarbleATerminal) {
  EXPECT_EQ(Quote("plain"), "\"plain\"");
  EXPECT_EQ(Quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quote("\x1b[31m"), "\"\\x1b[31m\"");
  EXPECT_EQ(Quote("\xc3\xa9"), "\"\\xc3\\xa9\"");
}

TEST(EqualsIgnoreCase, AsciiOnly) {
  EXPECT_TRUE(EqualsIgnoreCase("GET", "get"));
  EXPECT_FALSE(EqualsIgnoreCase("GET", "gets"));
  static_assert(AsciiLower('Q') == 'q');
}

}  // namespace
}  // namespace flows
