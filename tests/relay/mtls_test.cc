// TLS both ways with certificates made for the test by the openssl CLI:
// clients of the relay must present a certificate from the client CA, and
// the relay dials a node that requires one from it.
#include <gtest/gtest.h>

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
