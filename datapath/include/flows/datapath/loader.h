// Loads the flows BPF programs and their shared maps. One Datapath owns the
// TC and XDP skeletons; destroying it unloads what it loaded (pinned maps
// stay pinned, so a restarted daemon finds its flow table again).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flows/common/result.h"

namespace flows::datapath {

struct DatapathOptions {
  // Where maps (and links) are pinned; empty = no pinning (tests, benches).
  std::string pin_root = "/sys/fs/bpf/flows";
  std::uint32_t ring_bytes = 16u << 20;  // power of two, >= page size
  std::uint32_t flow_table_entries = 65536;
  std::chrono::nanoseconds stats_interval = std::chrono::seconds(5);
  // Force a wakeup once this much is queued; below it, user space drains
  // on its own timer (see RingReader). 0 = half the ring.
  std::uint32_t wakeup_bytes = 0;
  bool per_packet = false;  // a record for every packet (debugging)
  std::vector<std::uint16_t> dns_ports = {53};
};

class Datapath {
 public:
  static Result<std::unique_ptr<Datapath>> Load(const DatapathOptions& options);
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  int tc_ingress_fd() const;
  int tc_egress_fd() const;
  int xdp_ingress_fd() const;
  int ring_fd() const;
  int flow_table_fd() const;
  int counters_fd() const;
  const DatapathOptions& options() const { return options_; }
  // Pinned maps found with another layout or size and replaced at load
  // (an upgrade, a resize), one note each, for the log.
  const std::vector<std::string>& replaced_pins() const { return replaced_pins_; }

 private:
  struct Skeletons;
  Datapath(DatapathOptions options, std::unique_ptr<Skeletons> skels);

  DatapathOptions options_;
  std::unique_ptr<Skeletons> skels_;
  std::vector<std::string> replaced_pins_;
};

// Makes sure `path` exists on the BPF filesystem mounted at /sys/fs/bpf;
// an error (with what to do) if there is none in this mount namespace.
Status EnsureBpffsDir(const std::string& path);

}  // namespace flows::datapath
