// The EndpointSink flowd uses: record the endpoint, attach the programs.
// Attaching is injected (the daemon passes its datapath's hooks) so this
// library does not depend on libbpf.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "flows/flowd/cni/cni_handler.h"
#include "flows/flowd/endpoints/endpoint_registry.h"

namespace flows::flowd {

class RegistrySink final : public EndpointSink {
 public:
  // Attaches flowd's programs to the interface; name and index together
  // guard against an interface that was replaced meanwhile.
  using AttachFn = std::function<Status(const std::string& ifname, std::uint32_t ifindex)>;

  // `gc_grace`: a container registered this recently survives a GC that
  // does not list it (the runtime's list may predate its ADD).
  RegistrySink(EndpointRegistry& registry, AttachFn attach,
               std::chrono::seconds gc_grace = std::chrono::seconds(60));

  // Records the endpoint first (identity is useful even unobserved), then
  // attaches; an attach failure is returned, and the plugin logs it.
  Status OnAdd(const Endpoint& ep) override;
  // Forgets what the CNI said. The programs go with the veth (the kernel
  // drops its hooks when the interface is deleted).
  Status OnDel(const std::string& container_id) override;
  bool Knows(const std::string& container_id) override;
  // Forgets the CNI's endpoints of containers not in `valid` (and not just
  // registered), like a DEL for each.
  std::uint32_t OnGc(const std::vector<std::string>& valid) override;

 private:
  void ForgetOldAdds(std::chrono::steady_clock::time_point now);

  EndpointRegistry& registry_;
  AttachFn attach_;
  std::chrono::seconds gc_grace_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> added_;  // container id -> ADD
};

}  // namespace flows::flowd
