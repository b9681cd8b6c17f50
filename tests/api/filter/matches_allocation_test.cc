// Matches() runs for every flow a GetFlows stream reads: it must not
// allocate. This binary counts operator new calls per thread; a filter using
// every field is evaluated over several flows and the count must not move.
// (RE2 fills its DFA cache lazily, so a warm-up pass comes first.)
#include <cstdlib>
#include <new>

#include "filter_cases.h"

namespace {
thread_local std::size_t allocations = 0;

void* CountedAlloc(std::size_t size) {
  ++allocations;
  return std::malloc(size == 0 ? 1 : size);
}
}  // namespace

// Every plain and nothrow form is replaced, so that new and delete always
// pair up (sanitizers check that); the aligned forms stay the library's.
// GCC cannot see that these are malloc underneath and warns about free().
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
  if (void* p = CountedAlloc(size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return CountedAlloc(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace flows::api {
namespace {

using testing::Filters;
using testing::FromText;

TEST(MatchesAllocationTest, EveryFieldMatchesWithoutAllocating) {
  const std::string every_field = R"(
    source_ip: "10.0.0.0/8" destination_ip: "10.0.2.17" source_pod: "shop/front" destination_pod: "/cart"
    verdict: FORWARDED event_type { type: 129 } source_fqdn: "*.shop" destination_fqdn: "cart.*"
    http_status_code: "5+" source_label: "app in (frontend),!x" destination_label: "k8s:app=cart"
    protocol: "http" source_port: "43122" destination_port: "8080" reply: false
    source_service: "shop/frontend" destination_service: "shop/" http_method: "get"
    http_path: "^/api/" tcp_flags { ACK: true } node_name: "prod/worker-*" ip_version: IPv4
    source_workload { name: "frontend" } destination_workload { kind: "Deployment" }
    traffic_direction: EGRESS http_url: "cart" http_header { key: "x-id" } interface { name: "eth0" })";
  const flow::Flow matching = FromText<flow::Flow>(R"(
    verdict: FORWARDED event_type { type: 129 } node_name: "prod/worker-3"
    source { namespace: "shop" pod_name: "frontend-1" labels: "k8s:app=frontend"
             workloads { name: "frontend" kind: "Deployment" } }
    destination { namespace: "shop" pod_name: "cart-1" labels: "k8s:app=cart"
                  workloads { name: "cart" kind: "Deployment" } }
    source_names: "frontend.shop" destination_names: "cart.shop."
    source_service { namespace: "shop" name: "frontend" } destination_service { namespace: "shop" name: "cart" }
    IP { source: "10.0.1.5" destination: "10.0.2.17" ipVersion: IPv4 }
    l4 { TCP { source_port: 43122 destination_port: 8080 flags { ACK: true } } }
    l7 { http { code: 503 method: "GET" url: "http://cart.shop:8080/api/cart?id=1" headers { key: "x-id" value: "1" } }
         }
    is_reply { value: false } traffic_direction: EGRESS interface { index: 2 name: "eth0" })");
  flow::Flow dns = matching;
  dns.mutable_l7()->mutable_dns()->set_query("cart.shop.");
  flow::Flow v6 = matching;
  v6.mutable_ip()->set_source("fd00::1");

  // A blacklist filter that fails only on its last field (regexes run last),
  // so both lists evaluate every field on the matching flow.
  std::string almost_every_field = every_field;
  almost_every_field.replace(almost_every_field.find(R"(http_url: "cart")"), 16, R"(http_url: "^no$")");
  // dns_query needs a DNS record, so it gets a whitelist filter of its own.
  auto set = FlowFilterSet::Compile(Filters({every_field, R"(dns_query: "^cart\\.")"}),
                                    Filters({almost_every_field}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_GT(allocations, 0u);  // the counting operator new is the one in use
  const std::vector<const flow::Flow*> flows = {&matching, &dns, &v6, &matching};
  ASSERT_TRUE(set->Matches(matching));

  for (const flow::Flow* f : flows) (void)set->Matches(*f);  // warm-up
  const std::size_t before = allocations;
  int matched = 0;
  for (int round = 0; round < 100; ++round) {
    for (const flow::Flow* f : flows) matched += set->Matches(*f);
  }
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(matched, 300);  // `matching` twice and `dns` once in every round
}

}  // namespace
}  // namespace flows::api
