// Connectivity graph benchmarks (Google Benchmark; one core):
//   BM_Ingest / BM_IngestBatch   ns per observation on a realistic mix
//                                (counters: ns_per_obs)
//   BM_Memory_20kEdges_7DaysHourly
//                                Stats().bytes with 20,000 edges active every
//                                hour for 7 days (target <= 64 MiB); bytes
//                                per edge and per (edge, hour) bucket record
//   BM_Query_100kEdges_*         Query over 100,000 edges (target <= 200 ms)
//   BM_Merge_10Nodes             MergeGraphs of 10 nodes' graphs (<= 500 ms)
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "flows/api/graph/graph_merge.h"
#include "flows/flowd/graph/connectivity_graph.h"
#include "flows/flowd/graph/graph_proto.h"

namespace {

using namespace flows::flowd::graph;  // NOLINT
using flows::Result;

constexpr TimeNs kStart = 1'701'900'000LL * kSecondNs - (1'701'900'000LL * kSecondNs) % kHourNs;

// A cluster's worth of endpoints, with stable strings for the EndpointRefs.
class Cluster {
 public:
  explicit Cluster(int workloads) {
    static const char* kNamespaces[] = {"shop",        "payments", "search", "monitoring",
                                        "kube-system", "auth",     "media",  "ads"};
    names_.reserve(workloads * 3);
    for (int i = 0; i < workloads; ++i) {
      names_.push_back(kNamespaces[i % 8]);
      names_.push_back("service-" + std::to_string(i));
      names_.push_back("service-" + std::to_string(i) + "-7c9d8b5f4-x2x9k");
    }
    for (int i = 0; i < workloads; ++i) {
      EndpointRef e;
      e.kind = EndpointKind::kWorkload;
      e.namespace_ = names_[3 * i];
      e.workload_kind = "Deployment";
      e.workload_name = names_[3 * i + 1];
      e.pod = names_[3 * i + 2];
      clients_.push_back(e);
      e.service_namespace = e.namespace_;
      e.service_name = e.workload_name;
      servers_.push_back(e);
    }
    for (int i = 0; i < 64; ++i) worlds_.push_back("api-" + std::to_string(i) + ".example.com");
  }
  const EndpointRef& client(std::size_t i) const { return clients_[i % clients_.size()]; }
  const EndpointRef& server(std::size_t i) const { return servers_[i % servers_.size()]; }
  EndpointRef world(std::size_t i) const {
    EndpointRef e;
    e.kind = EndpointKind::kWorld;
    e.name = worlds_[i % worlds_.size()];
    return e;
  }
  std::size_t size() const { return clients_.size(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::string> worlds_;
  std::vector<EndpointRef> clients_, servers_;
};

enum class EdgeType { kHttp, kDns, kTcp, kWorld };

// Edge number `i` of a graph with `n` edges: 40% HTTP, 20% DNS, 30% TCP
// between workloads, 10% to the world. Distinct (client, server, port) per i.
Observation EdgeObservation(const Cluster& c, std::size_t i, EdgeType* type) {
  Observation o;
  o.vantage = Vantage::kClient;
  o.client_observed = true;
  const std::size_t w = c.size();
  o.client = c.client(i % w);
  o.server = c.server((i / w + i + 1) % w);
  o.port = static_cast<std::uint16_t>(8000 + (i / (w * w)) % 1000);
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      *type = EdgeType::kHttp;
      o.l7 = L7Proto::kHttp;
      break;
    case 4:
    case 5:
      *type = EdgeType::kDns;
      o.l4 = L4Proto::kUdp;
      o.l7 = L7Proto::kDns;
      o.port = 53;
      o.server.service_name = {};
      o.server.workload_name = c.server(i % 7).workload_name;  // a few DNS servers
      o.port = static_cast<std::uint16_t>(53 + (i / w) % 5000);
      break;
    case 6:
    case 7:
    case 8:
      *type = EdgeType::kTcp;
      break;
    default:
      *type = EdgeType::kWorld;
      o.server = c.world(i / 10);
      o.port = static_cast<std::uint16_t>(443 + (i / 640) % 20000);
      break;
  }
  return o;
}

// A realistic mix of observations for BM_Ingest: 2,000 edges; per edge event
// stream: opens, byte deltas, HTTP/DNS responses, some refused/reset, and a
// share seen from a vantage point that does not count (the other veth, NICs).
std::vector<Observation> IngestMix(const Cluster& c, std::size_t n) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(3e6), 0.8);
  std::vector<Observation> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    EdgeType type;
    Observation o = EdgeObservation(c, rng() % 2000, &type);
    o.time_ns = kStart;  // set while replaying
    const int roll = static_cast<int>(rng() % 100);
    if (roll < 15) {
      o.kind = EventKind::kConnectionOpened;
      o.packets_to_server = 1;
      o.bytes_to_server = 74;
    } else if (roll < 50) {
      o.kind = EventKind::kStats;
      o.packets_to_server = 10;
      o.packets_to_client = 12;
      o.bytes_to_server = 1200;
      o.bytes_to_client = 15000;
    } else if (roll < 75) {
      if (type == EdgeType::kDns) {
        o.kind = EventKind::kDnsResponse;
        o.dns_rcode = roll < 70 ? 0 : 3;
      } else {
        o.kind = EventKind::kHttpResponse;
        o.http_method = roll < 70 ? HttpMethod::kGet : HttpMethod::kPost;
        o.http_status = roll == 74 ? 503 : 200;
      }
      o.latency_ns = static_cast<std::int64_t>(latency(rng));
    } else if (roll < 78) {
      o.kind = roll < 77 ? EventKind::kRefused : EventKind::kReset;
    } else {
      o.kind = EventKind::kStats;  // the server's veth or a NIC: not counted
      o.vantage = roll < 90 ? Vantage::kServer : Vantage::kTransit;
      o.packets_to_server = 10;
      o.bytes_to_server = 1200;
    }
    out.push_back(o);
  }
  return out;
}

// 50,000 observations per second of simulated time: the open minute is
// sealed every 3M observations, so long runs include sealing.
constexpr TimeNs kObsSpacing = 20'000;

void BM_Ingest(benchmark::State& state) {
  const Cluster cluster(200);
  std::vector<Observation> mix = IngestMix(cluster, 1 << 12);
  ConnectivityGraph graph;
  const NodeId node = graph.InternNode("node-a");
  for (Observation& o : mix) o.node = node;
  TimeNs now = kStart;
  std::size_t i = 0;
  for (auto _ : state) {
    Observation& o = mix[i++ & (mix.size() - 1)];
    o.time_ns = now;
    now += kObsSpacing;
    graph.Ingest(o);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["ns_per_obs"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["edges"] = static_cast<double>(graph.Stats().edges);
}
BENCHMARK(BM_Ingest);

// The loop of BM_Ingest without the graph: what the benchmark itself costs.
void BM_IngestLoopOnly(benchmark::State& state) {
  const Cluster cluster(200);
  std::vector<Observation> mix = IngestMix(cluster, 1 << 12);
  TimeNs now = kStart;
  std::size_t i = 0;
  for (auto _ : state) {
    Observation& o = mix[i++ & (mix.size() - 1)];
    o.time_ns = now;
    now += kObsSpacing;
    benchmark::DoNotOptimize(o);
    benchmark::ClobberMemory();
  }
  state.counters["ns_per_obs"] = benchmark::Counter(
      static_cast<double>(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_IngestLoopOnly);

void BM_IngestBatch(benchmark::State& state) {
  const Cluster cluster(200);
  std::vector<Observation> mix = IngestMix(cluster, 1 << 12);
  ConnectivityGraph graph;
  const NodeId node = graph.InternNode("node-a");
  for (Observation& o : mix) o.node = node;
  const std::size_t batch = static_cast<std::size_t>(state.range(0));
  TimeNs now = kStart;
  std::size_t offset = 0;
  for (auto _ : state) {
    std::span<Observation> b(mix.data() + offset, batch);
    for (Observation& o : b) {
      o.time_ns = now;
      now += kObsSpacing;
    }
    graph.IngestBatch(b);
    offset = (offset + batch) % mix.size();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
  state.counters["ns_per_obs"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_IngestBatch)->Arg(256);

// One hour of an edge's traffic, as a handful of observations with
// hour-sized counts: opens and bytes, and for HTTP 30 responses (latency
// spread like a real service), for DNS 15 answers.
void FeedHour(ConnectivityGraph& graph, const Observation& edge, EdgeType type, TimeNs hour,
              std::mt19937_64& rng) {
  static std::lognormal_distribution<double> latency(std::log(3e6), 0.6);
  Observation o = edge;
  o.time_ns = hour + 30 * kSecondNs;
  o.kind = EventKind::kConnectionOpened;
  o.packets_to_server = 1000 + rng() % 9000;
  o.packets_to_client = 1000 + rng() % 9000;
  o.bytes_to_server = o.packets_to_server * 150;
  o.bytes_to_client = o.packets_to_client * 1100;
  graph.Ingest(o);
  o.packets_to_server = o.packets_to_client = o.bytes_to_server = o.bytes_to_client = 0;
  if (type == EdgeType::kHttp) {
    o.kind = EventKind::kHttpResponse;
    for (int r = 0; r < 30; ++r) {
      o.http_method = r % 6 == 0 ? HttpMethod::kPost : HttpMethod::kGet;
      o.http_status = r == 29 && rng() % 4 == 0 ? 500 : 200;
      o.latency_ns = static_cast<std::int64_t>(latency(rng));
      graph.Ingest(o);
    }
  } else if (type == EdgeType::kDns) {
    o.kind = EventKind::kDnsResponse;
    for (int r = 0; r < 15; ++r) {
      o.dns_rcode = r == 14 ? 3 : 0;
      o.latency_ns = static_cast<std::int64_t>(latency(rng) / 10);
      graph.Ingest(o);
    }
  }
}

// `edges` edges, each active in every one of `hours` hours, rolled up to
// hour buckets.
std::unique_ptr<ConnectivityGraph> BuildHourly(const Cluster& cluster, std::size_t edges, int hours) {
  GraphOptions options;
  options.rollup_after = 0;  // roll up as soon as each hour ends
  options.memory_budget_bytes = std::size_t{1} << 40;
  auto graph = std::make_unique<ConnectivityGraph>(options);
  std::vector<Observation> obs(edges);
  std::vector<EdgeType> types(edges);
  for (std::size_t i = 0; i < edges; ++i) obs[i] = EdgeObservation(cluster, i, &types[i]);
  std::mt19937_64 rng(1);
  for (int h = 0; h < hours; ++h) {
    const TimeNs hour = kStart + h * kHourNs;
    for (std::size_t i = 0; i < edges; ++i) FeedHour(*graph, obs[i], types[i], hour, rng);
    graph->Maintain(hour + kHourNs);
  }
  return graph;
}

void BM_Memory_20kEdges_7DaysHourly(benchmark::State& state) {
  const Cluster cluster(400);
  for (auto _ : state) {
    auto graph = BuildHourly(cluster, 20'000, 7 * 24);
    const GraphStats s = graph->Stats();
    state.counters["edges"] = static_cast<double>(s.edges);
    state.counters["hour_buckets"] = static_cast<double>(s.hour_buckets);
    state.counters["bucket_records"] = static_cast<double>(s.bucket_records);
    state.counters["MiB_total"] = static_cast<double>(s.bytes) / (1 << 20);
    state.counters["bytes_per_edge_total"] = static_cast<double>(s.bytes) / static_cast<double>(s.edges);
    state.counters["bytes_per_edge_meta"] =
        static_cast<double>(s.bytes - s.bucket_bytes) / static_cast<double>(s.edges);
    state.counters["bytes_per_bucket_record"] =
        static_cast<double>(s.bucket_bytes) / static_cast<double>(s.bucket_records);
    state.counters["bytes_per_active_bucket"] =
        static_cast<double>(s.bucket_bytes) / static_cast<double>(s.hour_buckets + s.minute_buckets);
  }
}
BENCHMARK(BM_Memory_20kEdges_7DaysHourly)->Iterations(1)->Unit(benchmark::kMillisecond);

ConnectivityGraph& QueryGraph() {
  static const Cluster cluster(400);
  static std::unique_ptr<ConnectivityGraph> graph = BuildHourly(cluster, 100'000, 24);
  return *graph;
}

void RunQuery(benchmark::State& state, const Query& q) {
  ConnectivityGraph& graph = QueryGraph();
  std::size_t edges = 0;
  for (auto _ : state) {
    Result<Graph> out = graph.Query(q);
    if (!out) {
      state.SkipWithError(out.error().message.c_str());
      break;
    }
    edges = out->edges.size();
    benchmark::DoNotOptimize(*out);
  }
  state.counters["result_edges"] = static_cast<double>(edges);
  state.counters["graph_edges"] = static_cast<double>(graph.Stats().edges);
}

void BM_Query_100kEdges_24Hours(benchmark::State& state) {
  RunQuery(state, Query{});
}
BENCHMARK(BM_Query_100kEdges_24Hours)->Unit(benchmark::kMillisecond);

void BM_Query_100kEdges_LastHour(benchmark::State& state) {
  Query q;
  q.since = kStart + 23 * kHourNs;
  RunQuery(state, q);
}
BENCHMARK(BM_Query_100kEdges_LastHour)->Unit(benchmark::kMillisecond);

void BM_Query_100kEdges_24Hours_ByNamespace(benchmark::State& state) {
  Query q;
  q.group_by = GroupBy::kNamespace;
  RunQuery(state, q);
}
BENCHMARK(BM_Query_100kEdges_24Hours_ByNamespace)->Unit(benchmark::kMillisecond);

void BM_Query_100kEdges_24Hours_Filtered(benchmark::State& state) {
  Query q;
  q.exclude_namespaces = {"monitoring"};
  q.min_requests = 100;
  RunQuery(state, q);
}
BENCHMARK(BM_Query_100kEdges_24Hours_Filtered)->Unit(benchmark::kMillisecond);

// 10 nodes' graphs of 20,000 edges: 10,000 edges every node reports (the
// same clients' calls, split over nodes) and 10,000 of its own.
void BM_Merge_10Nodes(benchmark::State& state) {
  const Cluster cluster(400);
  std::mt19937_64 rng(3);
  // As the relay merges: every node's answer in the API's form.
  std::vector<::flows::graph::GetGraphResponse> nodes(10);
  for (int n = 0; n < 10; ++n) {
    ConnectivityGraph g;
    g.InternNode("node-" + std::to_string(n));
    for (std::size_t i = 0; i < 20'000; ++i) {
      const std::size_t id = i < 10'000 ? i : 10'000 + n * 10'000 + i;
      EdgeType type;
      Observation o = EdgeObservation(cluster, id, &type);
      FeedHour(g, o, type, kStart, rng);
    }
    if (Result<Graph> g_out = g.Query(Query{}); g_out)
      nodes[n] = GraphToProto(*g_out, "node-" + std::to_string(n));
  }
  std::size_t merged = 0;
  for (auto _ : state) {
    auto out = flows::api::graph::MergeGraphs(nodes);
    merged = static_cast<std::size_t>(out.edges_size());
    benchmark::DoNotOptimize(out);
  }
  state.counters["input_edges"] = 200'000;
  state.counters["merged_edges"] = static_cast<double>(merged);
}
BENCHMARK(BM_Merge_10Nodes)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
