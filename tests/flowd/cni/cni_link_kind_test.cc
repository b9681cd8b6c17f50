// The kernel's word on link kinds, asked over rtnetlink in this process's
// namespace (no privileges needed to ask).
#include "flows/flowd/cni/cni_link_kind.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

TEST(LinkKind, LoopbackHasNoKindAndAbsentLinksAreEmpty) {
  EXPECT_EQ(LinkKindInThisNetns("lo"), "device");
  EXPECT_EQ(LinkKindInThisNetns("flowsnope0"), "");
  EXPECT_EQ(LinkKindInThisNetns(""), "");
  EXPECT_EQ(LinkKindInThisNetns("sixteen-chars-xx"), "");
}

}  // namespace
}  // namespace flows::flowd
