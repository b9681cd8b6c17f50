#include "flows/flowd/endpoints/endpoint_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace flows::flowd {
namespace {

// What flows-cni registers for a pod: sandbox and interface, no labels.
Endpoint FromCni(std::string cid, std::string ns, std::string name, std::string uid, std::string ip,
                 std::string ifname = "veth0") {
  Endpoint ep;
  ep.container_id = std::move(cid);
  ep.namespace_ = std::move(ns);
  ep.pod_name = std::move(name);
  ep.pod_uid = std::move(uid);
  ep.ips = {std::move(ip)};
  ep.host_ifname = std::move(ifname);
  ep.host_ifindex = 7;
  ep.AddSource(EndpointSource::kCni);
  return ep;
}

// What the Kubernetes watcher says: identity, labels, owners, pod IPs.
Endpoint FromApi(std::string ns, std::string name, std::string uid, std::string ip,
                 std::map<std::string, std::string> labels = {{"app", "web"}}) {
  Endpoint ep;
  ep.namespace_ = std::move(ns);
  ep.pod_name = std::move(name);
  ep.pod_uid = std::move(uid);
  ep.ips = {std::move(ip)};
  ep.labels = std::move(labels);
  ep.workloads = {{"web-5d9", "ReplicaSet"}, {"web", "Deployment"}};
  ep.node_name = "node-1";
  ep.AddSource(EndpointSource::kKubernetes);
  return ep;
}

void ExpectMerged(const Endpoint& ep) {
  EXPECT_EQ(ep.container_id, "cid1");
  EXPECT_EQ(ep.host_ifname, "veth0");
  EXPECT_EQ(ep.host_ifindex, 7u);
  EXPECT_EQ(ep.labels.at("app"), "web");
  ASSERT_EQ(ep.workloads.size(), 2u);
  EXPECT_EQ(ep.workloads[1].kind, "Deployment");
  EXPECT_EQ(ep.node_name, "node-1");
  EXPECT_TRUE(ep.From(EndpointSource::kCni));
  EXPECT_TRUE(ep.From(EndpointSource::kKubernetes));
}

TEST(EndpointRegistry, CniThenApiMergeIntoOne) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_EQ(reg.size(), 1u);
  auto ep = reg.LookupByIp("10.0.0.5");
  ASSERT_TRUE(ep);
  ExpectMerged(*ep);
}

TEST(EndpointRegistry, ApiThenCniMergeIntoOne) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_EQ(reg.size(), 1u);
  ExpectMerged(*reg.LookupByIp("10.0.0.5"));
}

TEST(EndpointRegistry, CniWithoutUidMergesByName) {
  // Older runtimes pass no K8S_POD_UID: namespace/name still links the two.
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_EQ(reg.size(), 1u);
  ExpectMerged(*reg.LookupByUid("uid-1"));
  EXPECT_TRUE(reg.LookupByContainerId("cid1"));
}

TEST(EndpointRegistry, DescriptionLinkingTwoRecordsJoinsThem) {
  EndpointRegistry reg;
  Endpoint bare;  // a CNI registration with nothing but a sandbox
  bare.container_id = "cid1";
  bare.ips = {"10.0.0.5"};
  bare.host_ifname = "veth0";
  bare.host_ifindex = 7;
  bare.AddSource(EndpointSource::kCni);
  ASSERT_TRUE(reg.Upsert(bare).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.6")).ok());
  EXPECT_EQ(reg.size(), 2u);
  Endpoint link = FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.6");
  ASSERT_TRUE(reg.Upsert(link).ok());
  EXPECT_EQ(reg.size(), 1u);
  ExpectMerged(*reg.LookupByIp("10.0.0.6"));
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));  // the newer description's addresses win
}

TEST(EndpointRegistry, SameNameDifferentUidIsAnotherPod) {
  // A StatefulSet pod recreated under its name: the old one is not merged into.
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("db", "pg-0", "uid-old", "10.0.0.7")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("db", "pg-0", "uid-new", "10.0.0.8")).ok());
  EXPECT_EQ(reg.size(), 2u);
  EXPECT_EQ(reg.LookupByName("db", "pg-0")->pod_uid, "uid-new");
  EXPECT_EQ(reg.LookupByIp("10.0.0.7")->pod_uid, "uid-old");
  EXPECT_TRUE(reg.RemoveByUid("uid-old"));
  EXPECT_EQ(reg.LookupByName("db", "pg-0")->pod_uid, "uid-new");  // the old one's removal leaves the name
}

TEST(EndpointRegistry, ApiUpdateReplacesLabelsCniDoesNot) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5", {{"app", "web"}, {"v", "1"}})).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_EQ(reg.LookupByUid("uid-1")->labels.size(), 2u);  // CNI knows no labels: keeps them
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5", {})).ok());
  EXPECT_TRUE(reg.LookupByUid("uid-1")->labels.empty());  // the API removed them all
  EXPECT_EQ(reg.LookupByUid("uid-1")->host_ifname, "veth0");
}

TEST(EndpointRegistry, NewSandboxReplacesInterfaceAndOldDelIsHarmless) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5", "vethA")).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid2", "shop", "web-1", "uid-1", "10.0.0.9", "vethB")).ok());
  EXPECT_FALSE(reg.RemoveByContainerId("cid1"));  // already superseded
  auto ep = reg.LookupByIp("10.0.0.9");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->container_id, "cid2");
  EXPECT_EQ(ep->host_ifname, "vethB");
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));
}

TEST(EndpointRegistry, RemoveByContainerIdKeepsApiPartAndIsIdempotent) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_TRUE(reg.RemoveByContainerId("cid1"));
  auto ep = reg.LookupByIp("10.0.0.5");
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->container_id.empty());
  EXPECT_TRUE(ep->host_ifname.empty());
  EXPECT_EQ(ep->host_ifindex, 0u);
  EXPECT_FALSE(ep->From(EndpointSource::kCni));
  EXPECT_FALSE(reg.RemoveByContainerId("cid1"));  // the runtime's second DEL
  EXPECT_TRUE(reg.RemoveByUid("uid-1"));
  EXPECT_EQ(reg.size(), 0u);
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));
}

TEST(EndpointRegistry, RemoveCniOnlyEndpointDropsIt) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5")).ok());
  EXPECT_TRUE(reg.RemoveByContainerId("cid1"));
  EXPECT_EQ(reg.size(), 0u);
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));
  EXPECT_FALSE(reg.LookupByName("shop", "web-1"));
}

// A pod whose DEL nobody heard: once its interface is gone, the CNI's
// record goes, so the address's next holder is not named after it.
TEST(EndpointRegistry, RemoveByInterfaceForgetsTheCniPart) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5", "vethaa")).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid2", "shop", "web-2", "uid-2", "10.0.0.6", "vethbb")).ok());
  EXPECT_EQ(reg.RemoveByInterface("vethaa", 7), 1u);
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));
  EXPECT_FALSE(reg.LookupByContainerId("cid1"));
  EXPECT_TRUE(reg.LookupByIp("10.0.0.6"));
  EXPECT_EQ(reg.RemoveByInterface("vethaa", 7), 0u);  // idempotent
  EXPECT_EQ(reg.RemoveByInterface("", 0), 0u);
  // ifindex 0: whatever index it had.
  EXPECT_EQ(reg.RemoveByInterface("vethbb", 0), 1u);
  EXPECT_EQ(reg.size(), 0u);
}

TEST(EndpointRegistry, RemoveByInterfaceSparesANewerNamesakeAndTheApiPart) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "shop", "web-1", "uid-1", "10.0.0.5", "vethaa")).ok());  // ifindex 7
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "uid-1", "10.0.0.5")).ok());
  // Another interface now has the name (index 9): not this pod's.
  EXPECT_EQ(reg.RemoveByInterface("vethaa", 9), 0u);
  EXPECT_TRUE(reg.LookupByContainerId("cid1"));
  // Its own interface went: the API still lists the pod, so its identity
  // stays (the API's word), but not the sandbox or the interface.
  const auto gen = reg.generation();
  EXPECT_EQ(reg.RemoveByInterface("vethaa", 7), 1u);
  EXPECT_GT(reg.generation(), gen);
  auto ep = reg.LookupByIp("10.0.0.5");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->pod_name, "web-1");
  EXPECT_TRUE(ep->host_ifname.empty());
  EXPECT_TRUE(ep->container_id.empty());
  EXPECT_FALSE(ep->From(EndpointSource::kCni));
}

TEST(EndpointRegistry, RemoveByName) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "", "10.0.0.5")).ok());
  EXPECT_FALSE(reg.RemoveByName("shop", "web-2"));
  EXPECT_TRUE(reg.RemoveByName("shop", "web-1"));
  EXPECT_EQ(reg.size(), 0u);
}

TEST(EndpointRegistry, ReusedAddressBelongsToTheNewestPod) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "a", "old", "uid-1", "10.0.0.5")).ok());
  ASSERT_TRUE(reg.Upsert(FromCni("cid2", "b", "new", "uid-2", "10.0.0.5")).ok());
  EXPECT_EQ(reg.LookupByIp("10.0.0.5")->pod_name, "new");
  EXPECT_TRUE(reg.LookupByUid("uid-1")->ips.empty());  // no stale claim left in List()
  EXPECT_TRUE(reg.RemoveByContainerId("cid1"));        // the old pod's late DEL
  EXPECT_EQ(reg.LookupByIp("10.0.0.5")->pod_name, "new");
}

TEST(EndpointRegistry, LookupByAnySpellingOfAnAddress) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromCni("cid1", "a", "p", "u", "FD00:0::0005")).ok());
  EXPECT_TRUE(reg.LookupByIp("fd00::5"));
  EXPECT_TRUE(reg.LookupByIp("fd00:0:0:0:0:0:0:5"));
  EXPECT_TRUE(reg.FindByIp("fd00::5"));
  EXPECT_FALSE(reg.LookupByIp("not an ip"));
  EXPECT_FALSE(reg.LookupByIp("10.0.0.1"));
}

TEST(EndpointRegistry, RejectsBadInputAndChangesNothing) {
  EndpointRegistry reg;
  Endpoint nobody;
  nobody.ips = {"10.0.0.1"};
  EXPECT_FALSE(reg.Upsert(nobody).ok());
  Endpoint bad_ip = FromCni("cid1", "a", "p", "u", "10.0.0.300");
  auto s = reg.Upsert(bad_ip);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("10.0.0.300"), std::string::npos);
  EXPECT_EQ(reg.size(), 0u);
  EXPECT_EQ(reg.generation(), 0u);
}

TEST(EndpointRegistry, ListAndNamespacesAreSorted) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-2", "u2", "10.0.0.2")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("db", "pg-0", "u3", "10.0.0.3")).ok());
  ASSERT_TRUE(reg.Upsert(FromApi("shop", "web-1", "u1", "10.0.0.1")).ok());
  Endpoint nameless;
  nameless.container_id = "cid9";
  ASSERT_TRUE(reg.Upsert(nameless).ok());
  auto list = reg.List();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].container_id, "cid9");
  EXPECT_EQ(list[1].pod_name, "pg-0");
  EXPECT_EQ(list[2].pod_name, "web-1");
  EXPECT_EQ(list[3].pod_name, "web-2");
  EXPECT_EQ(reg.Namespaces(), (std::vector<std::string>{"db", "shop"}));
}

TEST(EndpointRegistry, DuplicateAddressesInOneEndpointCollapse) {
  EndpointRegistry reg;
  Endpoint ep = FromApi("a", "p", "u", "10.0.0.1");
  ep.ips = {"10.0.0.1", "10.0.0.1", "fd00::1", "FD00::1"};
  ASSERT_TRUE(reg.Upsert(ep).ok());
  EXPECT_EQ(reg.LookupByUid("u")->ips, (std::vector<std::string>{"10.0.0.1", "fd00::1"}));
}

TEST(EndpointRegistry, ConcurrentWritersAndReaders) {
  EndpointRegistry reg;
  std::atomic<bool> stop{false};
  std::atomic<int> found{0};
  std::thread reader([&] {
    while (!stop) {
      if (auto ep = reg.FindByIp("10.1.0.1")) found += ep->pod_name == "p1" ? 1 : 0;
      (void)reg.List();
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 2000; ++i) {
        const std::string n = std::to_string(i % 50 + 1);
        const std::string cid = "c" + std::to_string(w) + "-" + n;
        ASSERT_TRUE(reg.Upsert(FromCni(cid, "ns", "p" + n, "u" + n, "10.1.0." + n)).ok());
        if (i % 3 == 0) reg.RemoveByContainerId(cid);
      }
    });
  }
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_LE(reg.size(), 50u);
  for (const Endpoint& ep : reg.List()) {
    for (const std::string& ip : ep.ips) EXPECT_EQ(reg.LookupByIp(ip)->pod_uid, ep.pod_uid);
  }
}

}  // namespace
}  // namespace flows::flowd
