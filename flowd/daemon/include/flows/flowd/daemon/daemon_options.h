// flowd's command line: every knob with its default, parsed by CLI11 into
// one struct so the daemon takes no global state and tests can check the
// parsing without starting anything.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flows/datapath/interface_manager.h"
#include "flows/datapath/loader.h"
#include "flows/flowd/metrics/flow_metrics.h"

namespace flows::flowd {

enum class KubernetesMode { kAuto, kOff, kInCluster, kKubeconfig };

struct DaemonOptions {
  std::string node_name;  // default: $NODE_NAME, else the host name

  // The Observer API: a unix socket (default) and/or TCP, TLS optional.
  std::string socket_path = "/run/flows/observer.sock";
  std::string listen_address;  // "host:port"; "" = no TCP listener
  std::string tls_cert_file, tls_key_file;
  std::vector<std::string> tls_client_ca_files;  // set: clients must present a certificate (mTLS)
  std::string cluster_name = "default";          // in peers' TLS server names
  std::string peer_pods;                         // "ns/k=v,...": flowd's pods, announced as peers

  std::string metrics_address = "127.0.0.1:9965";  // "" = no HTTP endpoint
  MetricsOptions metrics;

  std::size_t store_capacity = 65535;
  std::string cni_socket = "/run/flows/cni.sock";  // "" = no CNI registrations
  std::string state_dir = "/var/lib/flows";        // endpoints and counters across restarts
  std::string endpoints_file;                      // static endpoints/services (sandboxes)

  KubernetesMode kubernetes = KubernetesMode::kAuto;
  std::string kubeconfig;  // for kKubeconfig (and kAuto outside a pod)
  std::chrono::seconds kubernetes_sync_timeout{30};

  datapath::DatapathOptions datapath;
  datapath::AttachPolicy attach;
  bool keep_attached = true;  // programs stay attached across restarts: no blind gap
  std::chrono::milliseconds drain_interval{50};
  std::chrono::seconds flow_idle_timeout{30};
  std::chrono::seconds flow_closed_timeout{5};
  // An HTTP/DNS request unanswered this long is given up on (l7_unanswered).
  std::chrono::seconds l7_request_timeout{60};

  // The connectivity graph (flows.graph.Graph): its files go to graph_dir
  // ("" = <state_dir>/graph; graph_in_memory: none), kept for graph_retention
  // within graph_memory_budget bytes.
  bool graph = true;
  std::string graph_dir;
  bool graph_in_memory = false;
  std::chrono::seconds graph_retention{14 * 24 * 3600};
  std::size_t graph_memory_budget = std::size_t{256} << 20;
  std::chrono::milliseconds graph_checkpoint_interval{5000};

  std::string log_level = "info";
};

// "90s", "30m", "36h", "14d" (a bare number is seconds); nullopt when not a
// positive duration.
std::optional<std::chrono::seconds> ParseDuration(std::string_view text);
// "268435456", "256Mi", "1Gi", "512Ki" (also K, M, G as powers of 1024);
// nullopt when not a positive size.
std::optional<std::size_t> ParseByteSize(std::string_view text);

// What to do after parsing: run, or exit with `exit_code` (help, version,
// or a usage error, whose message has been printed).
struct ParsedOptions {
  DaemonOptions options;
  std::optional<int> exit_code;
};

ParsedOptions ParseDaemonOptions(int argc, const char* const* argv);

}  // namespace flows::flowd
