// What flows-cni reads from its runtime: the network configuration on stdin
// and CNI_ARGS from the environment (CNI spec 1.1.0; 0.3.x, 0.4.0 and 1.0.0
// configs are accepted too: their prevResult has the same shape).
//
// Each function is one stage of the plugin; the plugin maps a stage's
// failure to the spec's error code (see CniCode).
#pragma once

#include <array>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"

namespace flows::flowd {

// The CNI spec's well-known error codes (and ours from 100 up).
enum class CniCode : int {
  kIncompatibleVersion = 1,
  kUnsupportedField = 2,
  kUnknownContainer = 3,
  kInvalidEnvironment = 4,
  kIoFailure = 5,
  kDecodeFailure = 6,
  kInvalidConfig = 7,
  kTryAgainLater = 11,
};

// Oldest first; the last is what VERSION reports as its own.
inline constexpr std::array<std::string_view, 5> kCniSupportedVersions = {"0.3.0", "0.3.1", "0.4.0", "1.0.0",
                                                                          "1.1.0"};
inline constexpr std::string_view kCniDefaultSocket = "/run/flows/cni.sock";
inline constexpr std::size_t kMaxCniConfigBytes = 1 << 20;

struct CniConfig {
  std::string cni_version;
  std::string name;  // the network's name
  std::string type;
  std::string socket = std::string(kCniDefaultSocket);  // "socket"
  std::chrono::milliseconds timeout{2000};              // "timeoutMs": the whole exchange with flowd
  std::string log_file;                                 // "logFile": optional, appended to
  // "prevResult" exactly as given (key order kept), or nullopt.
  std::optional<nlohmann::ordered_json> prev_result;
};

// Stage 1 (code 6): the stdin bytes as a JSON object.
Result<nlohmann::ordered_json> DecodeCniJson(std::string_view bytes);
// Stage 2: the config's version: "cniVersion", or (a 1.1.0 conflist handed
// over as is) the highest of "cniVersions" that we speak. An error only if
// neither field is there; a version we do not know is returned as it is
// (the plugin then passes the prevResult through: see IsKnownCniVersion).
Result<std::string> CniVersionOf(const nlohmann::ordered_json& config);
bool IsKnownCniVersion(std::string_view version);
// Stage 3 (code 7): our fields, typed and in range; the rest is ignored.
Result<CniConfig> ParseCniConfig(const nlohmann::ordered_json& config);
// CHECK exists from 0.4.0 on.
bool CniVersionHasCheck(std::string_view version);

// GC's "cni.dev/valid-attachments" (libcni also writes it as
// "cni.dev/attachments"): the container ids of the attachments the runtime
// still has, de-duplicated. An error if the list is absent or malformed: GC
// then removes nothing, since a missing list is not "no pod is valid".
Result<std::vector<std::string>> ParseValidAttachments(const nlohmann::ordered_json& config);

// CNI_ARGS: "K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1;K8S_POD_UID=...;IgnoreUnknown=1",
// keys in any order. A key we do not know is an error unless IgnoreUnknown
// is 1/true (anywhere in the list); a pair without '=' always is.
struct CniArgs {
  std::string pod_namespace;
  std::string pod_name;
  std::string pod_uid;
  std::string infra_container_id;
};
Result<CniArgs> ParseCniArgs(std::string_view args);  // code 4

// The error object the spec wants on stdout:
// {"cniVersion": ..., "code": N, "msg": ..., "details": ...} (details omitted when empty).
std::string CniErrorJson(std::string_view cni_version, CniCode code, std::string_view msg,
                         std::string_view details);

}  // namespace flows::flowd
