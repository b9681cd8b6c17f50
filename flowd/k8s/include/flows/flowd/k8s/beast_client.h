// ApiClient over HTTP/1.1 (Boost.Beast) and TLS (OpenSSL via Boost.Asio).
// Every call opens its own connection on its own io_context, so one client
// can be shared by several reflector threads; every network step has a
// deadline, and a stop request cancels whatever step is in progress.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "flows/flowd/k8s/api_client.h"
#include "flows/flowd/k8s/cluster_config.h"

namespace flows::flowd::k8s {

struct BeastClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // resolve + connect + TLS handshake
  std::chrono::milliseconds request_timeout{60'000};  // sending a request, and a whole list reply
  // Longest silence on a watch before the connection is taken for dead.
  // 0: the request's timeoutSeconds plus a minute (bookmarks arrive about
  // every minute on a healthy server), or 10 minutes without one.
  std::chrono::seconds watch_idle_timeout{0};
  std::size_t max_list_bytes = 256u << 20;  // one list page
  std::size_t max_event_bytes = 16u << 20;  // one watch event line
  std::size_t max_header_bytes = 64u << 10;
  std::string user_agent = "flowd/0.1";
};

class BeastApiClient final : public ApiClient {
 public:
  // Fails on unusable TLS material (a CA, certificate or key that does not
  // parse), so configuration errors show at start-up rather than per call.
  static Result<std::unique_ptr<BeastApiClient>> Create(ClusterConfig config,
                                                        BeastClientOptions options = {});
  ~BeastApiClient() override;

  Result<ListPage> List(const Resource& resource, const ListOptions& options, std::stop_token stop) override;
  Status Watch(const Resource& resource, const WatchOptions& options, const WatchHandler& on_event,
               std::stop_token stop) override;

  struct Impl;  // keeps Boost and OpenSSL out of this header

 private:
  explicit BeastApiClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flows::flowd::k8s
