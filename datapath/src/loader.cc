#include "flows/datapath/loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "flows/common/unique_fd.h"
#include "flows/datapath/abi.h"
#include "tc_flow.skel.h"
#include "xdp_flow.skel.h"

namespace flows::datapath {
namespace {

constexpr long kBpffsMagic = 0xcafe4a11;

template <typename Skel, void (*Destroy)(Skel*)>
struct SkelDeleter {
  void operator()(Skel* s) const { Destroy(s); }
};
using TcSkel = std::unique_ptr<tc_flow, SkelDeleter<tc_flow, tc_flow__destroy>>;
using XdpSkel = std::unique_ptr<xdp_flow, SkelDeleter<xdp_flow, xdp_flow__destroy>>;

bool OnBpffs(const std::string& path) {
  struct statfs fs {};
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == kBpffsMagic;
}

Status CheckOptions(const DatapathOptions& o) {
  const auto ring = o.ring_bytes;
  if (ring < 4096 || (ring & (ring - 1)) != 0)
    return Error::Invalid("ring_bytes must be a power of two >= 4096, got " + std::to_string(ring));
  if (o.flow_table_entries == 0) return Error::Invalid("flow_table_entries must be > 0");
  if (o.dns_ports.size() > FLOWS_MAX_DNS_PORTS)
    return Error::Invalid("at most " + std::to_string(FLOWS_MAX_DNS_PORTS) + " DNS ports");
  if (o.wakeup_bytes >= ring) return Error::Invalid("wakeup_bytes must be below ring_bytes");
  return OkStatus();
}

flows_config MakeConfig(const DatapathOptions& o) {
  flows_config c{};
  c.stats_interval_ns = static_cast<__u64>(o.stats_interval.count());
  c.wakeup_bytes = o.wakeup_bytes ? o.wakeup_bytes : o.ring_bytes / 2;
  c.per_packet = o.per_packet ? 1 : 0;
  for (std::size_t i = 0; i < o.dns_ports.size(); ++i) c.dns_ports[i] = o.dns_ports[i];
  return c;
}

// A map pinned by an earlier flowd is reused only if it has this one's
// layout and size (what libbpf checks). One that differs -- an upgrade that
// changed the ABI (e.g. a new loss counter), or a resized flow table or
// ring -- would make the load fail and the node stay blind: unpin it so a
// new map is made, and say so. (The programs still attached keep the old map
// until they are replaced.) Returns the note, or "" if nothing was replaced.
std::string ReplaceIncompatiblePin(bpf_map* map, const std::string& path) {
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd) return "";  // nothing pinned there (or unreadable: the load will say)
  bpf_map_info info{};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) return "";
  if (info.type == static_cast<__u32>(bpf_map__type(map)) && info.key_size == bpf_map__key_size(map) &&
      info.value_size == bpf_map__value_size(map) && info.max_entries == bpf_map__max_entries(map) &&
      info.map_flags == bpf_map__map_flags(map))
    return "";
  if (unlink(path.c_str()) != 0) return "";
  return path + " had another layout or size (value " + std::to_string(info.value_size) + " bytes, " +
         std::to_string(info.max_entries) + " entries; now " + std::to_string(bpf_map__value_size(map)) +
         " bytes, " + std::to_string(bpf_map__max_entries(map)) +
         " entries): replaced by a new map, what it held " + "starts over";
}

// Sizes a shared map and points its pin at pin_root (or disables pinning).
Status PrepareMap(bpf_map* map, const std::string& pin_root, std::uint32_t max_entries,
                  std::vector<std::string>& replaced) {
  if (max_entries && bpf_map__set_max_entries(map, max_entries))
    return Error::System(std::string("resize map ") + bpf_map__name(map), errno);
  std::string path = pin_root.empty() ? "" : pin_root + "/" + bpf_map__name(map);
  if (!path.empty()) {
    if (std::string note = ReplaceIncompatiblePin(map, path); !note.empty())
      replaced.push_back(std::move(note));
  }
  if (bpf_map__set_pin_path(map, path.empty() ? nullptr : path.c_str()))
    return Error::System(std::string("pin path for ") + bpf_map__name(map), errno);
  return OkStatus();
}

std::string LoadHint(int err) {
  if (err == -EPERM || err == -EACCES)
    return " (needs root or CAP_BPF + CAP_NET_ADMIN; for -EACCES run with LIBBPF_LOG=1 to see the verifier "
           "log)";
  if (err == -EINVAL)
    return " (a pinned map with a different size or layout may exist: remove it or use another pin root)";
  return "";
}

}  // namespace

struct Datapath::Skeletons {
  TcSkel tc;
  XdpSkel xdp;
};

Status EnsureBpffsDir(const std::string& path) {
  const std::string root = "/sys/fs/bpf";
  if (!OnBpffs(root)) {
    // Mounting one ourselves would often create a private instance (e.g.
    // under `ip netns exec`, which remounts /sys), and everything pinned
    // there would vanish with this process: refuse and say why instead.
    return Error::Invalid("no BPF filesystem at " + root +
                          " in this mount namespace, so pinned maps and links would not outlive the process. "
                          "Mount it (mount -t bpf bpf " +
                          root +
                          "), run without `ip netns exec` "
                          "(nsenter --net keeps the host's mounts), or disable pinning");
  }
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Error::System("create " + path, ec.value());
  if (!OnBpffs(path)) return Error::Invalid(path + " is not on a BPF filesystem");
  return OkStatus();
}

Result<std::unique_ptr<Datapath>> Datapath::Load(const DatapathOptions& options) {
  if (auto st = CheckOptions(options); !st) return st.error();
  if (!options.pin_root.empty()) {
    if (auto st = EnsureBpffsDir(options.pin_root); !st) return st.error();
  }
  auto skels = std::make_unique<Skeletons>();
  const flows_config cfg = MakeConfig(options);

  skels->tc.reset(tc_flow__open());
  if (!skels->tc) return Error::System("open tc_flow skeleton", errno);
  *const_cast<flows_config*>(&skels->tc->rodata->flows_cfg) = cfg;
  auto& tm = skels->tc->maps;
  std::vector<std::string> replaced;
  for (auto [map, size] : {std::pair{tm.flows_ring, options.ring_bytes},
                           {tm.flows_table, options.flow_table_entries},
                           {tm.flows_counters, 0u}}) {
    if (auto st = PrepareMap(map, options.pin_root, size, replaced); !st) return st.error();
  }
  if (int err = tc_flow__load(skels->tc.get()))
    return Error::System("load tc_flow programs" + LoadHint(err), -err);

  skels->xdp.reset(xdp_flow__open());
  if (!skels->xdp) return Error::System("open xdp_flow skeleton", errno);
  *const_cast<flows_config*>(&skels->xdp->rodata->flows_cfg) = cfg;
  // The XDP object shares the TC object's maps: one ring, one table.
  auto& xm = skels->xdp->maps;
  for (auto [map, fd] : {std::pair{xm.flows_ring, bpf_map__fd(tm.flows_ring)},
                         {xm.flows_table, bpf_map__fd(tm.flows_table)},
                         {xm.flows_counters, bpf_map__fd(tm.flows_counters)}}) {
    bpf_map__set_pin_path(map, nullptr);
    if (bpf_map__reuse_fd(map, fd)) return Error::System("share map with XDP object", errno);
  }
  if (int err = xdp_flow__load(skels->xdp.get()))
    return Error::System("load xdp_flow program" + LoadHint(err), -err);

  auto dp = std::unique_ptr<Datapath>(new Datapath(options, std::move(skels)));
  dp->replaced_pins_ = std::move(replaced);
  return dp;
}

Datapath::Datapath(DatapathOptions options, std::unique_ptr<Skeletons> skels)
    : options_(std::move(options)), skels_(std::move(skels)) {}
Datapath::~Datapath() = default;

int Datapath::tc_ingress_fd() const {
  return bpf_program__fd(skels_->tc->progs.flows_tc_ingress);
}
int Datapath::tc_egress_fd() const {
  return bpf_program__fd(skels_->tc->progs.flows_tc_egress);
}
int Datapath::xdp_ingress_fd() const {
  return bpf_program__fd(skels_->xdp->progs.flows_xdp_ingress);
}
int Datapath::ring_fd() const {
  return bpf_map__fd(skels_->tc->maps.flows_ring);
}
int Datapath::flow_table_fd() const {
  return bpf_map__fd(skels_->tc->maps.flows_table);
}
int Datapath::counters_fd() const {
  return bpf_map__fd(skels_->tc->maps.flows_counters);
}

}  // namespace flows::datapath
