#include "flows/flowd/cni/cni_plugin.h"

#include <net/if.h>
#include <sys/stat.h>

#include <cstdlib>
#include <optional>

#include "flows/flowd/cni/cni_client.h"
#include "flows/flowd/cni/cni_config.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Builds the outcome of one invocation; `version` is what errors report.
class Run {
 public:
  Run(const CniEnv& env, const CniPluginIo& io) : env_(env), io_(io) {}

  CniPluginOutcome Execute(std::string_view stdin_bytes);

 private:
  CniPluginOutcome& Fail(CniCode code, const std::string& msg, const std::string& details = "") {
    out_.stdout_text = CniErrorJson(version_, code, msg, details);
    out_.exit_code = 1;
    Log("error " + std::to_string(static_cast<int>(code)) + ": " + msg +
        (details.empty() ? "" : " (" + details + ")"));
    return out_;
  }
  void Log(const std::string& line) {
    out_.log.push_back("flows-cni " + env_.command + " " + Who() + ": " + line);
  }
  std::string Who() const {
    std::string who = "container=" + env_.container_id.substr(0, 12);
    if (!args_.pod_name.empty()) who += " pod=" + args_.pod_namespace + "/" + args_.pod_name;
    return who;
  }
  std::optional<CniCode> ValidateEnv();
  CniRequest Request(CniOp op) const;
  CniPluginOutcome& Add();
  CniPluginOutcome& Del();
  CniPluginOutcome& Check();

  const CniEnv& env_;
  const CniPluginIo& io_;
  CniPluginOutcome out_;
  std::string version_ = "1.0.0";
  CniConfig config_;
  CniArgs args_;
};

CniPluginOutcome Run::Execute(std::string_view stdin_bytes) {
  if (env_.command == "VERSION") {
    // Needs no config: a runtime may ask with an empty stdin.
    ordered_json versions = ordered_json::array();
    for (std::string_view v : kCniSupportedVersions) versions.push_back(v);
    out_.stdout_text = ordered_json{{"cniVersion", "1.0.0"}, {"supportedVersions", versions}}.dump() + "\n";
    return out_;
  }
  auto json = DecodeCniJson(stdin_bytes);
  if (!json) return Fail(CniCode::kDecodeFailure, json.error().message);
  if (auto s = CheckCniVersion(*json); !s)
    return Fail(CniCode::kIncompatibleVersion, "incompatible CNI versions", s.error().message);
  auto config = ParseCniConfig(*json);
  if (!config) return Fail(CniCode::kInvalidConfig, config.error().message);
  config_ = std::move(*config);
  version_ = config_.cni_version;
  out_.log_file = config_.log_file;

  if (env_.command != "ADD" && env_.command != "DEL" && env_.command != "CHECK")
    return Fail(CniCode::kInvalidEnvironment, "unknown CNI_COMMAND \"" + env_.command.substr(0, 32) + "\"",
                "want ADD, DEL, CHECK or VERSION");
  if (auto args = ParseCniArgs(env_.args); !args) {
    return Fail(CniCode::kInvalidEnvironment, args.error().message);
  } else {
    args_ = std::move(*args);
  }
  if (env_.container_id.empty() || !IsValidContainerId(env_.container_id))
    return Fail(CniCode::kInvalidEnvironment, "CNI_CONTAINERID missing or not a valid container id");
  if (!IsValidIfname(env_.ifname))
    return Fail(CniCode::kInvalidEnvironment, "CNI_IFNAME missing or not a valid interface name");
  if (env_.command != "DEL" && env_.netns.empty())  // DEL may come again after the netns is gone
    return Fail(CniCode::kInvalidEnvironment, "CNI_NETNS missing");

  if (env_.command == "ADD") return Add();
  if (env_.command == "DEL") return Del();
  return Check();
}

CniRequest Run::Request(CniOp op) const {
  CniRequest req;
  req.op = op;
  req.container_id = env_.container_id;
  req.netns = env_.netns;
  req.ifname = env_.ifname;
  req.pod_namespace = args_.pod_namespace;
  req.pod_name = args_.pod_name;
  req.pod_uid = args_.pod_uid;
  return req;
}

CniPluginOutcome& Run::Add() {
  if (!config_.prev_result)
    return Fail(CniCode::kInvalidConfig, "prevResult is required",
                "flows-cni is a chained plugin: list it after the network's own plugins in a conflist");
  auto plumbing = ParsePrevResult(*config_.prev_result, io_.is_bridge);
  if (!plumbing) return Fail(CniCode::kInvalidConfig, plumbing.error().message);

  CniRequest req = Request(CniOp::kAdd);
  req.host_ifname = plumbing->host_ifname;
  req.host_ifindex = req.host_ifname.empty() || !io_.ifindex ? 0 : io_.ifindex(req.host_ifname);
  req.ips = plumbing->ips;
  if (req.host_ifname.empty()) Log("prevResult names no host-side interface; registering addresses only");

  auto reply = io_.send(config_.socket, req, config_.timeout);
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); the pod starts, observed once flowd resyncs");
  } else if (!reply->ok) {
    Log("flowd refused the registration (" + reply->error + "); the pod starts anyway");
  } else {
    Log(std::string(reply->attached ? "observed on " + req.host_ifname : "registered (not attached)"));
  }
  // The chain's result passes through untouched: we add no interface or address.
  out_.stdout_text = config_.prev_result->dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  return out_;
}

CniPluginOutcome& Run::Del() {
  auto reply = io_.send(config_.socket, Request(CniOp::kDel), config_.timeout);
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); it forgets the pod when its interface goes");
  } else if (!reply->ok) {
    Log("flowd could not remove the endpoint (" + reply->error + ")");
  }
  return out_;  // DEL prints nothing on success
}

CniPluginOutcome& Run::Check() {
  if (!CniVersionHasCheck(version_))
    return Fail(CniCode::kIncompatibleVersion, "config version does not allow CHECK",
                "CHECK needs 0.4.0 or later");
  if (!config_.prev_result) return Fail(CniCode::kInvalidConfig, "prevResult is required for CHECK");
  if (auto plumbing = ParsePrevResult(*config_.prev_result, io_.is_bridge); !plumbing)
    return Fail(CniCode::kInvalidConfig, plumbing.error().message);
  auto reply = io_.send(config_.socket, Request(CniOp::kCheck), config_.timeout);
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); not failing the check");
  } else if (!reply->ok) {
    Log("flowd could not answer the check (" + reply->error + "); not failing it");
  } else if (!reply->known) {
    return Fail(CniCode::kEndpointUnknown, "flowd has no endpoint for this container");
  }
  return out_;
}

}  // namespace

CniEnv CniEnvFromProcess() {
  return CniEnv{Env("CNI_COMMAND"), Env("CNI_CONTAINERID"), Env("CNI_NETNS"),
                Env("CNI_IFNAME"),  Env("CNI_ARGS"),        Env("CNI_PATH")};
}

CniPluginIo SystemCniPluginIo() {
  CniPluginIo io;
  io.send = SendCniRequest;
  io.is_bridge = [](const std::string& ifname) {
    // Only called with names that passed IsValidIfname: no '/' or "..".
    struct stat st {};
    const std::string path = "/sys/class/net/" + ifname + "/bridge";
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  };
  io.ifindex = [](const std::string& ifname) -> std::uint32_t { return ::if_nametoindex(ifname.c_str()); };
  return io;
}

CniPluginOutcome RunCniPlugin(const CniEnv& env, std::string_view stdin_bytes, const CniPluginIo& io) {
  return Run(env, io).Execute(stdin_bytes);
}

}  // namespace flows::flowd
