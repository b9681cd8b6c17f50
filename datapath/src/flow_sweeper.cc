#include "flows/datapath/flow_sweeper.h"

#include <bpf/bpf.h>
#include <netinet/in.h>

namespace flows::datapath {

Result<std::vector<std::pair<flows_key, flows_stats>>> BpfFlowTable::Snapshot() {
  std::vector<std::pair<flows_key, flows_stats>> out;
  flows_key key{};
  flows_key next{};
  const void* prev = nullptr;  // nullptr asks for the first key
  while (bpf_map_get_next_key(fd_, prev, &next) == 0) {
    flows_stats st{};
    if (bpf_map_lookup_elem(fd_, &next, &st) == 0) out.emplace_back(next, st);
    key = next;
    prev = &key;
  }
  if (errno != ENOENT) return Error::System("walk flow table", errno);
  return out;
}

std::optional<flows_stats> BpfFlowTable::Remove(const flows_key& key) {
  flows_stats st{};
  // Atomic: packets counted up to the removal are in the final totals.
  if (bpf_map_lookup_and_delete_elem(fd_, &key, &st) == 0) return st;
  return std::nullopt;
}

Result<std::vector<Flow>> FlowSweeper::Sweep() {
  auto entries = table_.Snapshot();
  if (!entries) return entries.error();
  const std::uint64_t now = clock_.KernelNowNs();
  std::vector<Flow> ended;
  for (const auto& [key, st] : *entries) {
    const bool closed =
        key.l4_proto == IPPROTO_TCP && (st.tcp_flags_seen & (FLOWS_TCP_FIN | FLOWS_TCP_RST)) != 0;
    const auto timeout = closed ? policy_.closed_timeout : policy_.idle_timeout;
    if (now < st.last_seen_ns || now - st.last_seen_ns < static_cast<std::uint64_t>(timeout.count()))
      continue;
    if (auto final_stats = table_.Remove(key)) {
      ended.push_back(decoder_.FromTableEntry(key, *final_stats, FLOWS_REASON_FLOW_END));
      // The end is an event of now (keeps the stream in time order); the
      // flow's last packet stays in last_seen.
      ended.back().time = clock_.KernelToWall(now);
    }
  }
  return ended;
}

}  // namespace flows::datapath
