#include "flows/flowd/cni/cni_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "flows/flowd/cni/cni_client.h"
#include "flows/flowd/cni/registry_sink.h"
#include "temp_dir.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class FakeSink : public EndpointSink {
 public:
  Status OnAdd(const Endpoint& ep) override {
    std::this_thread::sleep_for(delay);
    std::lock_guard lock(mu);
    added.push_back(ep);
    if (!fail_add.empty()) return Error::Invalid(fail_add);
    return OkStatus();
  }
  Status OnDel(const std::string& container_id) override {
    std::lock_guard lock(mu);
    deleted.push_back(container_id);
    return OkStatus();
  }
  bool Knows(const std::string& container_id) override {
    std::lock_guard lock(mu);
    for (const Endpoint& ep : added) {
      if (ep.container_id == container_id) return true;
    }
    return false;
  }
  std::uint32_t OnGc(const std::vector<std::string>& valid) override {
    std::lock_guard lock(mu);
    gc_valid.push_back(valid);
    return 2;
  }

  std::mutex mu;
  std::vector<std::vector<std::string>> gc_valid;
  std::vector<Endpoint> added;
  std::vector<std::string> deleted;
  std::chrono::milliseconds delay{0};
  std::string fail_add;
};

CniRequest Add(std::string cid) {
  CniRequest req;
  req.op = CniOp::kAdd;
  req.container_id = std::move(cid);
  req.netns = "/var/run/netns/p";
  req.ifname = "eth0";
  req.pod_namespace = "shop";
  req.pod_name = "web-1";
  req.pod_uid = "uid-1";
  req.host_ifname = "veth1";
  req.host_ifindex = 5;
  req.ips = {"10.0.0.5"};
  return req;
}

CniRequest Op(CniOp op, std::string cid) {
  CniRequest req;
  req.op = op;
  req.container_id = std::move(cid);
  return req;
}

// A raw client: sends `bytes`, returns what comes back until EOF or `limit`.
std::string Raw(const std::string& path, const std::string& bytes, std::chrono::milliseconds limit = 2s) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  timeval tv{static_cast<time_t>(limit.count() / 1000),
             static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

class CniServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    path_ = dir_.File("run/flows/cni.sock");  // the directory does not exist yet
    StartServer();
  }
  void StartServer(std::chrono::milliseconds idle = 10s) {
    CniServerOptions opts;
    opts.socket_path = path_;
    opts.node_name = "node-1";
    opts.idle_timeout = idle;
    opts.log = [this](const std::string& line) {
      std::lock_guard lock(log_mu_);
      log_.push_back(line);
    };
    auto server = CniServer::Start(opts, sink_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }

  TempDir dir_;
  std::string path_;
  FakeSink sink_;
  std::unique_ptr<CniServer> server_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(CniServerTest, AddReachesTheSinkBeforeTheReply) {
  sink_.delay = 100ms;  // attaching takes a while: the reply must wait for it
  auto reply = SendCniRequest(path_, Add("cid1"), 2s);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(reply->ok);
  EXPECT_TRUE(reply->attached);
  std::lock_guard lock(sink_.mu);
  ASSERT_EQ(sink_.added.size(), 1u);
  const Endpoint& ep = sink_.added[0];
  EXPECT_EQ(ep.container_id, "cid1");
  EXPECT_EQ(ep.namespace_, "shop");
  EXPECT_EQ(ep.pod_name, "web-1");
  EXPECT_EQ(ep.pod_uid, "uid-1");
  EXPECT_EQ(ep.host_ifname, "veth1");
  EXPECT_EQ(ep.host_ifindex, 5u);
  EXPECT_EQ(ep.node_name, "node-1");
  EXPECT_EQ(ep.ips, std::vector<std::string>{"10.0.0.5"});
  EXPECT_TRUE(ep.From(EndpointSource::kCni));
}

TEST_F(CniServerTest, AddWithoutInterfaceIsNotAttached) {
  CniRequest req = Add("cid1");
  req.host_ifname.clear();
  auto reply = SendCniRequest(path_, req, 2s);
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok);
  EXPECT_FALSE(reply->attached);
}

TEST_F(CniServerTest, SinkFailureIsReported) {
  sink_.fail_add = "attach veth1: No such device";
  auto reply = SendCniRequest(path_, Add("cid1"), 2s);
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok);
  EXPECT_EQ(reply->error, "attach veth1: No such device");
}

TEST_F(CniServerTest, DelAndCheck) {
  ASSERT_TRUE(SendCniRequest(path_, Add("cid1"), 2s).ok());
  auto known = SendCniRequest(path_, Op(CniOp::kCheck, "cid1"), 2s);
  ASSERT_TRUE(known.ok());
  EXPECT_TRUE(known->ok);
  EXPECT_TRUE(known->known);
  auto unknown = SendCniRequest(path_, Op(CniOp::kCheck, "cid2"), 2s);
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->ok);
  EXPECT_FALSE(unknown->known);
  for (int i = 0; i < 2; ++i) {  // DEL comes twice
    auto del = SendCniRequest(path_, Op(CniOp::kDel, "cid1"), 2s);
    ASSERT_TRUE(del.ok());
    EXPECT_TRUE(del->ok);
  }
  std::lock_guard lock(sink_.mu);
  EXPECT_EQ(sink_.deleted, (std::vector<std::string>{"cid1", "cid1"}));
}

TEST_F(CniServerTest, GcAndStatus) {
  CniRequest gc;
  gc.op = CniOp::kGc;
  gc.valid_container_ids = {"keep1"};
  auto reply = SendCniRequest(path_, gc, 2s);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->removed, 2u);
  CniRequest status;
  status.op = CniOp::kStatus;
  reply = SendCniRequest(path_, status, 2s);
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok);
  std::lock_guard lock(sink_.mu);
  EXPECT_EQ(sink_.gc_valid, std::vector<std::vector<std::string>>{{"keep1"}});
}

TEST_F(CniServerTest, SeveralRequestsOnOneConnection) {
  const std::string out = Raw(
      path_, SerializeCniRequest(Add("cid1")) + SerializeCniRequest(Op(CniOp::kCheck, "cid1")) + "not json\n",
      300ms);
  const auto first = out.find('\n');
  const auto second = out.find('\n', first + 1);
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_TRUE(ParseCniReply(out.substr(0, first + 1))->attached);
  EXPECT_TRUE(ParseCniReply(out.substr(first + 1, second - first))->known);
  auto third = ParseCniReply(out.substr(second + 1));
  ASSERT_TRUE(third.ok()) << out;
  EXPECT_FALSE(third->ok);
  EXPECT_NE(third->error.find("bad request: request is not valid JSON"), std::string::npos);
}

TEST_F(CniServerTest, GarbageGetsAnErrorReplyNotACrash) {
  for (const std::string& junk :
       {std::string("\n"), std::string("{\"op\": \"add\"}\n"), std::string("\0\0\0\n", 4),
        std::string("\xff\xfe{}\n"), std::string("[[[[[[[[[[[[[[[[[[[[\n")}) {
    auto reply = ParseCniReply(Raw(path_, junk, 300ms));
    ASSERT_TRUE(reply.ok());
    EXPECT_FALSE(reply->ok);
  }
  EXPECT_TRUE(SendCniRequest(path_, Add("cid1"), 2s).ok());  // still serving
  std::lock_guard lock(log_mu_);
  EXPECT_FALSE(log_.empty());
}

TEST_F(CniServerTest, OverlongLineIsRefusedAndClosed) {
  const std::string out = Raw(path_, std::string(kMaxCniLine + 10, 'x'), 2s);
  auto reply = ParseCniReply(out);
  ASSERT_TRUE(reply.ok()) << out.substr(0, 100);
  EXPECT_FALSE(reply->ok);
  EXPECT_NE(reply->error.find("longer than"), std::string::npos);
}

TEST_F(CniServerTest, IdleConnectionIsClosed) {
  server_.reset();
  StartServer(200ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Raw(path_, "{\"op\": \"add\"", 5s), "");  // half a line, then silence
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(SendCniRequest(path_, Add("cid1"), 2s).ok());
}

TEST_F(CniServerTest, ConcurrentClients) {
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      auto reply = SendCniRequest(path_, Add("cid" + std::to_string(i)), 5s);
      if (reply.ok() && reply->ok) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 8);
}

TEST_F(CniServerTest, ClientWaitIsBoundedWhenTheSinkHangs) {
  sink_.delay = 1500ms;
  const auto start = std::chrono::steady_clock::now();
  auto reply = SendCniRequest(path_, Add("cid1"), 200ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().err, ETIMEDOUT);
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 1000ms);
}

TEST_F(CniServerTest, SocketIsPrivateAndRemovedOnStop) {
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  server_->Stop();
  server_->Stop();  // idempotent
  EXPECT_NE(::stat(path_.c_str(), &st), 0);
  auto reply = SendCniRequest(path_, Add("cid1"), 200ms);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().err, ENOENT);
}

TEST_F(CniServerTest, SecondServerOnALiveSocketIsRefused) {
  FakeSink other;
  CniServerOptions opts;
  opts.socket_path = path_;
  auto second = CniServer::Start(opts, other);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().err, EADDRINUSE);
  EXPECT_TRUE(SendCniRequest(path_, Add("cid1"), 2s).ok());  // the first one is untouched
}

TEST(CniServer, StaleSocketIsReplacedOtherFilesAreNot) {
  TempDir dir;
  FakeSink sink;
  CniServerOptions opts;
  opts.socket_path = dir.File("cni.sock");
  {
    // A socket file nobody listens on: what a killed flowd leaves behind.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, opts.socket_path.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  auto server = CniServer::Start(opts, sink);
  ASSERT_TRUE(server.ok()) << server.error().message;
  EXPECT_TRUE(SendCniRequest(opts.socket_path, Add("cid1"), 2s).ok());
  (*server)->Stop();

  std::ofstream(opts.socket_path) << "precious";
  auto refused = CniServer::Start(opts, sink);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a socket"), std::string::npos);

  opts.socket_path = "/" + std::string(200, 'x');
  EXPECT_FALSE(CniServer::Start(opts, sink).ok());
}

TEST(CniClient, AbsentSocketFailsFast) {
  const auto start = std::chrono::steady_clock::now();
  auto reply = SendCniRequest("/nonexistent/flows/cni.sock", Add("cid1"), 2s);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.error().err, ENOENT);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
}

TEST(RegistrySink, RecordsAttachesAndForgets) {
  EndpointRegistry registry;
  std::vector<std::pair<std::string, std::uint32_t>> attached;
  RegistrySink sink(registry, [&](const std::string& ifname, std::uint32_t ifindex) -> Status {
    attached.emplace_back(ifname, ifindex);
    if (ifname == "gone0") return Error::System("attach gone0", ENODEV);
    return OkStatus();
  });
  CniRequest req = Add("cid1");
  EXPECT_EQ(HandleCniLine(SerializeCniRequest(req), sink, "node-1"),
            "{\"ok\":true,\"attached\":true,\"known\":true}\n");
  ASSERT_EQ(attached.size(), 1u);
  EXPECT_EQ(attached[0], std::make_pair(std::string("veth1"), 5u));
  auto ep = registry.LookupByIp("10.0.0.5");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->node_name, "node-1");
  EXPECT_TRUE(sink.Knows("cid1"));

  req = Add("cid2");
  req.host_ifname = "gone0";
  req.pod_uid = "uid-2";
  req.ips = {"10.0.0.6"};
  auto reply = ParseCniReply(HandleCniLine(SerializeCniRequest(req), sink, "node-1"));
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok);
  EXPECT_NE(reply->error.find("No such device"), std::string::npos);
  EXPECT_TRUE(registry.LookupByIp("10.0.0.6"));  // identity is recorded even unobserved

  EXPECT_TRUE(sink.OnDel("cid1").ok());
  EXPECT_TRUE(sink.OnDel("cid1").ok());
  EXPECT_FALSE(sink.Knows("cid1"));
  EXPECT_FALSE(registry.LookupByIp("10.0.0.5"));
}

// What GC may drop: only what the CNI said, only of containers the runtime
// no longer lists, and never a registration newer than the grace period.
TEST(RegistrySink, GcForgetsTheCniEndpointsOfContainersNotListed) {
  EndpointRegistry registry;
  RegistrySink sink(registry, nullptr, std::chrono::seconds(0));
  for (const char* cid : {"keep1", "gone1", "gone2"}) {
    CniRequest req = Add(cid);
    req.pod_uid = std::string("uid-") + cid;
    req.pod_name = std::string("web-") + cid;
    req.ips = {std::string(cid) == "keep1"   ? "10.0.0.1"
               : std::string(cid) == "gone1" ? "10.0.0.2"
                                             : "10.0.0.3"};
    ASSERT_TRUE(sink.OnAdd(EndpointFromCniRequest(req, "node-1")).ok());
  }
  // gone2 is also a pod the Kubernetes API still describes: it keeps its identity.
  Endpoint api;
  api.namespace_ = "shop";
  api.pod_name = "web-gone2";
  api.pod_uid = "uid-gone2";
  api.ips = {"10.0.0.3"};
  api.AddSource(EndpointSource::kKubernetes);
  ASSERT_TRUE(registry.Upsert(api).ok());
  // A pod the API alone knows is not GC's business.
  Endpoint other;
  other.namespace_ = "shop";
  other.pod_name = "api-only";
  other.ips = {"10.0.0.9"};
  other.AddSource(EndpointSource::kKubernetes);
  ASSERT_TRUE(registry.Upsert(other).ok());

  auto reply = ParseCniReply(HandleCniLine(R"({"op":"gc","valid":["keep1"]})", sink, "node-1"));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->removed, 2u);
  EXPECT_TRUE(registry.LookupByContainerId("keep1"));
  EXPECT_FALSE(registry.LookupByContainerId("gone1"));
  EXPECT_FALSE(registry.LookupByIp("10.0.0.2"));
  EXPECT_FALSE(registry.LookupByContainerId("gone2"));
  auto kept = registry.LookupByIp("10.0.0.3");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->pod_name, "web-gone2");
  EXPECT_EQ(kept->host_ifname, "");
  EXPECT_TRUE(registry.LookupByIp("10.0.0.9"));
  // Again: nothing left to drop.
  EXPECT_EQ(sink.OnGc({"keep1"}), 0u);
}

TEST(RegistrySink, GcSparesAContainerJustRegistered) {
  EndpointRegistry registry;
  RegistrySink sink(registry, nullptr, std::chrono::seconds(3600));
  ASSERT_TRUE(sink.OnAdd(EndpointFromCniRequest(Add("fresh1"), "node-1")).ok());
  EXPECT_EQ(sink.OnGc({}), 0u);  // the runtime's list may predate this ADD
  EXPECT_TRUE(registry.LookupByContainerId("fresh1"));
}

}  // namespace
}  // namespace flows::flowd
