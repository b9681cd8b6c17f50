// libFuzzer target for flowd's registration protocol (flowd/cni/PROTOCOL.md):
// the request and reply line parsers. Besides crashes and sanitizer reports
// it traps when an accepted request breaks a promise the server relies on:
// a valid container id and interface names, canonical addresses, bounded
// sizes, and a serialization that parses back to the same request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flows/flowd/cni/cni_protocol.h"

namespace {

using flows::flowd::CniRequest;

void CheckRequest(const CniRequest& r) {
  using flows::flowd::CniOp;
  if (r.valid_container_ids.size() > flows::flowd::kMaxCniGcIds) __builtin_trap();
  for (const std::string& id : r.valid_container_ids) {
    if (!flows::flowd::IsValidContainerId(id)) __builtin_trap();
  }
  if (r.op == CniOp::kGc || r.op == CniOp::kStatus) {  // about no container
    if (!r.container_id.empty() || !r.host_ifname.empty() || !r.ips.empty()) __builtin_trap();
    return;
  }
  if (!r.valid_container_ids.empty()) __builtin_trap();  // only gc carries a list
  if (!flows::flowd::IsValidContainerId(r.container_id)) __builtin_trap();
  if (!r.host_ifname.empty() && !flows::flowd::IsValidIfname(r.host_ifname)) __builtin_trap();
  if (r.ips.size() > flows::flowd::kMaxCniIps) __builtin_trap();
  for (const std::string& ip : r.ips) {
    if (ip.empty() || ip.size() > 45 || ip.find('/') != std::string::npos) __builtin_trap();
  }
}

bool Same(const CniRequest& a, const CniRequest& b) {
  return a.op == b.op && a.container_id == b.container_id && a.netns == b.netns && a.ifname == b.ifname &&
         a.pod_namespace == b.pod_namespace && a.pod_name == b.pod_name && a.pod_uid == b.pod_uid &&
         a.host_ifname == b.host_ifname && a.host_ifindex == b.host_ifindex && a.ips == b.ips &&
         a.valid_container_ids == b.valid_container_ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto req = flows::flowd::ParseCniRequest(line);
  if (req.ok()) {
    CheckRequest(*req);
    // What flows-cni would send for it must parse back to the same request.
    const std::string again = flows::flowd::SerializeCniRequest(*req);
    if (again.empty() || again.back() != '\n' || again.find('\n') != again.size() - 1) __builtin_trap();
    auto round = flows::flowd::ParseCniRequest(again);
    if (!round.ok() || !Same(*round, *req)) __builtin_trap();
  } else if (req.error().message.empty()) {
    __builtin_trap();
  }
  auto reply = flows::flowd::ParseCniReply(line);
  if (reply.ok() && !reply->ok && reply->error.empty()) __builtin_trap();  // a refusal always says why
  return 0;
}
