#include "flows/datapath/counters.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <vector>

namespace flows::datapath {

std::string_view KernelCounters::Name(flows_counter c) {
  switch (c) {
    case FLOWS_CNT_PACKETS:
      return "packets";
    case FLOWS_CNT_RING_RESERVE_FAILED:
      return "ring_reserve_failed";
    case FLOWS_CNT_FLOW_TABLE_FULL:
      return "flow_table_insert_failed";
    case FLOWS_CNT_NON_IP:
      return "non_ip";
    case FLOWS_CNT_OTHER_L4:
      return "other_l4";
    case FLOWS_CNT_MALFORMED:
      return "malformed";
    case FLOWS_CNT_IPV6_EXT_LIMIT:
      return "ipv6_ext_limit";
    case FLOWS_CNT_LATER_FRAGMENTS:
      return "later_fragments";
    case FLOWS_CNT_L7_TRUNCATED:
      return "l7_truncated";
    case FLOWS_CNT_RECORDS:
      return "records";
    case FLOWS_CNT_L7_SCRATCH_FAILED:
      return "l7_scratch_failed";
    case FLOWS_CNT_MAX:
      break;
  }
  return "unknown";
}

Result<KernelCounters> BpfCounterSource::Read() const {
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return Error::System("count possible CPUs", -ncpu);
  // A PERCPU_ARRAY lookup returns one value per possible CPU, each rounded
  // up to 8 bytes (ours already is).
  std::vector<std::array<std::uint64_t, FLOWS_CNT_MAX>> per_cpu(static_cast<std::size_t>(ncpu));
  const std::uint32_t zero = 0;
  if (bpf_map_lookup_elem(fd_, &zero, per_cpu.data()) != 0)
    return Error::System("read flows_counters", errno);
  KernelCounters sum;
  for (const auto& cpu : per_cpu)
    for (std::size_t i = 0; i < FLOWS_CNT_MAX; ++i) sum.values[i] += cpu[i];
  return sum;
}

}  // namespace flows::datapath
