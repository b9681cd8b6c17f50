// flowd's flags: defaults a user relies on, and usage errors that stop it
// with exit code 2 before anything starts.
#include "flows/flowd/daemon/daemon_options.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

ParsedOptions Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "flowd");
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  auto p = ParseDaemonOptions(static_cast<int>(args.size()), args.data());
  ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  return p;
}

TEST(DaemonOptions, DefaultsMatchTheDocs) {
  auto p = Parse({});
  ASSERT_FALSE(p.exit_code);
  const DaemonOptions& o = p.options;
  EXPECT_EQ(o.socket_path, "/run/flows/observer.sock");
  EXPECT_EQ(o.listen_address, "");
  EXPECT_EQ(o.metrics_address, "127.0.0.1:9965");
  EXPECT_EQ(o.metrics.prefix, "flows");
  EXPECT_EQ(o.store_capacity, 65535u);
  EXPECT_EQ(o.cni_socket, "/run/flows/cni.sock");
  EXPECT_EQ(o.kubernetes, KubernetesMode::kAuto);
  EXPECT_TRUE(o.keep_attached);
  EXPECT_EQ(o.datapath.pin_root, "/sys/fs/bpf/flows");
  EXPECT_EQ(o.l7_request_timeout.count(), 60);
  EXPECT_FALSE(o.node_name.empty());
}

TEST(DaemonOptions, ValuesAreParsed) {
  auto p = Parse({"--node-name",
                  "n1",
                  "--listen-address",
                  ":4244",
                  "--metrics-prefix",
                  "hubble",
                  "--store-capacity",
                  "1000",
                  "--kubernetes",
                  "off",
                  "--no-xdp",
                  "--node-nic",
                  "none",
                  "--interfaces",
                  "veth*,cali*",
                  "--flow-idle-timeout",
                  "2.5",
                  "--l7-request-timeout",
                  "120",
                  "--detach-on-exit",
                  "--metrics-context",
                  "*:source=namespace;http:destination=pod"});
  ASSERT_FALSE(p.exit_code);
  const DaemonOptions& o = p.options;
  EXPECT_EQ(o.node_name, "n1");
  EXPECT_EQ(o.listen_address, ":4244");
  EXPECT_EQ(o.metrics.prefix, "hubble");
  EXPECT_EQ(o.store_capacity, 1000u);
  EXPECT_EQ(o.kubernetes, KubernetesMode::kOff);
  EXPECT_FALSE(o.attach.node_nic_xdp);
  EXPECT_EQ(o.attach.node_nic, "");
  EXPECT_EQ(o.attach.pod_patterns, (std::vector<std::string>{"veth*", "cali*"}));
  EXPECT_EQ(o.flow_idle_timeout.count(), 2);
  EXPECT_EQ(o.l7_request_timeout.count(), 120);
  EXPECT_FALSE(o.keep_attached);
  EXPECT_EQ(o.metrics.default_context.source, ContextKind::kNamespace);
  EXPECT_EQ(o.metrics.context.at("http").destination, ContextKind::kPod);
}

TEST(DaemonOptions, UsageErrorsExitWithTwo) {
  for (const auto& args : std::vector<std::vector<const char*>>{
           {"--no-such-flag"},
           {"--kubernetes", "sometimes"},
           {"--kubernetes", "kubeconfig"},  // without --kubeconfig
           {"--store-capacity", "0"},
           {"--socket-path", ""},  // and no --listen-address: nothing to serve on
           {"--metrics-context", "dns:source=galaxy"},
           {"--metrics-context", "trafic:source=pod"},  // no such metric
           // Refused even beside --help: the chart test checks command lines so.
           {"--metrics-context", "drop:source=pod", "--help"},
           {"--dns-port", "53", "--dns-port", "54", "--dns-port", "55", "--dns-port", "56", "--dns-port",
            "57"},
       }) {
    auto p = Parse(args);
    ASSERT_TRUE(p.exit_code) << args[0];
    EXPECT_NE(*p.exit_code, 0) << args[0];
  }
}

TEST(DaemonOptions, HelpAndVersionExitZero) {
  EXPECT_EQ(Parse({"--help"}).exit_code, 0);
  EXPECT_EQ(Parse({"--version"}).exit_code, 0);
}

}  // namespace
}  // namespace flows::flowd
