// The Observer API over a real gRPC channel (a unix socket in a temp dir):
// what `hubble observe` would get for each kind of request.
#include "flows/flowd/observer/observer_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "flows/flowd/observer/peer_service.h"
#include "wait_for.h"

namespace flows::flowd {
namespace {

std::shared_ptr<const flow::Flow> MakeFlow(int i, const std::string& ns, const std::string& pod) {
  auto f = std::make_shared<flow::Flow>();
  f->mutable_time()->set_seconds(1'700'000'000 + i);
  f->set_verdict(flow::FORWARDED);
  f->mutable_ip()->set_source("10.0.0." + std::to_string(i % 250 + 1));
  f->mutable_ip()->set_destination("10.0.1.1");
  f->mutable_source()->set_namespace_(ns);
  f->mutable_source()->set_pod_name(pod);
  f->mutable_l4()->mutable_tcp()->set_destination_port(80);
  return f;
}

class ObserverTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(100); }
  void Start(std::size_t capacity) {
    server_.reset();
    store_ = std::make_unique<FlowStore>(capacity);
    observer_ = std::make_unique<ObserverService>(*store_, namespaces_,
                                                  NodeIdentity{"node-1", "0.1.0", "10.0.0.1:4244"},
                                                  [this](std::uint64_t n) { client_lost_ += n; });
    peer_ = std::make_unique<PeerService>(NodeIdentity{"node-1", "0.1.0", "10.0.0.1:4244"});
    socket_ = "unix://" + ::testing::TempDir() + "/observer-" + std::to_string(getpid()) + ".sock";
    grpc::ServerBuilder b;
    b.AddListeningPort(socket_, grpc::InsecureServerCredentials());
    b.RegisterService(observer_.get());
    b.RegisterService(peer_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = observer::Observer::NewStub(grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    store_->Shutdown();
    peer_->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  std::vector<observer::GetFlowsResponse> Get(const observer::GetFlowsRequest& req, grpc::Status* status) {
    grpc::ClientContext ctx;
    auto reader = stub_->GetFlows(&ctx, req);
    std::vector<observer::GetFlowsResponse> out;
    observer::GetFlowsResponse r;
    while (reader->Read(&r)) out.push_back(r);
    *status = reader->Finish();
    return out;
  }

  NamespaceTracker namespaces_;
  std::unique_ptr<FlowStore> store_;
  std::unique_ptr<ObserverService> observer_;
  std::unique_ptr<PeerService> peer_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<observer::Observer::Stub> stub_;
  std::string socket_;
  std::atomic<std::uint64_t> client_lost_{0};
};

TEST_F(ObserverTest, LastNMatchingFlowsOldestFirst) {
  for (int i = 0; i < 10; ++i)
    store_->Push(MakeFlow(i, i % 2 ? "demo-app" : "other", "frontend-" + std::to_string(i)));
  observer::GetFlowsRequest req;
  req.set_number(3);
  req.add_whitelist()->add_source_pod("demo-app/");
  grpc::Status st;
  const auto out = Get(req, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].flow().source().pod_name(), "frontend-5");
  EXPECT_EQ(out[2].flow().source().pod_name(), "frontend-9");
  EXPECT_EQ(out[0].node_name(), "node-1");
  EXPECT_EQ(out[0].time().seconds(), 1'700'000'005);
}

TEST_F(ObserverTest, FirstNAndBlacklist) {
  for (int i = 0; i < 10; ++i) store_->Push(MakeFlow(i, "demo-app", "p" + std::to_string(i)));
  observer::GetFlowsRequest req;
  req.set_number(2);
  req.set_first(true);
  req.add_blacklist()->add_source_pod("demo-app/p0");
  grpc::Status st;
  const auto out = Get(req, &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].flow().source().pod_name(), "p1");
  EXPECT_EQ(out[1].flow().source().pod_name(), "p2");
}

TEST_F(ObserverTest, MalformedRequestsAreInvalidArgumentNamingTheField) {
  grpc::Status st;
  observer::GetFlowsRequest bad_cidr;
  bad_cidr.add_whitelist()->add_source_ip("10.0.0.0/33");
  Get(bad_cidr, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("source_ip"), std::string::npos) << st.error_message();

  observer::GetFlowsRequest bad_regex;
  bad_regex.add_blacklist()->add_http_path("(");
  Get(bad_regex, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("http_path"), std::string::npos) << st.error_message();

  observer::GetFlowsRequest first_follow;
  first_follow.set_first(true);
  first_follow.set_follow(true);
  Get(first_follow, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  observer::GetFlowsRequest bad_mask;
  bad_mask.mutable_field_mask()->add_paths("no_such_field");
  Get(bad_mask, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ObserverTest, FieldMaskTrimsFlows) {
  store_->Push(MakeFlow(1, "demo-app", "p1"));
  observer::GetFlowsRequest req;
  req.mutable_field_mask()->add_paths("source.pod_name");
  grpc::Status st;
  const auto out = Get(req, &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].flow().source().pod_name(), "p1");
  EXPECT_TRUE(out[0].flow().source().namespace_().empty());
  EXPECT_FALSE(out[0].flow().has_ip());
}

TEST_F(ObserverTest, FollowStreamsNewFlows) {
  store_->Push(MakeFlow(0, "demo-app", "old"));
  grpc::ClientContext ctx;
  observer::GetFlowsRequest req;
  req.set_follow(true);
  req.set_number(1);
  auto reader = stub_->GetFlows(&ctx, req);
  observer::GetFlowsResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.flow().source().pod_name(), "old");
  store_->Push(MakeFlow(1, "demo-app", "new"));
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.flow().source().pod_name(), "new");
  ctx.TryCancel();
}

TEST_F(ObserverTest, AFollowerThatFallsBehindIsToldHowManyItMissed) {
  Start(4);
  grpc::ClientContext ctx;
  observer::GetFlowsRequest req;
  req.set_follow(true);
  auto reader = stub_->GetFlows(&ctx, req);
  // The server follows from the store's end at the time it handles the call:
  // flows pushed before its follower waits would not be part of the stream.
  ASSERT_TRUE(flows::testing::WaitFor([&] { return store_->waiting_followers() > 0; }))
      << "the server never followed";
  constexpr int kFlows = 5000;
  for (int i = 0; i < kFlows; ++i) store_->Push(MakeFlow(i, "demo-app", "p"));
  std::uint64_t flows = 0, lost = 0;
  observer::GetFlowsResponse r;
  while (flows + lost < kFlows && reader->Read(&r)) {
    if (r.has_lost_events()) {
      EXPECT_EQ(r.lost_events().source(), flow::HUBBLE_RING_BUFFER);
      lost += r.lost_events().num_events_lost();
    } else {
      ++flows;
    }
  }
  EXPECT_EQ(flows + lost, static_cast<std::uint64_t>(kFlows)) << "every flow delivered or counted";
  EXPECT_GT(lost, 0u);
  EXPECT_EQ(client_lost_.load(), lost);
  ctx.TryCancel();
}

TEST_F(ObserverTest, StatusNodesAndNamespaces) {
  for (int i = 0; i < 3; ++i) {
    auto f = MakeFlow(i, "demo-app", "p");
    namespaces_.Observe(*f, NamespaceTracker::Clock::now());
    store_->Push(f);
  }
  grpc::ClientContext c1;
  observer::ServerStatusResponse status;
  ASSERT_TRUE(stub_->ServerStatus(&c1, {}, &status).ok());
  EXPECT_EQ(status.num_flows(), 3u);
  EXPECT_EQ(status.max_flows(), 100u);
  EXPECT_EQ(status.seen_flows(), 3u);
  // Unset, as a Hubble agent leaves them: a node is connected to no nodes
  // (it used to say 1 whatever the cluster held); a relay fills them in.
  EXPECT_FALSE(status.has_num_connected_nodes());
  EXPECT_FALSE(status.has_num_unavailable_nodes());
  EXPECT_EQ(status.version(), "0.1.0");
  EXPECT_GT(status.uptime_ns(), 0u);

  grpc::ClientContext c2;
  observer::GetNodesResponse nodes;
  ASSERT_TRUE(stub_->GetNodes(&c2, {}, &nodes).ok());
  ASSERT_EQ(nodes.nodes_size(), 1);
  EXPECT_EQ(nodes.nodes(0).name(), "node-1");
  EXPECT_EQ(nodes.nodes(0).state(), relay::NODE_CONNECTED);

  grpc::ClientContext c3;
  observer::GetNamespacesResponse ns;
  ASSERT_TRUE(stub_->GetNamespaces(&c3, {}, &ns).ok());
  ASSERT_EQ(ns.namespaces_size(), 1);
  EXPECT_EQ(ns.namespaces(0).namespace_(), "demo-app");
}

TEST_F(ObserverTest, PeerNotifyAnnouncesThisNode) {
  auto stub = peer::Peer::NewStub(grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto reader = stub->Notify(&ctx, {});
  peer::ChangeNotification n;
  ASSERT_TRUE(reader->Read(&n));
  EXPECT_EQ(n.name(), "node-1");
  EXPECT_EQ(n.address(), "10.0.0.1:4244");
  EXPECT_EQ(n.type(), peer::PEER_ADDED);
  ctx.TryCancel();
}

}  // namespace
}  // namespace flows::flowd
