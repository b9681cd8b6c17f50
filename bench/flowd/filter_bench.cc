// Cost of FlowFilterSet::Matches per flow, over a mix of flows shaped like a
// busy node's: HTTP between shop pods (some 5xx), DNS to kube-system, drops.
// items_per_second is flows evaluated per second on one core.
#include <benchmark/benchmark.h>
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "flows/api/filter/flow_filter_set.h"

namespace {

using flows::api::FlowFilterSet;

flow::Flow FlowFromText(const std::string& text) {
  flow::Flow f;
  if (!google::protobuf::TextFormat::ParseFromString(text, &f)) std::abort();
  return f;
}

std::string Endpoint(const std::string& ns, const std::string& pod, const std::string& app) {
  return "namespace: '" + ns + "' pod_name: '" + pod + "' labels: 'k8s:app=" + app +
         "' labels: 'k8s:io.kubernetes.pod.namespace=" + ns +
         "' labels: 'k8s:io.cilium.k8s.policy.cluster=default'" + " workloads { name: '" + app +
         "' kind: 'Deployment' }";
}

// 1024 flows cycling through the kinds a node sees most.
std::vector<flow::Flow> FlowMix() {
  const std::string frontend = Endpoint("shop", "frontend-6c7f9d-x2k4p", "frontend");
  const std::string cart = Endpoint("shop", "cart-5b8d4-qz9lm", "cart");
  const std::string coredns = Endpoint("kube-system", "coredns-787d4945fb-l85r5", "kube-dns");
  const std::string common = "time { seconds: 1700000000 } node_name: 'prod/worker-3' ";
  const std::vector<std::string> kinds = {
      // HTTP response, 503
      common + "verdict: FORWARDED Type: L7 event_type { type: 129 } source {" + cart + "} destination {" +
          frontend +
          "} IP { source: '10.0.2.17' destination: '10.0.1.5' ipVersion: IPv4 }"
          " l4 { TCP { source_port: 8080 destination_port: 43122 } }"
          " l7 { type: RESPONSE http { code: 503 method: 'GET' url: 'http://cart.shop:8080/api/cart?id=42' } "
          "}"
          " is_reply { value: true } traffic_direction: EGRESS",
      // HTTP response, 200
      common + "verdict: FORWARDED Type: L7 event_type { type: 129 } source {" + cart + "} destination {" +
          frontend +
          "} IP { source: '10.0.2.17' destination: '10.0.1.5' ipVersion: IPv4 }"
          " l4 { TCP { source_port: 8080 destination_port: 43122 } }"
          " l7 { type: RESPONSE http { code: 200 method: 'GET' url: 'http://cart.shop:8080/api/cart?id=42' } "
          "}"
          " is_reply { value: true } traffic_direction: EGRESS",
      // HTTP request from frontend
      common + "verdict: FORWARDED Type: L7 event_type { type: 129 } source {" + frontend +
          "} destination {" + cart +
          "} IP { source: '10.0.1.5' destination: '10.0.2.17' ipVersion: IPv4 }"
          " l4 { TCP { source_port: 43122 destination_port: 8080 } }"
          " l7 { type: REQUEST http { method: 'GET' url: 'http://cart.shop:8080/api/cart?id=42' } }"
          " is_reply { value: false } traffic_direction: INGRESS",
      // TCP SYN frontend -> cart
      common + "verdict: FORWARDED Type: L3_L4 event_type { type: 4 } source {" + frontend +
          "} destination {" + cart +
          "} IP { source: '10.0.1.5' destination: '10.0.2.17' ipVersion: IPv4 }"
          " l4 { TCP { source_port: 43122 destination_port: 8080 flags { SYN: true } } }"
          " is_reply { value: false } traffic_direction: EGRESS",
      // DNS to kube-system
      common + "verdict: FORWARDED Type: L7 event_type { type: 129 } source {" + frontend +
          "} destination {" + coredns +
          "} IP { source: '10.0.1.5' destination: '10.0.0.10' ipVersion: IPv4 }"
          " l4 { UDP { source_port: 53211 destination_port: 53 } }"
          " l7 { type: REQUEST dns { query: 'cart.shop.svc.cluster.local.' qtypes: 'A' } }"
          " destination_names: 'kube-dns.kube-system.svc.cluster.local' traffic_direction: EGRESS",
      // Dropped from outside
      common +
          "verdict: DROPPED Type: L3_L4 event_type { type: 1 } source { labels: 'reserved:world' } "
          "destination {" +
          cart +
          "} IP { source: '203.0.113.9' destination: '10.0.2.17' ipVersion: IPv4 }"
          " l4 { TCP { source_port: 51515 destination_port: 22 flags { SYN: true } } } traffic_direction: "
          "INGRESS",
  };
  std::vector<flow::Flow> flows;
  for (int i = 0; i < 1024; ++i) flows.push_back(FlowFromText(kinds[i % kinds.size()]));
  return flows;
}

FlowFilterSet::Filters FiltersFromText(const std::vector<std::string>& texts) {
  FlowFilterSet::Filters filters;
  for (const std::string& text : texts) {
    if (!google::protobuf::TextFormat::ParseFromString(text, filters.Add())) std::abort();
  }
  return filters;
}

void RunMatches(benchmark::State& state, const std::vector<std::string>& whitelist,
                const std::vector<std::string>& blacklist) {
  const std::vector<flow::Flow> flows = FlowMix();
  auto set = FlowFilterSet::Compile(FiltersFromText(whitelist), FiltersFromText(blacklist));
  if (!set.ok()) {
    state.SkipWithError(set.error().message.c_str());
    return;
  }
  std::size_t i = 0, matched = 0;
  for (auto _ : state) {
    matched += set->Matches(flows[i]);
    i = (i + 1) % flows.size();
  }
  benchmark::DoNotOptimize(matched);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The CLI issue's set: pod + namespace + HTTP status "5+" + protocol, e.g.
// `hubble observe --from-pod shop/cart --to-namespace shop --http-status 5+ --protocol http`
// plus a second whitelist filter and a blacklist, as people combine them.
void BM_Matches_PodNamespaceStatusProtocol(benchmark::State& state) {
  RunMatches(state,
             {R"(source_pod: "shop/cart" destination_pod: "shop/" http_status_code: "5+" protocol: "http")",
              R"(verdict: DROPPED destination_pod: "shop/")"},
             {R"(destination_pod: "kube-system/")"});
}
BENCHMARK(BM_Matches_PodNamespaceStatusProtocol);

// Label selectors and a CIDR: string scans and an address parse per flow.
void BM_Matches_LabelsAndCidr(benchmark::State& state) {
  RunMatches(
      state,
      {R"(source_label: "app in (cart,frontend),!io.cilium.k8s.policy.serviceaccount" destination_ip: "10.0.0.0/16")"},
      {});
}
BENCHMARK(BM_Matches_LabelsAndCidr);

// A regular expression on the HTTP path, behind cheap fields.
void BM_Matches_HttpPathRegex(benchmark::State& state) {
  RunMatches(state, {R"(protocol: "http" http_path: "^/api/cart" http_method: "GET")"}, {});
}
BENCHMARK(BM_Matches_HttpPathRegex);

// No filters: the floor (the API skips Matches then anyway).
void BM_Matches_NoFilters(benchmark::State& state) {
  RunMatches(state, {}, {});
}
BENCHMARK(BM_Matches_NoFilters);

// Compile cost, paid once per GetFlows request.
void BM_Compile_RealisticSet(benchmark::State& state) {
  const auto whitelist = FiltersFromText(
      {R"(source_pod: "shop/cart" destination_pod: "shop/" http_status_code: "5+" protocol: "http")",
       R"(verdict: DROPPED destination_pod: "shop/" http_path: "^/api/")"});
  const auto blacklist = FiltersFromText({R"(destination_pod: "kube-system/")"});
  for (auto _ : state) {
    auto set = FlowFilterSet::Compile(whitelist, blacklist);
    benchmark::DoNotOptimize(set);
  }
}
BENCHMARK(BM_Compile_RealisticSet);

}  // namespace

BENCHMARK_MAIN();
