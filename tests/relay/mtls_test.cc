// TLS both ways with certificates made for the test by the openssl CLI:
// clients of the relay must present a certificate from the client CA, and
// the relay dials a node that requires one from it.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "flows/relay/peer_sources.h"
#include "grpc_test_tls.h"
#include "relay_harness.h"
#include "test_node.h"

namespace flows::relay {
namespace {

using namespace std::chrono_literals;

// The shared test PKI, with the certificates these tests use.
class Pki : public flowd::testing::TestPki {
 public:
  Pki() {
    Issue("relay", "ca", "subjectAltName=DNS:relay.flows.test,IP:127.0.0.1");
    Issue("node", "ca", "subjectAltName=DNS:node.flows.test");
    Issue("client", "ca", "extendedKeyUsage=clientAuth");
    Issue("rogue", "rogue-ca", "extendedKeyUsage=clientAuth");
    // As the chart issues flowd's certificate: the fixed name --peer-dns
    // relays verify and the wildcard every announced node name falls under.
    Issue("chart-node", "ca", "subjectAltName=DNS:flows.flows-system.flows-grpc,DNS:*.default.flows-grpc");
    Issue("wildcard-only", "ca", "subjectAltName=DNS:*.default.flows-grpc");
    Issue("fixed-only", "ca", "subjectAltName=DNS:flows.flows-system.flows-grpc");
  }
};

std::shared_ptr<grpc::ChannelCredentials> ClientCreds(const Pki& pki, const std::string& who) {
  return flowd::testing::ClientTls(pki, who);
}

grpc::Status Status(observer::Observer::Stub& stub) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  observer::ServerStatusResponse res;
  return stub.ServerStatus(&ctx, {}, &res);
}

TEST(MtlsTest, ClientsWithoutAValidCertificateAreRefused) {
  Pki pki;
  ASSERT_TRUE(pki.ok());
  auto creds =
      MakeServerCredentials(ServeTls{pki.File("relay.crt"), pki.File("relay.key"), pki.File("ca.crt")});
  ASSERT_TRUE(creds) << creds.error().message;
  testing::RelayHarness relay(testing::TestRelayOptions(), testing::RelayHarness::FastDial(), *creds);

  EXPECT_TRUE(Status(*relay.Stub(ClientCreds(pki, "client"), "relay.flows.test")).ok());

  const auto no_cert = Status(*relay.Stub(ClientCreds(pki, ""), "relay.flows.test"));
  EXPECT_FALSE(no_cert.ok());
  EXPECT_EQ(no_cert.error_code(), grpc::StatusCode::UNAVAILABLE) << no_cert.error_message();

  EXPECT_FALSE(Status(*relay.Stub(ClientCreds(pki, "rogue"), "relay.flows.test")).ok());
  EXPECT_FALSE(Status(*relay.Stub(grpc::InsecureChannelCredentials())).ok());
}

TEST(MtlsTest, RelayDialsNodesWithMutualTls) {
  Pki pki;
  ASSERT_TRUE(pki.ok());
  grpc::SslServerCredentialsOptions so;
  so.pem_key_cert_pairs.push_back({pki.Read("node.key"), pki.Read("node.crt")});
  so.pem_root_certs = pki.Read("ca.crt");
  so.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  testing::TestNode node("node-tls");
  node.Start(grpc::SslServerCredentials(so));
  node.Push(testing::NowNs());

  DialOptions dial = testing::RelayHarness::FastDial();
  dial.tls = DialTls{pki.File("ca.crt"), pki.File("client.crt"), pki.File("client.key"), "node.flows.test"};
  auto options = testing::TestRelayOptions();
  options.peer_tls = true;
  options.peer_tls_server_name = "node.flows.test";
  testing::RelayHarness relay(options, dial);
  relay.peers().Replace("static", {PeerSpec{node.name(), node.address(), {}}});
  ASSERT_TRUE(relay.WaitConnected(1));
  auto stub = relay.Stub();
  testing::StreamCollector c(*stub, observer::GetFlowsRequest());
  ASSERT_TRUE(c.WaitDone());
  EXPECT_EQ(testing::CountFlows(c.Responses(), "node-tls"), 1u);
  grpc::ClientContext ctx;
  observer::GetNodesResponse nodes;
  ASSERT_TRUE(stub->GetNodes(&ctx, {}, &nodes).ok());
  ASSERT_EQ(nodes.nodes_size(), 1);
  EXPECT_TRUE(nodes.nodes(0).tls().enabled());
  EXPECT_EQ(nodes.nodes(0).tls().server_name(), "node.flows.test");

  // Without a client certificate the node refuses the relay.
  DialOptions no_cert = testing::RelayHarness::FastDial();
  no_cert.tls = DialTls{pki.File("ca.crt"), "", "", "node.flows.test"};
  testing::RelayHarness relay2(testing::TestRelayOptions(), no_cert);
  relay2.peers().Replace("static", {PeerSpec{node.name(), node.address(), {}}});
  EXPECT_FALSE(relay2.WaitConnected(1, 1500ms));
}

std::shared_ptr<grpc::ServerCredentials> NodeTls(const Pki& pki, const std::string& cert) {
  grpc::SslServerCredentialsOptions so;
  so.pem_key_cert_pairs.push_back({pki.Read(cert + ".key"), pki.Read(cert + ".crt")});
  so.pem_root_certs = pki.Read("ca.crt");
  so.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  return grpc::SslServerCredentials(so);
}

// A relay given one --peer-service over mTLS finds the other nodes and
// verifies each against the name its Peer service announced,
// <node>.<cluster>.flows-grpc, which the chart's wildcard certificate
// covers: node-b's certificate holds only the wildcard, so it connects only
// if that name is the one checked; node-c's lacks it and is refused.
TEST(MtlsTest, PeerServiceNamesEveryNodesCertificate) {
  Pki pki;
  ASSERT_TRUE(pki.ok());
  flowd::PeerRoster roster;
  testing::TestNode a("node-a"), b("node-b"), c("node-c");
  roster.Replace("kubernetes", {{"node-a", a.address()}, {"node-b", b.address()}, {"node-c", c.address()}});
  for (auto* n : {&a, &b, &c}) {
    n->SetRoster(&roster);
    n->SetTlsCluster("default");
  }
  a.Start(NodeTls(pki, "chart-node"));
  b.Start(NodeTls(pki, "wildcard-only"));
  c.Start(NodeTls(pki, "fixed-only"));

  DialOptions dial = testing::RelayHarness::FastDial();
  dial.tls = DialTls{pki.File("ca.crt"), pki.File("client.crt"), pki.File("client.key"),
                     "flows.flows-system.flows-grpc"};
  auto options = testing::TestRelayOptions();
  options.peer_tls = true;
  options.peer_tls_server_name = "flows.flows-system.flows-grpc";
  testing::RelayHarness relay(options, dial);
  NotifyPeerSource notify(relay.peers(), relay.dial(), a.address(), 4244,
                          Backoff({.initial = 100ms, .max = 500ms}));
  notify.Start();
  ASSERT_TRUE(relay.WaitConnected(2));
  // node-c's handshake has failed (its channel went to TRANSIENT_FAILURE).
  std::map<std::string, PeerView> peers;
  const auto until = std::chrono::steady_clock::now() + 10s;
  do {
    peers.clear();
    for (const PeerView& p : relay.peers().Snapshot()) peers[p.spec.name] = p;
    if (peers.count("node-c") && peers["node-c"].error == "connection failed, retrying with backoff") break;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < until);
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers["node-b"].spec.tls_server_name, "node-b.default.flows-grpc");
  EXPECT_EQ(peers["node-a"].state, ::relay::NODE_CONNECTED);
  EXPECT_EQ(peers["node-b"].state, ::relay::NODE_CONNECTED);
  EXPECT_NE(peers["node-c"].state, ::relay::NODE_CONNECTED)
      << "a certificate without the node's name was accepted";
  notify.Stop();
}

TEST(MtlsTest, BadTlsFlagsAreClearErrors) {
  Pki pki;
  auto missing = MakeServerCredentials(ServeTls{"/nonexistent.crt", pki.File("relay.key"), ""});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("--tls-cert"), std::string::npos);
  auto not_pem = MakeServerCredentials(ServeTls{pki.File("relay.ext"), pki.File("relay.key"), ""});
  ASSERT_FALSE(not_pem);
  EXPECT_NE(not_pem.error().message.find("not a PEM"), std::string::npos);
  EXPECT_FALSE(MakeServerCredentials(ServeTls{"", "", pki.File("ca.crt")}));
  EXPECT_FALSE(
      MakeChannelFactory(DialOptions{.tls = DialTls{pki.File("ca.crt"), pki.File("client.crt"), "", ""}}));
}

}  // namespace
}  // namespace flows::relay
