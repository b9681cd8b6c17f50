// flows-dump: loads the datapath, attaches it to pod veths and the node NIC,
// and prints every flow record as it arrives. The datapath on its own, for
// the demo, the integration tests and debugging on a node.
#include <net/if.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "flow_format.h"
#include "flows/datapath/flow_sweeper.h"
#include "flows/datapath/interface_manager.h"
#include "flows/datapath/loader.h"
#include "flows/datapath/ring_reader.h"

namespace fd = flows::datapath;

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) {
  g_stop = true;
}

std::string IfName(std::uint32_t ifindex) {
  char buf[IF_NAMESIZE] = {};
  return if_indextoname(ifindex, buf) ? buf : std::to_string(ifindex);
}

class Printer final : public fd::FlowSink {
 public:
  explicit Printer(bool json) : json_(json) {}
  void OnFlows(std::span<const fd::Flow> flows) override {
    std::lock_guard lock(mu_);
    for (const auto& f : flows) {
      const std::string name = IfName(f.ifindex);
      if (json_)
        std::fputs((fd::ToJson(f, name).dump() + "\n").c_str(), stdout);
      else
        std::fputs((fd::ToCompact(f, name) + "\n").c_str(), stdout);
    }
    std::fflush(stdout);
  }

 private:
  bool json_;
  std::mutex mu_;
};

int Fail(const std::string& what) {
  std::cerr << "flows-dump: " << what << "\n";
  return 1;
}

}  // namespace

// NOLINTNEXTLINE(bugprone-exception-escape): an exception here is a bug; terminate reports it.
int main(int argc, char** argv) {
  CLI::App app{"flows-dump: print the flows the datapath sees, as they arrive"};
  fd::DatapathOptions opts;
  fd::AttachPolicy policy;
  std::string output = "compact";
  double duration_s = 0, stats_interval_s = 5, idle_timeout_s = 30, closed_timeout_s = 5, drain_ms = 50;
  bool no_xdp = false, keep_attached = false;
  std::string ready_file;

  app.add_option("--interfaces", policy.pod_patterns, "pod interface name patterns (fnmatch)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--node-nic", policy.node_nic, "node NIC: auto (default route), none, or a name")
      ->capture_default_str();
  app.add_flag("--no-xdp", no_xdp, "observe node NIC ingress with TC instead of XDP");
  app.add_option("--pin-root", opts.pin_root, "bpffs directory for maps and links; empty: no pinning")
      ->capture_default_str();
  app.add_flag("--per-packet", opts.per_packet, "a record for every packet (debugging)");
  app.add_option("--stats-interval", stats_interval_s, "seconds between stats records of a live flow; 0: off")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout_s, "seconds of silence that end a flow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--closed-timeout", closed_timeout_s, "seconds after FIN/RST that end a TCP flow")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--dns-port", opts.dns_ports, "DNS ports (up to 4)")->capture_default_str();
  app.add_option("--ring-bytes", opts.ring_bytes, "flow ring size (power of two)")->capture_default_str();
  app.add_option("--drain-ms", drain_ms, "ring drain interval in milliseconds")
      ->check(CLI::Range(1.0, 10000.0))
      ->capture_default_str();
  app.add_option("-o,--output", output, "compact or json")
      ->check(CLI::IsMember({"compact", "json"}))
      ->capture_default_str();
  app.add_option("--duration", duration_s, "stop after this many seconds; 0: until SIGINT/SIGTERM")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--keep-attached", keep_attached,
               "leave programs attached (pinned) on exit, so a restart loses nothing");
  app.add_option("--ready-file", ready_file, "touch this file once programs are attached");
  CLI11_PARSE(app, argc, argv);

  if (no_xdp) policy.node_nic_xdp = false;
  if (policy.node_nic == "none") policy.node_nic.clear();
  opts.stats_interval = std::chrono::nanoseconds(static_cast<std::int64_t>(stats_interval_s * 1e9));

  auto dp = fd::Datapath::Load(opts);
  if (!dp) return Fail(dp.error().message);
  fd::SystemClock clock;
  fd::RecordDecoder decoder(clock);
  Printer printer(output == "json");
  fd::BpfFlowTable table((*dp)->flow_table_fd());
  fd::FlowSweeper sweeper(table, clock, decoder,
                          {std::chrono::nanoseconds(static_cast<std::int64_t>(idle_timeout_s * 1e9)),
                           std::chrono::nanoseconds(static_cast<std::int64_t>(closed_timeout_s * 1e9))});
  // The sweeper hears of each new entry, to report those the LRU evicts.
  auto reader =
      fd::RingReader::Create((*dp)->ring_fd(), decoder, printer,
                             {std::chrono::milliseconds(static_cast<int>(drain_ms)), 1024, &sweeper});
  if (!reader) return Fail(reader.error().message);

  auto links = fd::NetlinkLinkSource::Create();
  if (!links) return Fail(links.error().message);
  const std::string link_pins = opts.pin_root.empty() ? "" : opts.pin_root + "/links";
  if (!link_pins.empty()) {
    if (auto st = fd::EnsureBpffsDir(link_pins); !st) return Fail(st.error().message);
  }
  fd::KernelHooks hooks(**dp, link_pins, keep_attached);
  fd::InterfaceManager manager(**links, hooks, policy);
  if (auto st = manager.Resync(); !st) return Fail(st.error().message);
  for (const auto& [ifindex, st] : manager.interfaces()) {
    std::cerr << "flows-dump: " << st.link.name << ":";
    for (auto p : st.attached) std::cerr << " " << fd::AttachPointName(p);
    for (const auto& e : st.errors) std::cerr << " (" << e << ")";
    std::cerr << "\n";
  }
  (*reader)->Start();
  if (!ready_file.empty()) std::fclose(std::fopen(ready_file.c_str(), "w"));

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  const auto start = std::chrono::steady_clock::now();
  auto last_sweep = start, last_resync = start;
  while (!g_stop) {
    if (auto st = manager.PollEvents(std::chrono::milliseconds(200)); !st)
      std::cerr << "flows-dump: " << st.error().message << "\n";
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sweep >= std::chrono::seconds(1)) {
      last_sweep = now;
      if (auto ended = sweeper.Sweep()) printer.OnFlows(*ended);
    }
    if (now - last_resync >= std::chrono::seconds(30)) {
      last_resync = now;
      (void)manager.Resync();
    }
    if (duration_s > 0 && now - start >= std::chrono::duration<double>(duration_s)) break;
  }
  (*reader)->Stop();
  fd::BpfCounterSource counters((*dp)->counters_fd());
  if (auto c = counters.Read()) std::cerr << fd::ToJson(*c, (*reader)->stats()).dump() << "\n";
  return 0;
}
