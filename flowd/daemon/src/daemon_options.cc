#include "flows/flowd/daemon/daemon_options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <utility>

#include "flows/flowd/daemon/kubernetes_sync.h"

namespace flows::flowd {
namespace {

std::string DefaultNodeName() {
  if (const char* env = std::getenv("NODE_NAME"); env && *env) return env;
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0]) return host;
  return "localhost";
}

// A duration flag given as seconds ("30", "0.5").
template <typename Duration>
CLI::Option* AddSeconds(CLI::App& app, const std::string& name, Duration& out, const std::string& help) {
  return app
      .add_option_function<double>(
          name,
          [&out](double s) { out = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); },
          help)
      ->check(CLI::NonNegativeNumber);
}

// Parses a whole unsigned number and a suffix from `units`.
template <typename Units>
std::optional<std::uint64_t> ParseScaled(std::string_view text, const Units& units) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  const std::uint64_t n = std::stoull(std::string(text.substr(0, digits)));
  const std::string_view suffix = text.substr(digits);
  for (const auto& [name, scale] : units) {
    if (suffix == name) {
      if (n == 0 || n > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
      return n * scale;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  auto n = ParseScaled(text, kUnits);
  if (!n) return std::nullopt;
  return std::chrono::seconds(static_cast<std::int64_t>(*n));
}

std::optional<std::size_t> ParseByteSize(std::string_view text) {
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"", 1},          {"K", 1u << 10}, {"Ki", 1u << 10}, {"M", 1u << 20},
      {"Mi", 1u << 20}, {"G", 1u << 30}, {"Gi", 1u << 30}};
  auto n = ParseScaled(text, kUnits);
  if (!n) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

ParsedOptions ParseDaemonOptions(int argc, const char* const* argv) {
  ParsedOptions parsed;
  DaemonOptions& o = parsed.options;
  o.node_name = DefaultNodeName();

  CLI::App app{
      "flowd: the flows per-node daemon. Observes every pod's traffic with eBPF and serves it "
      "over Hubble's Observer API.",
      "flowd"};
  app.set_version_flag("--version", std::string("flowd ") + FLOWS_VERSION);
  app.get_formatter()->column_width(36);

  auto* api = "Observer API";
  app.add_option("--node-name", o.node_name, "this node's name in flows ($NODE_NAME, else the host name)")
      ->group(api)
      ->capture_default_str();
  app.add_option("--socket-path", o.socket_path, "unix socket for the Observer API; \"\" for none")
      ->group(api)
      ->capture_default_str();
  app.add_option("--listen-address", o.listen_address, "also serve on TCP host:port (e.g. :4244)")
      ->group(api);
  app.add_option("--tls-cert-file", o.tls_cert_file, "server certificate (PEM) for the TCP listener")
      ->group(api)
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key-file", o.tls_key_file, "server key (PEM)")->group(api)->check(CLI::ExistingFile);
  app.add_option("--tls-client-ca-files", o.tls_client_ca_files,
                 "CAs for client certificates: require mutual TLS")
      ->group(api)
      ->check(CLI::ExistingFile);
  app.add_option("--cluster-name", o.cluster_name,
                 "cluster name in the TLS server names announced to relays (<node>.<cluster>.flows-grpc)")
      ->group(api)
      ->capture_default_str();
  app.add_option("--peer-pods", o.peer_pods,
                 "announce the nodes where these pods run as peers: namespace/label=value,... (flowd's "
                 "DaemonSet; needs the Kubernetes API)")
      ->group(api)
      ->check([](const std::string& v) {
        return ParsePeerPods(v) ? std::string() : "want namespace/label=value[,label=value...]";
      });
  app.add_option("--store-capacity", o.store_capacity, "recent flows kept in memory")
      ->group(api)
      ->check(CLI::Range(1, 1 << 24))
      ->capture_default_str();

  auto* metrics = "Metrics";
  app.add_option("--metrics-address", o.metrics_address,
                 "host:port for /metrics /healthz /readyz; \"\" for none")
      ->group(metrics)
      ->capture_default_str();
  app.add_option("--metrics-prefix", o.metrics.prefix,
                 "metric name prefix (\"hubble\" for Hubble's dashboards)")
      ->group(metrics)
      ->capture_default_str();
  std::string contexts;
  app.add_option(
         "--metrics-context", contexts,
         "context labels per metric, e.g. \"*:source=namespace,destination=namespace;http:source=pod\"")
      ->group(metrics)
      // A validator, so that a bad spec fails even beside --help (the chart
      // test checks rendered command lines that way).
      ->check(CLI::Validator(
          [](const std::string& spec) {
            MetricsOptions scratch;
            const Status s = ParseMetricContexts(spec, &scratch);
            return s ? std::string() : s.error().message;
          },
          "CONTEXTS"));
  app.add_option("--metrics-series-budget", o.metrics.series_budget,
                 "series per metric family before new ones go to \"other\"")
      ->group(metrics)
      ->check(CLI::PositiveNumber)
      ->capture_default_str();

  auto* identity = "Pod identity";
  app.add_option("--cni-socket", o.cni_socket, "unix socket flows-cni registers pods on; \"\" for none")
      ->group(identity)
      ->capture_default_str();
  app.add_option("--state-dir", o.state_dir, "where endpoints and loss counters survive restarts")
      ->group(identity)
      ->capture_default_str();
  app.add_option("--endpoints-file", o.endpoints_file, "static endpoints and services (JSON)")
      ->group(identity)
      ->check(CLI::ExistingFile);
  auto* graph = "Connectivity graph";
  std::string graph_retention = "14d", graph_budget = "256Mi";
  bool no_graph = false;
  app.add_flag("--no-graph", no_graph, "do not keep the connectivity graph (GetGraph is not served)")
      ->group(graph);
  app.add_option("--graph-dir", o.graph_dir,
                 "where the graph's snapshot and log survive restarts (default: <state-dir>/graph); "
                 "\"none\": in memory only")
      ->group(graph);
  app.add_option("--graph-retention", graph_retention, "how long the graph keeps history (90m, 36h, 14d)")
      ->group(graph)
      ->capture_default_str();
  app.add_option("--graph-memory-budget", graph_budget,
                 "memory the graph may use; the oldest history goes first (256Mi, 1Gi)")
      ->group(graph)
      ->capture_default_str();
  std::string kube_mode = "auto";
  app.add_option("--kubernetes", kube_mode,
                 "auto (in a pod, or with --kubeconfig/$KUBECONFIG), off, in-cluster, kubeconfig")
      ->group(identity)
      ->check(CLI::IsMember({"auto", "off", "in-cluster", "kubeconfig"}))
      ->capture_default_str();
  app.add_option("--kubeconfig", o.kubeconfig, "kubeconfig file for the Kubernetes API")
      ->group(identity)
      ->check(CLI::ExistingFile);
  AddSeconds(app, "--kubernetes-sync-timeout", o.kubernetes_sync_timeout,
             "seconds to wait for the first pod list before serving anyway (default 30)")
      ->group(identity);

  auto* dp = "Datapath";
  app.add_option("--pin-root", o.datapath.pin_root, "bpffs directory for maps and links")
      ->group(dp)
      ->capture_default_str();
  app.add_option("--ring-bytes", o.datapath.ring_bytes, "flow ring size in bytes (power of two)")
      ->group(dp)
      ->capture_default_str();
  app.add_option("--flow-table-entries", o.datapath.flow_table_entries, "flows tracked in the kernel at once")
      ->group(dp)
      ->check(CLI::Range(1024u, 1u << 24))
      ->capture_default_str();
  app.add_option("--dns-port", o.datapath.dns_ports, "ports parsed as DNS (up to 4)")
      ->group(dp)
      ->capture_default_str();
  app.add_flag("--per-packet", o.datapath.per_packet, "a flow record for every packet (debugging)")
      ->group(dp);
  AddSeconds(app, "--stats-interval", o.datapath.stats_interval,
             "seconds between stats records of a live flow; 0: off (default 5)")
      ->group(dp);
  AddSeconds(app, "--flow-idle-timeout", o.flow_idle_timeout,
             "seconds of silence that end a flow (default 30)")
      ->group(dp);
  AddSeconds(app, "--flow-closed-timeout", o.flow_closed_timeout,
             "seconds after FIN/RST that end a TCP flow (default 5)")
      ->group(dp);
  AddSeconds(app, "--l7-request-timeout", o.l7_request_timeout,
             "seconds an HTTP/DNS request waits for its response before it counts as unanswered (default 60)")
      ->group(dp);
  app.add_option("--interfaces", o.attach.pod_patterns, "pod interface name patterns (fnmatch)")
      ->group(dp)
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--node-nic", o.attach.node_nic, "node NIC: auto (default route), none, or a name")
      ->group(dp)
      ->capture_default_str();
  bool no_xdp = false, detach_on_exit = false;
  app.add_flag("--no-xdp", no_xdp, "observe node NIC ingress with TC instead of XDP")->group(dp);
  app.add_flag("--detach-on-exit", detach_on_exit,
               "remove the programs when flowd stops (default: they stay, so a restart misses nothing)")
      ->group(dp);
  app.add_option("--log-level", o.log_level, "debug, info, warn, error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    parsed.exit_code = app.exit(e);
    return parsed;
  }
  if (no_xdp) o.attach.node_nic_xdp = false;
  o.graph = !no_graph;
  if (o.graph_dir == "none") {
    o.graph_dir.clear();
    o.graph_in_memory = true;
  }
  if (o.attach.node_nic == "none") o.attach.node_nic.clear();
  o.keep_attached = !detach_on_exit;
  o.kubernetes = kube_mode == "off"          ? KubernetesMode::kOff
                 : kube_mode == "in-cluster" ? KubernetesMode::kInCluster
                 : kube_mode == "kubeconfig" ? KubernetesMode::kKubeconfig
                                             : KubernetesMode::kAuto;
  auto usage = [&](const std::string& msg) {
    std::cerr << "flowd: " << msg << "\n";
    parsed.exit_code = 2;
    return parsed;
  };
  if (auto d = ParseDuration(graph_retention); d) {
    o.graph_retention = *d;
  } else {
    return usage("--graph-retention: \"" + graph_retention + "\" is not a duration such as 90m, 36h or 14d");
  }
  if (auto b = ParseByteSize(graph_budget); b) {
    o.graph_memory_budget = *b;
  } else {
    return usage("--graph-memory-budget: \"" + graph_budget + "\" is not a size such as 256Mi or 1Gi");
  }
  if (o.kubernetes == KubernetesMode::kKubeconfig && o.kubeconfig.empty())
    return usage("--kubernetes kubeconfig needs --kubeconfig");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    return usage("--tls-cert-file and --tls-key-file go together");
  if (!o.tls_client_ca_files.empty() && o.tls_cert_file.empty())
    return usage("--tls-client-ca-files needs --tls-cert-file and --tls-key-file");
  if (!o.tls_cert_file.empty() && o.listen_address.empty())
    return usage("TLS applies to the TCP listener: add --listen-address");
  if (o.socket_path.empty() && o.listen_address.empty())
    return usage("nothing to serve on: give --socket-path or --listen-address");
  if (o.datapath.dns_ports.size() > 4) return usage("--dns-port: at most 4 ports");
  if (!contexts.empty()) {
    if (auto s = ParseMetricContexts(contexts, &o.metrics); !s)
      return usage("--metrics-context: " + s.error().message);
  }
  return parsed;
}

}  // namespace flows::flowd
