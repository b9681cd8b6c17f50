// How FlowFilters combine: fields AND, whitelist filters OR, blacklist wins.
#include <thread>
#include <vector>

#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;
using testing::Filters;
using testing::FromText;

const flow::Flow kFrontendHttp500 = FromText<flow::Flow>(R"(
  verdict: FORWARDED
  source { namespace: "shop" pod_name: "frontend-1" labels: "k8s:app=frontend" }
  destination { namespace: "shop" pod_name: "cart-1" }
  l4 { TCP { destination_port: 8080 } }
  l7 { http { code: 500 method: "GET" url: "/cart" } }
  event_type { type: 129 })");

const flow::Flow kKubeDns = FromText<flow::Flow>(R"(
  verdict: FORWARDED
  source { namespace: "shop" pod_name: "frontend-1" }
  destination { namespace: "kube-system" pod_name: "coredns-1" }
  l4 { UDP { destination_port: 53 } })");

const flow::Flow kDropped = FromText<flow::Flow>(R"(
  verdict: DROPPED
  source { namespace: "other" pod_name: "scanner" }
  destination { namespace: "shop" pod_name: "cart-1" }
  l4 { TCP { destination_port: 22 } })");

bool Passes(const std::vector<std::string>& whitelist, const std::vector<std::string>& blacklist,
            const flow::Flow& flow) {
  auto set = FlowFilterSet::Compile(Filters(whitelist), Filters(blacklist));
  EXPECT_TRUE(set.ok()) << set.error().message;
  return set.ok() && set->Matches(flow);
}

TEST(FilterSetTest, NoFiltersMatchEverything) {
  auto set = FlowFilterSet::Compile({}, {});
  ASSERT_TRUE(set.ok());
  EXPECT_TRUE(set->MatchesEverything());
  EXPECT_TRUE(set->Matches(kFrontendHttp500));
  EXPECT_TRUE(set->Matches(flow::Flow()));
}

TEST(FilterSetTest, AnEmptyFlowFilterMatchesEverything) {
  EXPECT_TRUE(Passes({""}, {}, kDropped));
  EXPECT_FALSE(Passes({}, {""}, kDropped));  // and so blacklists everything
}

TEST(FilterSetTest, FieldsOfOneFilterAnd) {
  const std::string filter = R"(source_pod: "shop/frontend" protocol: "http")";
  ExpectCases({
      {filter, "source { namespace: 'shop' pod_name: 'frontend-1' } l7 { http { } }", true},
      {filter, "source { namespace: 'shop' pod_name: 'frontend-1' } l4 { UDP { } }", false},
      {filter, "source { namespace: 'x' pod_name: 'frontend-1' } l7 { http { } }", false},
  });
}

TEST(FilterSetTest, FieldsOfOneFilterAndOnARealisticFlow) {
  const std::string filter =
      R"(source_pod: "shop/" destination_port: "8080" verdict: FORWARDED http_status_code: "5+")";
  EXPECT_TRUE(Passes({filter}, {}, kFrontendHttp500));
  EXPECT_FALSE(Passes({filter}, {}, kKubeDns));
}

TEST(FilterSetTest, WhitelistFiltersOr) {
  const std::vector<std::string> whitelist = {R"(verdict: DROPPED)", R"(destination_pod: "kube-system/")"};
  EXPECT_TRUE(Passes(whitelist, {}, kDropped));
  EXPECT_TRUE(Passes(whitelist, {}, kKubeDns));
  EXPECT_FALSE(Passes(whitelist, {}, kFrontendHttp500));
}

TEST(FilterSetTest, BlacklistRemovesFromTheWhitelist) {
  const std::vector<std::string> whitelist = {R"(source_pod: "shop/")"};
  const std::vector<std::string> blacklist = {R"(destination_pod: "kube-system/")"};
  EXPECT_TRUE(Passes(whitelist, blacklist, kFrontendHttp500));
  EXPECT_FALSE(Passes(whitelist, blacklist, kKubeDns));
  EXPECT_FALSE(Passes(whitelist, blacklist, kDropped));  // not whitelisted
}

TEST(FilterSetTest, BlacklistAloneRemovesFromEverything) {
  const std::vector<std::string> blacklist = {R"(verdict: DROPPED)", R"(protocol: "udp")"};
  EXPECT_TRUE(Passes({}, blacklist, kFrontendHttp500));
  EXPECT_FALSE(Passes({}, blacklist, kKubeDns));
  EXPECT_FALSE(Passes({}, blacklist, kDropped));
}

TEST(FilterSetTest, HttpFieldsAllowedWithAnL7EventTypeFilter) {
  EXPECT_TRUE(Passes({R"(event_type { type: 129 } http_status_code: "500")"}, {}, kFrontendHttp500));
  EXPECT_TRUE(Passes({R"(event_type { type: 4 } event_type { type: 129 } http_method: "GET")"}, {},
                     kFrontendHttp500));
}

TEST(FilterSetTest, CompiledSetIsMovableAndSharedAcrossThreads) {
  auto compiled =
      FlowFilterSet::Compile(Filters({R"(http_path: "^/cart$" source_label: "app=frontend")"}), {});
  ASSERT_TRUE(compiled.ok());
  FlowFilterSet set = std::move(*compiled);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (!set.Matches(kFrontendHttp500) || set.Matches(kKubeDns)) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace flows::api
