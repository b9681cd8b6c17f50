#include "flows/flowd/endpoints/endpoint_registry.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "flows/common/ip_address.h"
#include "flows/flowd/endpoints/endpoint_json.h"
#include "flows/flowd/endpoints/state_file.h"

namespace flows::flowd {
namespace {

std::string NameKey(std::string_view ns, std::string_view name) {
  std::string k(ns);
  k += '/';  // never part of a Kubernetes namespace or name
  k += name;
  return k;
}

bool HasName(const Endpoint& ep) {
  return !ep.namespace_.empty() && !ep.pod_name.empty();
}

bool Compatible(const std::string& a, const std::string& b) {
  return a.empty() || b.empty() || a == b;
}

// Folds `in` into `base`: what `in` knows wins, what it does not know is kept.
// Labels and workloads come from the Kubernetes API (or the static file),
// which may legitimately say "none" – so only those sources may clear them.
void Merge(Endpoint& base, const Endpoint& in) {
  auto take = [](std::string& dst, const std::string& src) {
    if (!src.empty()) dst = src;
  };
  take(base.namespace_, in.namespace_);
  take(base.pod_name, in.pod_name);
  take(base.pod_uid, in.pod_uid);
  take(base.node_name, in.node_name);
  take(base.container_id, in.container_id);
  if (!in.host_ifname.empty()) {  // name and index describe one interface: move together
    base.host_ifname = in.host_ifname;
    base.host_ifindex = in.host_ifindex;
  }
  const bool authoritative = in.From(EndpointSource::kKubernetes) || in.From(EndpointSource::kStatic);
  if (authoritative || base.labels.empty()) base.labels = in.labels;
  if (authoritative || base.workloads.empty()) base.workloads = in.workloads;
  if (authoritative || base.ports.empty()) base.ports = in.ports;
  if (authoritative) base.host_network = in.host_network;
  if (!in.ips.empty()) base.ips = in.ips;
  base.sources |= in.sources;
}

Status Canonicalize(Endpoint& ep) {
  std::vector<std::string> ips;
  for (const std::string& raw : ep.ips) {
    auto ip = CanonicalIp(raw);
    if (!ip)
      return Error::Invalid("endpoint " + ep.namespace_ + "/" + ep.pod_name + ": not an IP address: " + raw);
    if (std::find(ips.begin(), ips.end(), *ip) == ips.end()) ips.push_back(std::move(*ip));
  }
  ep.ips = std::move(ips);
  if (ep.pod_uid.empty() && !HasName(ep) && ep.container_id.empty())
    return Error::Invalid(
        "endpoint without identity: needs a pod uid, a namespace and name, or a container id");
  return OkStatus();
}

template <typename Index, typename Key>
void EraseIf(Index& index, const Key& key, std::uint64_t id) {
  auto it = index.find(key);
  if (it != index.end() && it->second == id) index.erase(it);
}

}  // namespace

// ---- Table: the records and their indexes -------------------------------

void EndpointRegistry::Table::Unindex(std::uint64_t id, const Endpoint& ep) {
  if (!ep.pod_uid.empty()) EraseIf(by_uid, ep.pod_uid, id);
  if (HasName(ep)) EraseIf(by_name, NameKey(ep.namespace_, ep.pod_name), id);
  if (!ep.container_id.empty()) EraseIf(by_cid, ep.container_id, id);
  for (const std::string& ip : ep.ips) EraseIf(by_ip, ip, id);
}

void EndpointRegistry::Table::Index(std::uint64_t id, const Endpoint& ep) {
  if (!ep.pod_uid.empty()) by_uid[ep.pod_uid] = id;
  if (HasName(ep)) by_name[NameKey(ep.namespace_, ep.pod_name)] = id;
  if (!ep.container_id.empty()) by_cid[ep.container_id] = id;
  for (const std::string& ip : ep.ips) {
    auto [it, inserted] = by_ip.try_emplace(ip, id);
    if (!inserted && it->second != id) {
      DropIp(it->second, ip);  // reused address: the previous holder no longer has it
      it->second = id;
    }
  }
}

void EndpointRegistry::Table::DropIp(std::uint64_t id, const std::string& ip) {
  auto it = records.find(id);
  if (it == records.end()) return;
  auto copy = std::make_shared<Endpoint>(*it->second);
  std::erase(copy->ips, ip);
  it->second = std::move(copy);
}

void EndpointRegistry::Table::Put(std::uint64_t id, Endpoint ep) {
  if (auto it = records.find(id); it != records.end()) Unindex(id, *it->second);
  auto record = std::make_shared<const Endpoint>(std::move(ep));
  records[id] = record;
  Index(id, *record);
}

void EndpointRegistry::Table::Erase(std::uint64_t id) {
  auto it = records.find(id);
  if (it == records.end()) return;
  Unindex(id, *it->second);
  records.erase(it);
}

std::shared_ptr<const Endpoint> EndpointRegistry::Table::Find(
    const std::unordered_map<std::string, std::uint64_t>& index, const std::string& key) const {
  auto it = index.find(key);
  if (it == index.end()) return nullptr;
  auto rec = records.find(it->second);
  return rec == records.end() ? nullptr : rec->second;
}

Status EndpointRegistry::Table::Upsert(Endpoint ep) {
  if (Status s = Canonicalize(ep); !s) return s;

  // Every record this description is about, best identity first. More than
  // one when it links records that were separate so far (the CNI's, keyed by
  // container id, and the API's, keyed by uid).
  std::vector<std::uint64_t> matches;
  auto consider = [&](const std::unordered_map<std::string, std::uint64_t>& index, const std::string& key) {
    auto it = index.find(key);
    if (it == index.end()) return;
    const Endpoint& rec = *records.at(it->second);
    const bool same_pod =
        Compatible(rec.pod_uid, ep.pod_uid) &&
        (!HasName(rec) || !HasName(ep) || (rec.namespace_ == ep.namespace_ && rec.pod_name == ep.pod_name));
    if (same_pod && std::find(matches.begin(), matches.end(), it->second) == matches.end())
      matches.push_back(it->second);
  };
  if (!ep.pod_uid.empty()) consider(by_uid, ep.pod_uid);
  if (HasName(ep)) consider(by_name, NameKey(ep.namespace_, ep.pod_name));
  if (!ep.container_id.empty()) consider(by_cid, ep.container_id);

  if (matches.empty()) {
    Put(next_id++, std::move(ep));
    return OkStatus();
  }
  Endpoint merged = *records.at(matches.front());
  for (std::size_t i = 1; i < matches.size(); ++i) {
    Merge(merged, *records.at(matches[i]));
    Erase(matches[i]);
  }
  Merge(merged, ep);
  Put(matches.front(), std::move(merged));
  return OkStatus();
}

// ---- EndpointRegistry ----------------------------------------------------

Status EndpointRegistry::Upsert(Endpoint ep) {
  std::unique_lock lock(mu_);
  Status s = table_.Upsert(std::move(ep));
  if (s) ++generation_;
  return s;
}

void EndpointRegistry::Table::DropCni(std::uint64_t id) {
  Endpoint ep = *records.at(id);
  ep.sources &= static_cast<std::uint8_t>(~static_cast<std::uint8_t>(EndpointSource::kCni));
  if (ep.sources == 0) {
    Erase(id);
  } else {
    // Still a pod per the API: keep its identity and addresses, forget the sandbox.
    ep.container_id.clear();
    ep.host_ifname.clear();
    ep.host_ifindex = 0;
    Put(id, std::move(ep));
  }
}

bool EndpointRegistry::RemoveByContainerId(std::string_view container_id) {
  std::unique_lock lock(mu_);
  auto it = table_.by_cid.find(std::string(container_id));
  if (it == table_.by_cid.end()) return false;
  table_.DropCni(it->second);
  ++generation_;
  return true;
}

std::size_t EndpointRegistry::RemoveByInterface(std::string_view ifname, std::uint32_t ifindex) {
  if (ifname.empty()) return 0;
  std::unique_lock lock(mu_);
  std::vector<std::uint64_t> matches;
  for (const auto& [id, ep] : table_.records) {
    if (ep->host_ifname != ifname) continue;
    if (ifindex != 0 && ep->host_ifindex != 0 && ep->host_ifindex != ifindex) continue;  // a newer namesake
    matches.push_back(id);
  }
  for (const std::uint64_t id : matches) table_.DropCni(id);
  if (!matches.empty()) ++generation_;
  return matches.size();
}

bool EndpointRegistry::RemoveByUid(std::string_view uid) {
  std::unique_lock lock(mu_);
  auto it = table_.by_uid.find(std::string(uid));
  if (it == table_.by_uid.end()) return false;
  table_.Erase(it->second);
  ++generation_;
  return true;
}

bool EndpointRegistry::RemoveByName(std::string_view ns, std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = table_.by_name.find(NameKey(ns, name));
  if (it == table_.by_name.end()) return false;
  table_.Erase(it->second);
  ++generation_;
  return true;
}

std::size_t EndpointRegistry::RetainListed(const std::function<bool(const Endpoint&)>& listed) {
  constexpr auto kApi = static_cast<std::uint8_t>(EndpointSource::kKubernetes);
  std::unique_lock lock(mu_);
  std::vector<std::uint64_t> gone;
  for (const auto& [id, ep] : table_.records) {
    if (ep->From(EndpointSource::kKubernetes) && !listed(*ep)) gone.push_back(id);
  }
  std::size_t dropped = 0;
  for (std::uint64_t id : gone) {
    Endpoint ep = *table_.records.at(id);
    if (ep.From(EndpointSource::kStatic)) {
      ep.sources &= static_cast<std::uint8_t>(~kApi);
      table_.Put(id, std::move(ep));
    } else {
      // The CNI's part too: its sandbox belonged to the pod the API says is gone.
      table_.Erase(id);
      ++dropped;
    }
  }
  if (!gone.empty()) ++generation_;
  return dropped;
}

std::shared_ptr<const Endpoint> EndpointRegistry::FindByIp(std::string_view ip) const {
  auto canonical = CanonicalIp(ip);
  if (!canonical) return nullptr;
  std::shared_lock lock(mu_);
  return table_.Find(table_.by_ip, *canonical);
}

std::optional<Endpoint> EndpointRegistry::LookupByIp(std::string_view ip) const {
  auto p = FindByIp(ip);
  return p ? std::optional<Endpoint>(*p) : std::nullopt;
}

std::optional<Endpoint> EndpointRegistry::LookupByContainerId(std::string_view container_id) const {
  std::shared_lock lock(mu_);
  auto p = table_.Find(table_.by_cid, std::string(container_id));
  return p ? std::optional<Endpoint>(*p) : std::nullopt;
}

std::optional<Endpoint> EndpointRegistry::LookupByUid(std::string_view uid) const {
  std::shared_lock lock(mu_);
  auto p = table_.Find(table_.by_uid, std::string(uid));
  return p ? std::optional<Endpoint>(*p) : std::nullopt;
}

std::optional<Endpoint> EndpointRegistry::LookupByName(std::string_view ns, std::string_view name) const {
  std::shared_lock lock(mu_);
  auto p = table_.Find(table_.by_name, NameKey(ns, name));
  return p ? std::optional<Endpoint>(*p) : std::nullopt;
}

std::vector<Endpoint> EndpointRegistry::List() const {
  std::vector<Endpoint> out;
  {
    std::shared_lock lock(mu_);
    out.reserve(table_.records.size());
    for (const auto& [id, ep] : table_.records) out.push_back(*ep);
  }
  std::sort(out.begin(), out.end(), [](const Endpoint& a, const Endpoint& b) {
    return std::tie(a.namespace_, a.pod_name, a.container_id) <
           std::tie(b.namespace_, b.pod_name, b.container_id);
  });
  return out;
}

std::vector<std::string> EndpointRegistry::Namespaces() const {
  std::set<std::string> names;
  {
    std::shared_lock lock(mu_);
    for (const auto& [id, ep] : table_.records) {
      if (!ep->namespace_.empty()) names.insert(ep->namespace_);
    }
  }
  return {names.begin(), names.end()};
}

std::size_t EndpointRegistry::size() const {
  std::shared_lock lock(mu_);
  return table_.records.size();
}

Status EndpointRegistry::SaveTo(const std::string& path) const {
  nlohmann::json endpoints = nlohmann::json::array();
  for (const Endpoint& ep : List()) endpoints.push_back(EndpointToJson(ep));
  return SaveStateFile(path, {{"endpoints", std::move(endpoints)}});
}

Status EndpointRegistry::LoadFrom(const std::string& path) {
  auto doc = LoadStateFile(path);
  if (!doc) return doc.error();
  const auto list = doc->find("endpoints");
  if (list == doc->end() || !list->is_array()) return Error::Invalid(path + ": \"endpoints\" is not a list");

  Table fresh;  // built aside: a bad file changes nothing
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto ep = EndpointFromJson((*list)[i], "endpoints[" + std::to_string(i) + "]");
    if (!ep) return Error::Invalid(path + ": " + ep.error().message);
    if (Status s = fresh.Upsert(std::move(*ep)); !s) return Error::Invalid(path + ": " + s.error().message);
  }
  std::unique_lock lock(mu_);
  table_ = std::move(fresh);
  ++generation_;
  return OkStatus();
}

}  // namespace flows::flowd
