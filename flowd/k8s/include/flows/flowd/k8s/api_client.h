// The two calls flowd makes on the API server, behind an interface so the
// reflector and everything above it is tested with a scripted fake
// (tests/flowd/k8s/fake_api_client.h) and runs against BeastApiClient.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "flows/flowd/k8s/errors.h"
#include "flows/flowd/k8s/resource.h"
#include "flows/flowd/k8s/watch_event.h"

namespace flows::flowd::k8s {

struct ListPage {
  std::vector<nlohmann::json> items;
  std::string resource_version;  // of the snapshot this page belongs to
  std::string continue_token;    // "" on the last page
};

class ApiClient {
 public:
  // Per event, as it arrives; return false to end the watch.
  using WatchHandler = std::function<bool(WatchEvent&& event)>;

  virtual ~ApiClient() = default;

  // One page of a list. 410 Gone (an expired continue token) is an Error
  // with err == kErrGone.
  virtual Result<ListPage> List(const Resource& resource, const ListOptions& options,
                                std::stop_token stop) = 0;

  // Streams events to `on_event` until the server ends the stream (Ok), the
  // handler returns false (Ok), `stop` is requested (ECANCELED) or the
  // connection fails (Error). An HTTP 410 reply is an Error with err ==
  // kErrGone; ERROR events (410 included) are handed to on_event like any
  // other, since deciding what they mean is the caller's job.
  virtual Status Watch(const Resource& resource, const WatchOptions& options, const WatchHandler& on_event,
                       std::stop_token stop) = 0;
};

}  // namespace flows::flowd::k8s
