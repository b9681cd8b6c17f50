// BeastApiClient, the reflector and the configuration loaders against
// tests/support/fake_apiserver.py on 127.0.0.1: real HTTP/1.1 chunked
// watches, TLS, tokens and client certificates, 410s and dropped
// connections.
#include "flows/flowd/k8s/beast_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "fake_apiserver_process.h"
#include "flows/flowd/k8s/informer.h"
#include "flows/flowd/k8s/informer_runner.h"
#include "flows/flowd/k8s/kubeconfig.h"

namespace flows::flowd::k8s {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using testing::FakeApiServer;
using ::testing::HasSubstr;
using json = nlohmann::json;

json NewPod(const std::string& name, const std::string& node = "node-a",
            const std::string& ip = "10.244.9.9") {
  return {{"metadata", {{"name", name}, {"namespace", "shop"}}},
          {"spec", {{"nodeName", node}, {"containers", {{{"name", "c"}}}}}},
          {"status", {{"phase", "Running"}, {"podIP", ip}}}};
}

json Add(const json& pod) {
  return {{"op", "add"}, {"resource", "pods"}, {"object", pod}};
}

// Events from a watch running on another thread.
class Collector {
 public:
  bool Push(WatchEvent&& ev) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(ev));
    cv_.notify_all();
    return true;
  }
  bool WaitFor(std::size_t n, std::chrono::seconds timeout = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<WatchEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WatchEvent> events_;
};

class BeastClientTest : public ::testing::Test {
 protected:
  void StartServer(FakeApiServer::Options options = {}) {
    std::string error;
    server_ = FakeApiServer::Start(options, &error);
    ASSERT_TRUE(server_) << error;
  }
  std::unique_ptr<BeastApiClient> Client(ClusterConfig config, BeastClientOptions options = {}) {
    options.connect_timeout = 5s;
    options.request_timeout = 10s;
    auto client = BeastApiClient::Create(std::move(config), options);
    EXPECT_TRUE(client.ok()) << client.error().message;
    return client.ok() ? std::move(*client) : nullptr;
  }
  std::unique_ptr<FakeApiServer> server_;
  std::stop_source stop_;
};

TEST_F(BeastClientTest, ListsAllPodsAndPaginatesOnOneSnapshot) {
  StartServer();
  auto client = Client(server_->Config());
  Result<ListPage> all = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_TRUE(all.ok()) << all.error().message;
  EXPECT_EQ(all->items.size(), 3u);
  EXPECT_TRUE(all->continue_token.empty());

  std::vector<std::string> names;
  ListOptions o{.limit = 2};
  Result<ListPage> first = client->List(Resource::Pods(), o, stop_.get_token());
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_FALSE(first->continue_token.empty());
  // A change between pages does not show in the snapshot being paged.
  ASSERT_FALSE(server_->Act(Add(NewPod("zz-late"))).contains("error"));
  o.continue_token = first->continue_token;
  Result<ListPage> second = client->List(Resource::Pods(), o, stop_.get_token());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->continue_token.empty());
  EXPECT_EQ(first->resource_version, second->resource_version);
  for (const auto* page : {&*first, &*second}) {
    for (const json& item : page->items) names.push_back(item["metadata"]["name"]);
  }
  EXPECT_THAT(names, ElementsAre("kube-proxy-abcde", "db-0", "web-7d4b9c8f6d-x2x8k"));
  ASSERT_EQ(server_->Requests("/api/v1/pods").back()["query"]["limit"], "2");

  Resource shop = Resource::Services();
  shop.namespace_name = "shop";
  Result<ListPage> svcs = client->List(shop, {}, stop_.get_token());
  ASSERT_TRUE(svcs.ok());
  ASSERT_EQ(svcs->items.size(), 1u);
  EXPECT_EQ(DecodeService(svcs->items[0])->cluster_ips, std::vector<std::string>{"10.96.0.20"});
  Result<ListPage> slices = client->List(Resource::EndpointSlices(), {}, stop_.get_token());
  ASSERT_TRUE(slices.ok()) << slices.error().message;
  EXPECT_EQ(DecodeEndpointSlice(slices->items.at(0))->service_name, "web");
}

TEST_F(BeastClientTest, WatchEventsArriveWhileTheResponseIsOpen) {
  StartServer();
  auto client = Client(server_->Config());
  Result<ListPage> list = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_TRUE(list.ok());
  Collector got;
  Status result = OkStatus();
  std::jthread watch([&](std::stop_token st) {
    result = client->Watch(
        Resource::Pods(), {.resource_version = list->resource_version, .timeout_seconds = 120},
        [&](WatchEvent&& ev) { return got.Push(std::move(ev)); }, st);
  });
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act(Add(NewPod("inc-1")));
  // The stream stays open for two minutes: seeing the event now means it
  // was handed out as its chunk arrived.
  ASSERT_TRUE(got.WaitFor(1, 5s));
  server_->Act({{"op", "bookmark"}});
  ASSERT_TRUE(got.WaitFor(2, 5s));
  server_->Act(
      json::array({{{"op", "delete"}, {"resource", "pods"}, {"namespace", "shop"}, {"name", "inc-1"}}}));
  ASSERT_TRUE(got.WaitFor(3, 5s));
  std::vector<WatchEvent> events = got.events();
  EXPECT_EQ(events[0].type, EventType::kAdded);
  EXPECT_EQ(events[0].object["metadata"]["name"], "inc-1");
  EXPECT_EQ(events[1].type, EventType::kBookmark);
  EXPECT_EQ(events[1].resource_version, events[0].resource_version);
  EXPECT_EQ(events[2].type, EventType::kDeleted);

  const auto t0 = std::chrono::steady_clock::now();
  watch.request_stop();
  watch.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "stop cancels a blocked read";
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().err, ECANCELED);

  json q = server_->Requests("/api/v1/pods").back()["query"];
  EXPECT_EQ(q["watch"], "1");
  EXPECT_EQ(q["allowWatchBookmarks"], "true");
  EXPECT_EQ(q["timeoutSeconds"], "120");
  EXPECT_EQ(q["resourceVersion"], list->resource_version);
}

TEST_F(BeastClientTest, WatchEndsCleanlyAtTheServersTimeoutAndFieldSelectorsApply) {
  StartServer();
  auto client = Client(server_->Config());
  Resource on_b = Resource::Pods();
  on_b.field_selector = "spec.nodeName=node-b";
  Collector got;
  // No resourceVersion: the server replays the current state as ADDED.
  Status s = client->Watch(
      on_b, {.timeout_seconds = 1}, [&](WatchEvent&& ev) { return got.Push(std::move(ev)); },
      stop_.get_token());
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(got.events().size(), 1u);
  EXPECT_EQ(got.events()[0].object["metadata"]["name"], "db-0");
}

TEST_F(BeastClientTest, GoneAsErrorEventAndAsHttpStatus) {
  StartServer();
  auto client = Client(server_->Config());
  server_->Act(json::array({Add(NewPod("a")), Add(NewPod("b")), {{"op", "expire"}}}));
  Collector got;
  Status s = client->Watch(
      Resource::Pods(), {.resource_version = "1", .timeout_seconds = 5},
      [&](WatchEvent&& ev) { return got.Push(std::move(ev)); }, stop_.get_token());
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(got.events().size(), 1u);
  EXPECT_EQ(got.events()[0].type, EventType::kError);
  EXPECT_EQ(got.events()[0].error_code, 410);

  server_->Act({{"op", "fail"}, {"path", "/api/v1/pods"}, {"watch", true}, {"status", 410}});
  Status http = client->Watch(
      Resource::Pods(), {.resource_version = "1"}, [](WatchEvent&&) { return true; }, stop_.get_token());
  ASSERT_FALSE(http.ok());
  EXPECT_TRUE(IsGone(http.error())) << http.error().message;
  EXPECT_THAT(http.error().message, HasSubstr("HTTP 410 Gone: injected failure 410"));

  // A continue token from before the compaction.
  Result<ListPage> first = client->List(Resource::Pods(), {.limit = 1}, stop_.get_token());
  ASSERT_TRUE(first.ok());
  server_->Act(json::array({Add(NewPod("c")), {{"op", "expire"}}}));
  Result<ListPage> stale = client->List(
      Resource::Pods(), {.limit = 1, .continue_token = first->continue_token}, stop_.get_token());
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(IsGone(stale.error()));
  EXPECT_THAT(stale.error().message, HasSubstr("continue parameter is too old"));
}

TEST_F(BeastClientTest, TransportAndServerErrorsAreValues) {
  StartServer();
  auto client = Client(server_->Config());
  server_->Act({{"op", "fail"}, {"path", "/api/v1/services"}, {"status", 500}});
  Result<ListPage> r = client->List(Resource::Services(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, kErrHttpStatus);
  EXPECT_EQ(r.error().message, "list services: HTTP 500 Internal Server Error: injected failure 500");

  server_->Act({{"op", "fail"}, {"path", "/api/v1/services"}, {"status", 0}});
  r = client->List(Resource::Services(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, ECONNRESET) << r.error().message;

  // An abrupt end of a watch (no terminating chunk) is an error, not a
  // clean end.
  Status watched = OkStatus();
  std::jthread watch([&](std::stop_token st) {
    watched = client->Watch(
        Resource::Pods(), {.timeout_seconds = 60}, [](WatchEvent&&) { return true; }, st);
  });
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act({{"op", "close"}, {"mode", "abort"}});
  watch.join();
  ASSERT_FALSE(watched.ok());
  EXPECT_EQ(watched.error().err, ECONNRESET) << watched.error().message;

  Resource bogus{"", "v1", "widgets"};
  Result<ListPage> missing = client->List(bogus, {}, stop_.get_token());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("HTTP 404"));

  ClusterConfig closed = server_->Config();
  const int port = server_->port();
  server_.reset();
  closed.server.port = std::to_string(port);
  auto refused = Client(closed);
  r = refused->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, ECONNREFUSED) << r.error().message;
}

TEST_F(BeastClientTest, BoundsOnEventsAndListsAreEnforced) {
  StartServer();
  BeastClientOptions small;
  small.max_event_bytes = 64 * 1024;
  small.max_list_bytes = 2048;
  auto client = Client(server_->Config(), small);
  json big = NewPod("big");
  big["metadata"]["annotations"] = {{"blob", std::string(200 * 1024, 'x')}};
  server_->Act(Add(big));
  Status s = client->Watch(
      Resource::Pods(), {.resource_version = "1", .timeout_seconds = 2}, [](WatchEvent&&) { return true; },
      stop_.get_token());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().err, kErrTooLarge) << s.error().message;
  Result<ListPage> r = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, kErrTooLarge) << r.error().message;
}

TEST_F(BeastClientTest, ReflectorResumesAfterDisconnectAndRelistsAfterGone) {
  StartServer();
  auto client = Client(server_->Config());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> log;
  auto note = [&](std::string s) {
    std::lock_guard lock(mu);
    log.push_back(std::move(s));
    cv.notify_all();
  };
  auto wait_for = [&](const std::string& entry) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 15s, [&] { return std::find(log.begin(), log.end(), entry) != log.end(); });
  };
  Informer<Pod> pods({.on_add = [&](const Pod& p) { note("add " + p.meta.name); },
                      .on_update = [&](const Pod&, const Pod& p) { note("update " + p.meta.name); },
                      .on_delete = [&](const Pod& p) { note("delete " + p.meta.name); },
                      .on_synced = [&] { note("synced"); }});
  ReflectorOptions o;
  o.resource = Resource::Pods();
  o.page_size = 2;
  o.backoff = {.initial = 50ms, .max = 200ms, .jitter = 0};
  RealSleeper sleeper;
  Reflector reflector(*client, pods, o, sleeper);
  std::jthread run([&](std::stop_token st) { reflector.Run(st); });

  ASSERT_TRUE(wait_for("synced"));
  EXPECT_EQ(pods.size(), 3u);
  EXPECT_EQ(pods.Get("shop", "web-7d4b9c8f6d-x2x8k")->workload, (Workload{"Deployment", "web"}));
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act(Add(NewPod("one")));
  ASSERT_TRUE(wait_for("add one"));
  const std::string rv_after_one = pods.Get("shop", "one")->meta.resource_version;

  // Drop the connection: the reflector reconnects from where it was, no
  // relist, and sees what changed meanwhile.
  server_->Act(json::array({{{"op", "close"}, {"mode", "abort"}}, Add(NewPod("two"))}));
  ASSERT_TRUE(wait_for("add two"));
  std::vector<json> watches;
  for (const json& r : server_->Requests("/api/v1/pods")) {
    if (r["query"].contains("watch")) watches.push_back(r["query"]);
  }
  ASSERT_GE(watches.size(), 2u);
  EXPECT_EQ(watches[1]["resourceVersion"], rv_after_one);
  EXPECT_EQ(reflector.stats().lists, 1u);

  // 410 as an ERROR event: relist, then watch on from the new list.
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act({{"op", "gone"}});
  for (int i = 0; i < 300 && reflector.stats().lists < 2; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(reflector.stats().lists, 2u);
  EXPECT_EQ(reflector.stats().gone_relists, 1u);
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act({{"op", "delete"}, {"resource", "pods"}, {"namespace", "shop"}, {"name", "one"}});
  ASSERT_TRUE(wait_for("delete one"));

  // Compaction while disconnected: the resumed watch is refused with 410
  // and the reflector relists.
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act(json::array({{{"op", "close"}, {"mode", "abort"}}, Add(NewPod("three")), {{"op", "expire"}}}));
  ASSERT_TRUE(wait_for("add three"));
  run.request_stop();
  run.join();
  EXPECT_GE(reflector.stats().lists, 2u);
  EXPECT_EQ(pods.size(), 5u);  // three listed + two + three - one
}

TEST_F(BeastClientTest, TlsWithTokenAndClientCertificate) {
  StartServer({.tls = true, .tokens = {"good-token"}});
  ClusterConfig config = server_->Config();
  config.token = std::make_shared<StaticToken>("good-token");
  auto client = Client(config);
  Result<ListPage> r = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->items.size(), 3u);
  EXPECT_EQ(server_->Requests("/api/v1/pods").back()["authorization"], "Bearer good-token");

  // A watch over TLS delivers incrementally too.
  Collector got;
  std::jthread watch([&](std::stop_token st) {
    (void)client->Watch(
        Resource::Pods(), {.resource_version = r->resource_version, .timeout_seconds = 60},
        [&](WatchEvent&& ev) { return got.Push(std::move(ev)); }, st);
  });
  ASSERT_TRUE(server_->WaitWatchers("pods", 1));
  server_->Act(Add(NewPod("tls-pod")));
  ASSERT_TRUE(got.WaitFor(1, 5s));
  watch.request_stop();
  watch.join();

  config.token = std::make_shared<StaticToken>("bad-token");
  r = Client(config)->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, kErrUnauthorized) << r.error().message;

  ClusterConfig cert = server_->Config();
  cert.client_cert_pem = *ReadSmallFile(server_->client_cert_file());
  cert.client_key_pem = *ReadSmallFile(server_->client_key_file());
  r = Client(cert)->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(server_->Requests("/api/v1/pods").back()["client_cert"].get<bool>());
}

TEST_F(BeastClientTest, TlsVerificationFailuresAreClear) {
  StartServer({.tls = true});
  ClusterConfig untrusted = server_->Config();
  untrusted.ca_pem.clear();  // the system's roots do not know the test CA
  Result<ListPage> r = Client(untrusted)->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("TLS handshake: TLS: certificate verify failed"));

  ClusterConfig wrong_name = server_->Config();
  wrong_name.tls_server_name = "not-the-server.example";
  r = Client(wrong_name)->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("certificate verify failed"));

  ClusterConfig insecure = untrusted;
  insecure.insecure_skip_tls_verify = true;
  r = Client(insecure)->List(Resource::Pods(), {}, stop_.get_token());
  EXPECT_TRUE(r.ok()) << r.error().message;

  ClusterConfig plain = server_->Config();
  plain.server.tls = false;
  r = Client(plain)->List(Resource::Pods(), {}, stop_.get_token());
  EXPECT_FALSE(r.ok());

  ClusterConfig bad_ca = server_->Config();
  bad_ca.ca_pem = "not a certificate";
  auto bad = BeastApiClient::Create(bad_ca);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("invalid CA certificate"));
}

std::string Base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

TEST_F(BeastClientTest, KubeconfigFilePointingAtTheServer) {
  StartServer({.tls = true, .tokens = {"kc-token-1", "kc-token-2"}});
  const std::string token_file = server_->dir() + "/token";
  std::ofstream(token_file) << "kc-token-1\n";
  const std::string kubeconfig = server_->dir() + "/kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
                            << "clusters:\n- name: fake\n  cluster:\n    server: " << server_->Url() << "\n"
                            << "    certificate-authority: " << server_->ca_file() << "\n"
                            << "contexts:\n- name: fake\n  context: {cluster: fake, user: tok}\n"
                            << "- name: certs\n  context: {cluster: fake, user: certs}\n"
                            << "users:\n- name: tok\n  user: {tokenFile: token}\n"
                            << "- name: certs\n  user:\n"
                            << "    client-certificate-data: "
                            << Base64(*ReadSmallFile(server_->client_cert_file())) << "\n"
                            << "    client-key-data: " << Base64(*ReadSmallFile(server_->client_key_file()))
                            << "\n";
  Result<ClusterConfig> config = LoadKubeconfig(kubeconfig);
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto client = Client(*config);
  Result<ListPage> r = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(server_->Requests("/api/v1/pods").back()["authorization"], "Bearer kc-token-1");

  Result<ClusterConfig> certs = LoadKubeconfig(kubeconfig, "certs");
  ASSERT_TRUE(certs.ok()) << certs.error().message;
  r = Client(*certs)->List(Resource::Services(), {}, stop_.get_token());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->items.size(), 2u);
}

TEST_F(BeastClientTest, RotatedServiceAccountTokenIsPickedUp) {
  StartServer({.tls = true, .tokens = {"old"}});
  const std::string path = server_->dir() + "/token";
  std::ofstream(path) << "old";
  std::chrono::steady_clock::time_point now{};
  ClusterConfig config = server_->Config();
  config.token = std::make_shared<FileTokenSource>(path, 60s, [&] { return now; });
  auto client = Client(config);
  ASSERT_TRUE(client->List(Resource::Pods(), {}, stop_.get_token()).ok());
  // The kubelet rotates the token; the server stops accepting the old one.
  std::ofstream(path) << "new";
  server_->Act({{"op", "set_tokens"}, {"tokens", {"new"}}});
  Result<ListPage> stale = client->List(Resource::Pods(), {}, stop_.get_token());
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().err, kErrUnauthorized);
  now += 61s;
  Result<ListPage> fresh = client->List(Resource::Pods(), {}, stop_.get_token());
  EXPECT_TRUE(fresh.ok()) << fresh.error().message;
}

TEST_F(BeastClientTest, InformerRunnersForEveryKind) {
  StartServer();
  auto client = Client(server_->Config());
  std::atomic<int> slice_adds = 0;
  ReflectorOptions only_node_a;
  only_node_a.resource.field_selector = "spec.nodeName=node-a";
  InformerRunner<Pod> pods(*client, {}, only_node_a);
  InformerRunner<Service> services(*client, {});
  InformerRunner<EndpointSlice> slices(*client, {.on_add = [&](const EndpointSlice&) { ++slice_adds; }});
  pods.Start();
  services.Start();
  slices.Start();
  ASSERT_TRUE(pods.WaitForSync(10s));
  ASSERT_TRUE(services.WaitForSync(10s));
  ASSERT_TRUE(slices.WaitForSync(10s));
  EXPECT_EQ(pods.informer().size(), 2u) << "the field selector is applied by the server";
  EXPECT_EQ(services.informer().Get("kube-system", "kube-dns")->cluster_ips,
            std::vector<std::string>{"10.96.0.10"});
  EXPECT_EQ(slices.informer().List().at(0).endpoints.at(0).target_ref->name, "web-7d4b9c8f6d-x2x8k");
  EXPECT_EQ(slice_adds, 1);
  const auto t0 = std::chrono::steady_clock::now();
  pods.Stop();
  services.Stop();
  slices.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s) << "stopping cancels the open watches";
}

}  // namespace
}  // namespace flows::flowd::k8s
