// Where the CLI finds the Observer API and how it connects: `--server`
// (else FLOWS_SERVER, else flowd's local socket), plain or TLS like Hubble's
// --tls flags, and a connect timeout. The same CLI reads flowd or
// flows-relay: both serve observer.Observer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"

namespace flows::cli {

inline constexpr std::string_view kDefaultServer = "unix:///run/flows/observer.sock";
inline constexpr std::string_view kServerEnv = "FLOWS_SERVER";

struct ServerOptions {
  std::string address{kDefaultServer};
  std::string timeout = "5s";  // Go duration, as Hubble's --timeout
  bool tls = false;
  std::vector<std::string> tls_ca_cert_files;
  std::string tls_client_cert_file;
  std::string tls_client_key_file;
  std::string tls_server_name;
  // 0: gRPC's default (4 MiB). `flows map` raises it: a graph of 100,000
  // edges is larger than that.
  int max_receive_bytes = 0;
};

// "/run/x.sock" -> "unix:///run/x.sock"; everything else is left to gRPC
// ("unix://...", "host:port", "dns:///host:port").
std::string NormalizeAddress(std::string_view address);

// Checks the flags and reads the certificate files: errors here are the
// user's to fix (exit 2).
Result<std::shared_ptr<grpc::Channel>> MakeChannel(const ServerOptions& options);

// Waits for the connection, at most the timeout, and fails at once when the
// server refuses or does not exist. The error is one line naming the
// address and what to check (exit 1).
Status WaitConnected(const std::shared_ptr<grpc::Channel>& channel, const ServerOptions& options);

// MakeChannel, then WaitConnected: the channel, or null after printing why
// with `exit_code` set (usage error for bad options, failure when the
// server cannot be reached). What every command starts with.
std::shared_ptr<grpc::Channel> Connect(const ServerOptions& options, int& exit_code);

// "cannot reach the flows server at ADDRESS (DETAIL); is flowd running? ..."
std::string UnreachableMessage(std::string_view address, std::string_view detail);

// Deadline for unary calls (status, list, version).
std::chrono::system_clock::time_point CallDeadline(const ServerOptions& options);

}  // namespace flows::cli
