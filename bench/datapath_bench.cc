// datapath_bench: what the flows datapath costs, in one run, as JSON.
//
//  * ns_per_packet: the TC ingress program under BPF_PROG_TEST_RUN with
//    `repeat` runs per call; the kernel reports the mean duration of one run.
//    The empty program (bpf/baseline/empty.bpf.c) runs the same way, so
//    delta_vs_empty_ns is what flows adds on top of the test-run harness and
//    the cost of entering any BPF program at all.
//  * consumer_cpu_per_event_ns: thread CPU time of RingReader::DrainOnce
//    (libbpf consume + decode + L7 parse + sink) divided by records drained.
//
// Usage: datapath_bench [--mode full|quick] [--out FILE]   (root / CAP_BPF)
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>
#include <time.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dns_builder.h"
#include "empty.skel.h"
#include "flows/datapath/counters.h"
#include "flows/datapath/loader.h"
#include "flows/datapath/ring_reader.h"
#include "packet_builder.h"

namespace fd = flows::datapath;
namespace ft = flows::testing;
using json = nlohmann::ordered_json;
using Bytes = std::vector<std::uint8_t>;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "datapath_bench: " << what << "\n";
  std::exit(1);
}

template <typename T>
T Must(flows::Result<T> r, const char* what) {
  if (!r) Die(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

struct Mode {
  int rounds;            // test-run calls per case; we report their median
  int repeat;            // program runs per call
  int consumer_rounds;   // fill + drain cycles per record kind
  int consumer_records;  // records per cycle
};

// ---- packets -------------------------------------------------------------

constexpr const char* kClient = "10.1.0.2";
constexpr const char* kServer = "10.1.0.3";

// A browser-ish request: ~300 bytes of request line and headers.
constexpr std::string_view kHttpRequest =
    "GET /api/v1/catalog/products/8731?include=reviews,stock HTTP/1.1\r\n"
    "Host: catalog.shop.svc.cluster.local\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101\r\n"
    "Accept: application/json\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "X-Request-Id: 7f3c9a2e-51d4-4b8e-9c0a-2d6e8f1b4a37\r\n"
    "Connection: keep-alive\r\n\r\n";

constexpr std::string_view kHttpResponse =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 46\r\n"
    "Date: Sat, 22 Nov 2025 10:00:00 GMT\r\n"
    "Server: envoy\r\n"
    "X-Envoy-Upstream-Service-Time: 3\r\n"
    "Cache-Control: no-store\r\n\r\n"
    "{\"id\":8731,\"name\":\"kettle\",\"stock\":12,\"ok\":true}";

// A DNS exchange for api.shop.svc.cluster.local. IN A.
Bytes DnsQuery() {
  return ft::DnsMessageBytes(0x4a2f, 0x0100, "api.shop.svc.cluster.local", 1);
}
Bytes DnsResponse() {
  return ft::DnsMessageBytes(0x4a2f, 0x8180, "api.shop.svc.cluster.local", 1,
                             {{1, 30, {10, 96, 4, 10}}, {1, 30, {10, 96, 4, 11}}});
}

struct Case {
  std::string name;
  Bytes packet;
};

std::vector<Case> Cases() {
  auto tcp = [](std::uint16_t sp, std::uint16_t dp, std::uint8_t flags, std::string_view payload,
                bool from_server = false) {
    return ft::PacketBuilder()
        .Eth()
        .Ipv4(from_server ? kServer : kClient, from_server ? kClient : kServer)
        .Tcp(sp, dp, flags)
        .Payload(payload)
        .Build();
  };
  auto udp = [](std::uint16_t sp, std::uint16_t dp, const Bytes& payload, bool from_server) {
    return ft::PacketBuilder()
        .Eth()
        .Ipv4(from_server ? kServer : kClient, from_server ? kClient : kServer)
        .Udp(sp, dp)
        .Payload(payload)
        .Build();
  };
  return {
      // Same packet as tcp_ack: only the program differs.
      {"empty", tcp(40001, 80, ft::kAck, "")},
      {"tcp_syn", tcp(40000, 80, ft::kSyn, "")},
      {"tcp_ack", tcp(40001, 80, ft::kAck, "")},
      {"http_request", tcp(40001, 80, ft::kAck | ft::kPsh, kHttpRequest)},
      {"http_response", tcp(80, 40001, ft::kAck | ft::kPsh, kHttpResponse, true)},
      {"dns_query", udp(53001, 53, DnsQuery(), false)},
      {"dns_response", udp(53, 53001, DnsResponse(), true)},
  };
}

// ---- measuring -----------------------------------------------------------

// Runs the program `repeat` times on `pkt`; returns the kernel's mean ns/run.
std::uint32_t TestRun(int prog_fd, const Bytes& pkt, int repeat) {
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt.data(),
              .data_size_in = static_cast<std::uint32_t>(pkt.size()), .repeat = repeat);
  if (int err = bpf_prog_test_run_opts(prog_fd, &opts))
    Die("BPF_PROG_TEST_RUN: " + std::string(std::strerror(-err)));
  if (opts.retval != static_cast<std::uint32_t>(TC_ACT_UNSPEC))
    Die("program returned " + std::to_string(static_cast<int>(opts.retval)));
  return opts.duration;
}

double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

template <typename T>
json Summary(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return {{"median_ns", v[v.size() / 2]}, {"min_ns", v.front()}, {"max_ns", v.back()}, {"rounds_ns", v}};
}

// The cheapest sink: counts, so a drain costs only consume + decode + parse.
class CountingSink final : public fd::FlowSink {
 public:
  void OnFlows(std::span<const fd::Flow> flows) override {
    for (const auto& f : flows) l7_parsed_ += f.http.has_value() || f.dns.has_value();
  }
  std::uint64_t l7_parsed_ = 0;  // proves the L7 payload really was parsed
};

struct Loaded {
  std::unique_ptr<fd::Datapath> dp;
  fd::SystemClock clock;
  std::unique_ptr<fd::RecordDecoder> decoder;
  CountingSink sink;
  std::unique_ptr<fd::RingReader> reader;

  Loaded(bool per_packet, std::uint32_t ring_bytes) {
    fd::DatapathOptions o;
    o.pin_root = "";  // never touch the daemon's pinned maps
    o.ring_bytes = ring_bytes;
    // The kernel forces a wakeup (an irq_work, an IPI) once wakeup_bytes are
    // queued. In production the reader drains on its timer long before that;
    // here a round queues hundreds of MB, so keep the threshold out of reach
    // to measure the steady-state NO_WAKEUP path.
    o.wakeup_bytes = o.ring_bytes - 4096;
    o.per_packet = per_packet;
    dp = Must(fd::Datapath::Load(o), "load datapath");
    decoder = std::make_unique<fd::RecordDecoder>(clock);
    reader = Must(fd::RingReader::Create(dp->ring_fd(), *decoder, sink), "ring reader");
  }
  std::size_t Drain() { return Must(reader->DrainOnce(), "drain"); }
  fd::KernelCounters Counters() const {
    return Must(fd::BpfCounterSource(dp->counters_fd()).Read(), "read counters");
  }
};

json CountersJson(const fd::KernelCounters& c) {
  json j = json::object();
  for (int i = 0; i < FLOWS_CNT_MAX; ++i) {
    auto which = static_cast<flows_counter>(i);
    j[std::string(fd::KernelCounters::Name(which))] = c[which];
  }
  return j;
}

json NsPerPacket(const Mode& mode, const std::vector<Case>& cases) {
  // 1 GiB holds a whole round of L7 records (~470 bytes each) between drains.
  Loaded flows(/*per_packet=*/false, 1u << 30);
  std::unique_ptr<empty, decltype(&empty__destroy)> base(empty__open_and_load(), empty__destroy);
  if (!base) Die("load empty baseline program");

  auto prog_of = [&](const Case& c) {
    return c.name == "empty" ? bpf_program__fd(base->progs.empty_tc) : flows.dp->tc_ingress_fd();
  };
  // Warm-up: the first run of each flows case creates its flow-table entry
  // (and emits NEW_FLOW / first-SYN records); we measure the steady state.
  for (const auto& c : cases) TestRun(prog_of(c), c.packet, 100000);
  flows.Drain();

  std::vector<std::vector<std::uint32_t>> ns(cases.size());
  std::vector<std::uint64_t> records(cases.size());
  // Rounds outer, cases inner: slow drift (frequency, neighbours) spreads
  // over every case instead of biasing the one that ran during it.
  for (int r = 0; r < mode.rounds; ++r) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      ns[i].push_back(TestRun(prog_of(cases[i]), cases[i].packet, mode.repeat));
      records[i] += flows.Drain();  // keep the ring empty for the next round
    }
  }

  json out = {{"method",
               "BPF_PROG_TEST_RUN of flows_tc_ingress (and empty_tc), kernel-reported "
               "mean ns per run; median over rounds"},
              {"rounds", mode.rounds},
              {"repeat", mode.repeat},
              {"cases", json::object()}};
  const auto median = [](std::vector<std::uint32_t> v) {
    std::sort(v.begin(), v.end());
    return static_cast<std::int64_t>(v[v.size() / 2]);
  };
  const std::int64_t empty_ns = median(ns[0]);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json c = {{"packet_bytes", cases[i].packet.size()}};
    c.update(Summary(ns[i]));
    c["delta_vs_empty_ns"] = median(ns[i]) - empty_ns;
    // 1.0 for the L7 cases (a record every packet), 0 for tcp_syn/tcp_ack.
    c["records_per_run"] = static_cast<double>(records[i]) / (double(mode.rounds) * mode.repeat);
    out["cases"][cases[i].name] = c;
  }
  const auto counters = flows.Counters();
  out["ring_reserve_failed"] = counters[FLOWS_CNT_RING_RESERVE_FAILED];
  out["kernel_counters"] = CountersJson(counters);
  return out;
}

json ConsumerCpu(const Mode& mode, const std::vector<Case>& cases) {
  auto find = [&](std::string_view n) {
    return *std::find_if(cases.begin(), cases.end(), [&](const Case& c) { return c.name == n; });
  };
  // per_packet: every run emits a record, so the ring fills with exactly
  // `consumer_records` records of one kind.
  // Room for one round of the largest records (HTTP, ~470 bytes with the
  // ring's 8-byte header): the next power of two above 512 bytes each.
  Loaded flows(/*per_packet=*/true, std::bit_ceil(512u * mode.consumer_records));
  const struct {
    const char* name;
    Case source;
  } kinds[] = {{"no_l7", find("tcp_syn")}, {"http", find("http_request")}, {"dns", find("dns_response")}};

  json out = {{"method",
               "ring filled with N records (per-packet mode), then RingReader::DrainOnce "
               "(consume + decode + L7 parse + counting sink) on this thread; "
               "CLOCK_THREAD_CPUTIME_ID / records; median over rounds"},
              {"records_per_round", mode.consumer_records},
              {"rounds", mode.consumer_rounds}};
  for (const auto& k : kinds) {
    std::vector<double> per_event;
    const std::uint64_t l7_before = flows.sink.l7_parsed_;
    const std::uint64_t bytes_before = flows.reader->stats().bytes;
    std::uint64_t drained = 0;
    for (int r = 0; r < mode.consumer_rounds; ++r) {
      TestRun(flows.dp->tc_ingress_fd(), k.source.packet, mode.consumer_records);
      const double t0 = ThreadCpuNs();
      const int n = static_cast<int>(flows.Drain());
      const double t1 = ThreadCpuNs();
      if (n != mode.consumer_records)
        Die(std::string(k.name) + ": drained " + std::to_string(n) + " records, expected " +
            std::to_string(mode.consumer_records));
      drained += n;
      per_event.push_back((t1 - t0) / static_cast<double>(n));
    }
    json j = Summary(per_event);
    j["record_bytes"] = (flows.reader->stats().bytes - bytes_before) / drained;
    j["l7_parsed_fraction"] = static_cast<double>(flows.sink.l7_parsed_ - l7_before) / drained;
    out[k.name] = j;
  }
  const auto counters = flows.Counters();
  out["ring_reserve_failed"] = counters[FLOWS_CNT_RING_RESERVE_FAILED];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode_name = "full", out_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mode" && i + 1 < argc)
      mode_name = argv[++i];
    else if (a == "--out" && i + 1 < argc)
      out_path = argv[++i];
    else
      Die("usage: datapath_bench [--mode full|quick] [--out FILE]");
  }
  if (mode_name != "full" && mode_name != "quick") Die("mode must be full or quick");
  const Mode mode = mode_name == "full" ? Mode{11, 1000000, 5, 1000000} : Mode{3, 1000000, 1, 500000};

  const auto cases = Cases();
  json result = {{"mode", mode_name}};
  result["ns_per_packet"] = NsPerPacket(mode, cases);
  result["consumer_cpu_per_event_ns"] = ConsumerCpu(mode, cases);

  const std::string text = result.dump(2) + "\n";
  if (out_path.empty()) {
    std::fputs(text.c_str(), stdout);
  } else if (!(std::ofstream(out_path) << text)) {
    Die("write " + out_path);
  }
  return 0;
}
