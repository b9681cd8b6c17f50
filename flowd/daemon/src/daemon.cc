#include "flows/flowd/daemon/daemon.h"

#include <grpcpp/grpcpp.h>
#include <net/if.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "flows/api/http/metrics_server.h"
#include "flows/api/tls/credentials.h"
#include "flows/datapath/attachment.h"
#include "flows/datapath/counters.h"
#include "flows/datapath/flow_sweeper.h"
#include "flows/datapath/links.h"
#include "flows/datapath/loader.h"
#include "flows/datapath/record_decoder.h"
#include "flows/datapath/ring_reader.h"
#include "flows/flowd/cni/cni_server.h"
#include "flows/flowd/cni/registry_sink.h"
#include "flows/flowd/daemon/gone_interfaces.h"
#include "flows/flowd/daemon/graph_feeder.h"
#include "flows/flowd/daemon/graph_maintainer.h"
#include "flows/flowd/daemon/graph_service.h"
#include "flows/flowd/daemon/ingest_pipeline.h"
#include "flows/flowd/daemon/kernel_loss_poller.h"
#include "flows/flowd/daemon/kubernetes_sync.h"
#include "flows/flowd/daemon/link_watcher.h"
#include "flows/flowd/daemon/loss_ledger.h"
#include "flows/flowd/daemon/registry_identity.h"
#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/namespace_registry.h"
#include "flows/flowd/endpoints/service_registry.h"
#include "flows/flowd/endpoints/static_endpoints.h"
#include "flows/flowd/graph/graph_persistence.h"
#include "flows/flowd/k8s/beast_client.h"
#include "flows/flowd/k8s/in_cluster.h"
#include "flows/flowd/k8s/informer_runner.h"
#include "flows/flowd/k8s/kinds.h"
#include "flows/flowd/k8s/kubeconfig.h"
#include "flows/flowd/metrics/flow_metrics.h"
#include "flows/flowd/metrics/graph_metrics.h"
#include "flows/flowd/observer/namespace_tracker.h"
#include "flows/flowd/observer/observer_service.h"
#include "flows/flowd/observer/peer_service.h"
#include "flows/flowd/store/flow_store.h"

namespace flows::flowd {

namespace {

// The ring reader and the flow sweeper both produce flows; the converter
// and the store expect one writer, so their batches take turns.
class SerializedSink final : public datapath::FlowSink {
 public:
  explicit SerializedSink(datapath::FlowSink& inner) : inner_(inner) {}
  void OnFlows(std::span<const datapath::Flow> flows) override {
    std::lock_guard lock(mu_);
    inner_.OnFlows(flows);
  }

 private:
  datapath::FlowSink& inner_;
  std::mutex mu_;
};

Result<std::unique_ptr<k8s::ApiClient>> KubernetesClient(const DaemonOptions& o) {
  Result<k8s::ClusterConfig> config = Error::Invalid("unreachable");
  switch (o.kubernetes) {
    case KubernetesMode::kOff:
      return std::unique_ptr<k8s::ApiClient>();
    case KubernetesMode::kInCluster:
      config = k8s::InClusterConfig();
      break;
    case KubernetesMode::kKubeconfig:
      config = k8s::LoadKubeconfig(o.kubeconfig);
      break;
    case KubernetesMode::kAuto:
      if (!o.kubeconfig.empty()) {
        config = k8s::LoadKubeconfig(o.kubeconfig);
      } else {
        config = k8s::DefaultClusterConfig();
        // Nothing configured: a sandbox or a node without the API. Not an error.
        if (!config) {
          spdlog::info("kubernetes: not configured ({}); pods are known from the CNI and files only",
                       config.error().message);
          return std::unique_ptr<k8s::ApiClient>();
        }
      }
      break;
  }
  if (!config) return Error::Invalid("kubernetes: " + config.error().message);
  auto client = k8s::BeastApiClient::Create(std::move(*config));
  if (!client) return Error::Invalid("kubernetes: " + client.error().message);
  return std::unique_ptr<k8s::ApiClient>(std::move(*client));
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::Invalid("create " + dir + ": " + ec.message());
  return OkStatus();
}

}  // namespace

struct Daemon::Parts {
  DaemonOptions options;
  std::string endpoints_state, services_state, namespaces_state, counters_state;

  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespace_labels;
  PeerRoster peers;
  // Generations last written to the state files.
  std::uint64_t saved_endpoints = 0, saved_services = 0, saved_namespaces = 0;

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<FlowMetrics> metrics;
  std::unique_ptr<LossLedger> losses;

  std::unique_ptr<datapath::Datapath> datapath;
  datapath::SystemClock clock;
  std::unique_ptr<datapath::RecordDecoder> decoder;
  std::unique_ptr<datapath::NetlinkLinkSource> links;
  std::unique_ptr<datapath::KernelHooks> hooks;
  std::unique_ptr<LinkWatcher> link_watcher;

  std::unique_ptr<FlowStore> store;
  DnsCache dns;
  std::unique_ptr<RegistryIdentityResolver> identities;
  std::unique_ptr<FlowConverter> converter;
  NamespaceTracker namespaces;
  std::unique_ptr<IngestPipeline> pipeline;
  std::unique_ptr<SerializedSink> sink;
  std::unique_ptr<datapath::RingReader> ring_reader;
  std::unique_ptr<datapath::BpfCounterSource> counters;
  std::unique_ptr<KernelLossPoller> kernel_losses;
  std::unique_ptr<datapath::BpfFlowTable> flow_table;
  std::unique_ptr<datapath::FlowSweeper> sweeper;

  std::unique_ptr<RegistrySink> cni_sink;
  std::unique_ptr<CniServer> cni_server;

  std::unique_ptr<k8s::ApiClient> kube;
  std::unique_ptr<KubernetesSync> kube_sync;
  std::unique_ptr<k8s::InformerRunner<k8s::Pod>> pod_informer;
  std::unique_ptr<k8s::InformerRunner<k8s::Service>> service_informer;
  std::unique_ptr<k8s::InformerRunner<k8s::EndpointSlice>> slice_informer;
  std::unique_ptr<k8s::InformerRunner<k8s::Namespace>> namespace_informer;

  std::unique_ptr<graph::ConnectivityGraph> graph;
  std::unique_ptr<graph::GraphPersistence> graph_persistence;
  std::unique_ptr<GraphFeeder> graph_feeder;
  std::unique_ptr<GraphMetrics> graph_metrics;
  std::unique_ptr<GraphMaintainer> graph_maintainer;

  std::unique_ptr<ObserverService> observer;
  std::unique_ptr<PeerService> peer;
  std::unique_ptr<GraphService> graph_service;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<api::MetricsServer> metrics_server;
  std::atomic<bool> ready{false};

  Status StartIdentity();
  Status StartGraph();
  Status StartDatapath();
  Status StartKubernetes();
  Status StartServers();
  void SaveEndpoints();
  void ForgetGoneInterfaces(const char* which);
  void Housekeeping();
  ~Parts();
};

Status Daemon::Parts::StartIdentity() {
  if (Status s = EnsureDir(options.state_dir); !s) return s;
  endpoints_state = options.state_dir + "/endpoints.json";
  services_state = options.state_dir + "/services.json";
  namespaces_state = options.state_dir + "/namespaces.json";
  counters_state = options.state_dir + "/kernel_counters.json";
  // What the last run knew names the first flows, before the API answers;
  // the first complete lists then prune what was deleted meanwhile
  // (KubernetesSync). A damaged file must not keep the node blind: start
  // empty, say so.
  auto restore = [](const char* what, const std::string& path, auto& registry, auto count) {
    if (Status s = registry.LoadFrom(path); s) {
      spdlog::info("{}: {} restored from {}", what, count(), path);
    } else if (s.error().err != ENOENT) {
      spdlog::warn("{}: {} (starting empty)", what, s.error().message);
    }
  };
  restore("endpoints", endpoints_state, endpoints, [this] { return endpoints.size(); });
  restore("services", services_state, services, [this] { return services.List().size(); });
  restore("namespaces", namespaces_state, namespace_labels, [this] { return namespace_labels.size(); });
  saved_endpoints = endpoints.generation();
  saved_services = services.generation();
  saved_namespaces = namespace_labels.generation();
  // Pods deleted while flowd was down: their interfaces are gone. (After
  // noting the generation: the file must lose them too.)
  ForgetGoneInterfaces("restored");
  if (!options.endpoints_file.empty()) {
    auto inv = LoadStaticFile(options.endpoints_file);
    if (!inv) return inv.error();
    if (Status s = ApplyStatic(*inv, endpoints, services); !s) return s;
    std::vector<PeerNode> nodes;
    for (const StaticNode& n : inv->nodes) nodes.push_back(PeerNode{n.name, n.address});
    peers.Replace("static", nodes);
    spdlog::info("endpoints: {} endpoints, {} services, {} nodes from {}", inv->endpoints.size(),
                 inv->services.size(), inv->nodes.size(), options.endpoints_file);
  }
  return OkStatus();
}

Status Daemon::Parts::StartGraph() {
  if (!options.graph) return OkStatus();
  graph::GraphOptions go;
  go.retention = std::chrono::duration_cast<std::chrono::nanoseconds>(options.graph_retention).count();
  go.memory_budget_bytes = options.graph_memory_budget;
  go.durable = !options.graph_in_memory;
  graph = std::make_unique<graph::ConnectivityGraph>(go);
  graph_feeder = std::make_unique<GraphFeeder>(*graph, options.node_name);
  graph_metrics = std::make_unique<GraphMetrics>(*registry, options.metrics.prefix);
  if (go.durable) {
    const std::string dir = options.graph_dir.empty() ? options.state_dir + "/graph" : options.graph_dir;
    graph_persistence = std::make_unique<graph::GraphPersistence>(*graph, dir);
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    auto report = graph_persistence->Load(now);
    if (!report) {
      // A damaged snapshot must not keep the node blind: start empty (the
      // next snapshot replaces the files), and say so.
      spdlog::warn("graph: {} (starting empty)", report.error().message);
      graph = std::make_unique<graph::ConnectivityGraph>(go);
      graph_feeder = std::make_unique<GraphFeeder>(*graph, options.node_name);
      graph_persistence = std::make_unique<graph::GraphPersistence>(*graph, dir);
    } else {
      const graph::GraphStats st = graph->Stats();
      spdlog::info(
          "graph: {} edges restored from {} ({} log records; traffic of the last {:.1f}s before the "
          "restart was not on disk)",
          st.edges, dir, report->log_records_applied, static_cast<double>(report->lost_span) / 1e9);
      if (report->records_dropped > 0) {
        spdlog::warn("graph: {} ({})", report->detail, report->torn ? "torn write" : "corrupted");
      }
    }
  }
  graph_maintainer = std::make_unique<GraphMaintainer>(
      *graph, graph_persistence.get(), *graph_feeder, graph_metrics.get(),
      GraphMaintainer::Options{.checkpoint_interval = options.graph_checkpoint_interval});
  graph_maintainer->Start();
  return OkStatus();
}

Status Daemon::Parts::StartDatapath() {
  auto dp = datapath::Datapath::Load(options.datapath);
  if (!dp) return dp.error();
  datapath = std::move(*dp);
  for (const std::string& note : datapath->replaced_pins()) spdlog::warn("datapath: {}", note);
  decoder = std::make_unique<datapath::RecordDecoder>(clock);

  auto nl = datapath::NetlinkLinkSource::Create();
  if (!nl) return nl.error();
  links = std::move(*nl);
  const std::string link_pins = options.datapath.pin_root.empty() ? "" : options.datapath.pin_root + "/links";
  if (!link_pins.empty()) {
    if (Status s = datapath::EnsureBpffsDir(link_pins); !s) return s;
    // Links of interfaces deleted while flowd was down: pinned, attached to nothing.
    for (const std::string& pin : datapath::RemoveStaleLinkPins(link_pins))
      spdlog::info("attach: removed the pinned link {} (its interface went while flowd was down)", pin);
  }
  hooks = std::make_unique<datapath::KernelHooks>(*datapath, link_pins, options.keep_attached);
  link_watcher = std::make_unique<LinkWatcher>(
      *links, *hooks,
      LinkWatcherOptions{.policy = options.attach,
                         .log = [](const std::string& m) { spdlog::warn("attach: {}", m); },
                         .on_links_gone = [this] { ForgetGoneInterfaces("known"); }});

  store = std::make_unique<FlowStore>(options.store_capacity);
  identities =
      std::make_unique<RegistryIdentityResolver>(endpoints, services, namespace_labels, options.node_name);
  converter =
      std::make_unique<FlowConverter>(options.node_name, *identities, *link_watcher, dns,
                                      L7Pairing::Options{.request_timeout = options.l7_request_timeout});
  pipeline =
      std::make_unique<IngestPipeline>(*converter, metrics.get(), namespaces, *store, graph_feeder.get());
  sink = std::make_unique<SerializedSink>(*pipeline);
  flow_table = std::make_unique<datapath::BpfFlowTable>(datapath->flow_table_fd());
  sweeper = std::make_unique<datapath::FlowSweeper>(
      *flow_table, clock, *decoder,
      datapath::SweepPolicy{options.flow_idle_timeout, options.flow_closed_timeout});
  // The sweeper learns of each new table entry, to notice the ones the
  // kernel's LRU evicts.
  auto reader =
      datapath::RingReader::Create(datapath->ring_fd(), *decoder, *sink,
                                   {.drain_interval = options.drain_interval, .new_entries = sweeper.get()});
  if (!reader) return reader.error();
  ring_reader = std::move(*reader);

  counters = std::make_unique<datapath::BpfCounterSource>(datapath->counters_fd());
  kernel_losses = std::make_unique<KernelLossPoller>(*counters, *losses, counters_state);
  // Losses while no flowd was running (a crash, an upgrade) are reported now.
  const std::uint64_t before = losses->Total(kLostRingReservation) + losses->Total(kLostFlowTable);
  if (auto k = kernel_losses->Poll(); !k) return k.error();
  if (const std::uint64_t gap = losses->Total(kLostRingReservation) + losses->Total(kLostFlowTable) - before)
    spdlog::warn("datapath: {} records were lost while flowd was not running (ring full)", gap);
  // Every source is listed from the start, zeros included.
  for (auto source :
       {kLostDecode, kLostL7Parse, kLostFlowTableEvicted, kLostL7Unanswered, kLostL7PairingFull})
    losses->Sync(source, 0);
  losses->Add(kLostClient, 0);

  // Drain first: records queued while flowd was down come out before the
  // programs are (re)attached to new interfaces.
  ring_reader->Start();
  if (Status s = link_watcher->Start(); !s) return s;
  for (const auto& st : link_watcher->Interfaces()) {
    std::string hooks_text;
    for (auto p : st.attached) hooks_text += std::string(" ") + std::string(datapath::AttachPointName(p));
    spdlog::info("attached: {}{}", st.link.name, hooks_text.empty() ? " (nothing)" : hooks_text);
  }
  return OkStatus();
}

Status Daemon::Parts::StartKubernetes() {
  auto client = KubernetesClient(options);
  if (!client) return client.error();
  kube = std::move(*client);
  if (!kube) return OkStatus();
  kube_sync = std::make_unique<KubernetesSync>(
      endpoints, services, namespace_labels, [](const std::string& m) { spdlog::warn("kubernetes: {}", m); });
  if (!options.peer_pods.empty()) {
    PeerPods pp = *ParsePeerPods(options.peer_pods);  // checked when parsing flags
    pp.roster = &peers;
    if (auto port = options.listen_address.rfind(':'); port != std::string::npos)
      pp.default_port =
          static_cast<unsigned>(std::strtoul(options.listen_address.c_str() + port + 1, nullptr, 10));
    kube_sync->SetPeerPods(std::move(pp));
  }
  auto reflector_options = [] {
    k8s::ReflectorOptions r;
    r.on_error = [](const Error& e) { spdlog::warn("kubernetes: {}", e.message); };
    return r;
  };
  pod_informer =
      std::make_unique<k8s::InformerRunner<k8s::Pod>>(*kube, kube_sync->PodHandlers(), reflector_options());
  service_informer = std::make_unique<k8s::InformerRunner<k8s::Service>>(*kube, kube_sync->ServiceHandlers(),
                                                                         reflector_options());
  slice_informer = std::make_unique<k8s::InformerRunner<k8s::EndpointSlice>>(
      *kube, kube_sync->EndpointSliceHandlers(), reflector_options());
  namespace_informer = std::make_unique<k8s::InformerRunner<k8s::Namespace>>(
      *kube, kube_sync->NamespaceHandlers(), reflector_options());
  pod_informer->Start();
  service_informer->Start();
  slice_informer->Start();
  namespace_informer->Start();
  // Names in the first flows matter (they are what a user checks first),
  // but a slow API server must not keep the node blind: wait, bounded.
  const bool synced = pod_informer->WaitForSync(options.kubernetes_sync_timeout);
  spdlog::info("kubernetes: {} ({} pods, {} services)", synced ? "synced" : "not synced yet, serving anyway",
               pod_informer->informer().size(), service_informer->informer().size());
  return OkStatus();
}

Status Daemon::Parts::StartServers() {
  NodeIdentity node{
      .name = options.node_name,
      .version = FLOWS_VERSION,
      .address = options.listen_address.empty() ? "unix://" + options.socket_path : options.listen_address,
      .tls = !options.tls_cert_file.empty(),
      .tls_server_name =
          options.tls_cert_file.empty() ? "" : PeerTlsServerName(options.node_name, options.cluster_name),
      .cluster_name = options.cluster_name};
  observer = std::make_unique<ObserverService>(*store, namespaces, node,
                                               [this](std::uint64_t n) { losses->Add(kLostClient, n); });
  observer->SetLossSource([this] { return losses->Totals(); });
  peer = std::make_unique<PeerService>(node, &peers);
  if (graph) graph_service = std::make_unique<GraphService>(*graph, options.node_name);

  grpc::ServerBuilder builder;
  if (!options.socket_path.empty()) {
    if (Status s = EnsureDir(std::filesystem::path(options.socket_path).parent_path().string()); !s) return s;
    std::filesystem::remove(options.socket_path);  // a stale socket of a killed flowd
    builder.AddListeningPort("unix://" + options.socket_path, grpc::InsecureServerCredentials());
  }
  int tcp_port = 0;
  if (!options.listen_address.empty()) {
    auto creds = api::MakeServerCredentials(
        {options.tls_cert_file, options.tls_key_file, options.tls_client_ca_files});
    if (!creds) return creds.error();
    builder.AddListeningPort(options.listen_address, *creds, &tcp_port);
  }
  builder.RegisterService(observer.get());
  builder.RegisterService(peer.get());
  if (graph_service) builder.RegisterService(graph_service.get());
  grpc_server = builder.BuildAndStart();
  if (!grpc_server) return Error::Invalid("gRPC: cannot listen on " + node.address);
  if (!options.listen_address.empty() && tcp_port == 0)
    return Error::Invalid("gRPC: cannot listen on " + options.listen_address);
  if (!options.socket_path.empty()) {
    chmod(options.socket_path.c_str(), 0660);  // root and the flows group, like Hubble's socket
    spdlog::info("observer API on unix://{}", options.socket_path);
  }
  if (tcp_port) spdlog::info("observer API on {}{}", options.listen_address, node.tls ? " (TLS)" : "");

  if (!options.cni_socket.empty()) {
    cni_sink =
        std::make_unique<RegistrySink>(endpoints, [this](const std::string& ifname, std::uint32_t ifindex) {
          return link_watcher->AttachPod(ifname, ifindex);
        });
    CniServerOptions cni{.socket_path = options.cni_socket,
                         .node_name = options.node_name,
                         .log = [](const std::string& m) { spdlog::warn("cni: {}", m); }};
    auto server = CniServer::Start(std::move(cni), *cni_sink);
    if (!server) return server.error();
    cni_server = std::move(*server);
    spdlog::info("CNI registrations on {}", options.cni_socket);
  }

  if (!options.metrics_address.empty()) {
    auto ms = api::MetricsServer::Start(options.metrics_address, registry, [this] { return ready.load(); });
    if (!ms) return ms.error();
    metrics_server = std::move(*ms);
    spdlog::info("metrics on http://{}/metrics", options.metrics_address);
  }
  return OkStatus();
}

void Daemon::Parts::ForgetGoneInterfaces(const char* which) {
  const std::size_t n = ForgetEndpointsOfGoneInterfaces(
      endpoints, [](const std::string& ifname) -> std::uint32_t { return if_nametoindex(ifname.c_str()); });
  if (n > 0)
    spdlog::info("endpoints: forgot {} {} pod(s) whose interface is gone (their CNI DEL was missed)", n,
                 which);
}

void Daemon::Parts::SaveEndpoints() {
  // Each registry's file is written only when it changed since the last write.
  auto save = [](const char* what, const auto& registry, const std::string& path, std::uint64_t& saved) {
    const std::uint64_t gen = registry.generation();
    if (gen == saved) return;
    if (Status s = registry.SaveTo(path); !s) {
      spdlog::warn("{}: {}", what, s.error().message);
      return;
    }
    saved = gen;
  };
  save("endpoints", endpoints, endpoints_state, saved_endpoints);
  save("services", services, services_state, saved_services);
  save("namespaces", namespace_labels, namespaces_state, saved_namespaces);
}

void Daemon::Parts::Housekeeping() {
  if (auto k = kernel_losses->Poll(); !k) spdlog::warn("datapath counters: {}", k.error().message);
  const datapath::RingReaderStats reader_stats = ring_reader->stats();
  losses->Sync(kLostDecode, reader_stats.decode_errors);
  losses->Sync(kLostL7Parse, reader_stats.l7_errors);
  if (auto ended = sweeper->Sweep(); ended) {
    if (!ended->empty()) sink->OnFlows(*ended);
  } else {
    spdlog::warn("flow table: {}", ended.error().message);
  }
  losses->Sync(kLostFlowTableEvicted, sweeper->evicted());
  losses->Sync(kLostL7Unanswered, converter->unanswered_requests());
  losses->Sync(kLostL7PairingFull, converter->unpaired_requests_forgotten());
  SaveEndpoints();
}

Daemon::Parts::~Parts() {
  // Readers first (their streams end), then producers, then what they feed.
  if (store) store->Shutdown();
  if (peer) peer->Shutdown();
  if (grpc_server) grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  metrics_server.reset();
  cni_server.reset();
  pod_informer.reset();
  service_informer.reset();
  slice_informer.reset();
  namespace_informer.reset();
  if (link_watcher) link_watcher->Stop();
  if (ring_reader) ring_reader->Stop();
  // After ingest stopped: the last checkpoint has everything.
  if (graph_maintainer) graph_maintainer->Stop();
  if (!endpoints_state.empty()) SaveEndpoints();
  if (!options.socket_path.empty() && grpc_server) std::filesystem::remove(options.socket_path);
}

Daemon::Daemon(std::unique_ptr<Parts> parts) : p_(std::move(parts)) {}
Daemon::~Daemon() = default;

Result<std::unique_ptr<Daemon>> Daemon::Start(DaemonOptions options) {
  auto p = std::make_unique<Parts>();
  p->options = std::move(options);
  p->metrics = std::make_unique<FlowMetrics>(*p->registry, p->options.metrics);
  p->losses = std::make_unique<LossLedger>(p->metrics.get());
  if (Status s = p->StartIdentity(); !s) return s.error();
  // Kubernetes before the datapath, so the first flows already carry names.
  if (Status s = p->StartKubernetes(); !s) return s.error();
  if (Status s = p->StartGraph(); !s) return s.error();
  if (Status s = p->StartDatapath(); !s) return s.error();
  if (Status s = p->StartServers(); !s) return s.error();
  p->ready = true;
  spdlog::info("flowd {} ready on node {}", FLOWS_VERSION, p->options.node_name);
  return std::unique_ptr<Daemon>(new Daemon(std::move(p)));
}

void Daemon::Run(const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  while (!stop.stop_requested()) {
    p_->Housekeeping();
    std::unique_lock lock(mu);
    cv.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
  }
}

}  // namespace flows::flowd
