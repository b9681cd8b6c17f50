// gRPC server credentials from PEM files: plaintext when no certificate is
// given, TLS with one, mutual TLS when client CAs are given too (a client
// without a certificate those CAs signed is refused during the handshake).
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "flows/datapath/result.h"

namespace flows::flowd {

datapath::Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::vector<std::string>& client_ca_files);

}  // namespace flows::flowd
