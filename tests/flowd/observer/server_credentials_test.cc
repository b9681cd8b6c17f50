// The TCP listener of flowd and flows-relay with TLS and mutual TLS: a real
// gRPC server with the Observer service, real clients with and without
// certificates.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "flows/api/tls/credentials.h"
#include "flows/flowd/observer/observer_service.h"
#include "grpc_test_tls.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;
using api::MakeServerCredentials;

class TlsServer {
 public:
  explicit TlsServer(std::shared_ptr<grpc::ServerCredentials> creds)
      : service_(store_, namespaces_, NodeIdentity{.name = "node-1", .tls = true}) {
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", std::move(creds), &port_);
    b.RegisterService(&service_);
    server_ = b.BuildAndStart();
  }
  ~TlsServer() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 1s);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  FlowStore store_{16};
  NamespaceTracker namespaces_;
  ObserverService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

grpc::Status Call(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> creds) {
  auto stub = observer::Observer::NewStub(grpc::CreateChannel(address, std::move(creds)));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 5s);
  observer::ServerStatusResponse res;
  return stub->ServerStatus(&ctx, {}, &res);
}

std::shared_ptr<grpc::ChannelCredentials> Client(const testing::TestPki& pki, const std::string& who) {
  return testing::ClientTls(pki, who);
}

class TlsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.Issue("server", "ca", "subjectAltName=IP:127.0.0.1");
    pki_.Issue("client", "ca", "extendedKeyUsage=clientAuth");
    pki_.Issue("rogue", "rogue-ca", "extendedKeyUsage=clientAuth");
    ASSERT_TRUE(pki_.ok());
  }
  testing::TestPki pki_;
};

TEST_F(TlsCredentialsTest, TlsServesClientsThatTrustTheCa) {
  auto creds = MakeServerCredentials({pki_.File("server.crt"), pki_.File("server.key"), {}});
  ASSERT_TRUE(creds) << creds.error().message;
  TlsServer server(*creds);
  EXPECT_TRUE(Call(server.address(), Client(pki_, "")).ok());
  // A plaintext client cannot talk to a TLS listener.
  EXPECT_FALSE(Call(server.address(), grpc::InsecureChannelCredentials()).ok());
}

TEST_F(TlsCredentialsTest, MutualTlsRefusesClientsWithoutAValidCertificate) {
  auto creds =
      MakeServerCredentials({pki_.File("server.crt"), pki_.File("server.key"), {pki_.File("ca.crt")}});
  ASSERT_TRUE(creds) << creds.error().message;
  TlsServer server(*creds);
  EXPECT_TRUE(Call(server.address(), Client(pki_, "client")).ok());
  const grpc::Status none = Call(server.address(), Client(pki_, ""));
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAVAILABLE) << none.error_message();
  const grpc::Status rogue = Call(server.address(), Client(pki_, "rogue"));
  EXPECT_EQ(rogue.error_code(), grpc::StatusCode::UNAVAILABLE) << rogue.error_message();
}

TEST_F(TlsCredentialsTest, MissingFilesAreErrorsNamingTheFile) {
  auto creds = MakeServerCredentials({pki_.File("nope.crt"), pki_.File("server.key"), {}});
  ASSERT_FALSE(creds);
  EXPECT_NE(creds.error().message.find("nope.crt"), std::string::npos);
  EXPECT_NE(creds.error().message.find("--tls-cert-file"), std::string::npos) << "names the flag";
  auto not_pem = MakeServerCredentials({pki_.File("client.ext"), pki_.File("server.key"), {}});
  ASSERT_FALSE(not_pem);
  EXPECT_NE(not_pem.error().message.find("not a PEM"), std::string::npos);
  auto relay_flags = MakeServerCredentials({pki_.File("server.crt"), "", {}},
                                           {"--tls-cert", "--tls-key", "--tls-client-ca"});
  ASSERT_FALSE(relay_flags);
  EXPECT_EQ(relay_flags.error().message, "--tls-cert and --tls-key go together");
  EXPECT_FALSE(MakeServerCredentials({"", "", {pki_.File("ca.crt")}})) << "a client CA without a certificate";
}

TEST(TlsCredentials, NoCertificateMeansPlaintext) {
  auto creds = MakeServerCredentials({});
  ASSERT_TRUE(creds);
  TlsServer server(*creds);
  EXPECT_TRUE(Call(server.address(), grpc::InsecureChannelCredentials()).ok());
}

}  // namespace
}  // namespace flows::flowd
