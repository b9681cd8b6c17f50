#include "flows/flowd/endpoints/service_registry.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>

#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"
#include "flows/common/text.h"
#include "flows/flowd/endpoints/state_file.h"

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

void ServiceRegistry::UnindexClusterIps(const ServiceRef& ref, const Entry& e) {
  for (const std::string& ip : e.cluster_ips) {
    auto c = by_cluster_ip_.find(ip);
    if (c != by_cluster_ip_.end() && c->second == ref) by_cluster_ip_.erase(c);
  }
}

Status ServiceRegistry::Upsert(const Service& svc) {
  const ServiceRef ref{svc.namespace_, svc.name};
  if (ref.namespace_.empty() || ref.name.empty()) return Error::Invalid("service without namespace or name");
  auto ips = CanonicalIps(svc.cluster_ips, "service " + ref.namespace_ + "/" + ref.name);
  if (!ips) return ips.error();
  std::unique_lock lock(mu_);
  if (auto it = services_.find(ref); it != services_.end()) UnindexClusterIps(ref, it->second);
  for (const std::string& ip : *ips) by_cluster_ip_[ip] = ref;
  services_[ref] = Entry{std::move(*ips), svc.source};
  ++generation_;
  return OkStatus();
}

bool ServiceRegistry::Remove(std::string_view ns, std::string_view name) {
  const ServiceRef ref{std::string(ns), std::string(name)};
  std::unique_lock lock(mu_);
  auto it = services_.find(ref);
  const bool found = it != services_.end();
  if (found) {
    UnindexClusterIps(ref, it->second);
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
                                    const std::vector<std::string>& addresses, EndpointSource source) {
  if (ns.empty() || slice.empty() || service.empty())
    return Error::Invalid("endpoint slice without namespace, name or service");
  auto ips = CanonicalIps(addresses, "endpoint slice " + std::string(ns) + "/" + std::string(slice));
  if (!ips) return ips.error();
  Slice fresh{ServiceRef{std::string(ns), std::string(service)}, std::move(*ips), source};
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

std::size_t ServiceRegistry::RetainListedServices(const std::set<ServiceRef>& listed) {
  std::unique_lock lock(mu_);
  std::size_t dropped = 0;
  for (auto it = services_.begin(); it != services_.end();) {
    if (it->second.source == EndpointSource::kKubernetes && !listed.contains(it->first)) {
      UnindexClusterIps(it->first, it->second);
      it = services_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  if (dropped > 0) ++generation_;
  return dropped;
}

std::size_t ServiceRegistry::RetainListedSlices(const std::set<SliceKey>& listed) {
  std::unique_lock lock(mu_);
  std::size_t dropped = 0;
  for (auto it = slices_.begin(); it != slices_.end();) {
    if (it->second.source == EndpointSource::kKubernetes && !listed.contains(it->first)) {
      IndexSlice(it->second, -1);
      it = slices_.erase(it);
      ++dropped;
    } else {
      ++it;
    }
  }
  if (dropped > 0) ++generation_;
  return dropped;
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
  for (const auto& [ref, e] : services_)
    out.push_back(Service{ref.namespace_, ref.name, e.cluster_ips, e.source});
  return out;
}

std::size_t ServiceRegistry::slice_count() const {
  std::shared_lock lock(mu_);
  return slices_.size();
}

Status ServiceRegistry::SaveTo(const std::string& path) const {
  nlohmann::json services = nlohmann::json::array();
  nlohmann::json slices = nlohmann::json::array();
  {
    // Only the API's: the static file is read again at every start, and what
    // it no longer says must not come back from here.
    std::shared_lock lock(mu_);
    for (const auto& [ref, e] : services_) {
      if (e.source != EndpointSource::kKubernetes) continue;
      services.push_back({{"namespace", ref.namespace_},
                          {"name", ref.name},
                          {"cluster_ips", e.cluster_ips},
                          {"source", SourceName(e.source)}});
    }
    for (const auto& [key, s] : slices_) {
      if (s.source != EndpointSource::kKubernetes) continue;
      slices.push_back({{"namespace", key.first},
                        {"name", key.second},
                        {"service", s.service.name},
                        {"addresses", s.addresses},
                        {"source", SourceName(s.source)}});
    }
  }
  return SaveStateFile(path, {{"services", std::move(services)}, {"slices", std::move(slices)}});
}

Status ServiceRegistry::LoadFrom(const std::string& path) {
  auto doc = LoadStateFile(path);
  if (!doc) return doc.error();
  auto services = StateFileList(*doc, "services", path);
  if (!services) return services.error();
  auto slices = StateFileList(*doc, "slices", path);
  if (!slices) return slices.error();

  auto source_of = [](const std::string& name, const std::string& at) -> Result<EndpointSource> {
    if (name.empty()) return EndpointSource::kKubernetes;
    auto s = ParseSource(name);
    if (!s) return Error::Invalid(at + ".source: unknown source " + Quote(name));
    return *s;
  };
  ServiceRegistry fresh;  // built aside: a bad file changes nothing
  for (std::size_t i = 0; i < services->size(); ++i) {
    const std::string at = path + ": services[" + std::to_string(i) + "]";
    const nlohmann::json& j = (*services)[i];
    if (!j.is_object()) return Error::Invalid(at + ": not a JSON object");
    Service svc;
    std::string source;
    JsonFields f(j, at);
    f.String("namespace", svc.namespace_);
    f.String("name", svc.name);
    f.StringList("cluster_ips", svc.cluster_ips);
    f.String("source", source);
    if (f.failed()) return f.error();
    auto src = source_of(source, at);
    if (!src) return src.error();
    svc.source = *src;
    if (Status s = fresh.Upsert(svc); !s) return Error::Invalid(at + ": " + s.error().message);
  }
  for (std::size_t i = 0; i < slices->size(); ++i) {
    const std::string at = path + ": slices[" + std::to_string(i) + "]";
    const nlohmann::json& j = (*slices)[i];
    if (!j.is_object()) return Error::Invalid(at + ": not a JSON object");
    std::string ns, name, service, source;
    std::vector<std::string> addresses;
    JsonFields f(j, at);
    f.String("namespace", ns);
    f.String("name", name);
    f.String("service", service);
    f.StringList("addresses", addresses);
    f.String("source", source);
    if (f.failed()) return f.error();
    auto src = source_of(source, at);
    if (!src) return src.error();
    if (Status s = fresh.UpsertSlice(ns, name, service, addresses, *src); !s)
      return Error::Invalid(at + ": " + s.error().message);
  }
  std::unique_lock lock(mu_);
  std::unique_lock other(fresh.mu_);
  services_ = std::move(fresh.services_);
  by_cluster_ip_ = std::move(fresh.by_cluster_ip_);
  slices_ = std::move(fresh.slices_);
  by_backend_ = std::move(fresh.by_backend_);
  ++generation_;
  return OkStatus();
}

}  // namespace flows::flowd
