#include "flows/flowd/observer/l7_pairing.h"

#include <cstring>
#include <string_view>
#include <utility>

namespace flows::flowd {

std::size_t L7Pairing::KeyHash::operator()(const Key& k) const {
  return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size()));
}

L7Pairing::Key L7Pairing::MakeKey(const datapath::Flow& f, bool client_is_source, std::uint16_t dns_id) {
  Key k;
  auto* p = k.bytes.data();
  const auto& client = client_is_source ? f.src : f.dst;
  const auto& server = client_is_source ? f.dst : f.src;
  const std::uint16_t cport = client_is_source ? f.src_port : f.dst_port;
  const std::uint16_t sport = client_is_source ? f.dst_port : f.src_port;
  std::memcpy(p, &f.ifindex, 4);
  p[4] = f.l4_proto;
  std::memcpy(p + 5, client.bytes.data(), 16);
  std::memcpy(p + 21, server.bytes.data(), 16);
  std::memcpy(p + 37, &cport, 2);
  std::memcpy(p + 39, &sport, 2);
  std::memcpy(p + 41, &dns_id, 2);
  return k;
}

void L7Pairing::EvictOldestConnection() {
  while (!order_.empty()) {
    auto [key, gen] = order_.front();
    order_.pop_front();
    auto it = pending_.find(key);
    if (it == pending_.end() || it->second.generation != gen) continue;  // stale
    forgotten_.fetch_add(it->second.requests.size(), std::memory_order_relaxed);
    pending_requests_ -= it->second.requests.size();
    pending_.erase(it);
    return;
  }
}

void L7Pairing::Remember(const Key& key, Request request) {
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= options_.max_connections) EvictOldestConnection();
    it = pending_.emplace(key, Pending{{}, next_generation_}).first;
    order_.emplace_back(key, next_generation_++);
    // Stale entries pile up as connections are answered; drop them once
    // they outnumber live ones (amortised O(1): live <= max_connections).
    if (order_.size() > 2 * options_.max_connections + 1024) {
      std::deque<std::pair<Key, std::uint64_t>> live;
      for (const auto& e : order_) {
        auto p = pending_.find(e.first);
        if (p != pending_.end() && p->second.generation == e.second) live.push_back(e);
      }
      order_.swap(live);
    }
  }
  auto& q = it->second.requests;
  if (q.size() >= options_.max_per_connection) {
    q.erase(q.begin());
    forgotten_.fetch_add(1, std::memory_order_relaxed);
    --pending_requests_;
  }
  q.push_back(std::move(request));
  ++pending_requests_;
}

void L7Pairing::Expire(std::chrono::system_clock::time_point now) {
  if (now < next_expiry_scan_) return;
  next_expiry_scan_ = now + std::chrono::seconds(1);
  if (pending_requests_ == 0) return;
  const auto cutoff =
      now - std::chrono::duration_cast<std::chrono::system_clock::duration>(options_.request_timeout);
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto& q = it->second.requests;
    std::size_t n = 0;
    while (n < q.size() && q[n].time < cutoff) ++n;  // oldest first
    if (n > 0) {
      q.erase(q.begin(), q.begin() + static_cast<std::ptrdiff_t>(n));
      unanswered_.fetch_add(n, std::memory_order_relaxed);
      pending_requests_ -= n;
    }
    // Its order_ entry goes stale, and is skipped or compacted later.
    if (q.empty())
      pending_.erase(it++);
    else
      ++it;
  }
}

std::optional<L7Pairing::Answered> L7Pairing::Observe(const datapath::Flow& f, std::string_view method,
                                                      std::string_view url) {
  bool response;
  std::uint16_t id = 0;
  if (f.http) {
    response = f.http->response;
  } else if (f.dns) {
    response = f.dns->response;
    id = f.dns->id;
  } else {
    return std::nullopt;
  }
  if (!response) {
    Remember(MakeKey(f, /*client_is_source=*/true, id),
             Request{f.time, std::string(method), std::string(url)});
    return std::nullopt;
  }
  auto it = pending_.find(MakeKey(f, /*client_is_source=*/false, id));
  if (it == pending_.end() || it->second.requests.empty()) return std::nullopt;
  Request request = std::move(it->second.requests.front());
  it->second.requests.erase(it->second.requests.begin());
  --pending_requests_;
  if (it->second.requests.empty()) pending_.erase(it);
  Answered answered{std::chrono::nanoseconds(0), std::move(request.method), std::move(request.url)};
  if (f.time > request.time)
    answered.latency = std::chrono::duration_cast<std::chrono::nanoseconds>(f.time - request.time);
  return answered;
}

}  // namespace flows::flowd
