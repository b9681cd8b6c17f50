#include "flows/flowd/cni/cni_plugin.h"

#include <net/if.h>

#include <cstdlib>
#include <optional>

#include "flows/flowd/cni/cni_client.h"
#include "flows/flowd/cni/cni_config.h"
#include "flows/flowd/cni/cni_link_kind.h"

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
    if (env_.command == "GC" || env_.command == "STATUS") return "network=" + config_.name;
    std::string who = "container=" + env_.container_id.substr(0, 12);
    if (!args_.pod_name.empty()) who += " pod=" + args_.pod_namespace + "/" + args_.pod_name;
    return who;
  }
  // ADD's way out when flows-cni cannot make sense of its input: the
  // chain's result goes on unchanged, and the pod starts.
  CniPluginOutcome& PassThrough(const nlohmann::ordered_json& prev, const std::string& why) {
    Log(why + "; passing the result through without registering the pod");
    out_.stdout_text = prev.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
    return out_;
  }
  std::optional<CniCode> ValidateEnv();
  CniRequest Request(CniOp op) const;
  Result<CniReply> Send(const CniRequest& req) { return io_.send(config_.socket, req, config_.timeout); }
  CniPluginOutcome& Add(const nlohmann::ordered_json& json);
  CniPluginOutcome& Del(const std::string& trouble);
  CniPluginOutcome& Check();
  CniPluginOutcome& Gc(const nlohmann::ordered_json& json);
  CniPluginOutcome& Status();

  const CniEnv& env_;
  const CniPluginIo& io_;
  CniPluginOutcome out_;
  std::string version_ = std::string(kCniSupportedVersions.back());
  CniConfig config_;
  CniArgs args_;
};

CniPluginOutcome Run::Execute(std::string_view stdin_bytes) {
  const std::string& cmd = env_.command;
  if (cmd == "VERSION") {
    // Needs no config: a runtime may ask with an empty stdin.
    ordered_json versions = ordered_json::array();
    for (std::string_view v : kCniSupportedVersions) versions.push_back(v);
    out_.stdout_text = ordered_json{{"cniVersion", version_}, {"supportedVersions", versions}}.dump() + "\n";
    return out_;
  }
  if (cmd != "ADD" && cmd != "DEL" && cmd != "CHECK" && cmd != "GC" && cmd != "STATUS")
    return Fail(CniCode::kInvalidEnvironment, "unknown CNI_COMMAND \"" + cmd.substr(0, 32) + "\"",
                "want ADD, DEL, CHECK, GC, STATUS or VERSION");
  const bool del = cmd == "DEL";
  // DEL must succeed whenever it names a container, or the runtime's
  // clean-up stops here and the sandbox is never released.
  if (del && !IsValidContainerId(env_.container_id))
    return Fail(CniCode::kInvalidEnvironment, "CNI_CONTAINERID missing or not a valid container id");

  auto json = DecodeCniJson(stdin_bytes);
  if (!json) {
    if (del) return Del(json.error().message);
    if (cmd == "STATUS") return Status();
    return Fail(CniCode::kDecodeFailure, json.error().message);
  }
  auto version = CniVersionOf(*json);
  const bool known_version = version && IsKnownCniVersion(*version);
  if (version && !version->empty()) version_ = *version;
  auto config = ParseCniConfig(*json);
  if (config) {
    config_ = std::move(*config);
    out_.log_file = config_.log_file;
  } else if (auto it = json->find("logFile");
             it != json->end() && it->is_string() && it->get_ref<const std::string&>().starts_with('/')) {
    out_.log_file = it->get<std::string>();  // the rest is broken: still log where asked
  }
  if (cmd == "STATUS") return Status();  // nothing of the config matters: always ready
  if (del) {
    // Whatever can be read of the rest helps flowd; none of it is required.
    if (auto args = ParseCniArgs(env_.args)) args_ = std::move(*args);
    if (!config) return Del("network config: " + config.error().message);
    return Del(known_version ? "" : "cniVersion \"" + version_ + "\" is not one flows-cni knows");
  }
  if (cmd == "GC") {
    if (!config) {
      Log("network config: " + config.error().message + "; not collecting");
      return out_;
    }
    return Gc(*json);
  }

  // ADD and CHECK.
  if (auto args = ParseCniArgs(env_.args); !args) {
    return Fail(CniCode::kInvalidEnvironment, args.error().message);
  } else {
    args_ = std::move(*args);
  }
  if (!IsValidContainerId(env_.container_id))
    return Fail(CniCode::kInvalidEnvironment, "CNI_CONTAINERID missing or not a valid container id");
  if (!IsValidIfname(env_.ifname))
    return Fail(CniCode::kInvalidEnvironment, "CNI_IFNAME missing or not a valid interface name");
  if (env_.netns.empty()) return Fail(CniCode::kInvalidEnvironment, "CNI_NETNS missing");

  if (cmd == "CHECK") {
    if (!known_version) {
      Log("cniVersion \"" + version_ + "\" is not one flows-cni knows; not checking");
      return out_;
    }
    if (!config) return Fail(CniCode::kInvalidConfig, config.error().message);
    return Check();
  }
  auto prev = json->find("prevResult");
  if (prev == json->end() || prev->is_null())
    return Fail(CniCode::kInvalidConfig, "prevResult is required",
                "flows-cni is a chained plugin: list it after the network's own plugins in a conflist");
  if (!known_version)
    return PassThrough(*prev, version ? "cniVersion \"" + version_ + "\" is not one flows-cni knows"
                                      : version.error().message);
  if (!config) return PassThrough(*prev, "network config: " + config.error().message);
  return Add(*prev);
}

CniRequest Run::Request(CniOp op) const {
  CniRequest req;
  req.op = op;
  req.container_id = env_.container_id;
  req.netns = env_.netns;
  req.ifname = IsValidIfname(env_.ifname) ? env_.ifname : "";
  req.pod_namespace = args_.pod_namespace;
  req.pod_name = args_.pod_name;
  req.pod_uid = args_.pod_uid;
  return req;
}

CniPluginOutcome& Run::Add(const ordered_json& prev) {
  auto plumbing = ParsePrevResult(prev, io_.link_kind);
  if (!plumbing) return PassThrough(prev, "prevResult: " + plumbing.error().message);

  CniRequest req = Request(CniOp::kAdd);
  req.host_ifname = plumbing->host_ifname;
  req.host_ifindex = req.host_ifname.empty() || !io_.ifindex ? 0 : io_.ifindex(req.host_ifname);
  req.ips = plumbing->ips;
  if (req.host_ifname.empty()) Log("prevResult names no host-side interface; registering addresses only");

  auto reply = Send(req);
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); the pod starts, observed once flowd resyncs");
  } else if (!reply->ok) {
    Log("flowd refused the registration (" + reply->error + "); the pod starts anyway");
  } else {
    Log(std::string(reply->attached ? "observed on " + req.host_ifname : "registered (not attached)"));
  }
  // The chain's result passes through untouched: we add no interface or address.
  out_.stdout_text = prev.dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  return out_;
}

CniPluginOutcome& Run::Del(const std::string& trouble) {
  if (!trouble.empty()) Log(trouble + "; telling flowd anyway");
  auto reply = Send(Request(CniOp::kDel));
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
  auto plumbing = ParsePrevResult(*config_.prev_result, io_.link_kind);
  if (!plumbing) {
    Log("prevResult: " + plumbing.error().message + "; not checking");
    return out_;
  }
  auto reply = Send(Request(CniOp::kCheck));
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); not failing the check");
  } else if (!reply->ok) {
    Log("flowd could not answer the check (" + reply->error + "); not failing it");
  } else if (!reply->known) {
    // flowd lost the pod (a restart without its state, a missed ADD): the
    // pod is fine, so tell flowd again instead of failing the check.
    CniRequest req = Request(CniOp::kAdd);
    req.host_ifname = plumbing->host_ifname;
    req.host_ifindex = req.host_ifname.empty() || !io_.ifindex ? 0 : io_.ifindex(req.host_ifname);
    req.ips = plumbing->ips;
    auto again = Send(req);
    Log(std::string("flowd did not know the pod; ") +
        (again && again->ok ? "registered it again" : "registering it again failed") +
        "; not failing the check");
  }
  return out_;
}

CniPluginOutcome& Run::Gc(const ordered_json& json) {
  auto valid = ParseValidAttachments(json);
  if (!valid) {
    Log(valid.error().message + "; not collecting");
    return out_;
  }
  CniRequest req;
  req.op = CniOp::kGc;
  req.valid_container_ids = std::move(*valid);
  if (SerializeCniRequest(req).size() > kMaxCniLine) {
    Log("cni.dev/valid-attachments does not fit in one request to flowd; not collecting");
    return out_;
  }
  auto reply = Send(req);
  if (!reply) {
    Log("flowd not reachable (" + reply.error().message + "); its own interface checks forget gone pods");
  } else if (!reply->ok) {
    Log("flowd could not collect (" + reply->error + ")");
  } else if (reply->removed > 0) {
    Log("flowd forgot " + std::to_string(reply->removed) +
        " endpoint(s) of containers the runtime no longer has");
  }
  return out_;  // GC prints nothing on success
}

CniPluginOutcome& Run::Status() {
  // flows-cni is always ready to ADD: it only observes. A flowd that is down
  // is worth a log line, never a network the runtime thinks is unusable.
  CniRequest req;
  req.op = CniOp::kStatus;
  if (auto reply = Send(req); !reply) {
    Log("flowd not reachable (" + reply.error().message + "); pods start unobserved until it is back");
  } else if (!reply->ok) {
    Log("flowd: " + reply->error);
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
  io.link_kind = LinkKindInThisNetns;
  io.ifindex = [](const std::string& ifname) -> std::uint32_t { return ::if_nametoindex(ifname.c_str()); };
  return io;
}

CniPluginOutcome RunCniPlugin(const CniEnv& env, std::string_view stdin_bytes, const CniPluginIo& io) {
  return Run(env, io).Execute(stdin_bytes);
}

}  // namespace flows::flowd
