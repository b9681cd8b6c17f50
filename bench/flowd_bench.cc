// flowd benchmarks, one run, JSON on stdout:
//   ingest_records_per_s      synthetic ring records through decode, enrich
//                             (identities, DNS names, L7 pairing), metrics and
//                             the store, on one core
//   follow_clients_10_records_per_s
//                             the same ingest while ten gRPC follow clients
//                             with filters read the stream (unix socket)
//   rss_mib_full_ring         process RSS once the store holds 65,535 flows
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "flow_record.h"
#include "flows/datapath/record_decoder.h"
#include "flows/flowd/daemon/ingest_pipeline.h"
#include "flows/flowd/daemon/registry_identity.h"
#include "flows/flowd/metrics/flow_metrics.h"
#include "flows/flowd/observer/flow_converter.h"
#include "flows/flowd/observer/observer_service.h"

namespace fd = flows::datapath;
namespace ff = flows::flowd;
using Clock = std::chrono::steady_clock;

namespace {

// The daemon's resolver over registries holding a cluster's worth of pods:
// every source address the workload uses, and the productcatalog Service.
struct Identities {
  ff::EndpointRegistry endpoints;
  ff::ServiceRegistry services;
  ff::NamespaceRegistry namespaces;
  ff::RegistryIdentityResolver resolver{endpoints, services, namespaces, "bench-node"};
  Identities() {
    for (int subnet = 0; subnet < 7; ++subnet) {
      for (int host = 1; host <= 200; ++host) {
        ff::Endpoint ep;
        ep.namespace_ = host % 2 ? "demo-app" : "kube-system";
        ep.pod_name = "frontend-7c9d8b5f4-" + std::to_string(subnet * 1000 + host);
        ep.pod_uid = "uid-" + ep.pod_name;
        ep.labels = {{"app", "frontend"}, {"pod-template-hash", "7c9d8b5f4"}};
        ep.workloads = {{"frontend", "Deployment"}};
        ep.ips = {"10.244." + std::to_string(subnet) + "." + std::to_string(host)};
        (void)endpoints.Upsert(std::move(ep));
      }
    }
    ff::Endpoint pc;
    pc.namespace_ = "demo-app";
    pc.pod_name = "productcatalog-6c8f9d7b5-k7p2m";
    pc.labels = {{"app", "productcatalog"}};
    pc.workloads = {{"productcatalog", "Deployment"}};
    pc.ips = {"10.244.9.20"};
    (void)endpoints.Upsert(std::move(pc));
    (void)services.Upsert({"demo-app", "productcatalog", {"10.96.0.50"}});
    (void)services.UpsertSlice("demo-app", "productcatalog-x", "productcatalog", {"10.244.9.20"});
  }
};

class Interfaces final : public ff::InterfaceDirectory {
 public:
  ff::InterfaceRole Role(std::uint32_t) const override { return ff::InterfaceRole::kPod; }
  std::string Name(std::uint32_t) const override { return "veth1234"; }
};

// A ring record as the kernel writes it.
std::vector<std::uint8_t> Record(std::uint32_t i, std::uint8_t l7_kind, std::string_view payload,
                                 std::uint8_t proto, std::uint16_t sport, std::uint16_t dport) {
  flows_record r{};
  r.version = FLOWS_RECORD_VERSION;
  r.size = static_cast<std::uint16_t>(sizeof(r) + payload.size());
  r.reasons = l7_kind ? FLOWS_REASON_L7 : FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN;
  r.l7_kind = l7_kind;
  r.key.ifindex = 7;
  r.key.ip_version = 4;
  r.key.l4_proto = proto;
  const std::uint8_t src[4] = {10, 244, static_cast<std::uint8_t>(i % 7),
                               static_cast<std::uint8_t>(i % 200 + 1)};
  const std::uint8_t dst[4] = {10, 244, 9, 20};
  std::memcpy(r.key.saddr, src, 4);
  std::memcpy(r.key.daddr, dst, 4);
  r.key.sport = sport;
  r.key.dport = dport;
  r.ts_ns = 1'000'000'000ull + i * 1000ull;
  r.stats.first_seen_ns = r.ts_ns;
  r.stats.last_seen_ns = r.ts_ns;
  r.stats.packets = 3;
  r.stats.bytes = 400;
  r.l7_len = static_cast<std::uint16_t>(payload.size());
  std::vector<std::uint8_t> out(sizeof(r) + payload.size());
  std::memcpy(out.data(), &r, sizeof(r));
  if (!payload.empty()) std::memcpy(out.data() + sizeof(r), payload.data(), payload.size());
  return out;
}

std::vector<std::vector<std::uint8_t>> Workload() {
  const std::string req =
      "GET /products/OLJCESPC7Z HTTP/1.1\r\nHost: productcatalog:3550\r\nUser-Agent: curl/7.88\r\n\r\n";
  const std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  const std::uint8_t dnsq[] = {0x12, 0x34, 1,   0,   0,   1,   0,   0,   0,   0,   0,   0,
                               14,   'p',  'r', 'o', 'd', 'u', 'c', 't', 'c', 'a', 't', 'a',
                               'l',  'o',  'g', 3,   's', 'v', 'c', 0,   0,   1,   0,   1};
  std::vector<std::vector<std::uint8_t>> recs;
  for (std::uint32_t i = 0; i < 1024; ++i) {
    switch (i % 4) {  // a mix: L3/L4 events, HTTP request and response, DNS
      case 0:
        recs.push_back(Record(i, 0, {}, IPPROTO_TCP, 40000 + i, 3550));
        break;
      case 1:
        recs.push_back(Record(i, FLOWS_L7_HTTP, req, IPPROTO_TCP, 40000 + i, 3550));
        break;
      case 2: {  // the answer to record i-1: server -> client
        auto r = Record(i - 1, FLOWS_L7_HTTP, resp, IPPROTO_TCP, 3550, 40000 + i - 1);
        auto* rec = reinterpret_cast<flows_record*>(r.data());
        std::swap(rec->key.saddr, rec->key.daddr);
        rec->ts_ns += 500'000;
        recs.push_back(std::move(r));
        break;
      }
      case 3:
        recs.push_back(Record(i, FLOWS_L7_DNS,
                              std::string_view(reinterpret_cast<const char*>(dnsq), sizeof(dnsq)),
                              IPPROTO_UDP, 50000 + i, 53));
        break;
    }
  }
  return recs;
}

double RssMib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

struct Env {
  // With `graph`, the ingest path also feeds the connectivity graph.
  explicit Env(bool graph = false)
      : pipeline{converter, &metrics, namespaces, store, graph ? &feeder : nullptr} {}
  fd::SystemClock clock;
  fd::RecordDecoder decoder{clock};
  Identities identities;
  Interfaces interfaces;
  ff::DnsCache dns;
  ff::FlowConverter converter{"node-1", identities.resolver, interfaces, dns};
  prometheus::Registry registry;
  ff::FlowMetrics metrics{registry, {}};
  ff::NamespaceTracker namespaces;
  ff::FlowStore store{ff::FlowStore::kDefaultCapacity};
  flows::flowd::graph::ConnectivityGraph graph;
  ff::GraphFeeder feeder{graph, "node-1"};
  ff::IngestPipeline pipeline;
};

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9;
}

// Decodes and ingests `n` records in batches, as the ring reader does.
// Returns records per second of this thread's CPU time: the machine may be
// busy with other work, and "one core" is what the target is about.
double Ingest(Env& env, const std::vector<std::vector<std::uint8_t>>& recs, std::size_t n) {
  std::vector<fd::Flow> batch;
  batch.reserve(1024);
  const double t0 = ThreadCpuSeconds();
  for (std::size_t i = 0; i < n; ++i) {
    auto f = env.decoder.Decode(recs[i % recs.size()]);
    if (f) batch.push_back(std::move(*f));
    if (batch.size() == 1024) {
      env.pipeline.OnFlows(batch);
      batch.clear();
    }
  }
  env.pipeline.OnFlows(batch);
  return static_cast<double>(n) / (ThreadCpuSeconds() - t0);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "quick";
  ff::TuneAllocatorForIngest();  // as flowd's main does
  const std::size_t n = quick ? 300'000 : 2'000'000;
  const auto recs = Workload();
  nlohmann::json out;

  {
    Env env;
    Ingest(env, recs, 100'000);  // warm up: series, DNS cache, allocator
    std::vector<double> rates;
    for (int round = 0; round < (quick ? 3 : 5); ++round) rates.push_back(Ingest(env, recs, n));
    std::sort(rates.begin(), rates.end());
    out["ingest_records_per_s"] = {{"median", rates[rates.size() / 2]},
                                   {"min", rates.front()},
                                   {"max", rates.back()},
                                   {"records_per_round", n},
                                   {"target", 1'000'000}};
    out["rss_mib_full_ring"] = {{"value", RssMib()}, {"flows_held", env.store.size()}, {"target", 150}};
  }

  {
    // The same with the connectivity graph fed (issue 11: <= 150 ns added
    // per record, >= 1 M records/s). Rounds alternate so both see the same
    // machine load.
    Env plain, with_graph(true);
    Ingest(plain, recs, 100'000);
    Ingest(with_graph, recs, 100'000);
    std::vector<double> ns_added, graph_rates;
    for (int round = 0; round < (quick ? 3 : 5); ++round) {
      const double a = Ingest(plain, recs, n);
      const double b = Ingest(with_graph, recs, n);
      graph_rates.push_back(b);
      ns_added.push_back(1e9 / b - 1e9 / a);
    }
    std::sort(ns_added.begin(), ns_added.end());
    std::sort(graph_rates.begin(), graph_rates.end());
    out["graph_ns_added_per_record"] = {{"median", ns_added[ns_added.size() / 2]},
                                        {"min", ns_added.front()},
                                        {"max", ns_added.back()},
                                        {"target", 150}};
    out["ingest_with_graph_records_per_s"] = {
        {"median", graph_rates[graph_rates.size() / 2]}, {"min", graph_rates.front()}, {"target", 1'000'000}};
  }

  {
    Env env;
    ff::ObserverService observer(env.store, env.namespaces, {"node-1", "bench", ""});
    const std::string sock = "unix:///tmp/flowd-bench-" + std::to_string(getpid()) + ".sock";
    grpc::ServerBuilder b;
    b.AddListeningPort(sock, grpc::InsecureServerCredentials());
    b.RegisterService(&observer);
    auto server = b.BuildAndStart();
    std::atomic<std::uint64_t> received{0}, lost{0};
    std::vector<std::unique_ptr<grpc::ClientContext>> ctxs;
    std::vector<std::thread> clients;
    for (int c = 0; c < 10; ++c) {
      ctxs.push_back(std::make_unique<grpc::ClientContext>());
      clients.emplace_back([&, ctx = ctxs.back().get(), c] {
        auto stub =
            observer::Observer::NewStub(grpc::CreateChannel(sock, grpc::InsecureChannelCredentials()));
        observer::GetFlowsRequest req;
        req.set_follow(true);
        // Realistic filters: half the clients by namespace, half by HTTP.
        if (c % 2)
          req.add_whitelist()->add_source_pod("demo-app/");
        else
          req.add_whitelist()->add_protocol("http");
        auto reader = stub->GetFlows(ctx, req);
        observer::GetFlowsResponse r;
        while (reader->Read(&r)) {
          if (r.has_lost_events())
            lost += r.lost_events().num_events_lost();
          else
            ++received;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double rate = Ingest(env, recs, n);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    for (auto& ctx : ctxs) ctx->TryCancel();
    for (auto& t : clients) t.join();
    env.store.Shutdown();
    server->Shutdown();
    out["follow_clients_10_records_per_s"] = {{"ingest_records_per_s", rate},
                                              {"records", n},
                                              {"clients", 10},
                                              {"delivered_to_clients", received.load()},
                                              {"lost_reported_to_clients", lost.load()}};
  }
  std::cout << out.dump(2) << "\n";
  return 0;
}
