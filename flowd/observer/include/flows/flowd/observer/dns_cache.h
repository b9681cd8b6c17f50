// IP -> DNS names learned from answers seen on the wire, each kept for its
// TTL (floored, so a TTL of 0 still names the next connection). Fills
// source_names / destination_names. Bounded: the entries closest to expiry
// go first when full. Thread-safe.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "flows/datapath/flow.h"

namespace flows::flowd {

class DnsCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    std::size_t max_ips = 65536;
    std::chrono::seconds min_ttl{60};  // answers with TTL 0..min_ttl live this long
    std::chrono::seconds max_ttl{3600};
  };
  DnsCache() : DnsCache(Options{}) {}
  explicit DnsCache(Options options) : options_(options) {}

  // Learns from a DNS response: every A/AAAA answer's address is named by
  // the question (and by CNAME owners on the way).
  void Learn(const datapath::DnsMessage& response, Clock::time_point now);
  // Appends the names of an address text, sorted, to a flow's repeated
  // field (none if unknown or expired).
  void AppendNames(const std::string& ip, Clock::time_point now,
                   google::protobuf::RepeatedPtrField<std::string>* out) const;
  std::size_t size() const;

 private:
  struct Entry {
    std::map<std::string, Clock::time_point> names;  // name -> expiry
  };
  void EvictIfFull();

  Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> by_ip_;
};

}  // namespace flows::flowd
