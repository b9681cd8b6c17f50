// Keeps a local copy of one resource in step with the API server, the way
// client-go's Reflector does: list (all pages), then watch from the list's
// resourceVersion; BOOKMARKs advance the resourceVersion; 410 Gone (HTTP or
// an ERROR event) means the history is gone, so list again; any other
// failure reconnects after an exponential backoff and resumes the watch from
// the last resourceVersion seen, so no event is lost or repeated.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "flows/common/backoff.h"
#include "flows/flowd/k8s/api_client.h"

namespace flows::flowd::k8s {

// Where the reflector delivers what it learns (Informer<T> is one). Called
// on the reflector's thread only.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // A complete, consistent list: replaces everything known before.
  virtual void Replace(std::vector<nlohmann::json>&& items, const std::string& resource_version) = 0;
  // An ADDED, MODIFIED or DELETED event.
  virtual void Apply(WatchEvent&& event) = 0;
};

struct ReflectorOptions {
  Resource resource;
  std::int64_t page_size = 500;     // list limit per request, as client-go
  int watch_timeout_seconds = 300;  // the server ends each watch after this; the reflector starts another
  BackoffPolicy backoff;
  // A watch that ends cleanly sooner than this without delivering anything
  // counts as a failure (a server that closes at once must not be hammered).
  std::chrono::milliseconds min_watch_duration{1000};
  std::function<void(const Error&)> on_error;  // each failure, for the daemon's log
};

struct ReflectorStats {
  std::uint64_t lists = 0;         // complete lists (all pages) delivered
  std::uint64_t watches = 0;       // watch requests made
  std::uint64_t gone_relists = 0;  // lists forced by 410 Gone
  std::uint64_t errors = 0;        // failures followed by a backoff
  std::uint64_t events = 0;        // ADDED/MODIFIED/DELETED applied
  std::uint64_t bookmarks = 0;
};

class Reflector {
 public:
  Reflector(ApiClient& client, ReflectorSink& sink, ReflectorOptions options, Sleeper& sleeper);

  // Lists and watches until `stop` is requested. Blocking: run it on its
  // own thread (std::jthread passes the stop_token).
  void Run(const std::stop_token& stop);

  std::string resource_version() const;
  ReflectorStats stats() const;

 private:
  enum class WatchEnd { kRewatch, kRelist, kBackoff, kStopped };

  Status ListAll(const std::stop_token& stop);
  WatchEnd WatchOnce(const std::stop_token& stop);
  void Fail(const Error& error);
  void SetResourceVersion(const std::string& rv);

  ApiClient& client_;
  ReflectorSink& sink_;
  ReflectorOptions options_;
  Sleeper& sleeper_;
  Backoff backoff_;
  mutable std::mutex mu_;  // guards rv_ and stats_ for readers on other threads
  std::string rv_;
  ReflectorStats stats_;
  bool progress_since_list_ = false;  // reflector thread only
};

}  // namespace flows::flowd::k8s
