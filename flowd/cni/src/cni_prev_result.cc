#include "flows/flowd/cni/cni_prev_result.h"

#include <algorithm>

#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"
#include "flows/flowd/cni/cni_protocol.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;
using Reader = BasicJsonFields<ordered_json>;

constexpr std::size_t kMaxInterfaces = 256;
constexpr std::size_t kMaxIps = 256;

struct Interface {
  std::string name;
  std::string sandbox;
};

}  // namespace

Result<PodPlumbing> ParsePrevResult(const ordered_json& prev, const LinkKindFn& link_kind) {
  if (!prev.is_object()) return Error::Invalid("prevResult is not a JSON object");

  std::vector<Interface> interfaces;
  if (auto it = prev.find("interfaces"); it != prev.end() && !it->is_null()) {
    if (!it->is_array()) return Error::Invalid("prevResult.interfaces is not a list");
    if (it->size() > kMaxInterfaces) return Error::Invalid("prevResult.interfaces has too many entries");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const ordered_json& e = (*it)[i];
      const std::string where = "prevResult.interfaces[" + std::to_string(i) + "]";
      if (!e.is_object()) return Error::Invalid(where + " is not a JSON object");
      Interface iface;
      Reader r(e, where);
      r.String("name", iface.name, 256);
      r.String("sandbox", iface.sandbox, 4096);
      if (r.failed()) return r.error();
      interfaces.push_back(std::move(iface));
    }
  }

  PodPlumbing out;
  // Host-side candidates in listed order: the last veth, else the last link
  // the kernel knows that is not a bridge.
  std::string veth, other;
  for (const Interface& iface : interfaces) {
    if (!iface.sandbox.empty() || !IsValidIfname(iface.name)) continue;
    const std::string kind = link_kind ? link_kind(iface.name) : "veth";
    if (kind == "veth") {
      veth = iface.name;
    } else if (!kind.empty() && kind != "bridge") {
      other = iface.name;
    }
  }
  out.host_ifname = veth.empty() ? other : veth;

  if (auto it = prev.find("ips"); it != prev.end() && !it->is_null()) {
    if (!it->is_array()) return Error::Invalid("prevResult.ips is not a list");
    if (it->size() > kMaxIps) return Error::Invalid("prevResult.ips has too many entries");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const ordered_json& e = (*it)[i];
      const std::string where = "prevResult.ips[" + std::to_string(i) + "]";
      if (!e.is_object()) return Error::Invalid(where + " is not a JSON object");
      std::string address;
      std::int64_t index = -1;
      Reader r(e, where);
      r.String("address", address, 64);
      const bool has_index = r.Integer("interface", index, 0, INT32_MAX);
      if (r.failed()) return r.error();
      auto ip = AddressOfCidr(address);
      if (!ip) return Error::Invalid(where + ".address: not an address in CIDR form: \"" + address + "\"");
      // An index past the list is the previous plugin's bug, not a reason
      // to fail the pod: treat it like a missing one.
      if (has_index && static_cast<std::size_t>(index) < interfaces.size() &&
          interfaces[static_cast<std::size_t>(index)].sandbox.empty())
        continue;  // an address on a host interface (a gateway), not the pod's
      if (IsLoopback(*ip)) continue;
      if (std::find(out.ips.begin(), out.ips.end(), *ip) == out.ips.end()) out.ips.push_back(std::move(*ip));
    }
  }
  return out;
}

}  // namespace flows::flowd
