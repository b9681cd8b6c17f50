#include "flows/flowd/observer/dns_cache.h"

#include <algorithm>

namespace flows::flowd {
namespace {

std::string WithoutTrailingDot(std::string name) {
  if (name.size() > 1 && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace

void DnsCache::Learn(const datapath::DnsMessage& response, Clock::time_point now) {
  if (!response.response || response.rcode != 0 || response.query.empty()) return;
  std::lock_guard lock(mu_);
  const std::string query = WithoutTrailingDot(response.query);
  for (const auto& a : response.answers) {
    if ((a.type != 1 && a.type != 28) || a.data.empty()) continue;
    const auto ttl = std::clamp(std::chrono::seconds(a.ttl), options_.min_ttl, options_.max_ttl);
    if (!by_ip_.count(a.data)) EvictIfFull();
    auto& names = by_ip_[a.data].names;
    for (const std::string& n : {query, WithoutTrailingDot(a.name)}) {
      auto& expiry = names[n];
      expiry = std::max(expiry, now + ttl);
    }
  }
}

void DnsCache::AppendNames(const std::string& ip, Clock::time_point now,
                           google::protobuf::RepeatedPtrField<std::string>* out) const {
  std::lock_guard lock(mu_);
  auto it = by_ip_.find(ip);
  if (it == by_ip_.end()) return;
  for (const auto& [name, expiry] : it->second.names)
    if (expiry > now) out->Add()->assign(name);
}

std::size_t DnsCache::size() const {
  std::lock_guard lock(mu_);
  return by_ip_.size();
}

void DnsCache::EvictIfFull() {
  if (by_ip_.size() < options_.max_ips) return;
  // Rare (only when full): drop the address whose names expire first.
  auto victim = by_ip_.begin();
  Clock::time_point victim_expiry = Clock::time_point::max();
  for (auto it = by_ip_.begin(); it != by_ip_.end(); ++it) {
    Clock::time_point latest = Clock::time_point::min();
    for (const auto& [name, expiry] : it->second.names) latest = std::max(latest, expiry);
    if (latest < victim_expiry) {
      victim_expiry = latest;
      victim = it;
    }
  }
  by_ip_.erase(victim);
}

}  // namespace flows::flowd
