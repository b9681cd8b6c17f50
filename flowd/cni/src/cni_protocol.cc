#include "flows/flowd/cni/cni_protocol.h"

#include <nlohmann/json.hpp>

#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"

namespace flows::flowd {
namespace {

using nlohmann::json;
using Reader = BasicJsonFields<json>;

constexpr std::size_t kMaxPath = 4096;  // PATH_MAX
constexpr std::size_t kMaxError = 4096;

// Written in field order ("ok" or "op" first) so a human reading a capture sees the gist first.
std::string Line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// The JSON object on `line`, without its line ending.
Result<json> ParseLine(std::string_view line, const char* what) {
  if (line.size() > kMaxCniLine)
    return Error::Invalid(std::string(what) + " longer than " + std::to_string(kMaxCniLine) + " bytes");
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::Invalid(std::string(what) + " is not valid JSON");
  if (!j.is_object()) return Error::Invalid(std::string(what) + " is not a JSON object");
  return j;
}

bool Bool(const json& j, const char* key, bool& out, std::string& problem) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    problem = std::string(key) + ": not a boolean";
    return false;
  }
  out = it->get<bool>();
  return true;
}

}  // namespace

std::string_view CniOpName(CniOp op) {
  switch (op) {
    case CniOp::kAdd:
      return "add";
    case CniOp::kDel:
      return "del";
    case CniOp::kCheck:
      return "check";
    case CniOp::kGc:
      return "gc";
    case CniOp::kStatus:
      return "status";
  }
  return "?";
}

bool IsValidIfname(std::string_view name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

bool IsValidContainerId(std::string_view id) {
  if (id.empty() || id.size() > 1024) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id[0])) return false;
  for (char c : id) {
    if (!alnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

std::string SerializeCniRequest(const CniRequest& req) {
  if (req.op == CniOp::kGc || req.op == CniOp::kStatus) {
    nlohmann::ordered_json j = {{"v", kCniProtocolVersion}, {"op", CniOpName(req.op)}};
    if (req.op == CniOp::kGc) j["valid"] = req.valid_container_ids;
    return Line(j);
  }
  return Line(nlohmann::ordered_json{{"v", kCniProtocolVersion},
                                     {"op", CniOpName(req.op)},
                                     {"container_id", req.container_id},
                                     {"netns", req.netns},
                                     {"ifname", req.ifname},
                                     {"namespace", req.pod_namespace},
                                     {"pod_name", req.pod_name},
                                     {"pod_uid", req.pod_uid},
                                     {"host_ifname", req.host_ifname},
                                     {"host_ifindex", req.host_ifindex},
                                     {"ips", req.ips}});
}

std::string SerializeCniReply(const CniReply& reply) {
  nlohmann::ordered_json j = {{"ok", reply.ok}};
  if (reply.ok) {
    j["attached"] = reply.attached;
    j["known"] = reply.known;
    if (reply.removed) j["removed"] = reply.removed;
  } else {
    j["error"] = reply.error;
  }
  return Line(j);
}

Result<CniRequest> ParseCniRequest(std::string_view line) {
  auto parsed = ParseLine(line, "request");
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  Reader r(j, "");
  std::int64_t version = kCniProtocolVersion;
  r.Integer("v", version, 0, INT32_MAX);
  std::string op;
  r.String("op", op, 16);
  CniRequest req;
  r.String("container_id", req.container_id, 1024);
  r.String("netns", req.netns, kMaxPath);
  r.String("ifname", req.ifname, 64);
  r.String("namespace", req.pod_namespace, kMaxCniName);
  r.String("pod_name", req.pod_name, kMaxCniName);
  r.String("pod_uid", req.pod_uid, kMaxCniUid);
  r.String("host_ifname", req.host_ifname, 64);
  std::int64_t ifindex = 0;
  r.Integer("host_ifindex", ifindex, 0, UINT32_MAX);
  std::vector<std::string> ips;
  r.StringList("ips", ips, kMaxCniIps, 64);
  r.StringList("valid", req.valid_container_ids, kMaxCniGcIds, 1024);
  if (r.failed()) return r.error();

  if (version != kCniProtocolVersion)
    return Error::Invalid("unsupported protocol version " + std::to_string(version) + " (this flowd speaks " +
                          std::to_string(kCniProtocolVersion) + ")");
  if (op == "add") {
    req.op = CniOp::kAdd;
  } else if (op == "del") {
    req.op = CniOp::kDel;
  } else if (op == "check") {
    req.op = CniOp::kCheck;
  } else if (op == "gc") {
    req.op = CniOp::kGc;
  } else if (op == "status") {
    req.op = CniOp::kStatus;
  } else {
    return Error::Invalid(op.empty() ? "op: missing"
                                     : "op: unknown operation (want add, del, check, gc or status)");
  }
  const bool per_container = req.op != CniOp::kGc && req.op != CniOp::kStatus;
  if (per_container && !IsValidContainerId(req.container_id))
    return Error::Invalid("container_id: missing or not a valid container id");
  if (!req.container_id.empty() && !IsValidContainerId(req.container_id))
    return Error::Invalid("container_id: not a valid container id");
  for (const std::string& id : req.valid_container_ids) {
    if (!IsValidContainerId(id)) return Error::Invalid("valid: not a valid container id");
  }
  if (!per_container) {  // gc and status are about no container: their fields mean nothing
    CniRequest only;
    only.op = req.op;
    only.valid_container_ids = std::move(req.valid_container_ids);
    return only;
  }
  if (!req.ifname.empty() && !IsValidIfname(req.ifname))
    return Error::Invalid("ifname: not a valid interface name");
  if (!req.host_ifname.empty() && !IsValidIfname(req.host_ifname))
    return Error::Invalid("host_ifname: not a valid interface name");
  req.host_ifindex = static_cast<std::uint32_t>(ifindex);
  for (const std::string& ip : ips) {
    auto canonical = CanonicalIp(ip);
    if (!canonical) return Error::Invalid("ips: not an IP address: " + ip);
    req.ips.push_back(std::move(*canonical));
  }
  return req;
}

Result<CniReply> ParseCniReply(std::string_view line) {
  auto parsed = ParseLine(line, "reply");
  if (!parsed) return parsed.error();
  const json& j = *parsed;
  CniReply reply;
  std::string problem;
  if (!Bool(j, "ok", reply.ok, problem))
    return Error::Invalid("reply: " + (problem.empty() ? "ok: missing" : problem));
  Bool(j, "attached", reply.attached, problem);
  Bool(j, "known", reply.known, problem);
  if (!problem.empty()) return Error::Invalid("reply: " + problem);
  Reader r(j, "reply");
  r.String("error", reply.error, kMaxError);
  std::int64_t removed = 0;
  r.Integer("removed", removed, 0, UINT32_MAX);
  reply.removed = static_cast<std::uint32_t>(removed);
  if (r.failed()) return r.error();
  if (!reply.ok && reply.error.empty()) reply.error = "flowd gave no reason";
  return reply;
}

}  // namespace flows::flowd
