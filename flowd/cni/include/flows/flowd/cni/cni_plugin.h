// flows-cni, the chained CNI plugin, as a function of its inputs: the
// environment, stdin, and the few things it asks of the outside world
// (flowd's socket, the kernel's interface list), so every path is testable
// without a runtime.
//
// Policy: observability must never keep a pod from starting, or from going.
// ADD prints the previous result unchanged and succeeds even when flowd is
// down, slow or refuses, and when the config's version, our own fields or
// the prevResult make no sense to us (logged, the pod is not registered);
// DEL succeeds for any input that names a container; CHECK never fails
// because flowd forgot the pod (it registers it again); GC and STATUS
// always succeed. What remains are errors that are the caller's – no
// prevResult on ADD, an environment that breaks the spec, stdin that is not
// JSON – reported the spec's way: error JSON on stdout and a non-zero exit.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/cni/cni_prev_result.h"
#include "flows/flowd/cni/cni_protocol.h"

namespace flows::flowd {

struct CniEnv {
  std::string command;       // CNI_COMMAND
  std::string container_id;  // CNI_CONTAINERID
  std::string netns;         // CNI_NETNS
  std::string ifname;        // CNI_IFNAME
  std::string args;          // CNI_ARGS
  std::string path;          // CNI_PATH (unused: we delegate to nothing)
};
CniEnv CniEnvFromProcess();

struct CniPluginIo {
  std::function<Result<CniReply>(const std::string& socket, const CniRequest&, std::chrono::milliseconds)>
      send;
  LinkKindFn link_kind;
  std::function<std::uint32_t(const std::string& ifname)> ifindex;  // 0 if unknown
};
// The real world: SendCniRequest, rtnetlink (LinkKindInThisNetns), if_nametoindex.
CniPluginIo SystemCniPluginIo();

struct CniPluginOutcome {
  std::string stdout_text;
  int exit_code = 0;
  std::vector<std::string> log;  // for stderr and the log file
  std::string log_file;          // from the config, if it could be read
};

CniPluginOutcome RunCniPlugin(const CniEnv& env, std::string_view stdin_bytes, const CniPluginIo& io);

}  // namespace flows::flowd
