// Runs tests/support/fake_apiserver.py as a child process on 127.0.0.1
// (ports chosen by the OS) and drives it through its control listener.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flows/flowd/k8s/cluster_config.h"

namespace flows::flowd::k8s::testing {

class FakeApiServer {
 public:
  struct Options {
    bool tls = false;
    std::vector<std::string> tokens;  // accepted bearer tokens; none: no auth
    std::string state_file = K8S_TESTDATA_DIR "/cluster.json";
  };

  // Null (with the reason in *error) if the server did not come up.
  static std::unique_ptr<FakeApiServer> Start(const Options& options, std::string* error);
  ~FakeApiServer();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  const std::string& ca_file() const { return ca_file_; }
  const std::string& client_cert_file() const { return client_cert_; }
  const std::string& client_key_file() const { return client_key_; }
  std::string Url() const;

  // The server's address, its CA if TLS; no credentials.
  ClusterConfig Config() const;

  // POST /_fake/actions; returns the reply (throws nothing: a failed call
  // returns {"error": ...}).
  nlohmann::json Act(const nlohmann::json& actions);
  nlohmann::json Get(const std::string& control_path);
  // Requests seen by the API listener with this path, in order.
  std::vector<nlohmann::json> Requests(const std::string& path);
  // Blocks until `count` watches on `resource` are open.
  bool WaitWatchers(const std::string& resource, int count,
                    std::chrono::seconds timeout = std::chrono::seconds(10));
  std::string Log() const;

 private:
  FakeApiServer() = default;
  nlohmann::json Http(const std::string& method, const std::string& path, const std::string& body);

  pid_t pid_ = -1;
  int port_ = 0;
  int control_port_ = 0;
  std::string dir_, ca_file_, client_cert_, client_key_;
  bool tls_ = false;
};

}  // namespace flows::flowd::k8s::testing
