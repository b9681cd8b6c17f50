#include "flows/flowd/endpoints/service_registry.h"

#include <algorithm>
#include <mutex>

#include "flows/common/ip_address.h"
#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {
namespace {

// Canonical, de-duplicated addresses, or the first one that is not an address.
Result<std::vector<std::string>> CanonicalIps(const std::vector<std::string>& raw, const std::string& owner) {
  std::vector<std::string> out;
  for (const std::string& r : raw) {
    auto ip = CanonicalIp(r);
    if (!ip) return Error::Invalid(owner + ": not an IP address: " + r);
    if (std::find(out.begin(), out.end(), *ip) == out.end()) out.push_back(std::move(*ip));
  }
  return out;
}

}  // namespace

Status ServiceRegistry::Upsert(const Service& svc) {
  const ServiceRef ref{svc.namespace_, svc.name};
  if (ref.namespace_.empty() || ref.name.empty()) return Error::Invalid("service without namespace or name");
  auto ips = CanonicalIps(svc.cluster_ips, "service " + ref.namespace_ + "/" + ref.name);
  if (!ips) return ips.error();
  std::unique_lock lock(mu_);
  if (auto it = services_.find(ref); it != services_.end()) {
    for (const std::string& ip : it->second) {
      auto c = by_cluster_ip_.find(ip);
      if (c != by_cluster_ip_.end() && c->second == ref) by_cluster_ip_.erase(c);
    }
  }
  for (const std::string& ip : *ips) by_cluster_ip_[ip] = ref;
  services_[ref] = std::move(*ips);
  ++generation_;
  return OkStatus();
}

bool ServiceRegistry::Remove(std::string_view ns, std::string_view name) {
  const ServiceRef ref{std::string(ns), std::string(name)};
  std::unique_lock lock(mu_);
  auto it = services_.find(ref);
  const bool found = it != services_.end();
  if (found) {
    for (const std::string& ip : it->second) {
      auto c = by_cluster_ip_.find(ip);
      if (c != by_cluster_ip_.end() && c->second == ref) by_cluster_ip_.erase(c);
    }
    services_.erase(it);
  }
  for (auto s = slices_.begin(); s != slices_.end();) {
    if (s->second.service == ref) {
      IndexSlice(s->second, -1);
      s = slices_.erase(s);
    } else {
      ++s;
    }
  }
  ++generation_;
  return found;
}

void ServiceRegistry::IndexSlice(const Slice& s, int delta) {
  for (const std::string& ip : s.addresses) {
    auto& services = by_backend_[ip];
    if ((services[s.service] += delta) <= 0) services.erase(s.service);
    if (services.empty()) by_backend_.erase(ip);
  }
}

Status ServiceRegistry::UpsertSlice(std::string_view ns, std::string_view slice, std::string_view service,
                                    const std::vector<std::string>& addresses) {
  if (ns.empty() || slice.empty() || service.empty())
    return Error::Invalid("endpoint slice without namespace, name or service");
  auto ips = CanonicalIps(addresses, "endpoint slice " + std::string(ns) + "/" + std::string(slice));
  if (!ips) return ips.error();
  Slice fresh{ServiceRef{std::string(ns), std::string(service)}, std::move(*ips)};
  std::unique_lock lock(mu_);
  auto key = std::make_pair(std::string(ns), std::string(slice));
  if (auto it = slices_.find(key); it != slices_.end()) IndexSlice(it->second, -1);
  IndexSlice(fresh, +1);
  slices_[key] = std::move(fresh);
  ++generation_;
  return OkStatus();
}

bool ServiceRegistry::RemoveSlice(std::string_view ns, std::string_view slice) {
  std::unique_lock lock(mu_);
  auto it = slices_.find({std::string(ns), std::string(slice)});
  if (it == slices_.end()) return false;
  IndexSlice(it->second, -1);
  slices_.erase(it);
  ++generation_;
  return true;
}

std::optional<ServiceRef> ServiceRegistry::LookupClusterIp(std::string_view ip) const {
  auto canonical = CanonicalIp(ip);
  if (!canonical) return std::nullopt;
  std::shared_lock lock(mu_);
  auto it = by_cluster_ip_.find(*canonical);
  if (it == by_cluster_ip_.end()) return std::nullopt;
  return it->second;
}

std::vector<ServiceRef> ServiceRegistry::LookupBackend(std::string_view ip) const {
  auto canonical = CanonicalIp(ip);
  if (!canonical) return {};
  std::shared_lock lock(mu_);
  auto it = by_backend_.find(*canonical);
  if (it == by_backend_.end()) return {};
  std::vector<ServiceRef> out;
  for (const auto& [ref, count] : it->second) out.push_back(ref);
  return out;  // std::map order: sorted
}

std::optional<ServiceRef> ServiceRegistry::LookupByIp(std::string_view ip) const {
  if (auto svc = LookupClusterIp(ip)) return svc;
  auto backends = LookupBackend(ip);
  if (backends.empty()) return std::nullopt;
  return backends.front();
}

std::vector<Service> ServiceRegistry::List() const {
  std::shared_lock lock(mu_);
  std::vector<Service> out;
  for (const auto& [ref, ips] : services_) out.push_back(Service{ref.namespace_, ref.name, ips});
  return out;
}

}  // namespace flows::flowd
