// flowd's registration protocol, spoken by flows-cni over flowd's unix
// socket (see flowd/cni/PROTOCOL.md): one JSON object per line each way.
// Both ends parse with these functions; the lines are untrusted bytes, so
// parsing is total (an Error, never an exception or a crash) and bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"

namespace flows::flowd {

inline constexpr int kCniProtocolVersion = 1;
// Longest line either side accepts, newline included: room for a GC's list
// of every container id a node can have.
inline constexpr std::size_t kMaxCniLine = 1024 * 1024;
inline constexpr std::size_t kMaxCniGcIds = 8192;
inline constexpr std::size_t kMaxCniIps = 64;
// Field bounds; flows-cni checks CNI_ARGS against the same ones, so every
// registration it sends is one flowd accepts.
inline constexpr std::size_t kMaxCniName = 253;  // DNS subdomain: Kubernetes namespaces and names
inline constexpr std::size_t kMaxCniUid = 128;   // UIDs are 36 bytes; room to spare, still bounded

enum class CniOp : std::uint8_t { kAdd, kDel, kCheck, kGc, kStatus };
std::string_view CniOpName(CniOp op);  // "add", "del", "check", "gc", "status"

struct CniRequest {
  CniOp op = CniOp::kAdd;
  std::string container_id;  // required for add, del and check
  std::string netns;         // empty on a repeated DEL
  std::string ifname;        // inside the pod, e.g. "eth0"
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string host_ifname;  // host side of the pod's veth; empty if none was found
  std::uint32_t host_ifindex = 0;
  std::vector<std::string> ips;  // plain canonical addresses, no prefix length
  // gc: the containers the runtime still has; flowd forgets the CNI's
  // endpoints of every other container.
  std::vector<std::string> valid_container_ids;
};

struct CniReply {
  bool ok = false;
  bool attached = false;      // add: flowd's programs are on host_ifname
  bool known = false;         // check: flowd has this container's endpoint
  std::string error;          // why, when !ok
  std::uint32_t removed = 0;  // gc: endpoints forgotten
};

// One line, '\n'-terminated. Bytes that are not UTF-8 (CNI_ARGS come from
// the environment) are replaced, never thrown on.
std::string SerializeCniRequest(const CniRequest& req);
std::string SerializeCniReply(const CniReply& reply);

// `line` may end in "\n" (or "\r\n"). Unknown fields are ignored so either
// side can add some; a "v" other than 1 is refused.
Result<CniRequest> ParseCniRequest(std::string_view line);
Result<CniReply> ParseCniReply(std::string_view line);

// Linux interface name rules: 1-15 bytes, not "." or "..", no '/', ':' or whitespace.
bool IsValidIfname(std::string_view name);
// The CNI spec's container id: [a-zA-Z0-9][a-zA-Z0-9_.-]*, here at most 1024 bytes.
bool IsValidContainerId(std::string_view id);

}  // namespace flows::flowd
