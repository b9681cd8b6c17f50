#include "flows/flowd/registry_sink.h"

namespace flows::flowd {

RegistrySink::RegistrySink(EndpointRegistry& registry, AttachFn attach)
    : registry_(registry), attach_(std::move(attach)) {}

datapath::Status RegistrySink::OnAdd(const Endpoint& ep) {
  if (datapath::Status s = registry_.Upsert(ep); !s) return s;
  if (ep.host_ifname.empty() || !attach_) return datapath::OkStatus();
  return attach_(ep.host_ifname, ep.host_ifindex);
}

datapath::Status RegistrySink::OnDel(const std::string& container_id) {
  registry_.RemoveByContainerId(container_id);  // false on a repeated DEL: fine
  return datapath::OkStatus();
}

bool RegistrySink::Knows(const std::string& container_id) {
  return registry_.LookupByContainerId(container_id).has_value();
}

}  // namespace flows::flowd
