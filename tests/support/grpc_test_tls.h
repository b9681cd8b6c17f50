// gRPC client credentials from a TestPki: trust its CA ("ca"), and present
// <who>.crt / <who>.key unless `who` is empty (a client with no certificate).
#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "test_pki.h"

namespace flows::flowd::testing {

inline std::shared_ptr<grpc::ChannelCredentials> ClientTls(const TestPki& pki, const std::string& who) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = pki.Read("ca.crt");
  if (!who.empty()) {
    o.pem_cert_chain = pki.Read(who + ".crt");
    o.pem_private_key = pki.Read(who + ".key");
  }
  return grpc::SslCredentials(o);
}

}  // namespace flows::flowd::testing
