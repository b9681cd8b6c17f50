// libFuzzer target for what flows-cni reads from its runtime: the network
// config on stdin (with prevResult) and CNI_ARGS, through the whole plugin
// (RunCniPlugin) with a fake flowd. It traps when the plugin breaks the
// CNI contract: an ADD that succeeds must print the prevResult as given (the
// same JSON value), a failure must print the spec's error object, DEL,
// CHECK, GC and STATUS print nothing on success, DEL of a valid container
// and STATUS always succeed, and what reaches flowd must be a request flowd
// accepts.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "flows/flowd/cni/cni_config.h"
#include "flows/flowd/cni/cni_plugin.h"
#include "flows/flowd/cni/cni_prev_result.h"
#include "flows/flowd/cni/cni_protocol.h"

namespace {

using nlohmann::ordered_json;
using namespace flows::flowd;

CniPluginIo FakeIo(int& sent) {
  CniPluginIo io;
  io.send = [&sent](const std::string&, const CniRequest& req, std::chrono::milliseconds timeout) {
    ++sent;
    if (timeout.count() < 1 || timeout.count() > 60000) __builtin_trap();
    // flowd must accept whatever flows-cni sends.
    if (!ParseCniRequest(SerializeCniRequest(req)).ok()) __builtin_trap();
    return flows::Result<CniReply>(CniReply{true, true, req.op != CniOp::kCheck, ""});
  };
  io.link_kind = [](const std::string& name) {
    return std::string(name.rfind("br", 0) == 0 ? "bridge" : "veth");
  };
  io.ifindex = [](const std::string&) { return 7u; };
  return io;
}

void CheckOutcome(const CniPluginOutcome& out, const std::string& command, std::string_view input) {
  if (out.exit_code != 0) {
    const ordered_json err = ordered_json::parse(out.stdout_text, nullptr, false);
    if (err.is_discarded() || !err.contains("code") || !err["code"].is_number_integer() ||
        !err.contains("msg"))
      __builtin_trap();
    return;
  }
  if (command == "ADD") {
    const ordered_json printed = ordered_json::parse(out.stdout_text, nullptr, false);
    const ordered_json given = ordered_json::parse(input, nullptr, false);
    if (printed.is_discarded() || given.is_discarded() || !given.contains("prevResult")) __builtin_trap();
    // Compared as nlohmann sees it: a number beyond double (1e400) prints as
    // null. Go's encoding/json, which writes real prevResults, cannot emit one.
    const ordered_json expected = ordered_json::parse(given["prevResult"].dump(), nullptr, false);
    if (printed != expected) __builtin_trap();
  } else if (!out.stdout_text.empty()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // The stages on their own.
  auto json = DecodeCniJson(input);
  if (json.ok()) {
    (void)CniVersionOf(*json);
    (void)ParseValidAttachments(*json);
    (void)ParseCniConfig(*json);
    (void)ParsePrevResult(*json, [](const std::string&) { return std::string("veth"); });
  }
  (void)ParseCniArgs(input);

  // The whole plugin, the bytes as its stdin.
  for (const char* command : {"ADD", "DEL", "CHECK"}) {
    CniEnv env{command,       "c0ffee", "/var/run/netns/fuzz", "eth0", "IgnoreUnknown=1;K8S_POD_NAME=p",
               "/opt/cni/bin"};
    int sent = 0;
    const CniPluginOutcome out = RunCniPlugin(env, input, FakeIo(sent));
    CheckOutcome(out, command, input);
    // CHECK of a pod flowd forgot registers it again: two requests at most.
    if (sent > (std::string_view(command) == "CHECK" ? 2 : 1)) __builtin_trap();
    // DEL names a valid container: it must succeed whatever stdin holds.
    if (std::string_view(command) == "DEL" && (out.exit_code != 0 || sent != 1)) __builtin_trap();
  }
  // GC and STATUS carry no container; STATUS always succeeds.
  for (const char* command : {"GC", "STATUS"}) {
    CniEnv env{command, "", "", "", "", "/opt/cni/bin"};
    int sent = 0;
    const CniPluginOutcome out = RunCniPlugin(env, input, FakeIo(sent));
    CheckOutcome(out, command, input);
    if (sent > 1) __builtin_trap();
    if (std::string_view(command) == "STATUS" && out.exit_code != 0) __builtin_trap();
  }
  // And as CNI_ARGS, with a fixed good config.
  CniEnv env{"ADD", "c0ffee", "/var/run/netns/fuzz", "eth0", std::string(input), "/opt/cni/bin"};
  int sent = 0;
  static const std::string kConfig =
      R"({"cniVersion":"1.0.0","name":"n","type":"flows-cni","prevResult":{"interfaces":[{"name":"veth1"}]}})";
  CheckOutcome(RunCniPlugin(env, kConfig, FakeIo(sent)), "ADD", kConfig);
  return 0;
}
