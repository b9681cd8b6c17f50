// GetNamespaces' source: every namespace that had a flow within the window,
// however the ingest path batches its flows.
#include "flows/flowd/observer/namespace_tracker.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;

flow::Flow Between(const std::string& src_ns, const std::string& dst_ns) {
  flow::Flow f;
  f.mutable_source()->set_namespace_(src_ns);
  f.mutable_destination()->set_namespace_(dst_ns);
  return f;
}

TEST(NamespaceTracker, EveryNamespaceOfABatchIsRecordedAndExpires) {
  NamespaceTracker tracker(10s);
  const auto t0 = NamespaceTracker::Clock::now();
  // One batch (one `now`): namespaces repeat, alternate and come back.
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{{"demo-app", "kube-system"},
                                                                             {"demo-app", "kube-system"},
                                                                             {"monitoring", "demo-app"},
                                                                             {"kube-system", ""},
                                                                             {"alpha", "demo-app"}}) {
    tracker.Observe(Between(a, b), t0);
  }
  EXPECT_EQ(tracker.Recent(t0), (std::vector<std::string>{"alpha", "demo-app", "kube-system", "monitoring"}));
  // A later batch refreshes only what it sees.
  tracker.Observe(Between("demo-app", "kube-system"), t0 + 8s);
  EXPECT_EQ(tracker.Recent(t0 + 15s), (std::vector<std::string>{"demo-app", "kube-system"}));
  EXPECT_TRUE(tracker.Recent(t0 + 30s).empty());
}

}  // namespace
}  // namespace flows::flowd
