// What flows-cni reads from its runtime: the network configuration on stdin
// and CNI_ARGS from the environment (CNI spec 1.0.0; 0.3.x and 0.4.0 configs
// are accepted too: their prevResult has the same shape).
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
  kEndpointUnknown = 100,  // CHECK: flowd is up but has no endpoint for the container
};

inline constexpr std::array<std::string_view, 4> kCniSupportedVersions = {"0.3.0", "0.3.1", "0.4.0", "1.0.0"};
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
// Stage 2 (code 1): "cniVersion" is one we speak.
Status CheckCniVersion(const nlohmann::ordered_json& config);
// Stage 3 (code 7): our fields, typed and in range; the rest is ignored.
Result<CniConfig> ParseCniConfig(const nlohmann::ordered_json& config);
// CHECK exists from 0.4.0 on.
bool CniVersionHasCheck(std::string_view version);

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
