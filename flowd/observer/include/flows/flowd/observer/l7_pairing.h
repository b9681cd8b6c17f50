// Request/response pairing: an HTTP response is matched to the oldest
// unanswered request of its connection (HTTP/1.x answers in order),
// a DNS response to the query with the same id on the same 5-tuple. Keys
// include the interface, because a packet between two local pods is seen
// on both pods' veths. Bounded: at most max_connections connections with
// unanswered requests (the oldest connection is forgotten first) and
// max_per_connection requests each; whatever is forgotten is counted.
// A request unanswered after request_timeout is given up on and counted
// (the server never answered, or its response was lost before we saw it).
// A matched response learns its latency and, for HTTP, the request's method
// and URL -- a response record alone has neither, and Hubble shows both.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "flows/datapath/flow.h"

namespace flows::flowd {

class L7Pairing {
 public:
  struct Options {
    std::size_t max_connections = 65536;  // connections with unanswered requests
    std::size_t max_per_connection = 16;
    // Longer than any DNS retry and most HTTP calls; a long poll answered
    // later counts as unanswered and its response goes unpaired.
    std::chrono::nanoseconds request_timeout = std::chrono::seconds(60);
  };
  L7Pairing() : L7Pairing(Options{}) {}
  explicit L7Pairing(Options options) : options_(options) {}

  struct Answered {
    std::chrono::nanoseconds latency{0};
    std::string method;  // HTTP only
    std::string url;
  };
  // For a request: remembers it (with its HTTP method and URL), returns
  // nullopt. For a response: what its request was, if that request was seen.
  std::optional<Answered> Observe(const datapath::Flow& flow, std::string_view method = {},
                                  std::string_view url = {});
  // Gives up on requests older than request_timeout at `now` (flow time).
  // Cheap to call per flow: it scans at most once per second of flow time.
  void Expire(std::chrono::system_clock::time_point now);

  // Thread-safe reads (the daemon's housekeeping reports them).
  // Requests dropped unanswered because the table was full.
  std::uint64_t forgotten() const { return forgotten_.load(std::memory_order_relaxed); }
  // Requests given up on after request_timeout.
  std::uint64_t unanswered() const { return unanswered_.load(std::memory_order_relaxed); }
  std::size_t pending_requests() const { return pending_requests_; }

 private:
  // ifindex, protocol, client ip+port, server ip+port, DNS id (0 for HTTP).
  struct Key {
    std::array<std::uint8_t, 44> bytes{};
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  static Key MakeKey(const datapath::Flow& f, bool client_is_source, std::uint16_t dns_id);
  struct Request {
    std::chrono::system_clock::time_point time;
    std::string method;
    std::string url;
  };
  void Remember(const Key& key, Request request);
  void EvictOldestConnection();

  struct Pending {
    // Oldest first; most connections have one request open, held inline.
    absl::InlinedVector<Request, 1> requests;
    std::uint64_t generation = 0;  // which order_ entry is this key's live one
  };
  Options options_;
  // Open addressing: a request and its answer insert and erase an entry,
  // with no node to allocate and free each time.
  absl::flat_hash_map<Key, Pending, KeyHash> pending_;
  // Keys in the order their Pending was created. An entry whose generation
  // no longer matches is stale (answered, or created again later).
  std::deque<std::pair<Key, std::uint64_t>> order_;
  std::uint64_t next_generation_ = 0;
  std::size_t pending_requests_ = 0;
  std::chrono::system_clock::time_point next_expiry_scan_{};
  std::atomic<std::uint64_t> forgotten_{0};
  std::atomic<std::uint64_t> unanswered_{0};
};

}  // namespace flows::flowd
