// peer.Peer Notify over a real gRPC channel: every node of the roster is
// announced (not only this one), changes follow, and with TLS each node
// carries the server name its certificate holds.
#include "flows/flowd/observer/peer_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

namespace flows::flowd {
namespace {

struct Seen {
  peer::ChangeNotificationType type;
  std::string address;
  std::string tls_server_name;
};

class PeerServiceTest : public ::testing::Test {
 protected:
  void Serve(NodeIdentity self) {
    service_ = std::make_unique<PeerService>(std::move(self), &roster_);
    socket_ = "unix://" + ::testing::TempDir() + "/peer-" + std::to_string(getpid()) + ".sock";
    grpc::ServerBuilder b;
    b.AddListeningPort(socket_, grpc::InsecureServerCredentials());
    b.RegisterService(service_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = peer::Peer::NewStub(grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
    reader_ = stub_->Notify(&ctx_, {});
  }
  void TearDown() override {
    ctx_.TryCancel();
    if (reader_) reader_->Finish();
    if (service_) service_->Shutdown();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  // The next n notifications, by node name.
  std::map<std::string, Seen> Read(int n) {
    std::map<std::string, Seen> out;
    peer::ChangeNotification c;
    for (int i = 0; i < n && reader_->Read(&c); ++i)
      out[c.name()] = Seen{c.type(), c.address(), c.has_tls() ? c.tls().server_name() : "<no tls>"};
    return out;
  }

  PeerRoster roster_;
  std::unique_ptr<PeerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::string socket_;
  std::unique_ptr<peer::Peer::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<peer::ChangeNotification>> reader_;
};

// The bug: a flowd announced only itself, so a relay pointed at one flowd
// found one node.
TEST_F(PeerServiceTest, AnnouncesEveryNodeAndFollowsChanges) {
  roster_.Replace("kubernetes", {{"node-a", "192.168.0.10:4244"}, {"node-b", "192.168.0.11:4244"}});
  Serve(NodeIdentity{"node-a", "1.0", ":4244"});
  auto first = Read(2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first["node-a"].type, peer::PEER_ADDED);
  // The roster knows this node's dialable address; ":4244" is not one.
  EXPECT_EQ(first["node-a"].address, "192.168.0.10:4244");
  EXPECT_EQ(first["node-b"].address, "192.168.0.11:4244");
  EXPECT_EQ(first["node-b"].tls_server_name, "<no tls>");  // no TLS, no names

  roster_.Upsert("kubernetes", {"node-c", "192.168.0.12:4244"});
  auto added = Read(1);
  EXPECT_EQ(added["node-c"].type, peer::PEER_ADDED);

  roster_.Upsert("kubernetes", {"node-b", "192.168.0.21:4244"});
  auto moved = Read(1);
  EXPECT_EQ(moved["node-b"].type, peer::PEER_UPDATED);
  EXPECT_EQ(moved["node-b"].address, "192.168.0.21:4244");

  roster_.Remove("kubernetes", "node-c");
  auto gone = Read(1);
  EXPECT_EQ(gone["node-c"].type, peer::PEER_DELETED);
}

TEST_F(PeerServiceTest, ThisNodeIsAnnouncedBeforeTheRosterKnowsIt) {
  Serve(NodeIdentity{"node-a", "1.0", "10.0.0.1:4244"});
  auto first = Read(1);
  EXPECT_EQ(first["node-a"].type, peer::PEER_ADDED);
  EXPECT_EQ(first["node-a"].address, "10.0.0.1:4244");
}

// Listening on ":4244" says nothing about where to dial this node: it waits
// for the roster (the API's pod IP) instead of sending what a relay refuses.
TEST_F(PeerServiceTest, AListenAddressIsNotAnnounced) {
  Serve(NodeIdentity{"node-a", "1.0", ":4244"});
  roster_.Upsert("kubernetes", {"node-b", "192.168.0.11:4244"});
  auto first = Read(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first.count("node-a"), 0u);
  roster_.Upsert("kubernetes", {"node-a", "192.168.0.10:4244"});
  auto then = Read(1);
  EXPECT_EQ(then["node-a"].type, peer::PEER_ADDED);
  EXPECT_EQ(then["node-a"].address, "192.168.0.10:4244");
}

TEST_F(PeerServiceTest, WithTlsEveryNodeCarriesItsServerName) {
  roster_.Replace("static", {{"node-b.example.org", "10.0.0.2:4244"}});
  NodeIdentity self{"node-a", "1.0", "10.0.0.1:4244", true};
  self.cluster_name = "prod.eu";
  Serve(self);
  auto first = Read(2);
  EXPECT_EQ(first["node-a"].tls_server_name, "node-a.prod-eu.flows-grpc");
  EXPECT_EQ(first["node-b.example.org"].tls_server_name, "node-b-example-org.prod-eu.flows-grpc");
}

TEST(PeerTlsServerName, OneLabelPerNodeUnderTheClustersDomain) {
  EXPECT_EQ(PeerTlsServerName("node-a", "default"), "node-a.default.flows-grpc");
  EXPECT_EQ(PeerTlsServerName("ip-10-0-0-1.ec2.internal", ""), "ip-10-0-0-1-ec2-internal.default.flows-grpc");
  EXPECT_EQ(PeerTlsServerName("", "default"), "");
}

TEST(PeerRoster, OriginsOwnTheirNodes) {
  PeerRoster r;
  r.Replace("static", {{"node-a", "10.0.0.1:4244"}});
  r.Upsert("kubernetes", {"node-a", "10.9.9.9:4244"});  // another origin's: left alone
  r.Upsert("kubernetes", {"node-b", "10.0.0.2:4244"});
  EXPECT_EQ(r.Snapshot(), (std::vector<PeerNode>{{"node-a", "10.0.0.1:4244"}, {"node-b", "10.0.0.2:4244"}}));
  r.Replace("kubernetes", {});
  r.Remove("kubernetes", "node-a");
  EXPECT_EQ(r.Snapshot(), (std::vector<PeerNode>{{"node-a", "10.0.0.1:4244"}}));
  r.Upsert("static", {"", "x"});  // no name: ignored
  EXPECT_EQ(r.size(), 1u);
}

}  // namespace
}  // namespace flows::flowd
