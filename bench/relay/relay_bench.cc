// relay benchmarks, one run, JSON on stdout (bench/run.sh: relay_results.py):
//   merge_flows_per_s        3 and 10 synthetic node streams merged in time
//                            order by FlowMerger into one consumer: the
//                            relay's own work per flow (queues, ordering,
//                            threads), without protobuf and gRPC
//   e2e_grpc_flows_per_s     3 gRPC nodes writing prepared flows as fast as
//                            they can -> RelayService -> one gRPC follow
//                            client, all on loopback: adds parsing, copying
//                            and serialising twice
//   added_latency_ms         time from a flow entering a node's FlowStore to
//                            a follow client reading it through the relay
//                            (3 real ObserverService nodes, drain timeout
//                            1 s): with all nodes sending, with one idle
//                            node (the drain timeout is what bounds it), and
//                            reading one node directly for comparison
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "relay_harness.h"
#include "synthetic_peers.h"
#include "test_node.h"

using namespace std::chrono_literals;
namespace fr = flows::relay;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

json Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {{"median", v[v.size() / 2]}, {"min", v.front()}, {"max", v.back()}, {"rounds", v.size()}};
}

// One round: `peers` streams of `per_peer` flows each, merged.
double MergeRound(int peers, std::uint64_t per_peer, std::uint64_t* out_of_order) {
  fr::MergerOptions o;
  o.merge.sort_window = 4096;
  o.merge.drain_timeout = 1000ms;
  o.capacity = 16384;
  fr::FlowMerger m(o, nullptr);
  const auto start = Clock::now();
  for (int p = 0; p < peers; ++p)
    m.AddStream("node-" + std::to_string(p),
                std::make_unique<fr::bench::SyntheticStream>("node-" + std::to_string(p),
                                                             1'700'000'000'000'000'000 + p, peers, per_peer));
  std::vector<fr::FlowItem> batch;
  std::uint64_t got = 0;
  std::int64_t last = 0;
  for (;;) {
    batch.clear();
    const auto r = m.Take(batch, 256, Clock::now() + 10s);
    for (const auto& i : batch) {
      *out_of_order += i.time_ns < last;
      last = i.time_ns;
    }
    got += batch.size();
    if (r == fr::FlowMerger::Next::kFinished) break;
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  if (got != per_peer * peers) std::cerr << "merge: got " << got << " of " << per_peer * peers << "\n";
  return static_cast<double>(got) / s;
}

json MergeBench(bool quick) {
  json out;
  for (int peers : {3, 10}) {
    const std::uint64_t total = quick ? 1'500'000 : 6'000'000;
    std::vector<double> rates;
    std::uint64_t ooo = 0;
    for (int round = 0; round < (quick ? 3 : 7); ++round)
      rates.push_back(MergeRound(peers, total / peers, &ooo));
    json s = Summary(rates);
    s["flows_per_round"] = total / peers * peers;
    s["out_of_order"] = ooo;
    out[std::to_string(peers) + "_peers"] = s;
  }
  return out;
}

// For comparison: the same three nodes read directly, one client stream per
// node (what the relay's work costs is the difference).
double GrpcDirect(const std::vector<fr::PeerSpec>& specs, std::uint64_t per_node) {
  std::atomic<std::uint64_t> flows{0};
  const auto start = Clock::now();
  std::vector<std::thread> readers;
  for (const auto& spec : specs)
    readers.emplace_back([&, address = spec.address] {
      auto stub =
          observer::Observer::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      grpc::ClientContext ctx;
      observer::GetFlowsRequest req;
      req.set_follow(true);
      auto reader = stub->GetFlows(&ctx, req);
      observer::GetFlowsResponse r;
      std::uint64_t n = 0;
      while (n < per_node && reader->Read(&r)) n += r.has_flow();
      flows += n;
      ctx.TryCancel();
      reader->Finish();
    });
  for (auto& t : readers) t.join();
  return static_cast<double>(flows) / std::chrono::duration<double>(Clock::now() - start).count();
}

json GrpcBench(bool quick) {
  const std::uint64_t per_node = quick ? 50'000 : 200'000;
  std::vector<std::unique_ptr<fr::bench::BlastObserver>> services;
  std::vector<std::unique_ptr<grpc::Server>> servers;
  std::vector<fr::PeerSpec> specs;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "node-" + std::to_string(i);
    services.push_back(std::make_unique<fr::bench::BlastObserver>(name, per_node));
    int port = 0;
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(services.back().get());
    servers.push_back(b.BuildAndStart());
    specs.push_back({name, "127.0.0.1:" + std::to_string(port), {}});
  }
  fr::testing::RelayHarness relay;
  relay.peers().Replace("static", specs);
  relay.WaitConnected(3);
  auto stub = relay.Stub();
  grpc::ClientContext ctx;
  observer::GetFlowsRequest req;
  req.set_follow(true);
  const auto start = Clock::now();
  auto reader = stub->GetFlows(&ctx, req);
  observer::GetFlowsResponse r;
  std::uint64_t flows = 0, lost = 0;
  while (flows + lost < 3 * per_node && reader->Read(&r)) {
    flows += r.has_flow();
    if (r.has_lost_events()) lost += r.lost_events().num_events_lost();
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  ctx.TryCancel();
  reader->Finish();
  const double direct = GrpcDirect(specs, per_node);
  for (auto& srv : servers) srv->Shutdown(std::chrono::system_clock::now() + 1s);
  return {{"flows_per_s", static_cast<double>(flows) / s},
          {"direct_no_relay_flows_per_s", direct},
          {"flows", flows},
          {"lost_reported", lost},
          {"lost_by_stage",
           {{"sort_buffer", relay.metrics().lost(fr::LostStage::kSortBuffer)},
            {"slow_client", relay.metrics().lost(fr::LostStage::kSlowClient)}}}};
}

// Latency of flows pushed at `rate` per second in total, round-robin over
// `sending` nodes, read by a follow client on `stub`.
json LatencyRun(observer::Observer::Stub& stub, std::vector<fr::testing::TestNode*> sending, int rate,
                std::chrono::seconds duration) {
  grpc::ClientContext ctx;
  observer::GetFlowsRequest req;
  req.set_follow(true);
  auto reader = stub.GetFlows(&ctx, req);
  std::vector<double> lat_ms;
  std::atomic<bool> measuring{false};
  std::thread client([&] {
    observer::GetFlowsResponse r;
    while (reader->Read(&r)) {
      if (!r.has_flow() || !measuring) continue;
      const auto t = r.flow().time();
      const double ms =
          static_cast<double>(fr::testing::NowNs() - (t.seconds() * 1'000'000'000 + t.nanos())) / 1e6;
      lat_ms.push_back(ms);
    }
  });
  std::this_thread::sleep_for(1500ms);  // the relay's streams to the nodes are open
  measuring = true;
  const auto end = Clock::now() + duration;
  const auto tick = 1ms;
  const int per_tick = std::max(1, rate / 1000);
  std::size_t k = 0;
  for (auto next = Clock::now(); Clock::now() < end; next += tick) {
    for (int i = 0; i < per_tick; ++i) sending[k++ % sending.size()]->Push(fr::testing::NowNs());
    std::this_thread::sleep_until(next + tick);
  }
  std::this_thread::sleep_for(2500ms);  // what is still in flight (drain timeout + margin)
  ctx.TryCancel();
  client.join();
  reader->Finish();
  std::sort(lat_ms.begin(), lat_ms.end());
  auto q = [&](double p) {
    return lat_ms.empty() ? -1.0
                          : lat_ms[std::min(lat_ms.size() - 1, static_cast<std::size_t>(p * lat_ms.size()))];
  };
  return {{"p50", q(0.50)},         {"p99", q(0.99)}, {"max", lat_ms.empty() ? -1.0 : lat_ms.back()},
          {"flows", lat_ms.size()}, {"pushed", k},    {"rate_per_s", rate}};
}

json LatencyBench(bool quick) {
  std::vector<std::unique_ptr<fr::testing::TestNode>> nodes;
  std::vector<fr::PeerSpec> specs;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<fr::testing::TestNode>("node-" + std::to_string(i)));
    nodes.back()->Start();
    specs.push_back({nodes.back()->name(), nodes.back()->address(), {}});
  }
  auto options = fr::testing::TestRelayOptions();
  options.merge.drain_timeout = 1000ms;  // flows-relay's default
  fr::testing::RelayHarness relay(options);
  relay.peers().Replace("static", specs);
  relay.WaitConnected(3);
  auto stub = relay.Stub();
  const auto duration = quick ? 4s : 15s;
  const int rate = 3000;
  json out;
  out["drain_timeout_ms"] = 1000;
  out["all_nodes_sending"] =
      LatencyRun(*stub, {nodes[0].get(), nodes[1].get(), nodes[2].get()}, rate, duration);
  out["one_node_idle"] = LatencyRun(*stub, {nodes[0].get(), nodes[1].get()}, rate, duration);
  auto direct = observer::Observer::NewStub(
      grpc::CreateChannel(nodes[0]->address(), grpc::InsecureChannelCredentials()));
  out["direct_one_node"] = LatencyRun(*direct, {nodes[0].get()}, rate, duration);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "quick";
  json out;
  out["mode"] = quick ? "quick" : "full";
  // An optional second argument runs one part only: merge, grpc, latency.
  const std::string only = argc > 2 ? argv[2] : "";
  if (only.empty() || only == "merge") out["merge_flows_per_s"] = MergeBench(quick);
  if (only.empty() || only == "grpc") out["e2e_grpc_flows_per_s"] = GrpcBench(quick);
  if (only.empty() || only == "latency") out["added_latency_ms"] = LatencyBench(quick);
  std::cout << out.dump(2) << "\n";
  return 0;
}
