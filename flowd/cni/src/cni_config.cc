#include "flows/flowd/cni/cni_config.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "flows/common/json_reader.h"
#include "flows/flowd/cni/cni_protocol.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;
using Reader = BasicJsonFields<ordered_json>;

constexpr std::size_t kMaxSunPath = 107;  // sockaddr_un.sun_path holds 108 bytes with the NUL

std::string SupportedList() {
  std::string out;
  for (std::string_view v : kCniSupportedVersions) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// A CNI_ARGS value into `out`, if it is within the bound flowd enforces too.
// Kubernetes names and uids are printable ASCII; anything else is not a
// pod's, and (replaced as not UTF-8 on the way to flowd) would outgrow the bound.
Status Take(std::string_view key, std::string_view value, std::size_t max, std::string& out) {
  if (value.size() > max)
    return Error::Invalid("CNI_ARGS: " + std::string(key) + " longer than " + std::to_string(max) + " bytes");
  for (unsigned char c : value) {
    if (c <= ' ' || c >= 0x7f)
      return Error::Invalid("CNI_ARGS: " + std::string(key) + " is not printable ASCII");
  }
  out = value;
  return OkStatus();
}

}  // namespace

Result<ordered_json> DecodeCniJson(std::string_view bytes) {
  if (bytes.size() > kMaxCniConfigBytes)
    return Error::Invalid("network config larger than " + std::to_string(kMaxCniConfigBytes) + " bytes");
  ordered_json j = ordered_json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::Invalid("network config on stdin is not valid JSON");
  if (!j.is_object()) return Error::Invalid("network config on stdin is not a JSON object");
  return j;
}

bool IsKnownCniVersion(std::string_view version) {
  return std::find(kCniSupportedVersions.begin(), kCniSupportedVersions.end(), version) !=
         kCniSupportedVersions.end();
}

Result<std::string> CniVersionOf(const ordered_json& config) {
  if (auto it = config.find("cniVersion"); it != config.end() && it->is_string())
    return it->get<std::string>().substr(0, 32);
  // The list's versions, oldest to newest in our table: the newest one we speak.
  if (auto it = config.find("cniVersions"); it != config.end() && it->is_array()) {
    for (auto v = kCniSupportedVersions.rbegin(); v != kCniSupportedVersions.rend(); ++v) {
      for (const auto& e : *it) {
        if (e.is_string() && e.get_ref<const std::string&>() == *v) return std::string(*v);
      }
    }
    return Error::Invalid("cniVersions lists none of " + SupportedList());
  }
  return Error::Invalid("cniVersion is missing or not a string");
}

bool CniVersionHasCheck(std::string_view version) {
  return version == "0.4.0" || version == "1.0.0" || version == "1.1.0";
}

Result<std::vector<std::string>> ParseValidAttachments(const ordered_json& config) {
  auto it = config.find("cni.dev/valid-attachments");
  if (it == config.end()) it = config.find("cni.dev/attachments");
  if (it == config.end() || it->is_null()) return Error::Invalid("cni.dev/valid-attachments is missing");
  if (!it->is_array()) return Error::Invalid("cni.dev/valid-attachments is not a list");
  if (it->size() > kMaxCniGcIds)
    return Error::Invalid("cni.dev/valid-attachments has more than " + std::to_string(kMaxCniGcIds) +
                          " entries");
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const ordered_json& e = (*it)[i];
    const std::string where = "cni.dev/valid-attachments[" + std::to_string(i) + "]";
    if (!e.is_object()) return Error::Invalid(where + " is not a JSON object");
    std::string id;
    Reader r(e, where);
    r.String("containerID", id, 1024);
    if (r.failed()) return r.error();
    if (!IsValidContainerId(id)) return Error::Invalid(where + ".containerID: missing or not a container id");
    if (seen.insert(id).second) ids.push_back(std::move(id));
  }
  return ids;
}

Result<CniConfig> ParseCniConfig(const ordered_json& config) {
  CniConfig c;
  Reader r(config, "");
  r.String("cniVersion", c.cni_version, 32);
  r.String("name", c.name, 1024);
  r.String("type", c.type, 1024);
  r.String("socket", c.socket, 4096);
  std::int64_t timeout_ms = c.timeout.count();
  r.Integer("timeoutMs", timeout_ms, 1, 60000);
  r.String("logFile", c.log_file, 4096);
  if (r.failed()) return r.error();
  if (c.name.empty()) return Error::Invalid("missing network name");
  if (c.socket.empty() || c.socket[0] != '/') return Error::Invalid("socket: not an absolute path");
  if (c.socket.size() > kMaxSunPath)
    return Error::Invalid("socket: longer than a unix socket path can be (" + std::to_string(kMaxSunPath) +
                          ")");
  if (!c.log_file.empty() && c.log_file[0] != '/') return Error::Invalid("logFile: not an absolute path");
  c.timeout = std::chrono::milliseconds(timeout_ms);
  if (auto it = config.find("prevResult"); it != config.end() && !it->is_null()) c.prev_result = *it;
  return c;
}

Result<CniArgs> ParseCniArgs(std::string_view args) {
  CniArgs out;
  bool ignore_unknown = false;
  std::string unknown;
  while (!args.empty()) {
    const auto semi = args.find(';');
    const std::string_view pair = args.substr(0, semi);
    args = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
    if (pair.empty()) continue;  // "a=b;" – a trailing separator is harmless
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return Error::Invalid("CNI_ARGS: invalid pair \"" + std::string(pair.substr(0, 64)) +
                            "\" (want KEY=VALUE)");
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = pair.substr(eq + 1);
    Status taken = OkStatus();
    if (key == "K8S_POD_NAMESPACE") {
      taken = Take(key, value, kMaxCniName, out.pod_namespace);
    } else if (key == "K8S_POD_NAME") {
      taken = Take(key, value, kMaxCniName, out.pod_name);
    } else if (key == "K8S_POD_UID") {
      taken = Take(key, value, kMaxCniUid, out.pod_uid);
    } else if (key == "K8S_POD_INFRA_CONTAINER_ID") {
      taken = Take(key, value, 1024, out.infra_container_id);
    } else if (key == "IgnoreUnknown") {
      std::string v(value);
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (v == "1" || v == "true") {
        ignore_unknown = true;
      } else if (v == "0" || v == "false") {
        ignore_unknown = false;
      } else {
        return Error::Invalid("CNI_ARGS: IgnoreUnknown must be 1, 0, true or false");
      }
    } else {
      if (!unknown.empty()) unknown += ", ";
      unknown += key.substr(0, 64);
    }
    if (!taken) return taken.error();
  }
  if (!unknown.empty() && !ignore_unknown)
    return Error::Invalid("CNI_ARGS: unknown keys " + unknown + " (add IgnoreUnknown=1 to allow them)");
  return out;
}

std::string CniErrorJson(std::string_view cni_version, CniCode code, std::string_view msg,
                         std::string_view details) {
  ordered_json j = {{"cniVersion", cni_version}, {"code", static_cast<int>(code)}, {"msg", msg}};
  if (!details.empty()) j["details"] = details;
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace flows::flowd
