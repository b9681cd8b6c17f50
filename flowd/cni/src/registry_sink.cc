#include "flows/flowd/cni/registry_sink.h"

namespace flows::flowd {

RegistrySink::RegistrySink(EndpointRegistry& registry, AttachFn attach)
    : registry_(registry), attach_(std::move(attach)) {}

Status RegistrySink::OnAdd(const Endpoint& ep) {
  if (Status s = registry_.Upsert(ep); !s) return s;
  if (ep.host_ifname.empty() || !attach_) return OkStatus();
  return attach_(ep.host_ifname, ep.host_ifindex);
}

Status RegistrySink::OnDel(const std::string& container_id) {
  registry_.RemoveByContainerId(container_id);  // false on a repeated DEL: fine
  return OkStatus();
}

bool RegistrySink::Knows(const std::string& container_id) {
  return registry_.LookupByContainerId(container_id).has_value();
}

}  // namespace flows::flowd
