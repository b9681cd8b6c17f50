#include "flows/flowd/cni/registry_sink.h"

#include <unordered_set>

namespace flows::flowd {

RegistrySink::RegistrySink(EndpointRegistry& registry, AttachFn attach, std::chrono::seconds gc_grace)
    : registry_(registry), attach_(std::move(attach)), gc_grace_(gc_grace) {}

void RegistrySink::ForgetOldAdds(std::chrono::steady_clock::time_point now) {
  std::erase_if(added_, [&](const auto& entry) { return now - entry.second >= gc_grace_; });
}

Status RegistrySink::OnAdd(const Endpoint& ep) {
  if (Status s = registry_.Upsert(ep); !s) return s;
  const auto now = std::chrono::steady_clock::now();
  ForgetOldAdds(now);  // bounded by the ADDs of one grace period, with or without GCs
  added_[ep.container_id] = now;
  if (ep.host_ifname.empty() || !attach_) return OkStatus();
  return attach_(ep.host_ifname, ep.host_ifindex);
}

Status RegistrySink::OnDel(const std::string& container_id) {
  added_.erase(container_id);
  registry_.RemoveByContainerId(container_id);  // false on a repeated DEL: fine
  return OkStatus();
}

bool RegistrySink::Knows(const std::string& container_id) {
  return registry_.LookupByContainerId(container_id).has_value();
}

std::uint32_t RegistrySink::OnGc(const std::vector<std::string>& valid) {
  ForgetOldAdds(std::chrono::steady_clock::now());
  const std::unordered_set<std::string> keep(valid.begin(), valid.end());
  std::uint32_t removed = 0;
  for (const Endpoint& ep : registry_.List()) {
    if (!ep.From(EndpointSource::kCni) || ep.container_id.empty()) continue;
    if (keep.count(ep.container_id) || added_.count(ep.container_id)) continue;
    if (registry_.RemoveByContainerId(ep.container_id)) ++removed;
  }
  return removed;
}

}  // namespace flows::flowd
