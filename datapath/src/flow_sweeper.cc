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

void FlowSweeper::OnNewEntry(const flows_key& key, const flows_stats& stats) {
  std::lock_guard lock(noted_mu_);
  if (noted_.size() >= kMaxNotedEntries && !noted_.contains(key)) return;
  noted_.insert_or_assign(key, Known{stats, /*walk=*/0});
}

bool FlowSweeper::Expired(const flows_key& key, const flows_stats& st, std::uint64_t now) const {
  const bool closed =
      key.l4_proto == IPPROTO_TCP && (st.tcp_flags_seen & (FLOWS_TCP_FIN | FLOWS_TCP_RST)) != 0;
  const auto timeout = closed ? policy_.closed_timeout : policy_.idle_timeout;
  return now >= st.last_seen_ns && now - st.last_seen_ns >= static_cast<std::uint64_t>(timeout.count());
}

void FlowSweeper::Vanished(const flows_key& key, const Known& known, std::uint64_t now,
                           std::vector<Flow>& ended) {
  Reasons reasons = FLOWS_REASON_FLOW_END;
  if (!Expired(key, known.stats, now)) {
    reasons |= FLOWS_REASON_EVICTED;
    evicted_.fetch_add(1, std::memory_order_relaxed);
  } else if (known.walk == 0) {
    return;  // a late NEW_FLOW of an entry we expired ourselves
  }
  ended.push_back(decoder_.FromTableEntry(key, known.stats, reasons));
  ended.back().time = clock_.KernelToWall(now);
}

Result<std::vector<Flow>> FlowSweeper::Sweep() {
  // Entries noted before the walk starts were in the table before it did:
  // a walk that does not find one means it is gone. (Notes arriving during
  // the walk wait for the next sweep: the walk may have passed them.)
  KnownMap noted;
  {
    std::lock_guard lock(noted_mu_);
    noted.swap(noted_);
  }
  std::vector<Flow> ended;
  auto entries = table_.Snapshot();
  const std::uint64_t now = clock_.KernelNowNs();
  for (const auto& [key, n] : noted) {
    auto [it, inserted] = known_.try_emplace(key, n);
    if (inserted || it->second.stats.first_seen_ns == n.stats.first_seen_ns) continue;
    // A second NEW_FLOW for a key we knew: the earlier entry went first.
    Vanished(key, it->second, now, ended);
    it->second = n;
  }
  if (!entries) return entries.error();  // what we know waits for the next walk

  // One map, updated in place (a sweep of a full table costs lookups, not
  // a new map): entries this walk saw get its number; the rest are gone.
  const std::uint64_t walk = ++walks_;
  for (const auto& [key, st] : *entries) {
    auto [it, inserted] = known_.try_emplace(key, Known{st, walk});
    if (inserted) continue;
    // Same key, another first_seen: evicted, and started again since.
    if (it->second.stats.first_seen_ns != st.first_seen_ns) Vanished(key, it->second, now, ended);
    it->second = Known{st, walk};
  }
  for (auto it = known_.begin(); it != known_.end();) {
    if (it->second.walk == walk) {
      ++it;
      continue;
    }
    Vanished(it->first, it->second, now, ended);
    it = known_.erase(it);
  }

  for (const auto& [key, st] : *entries) {
    if (!Expired(key, st, now)) continue;
    // Not known any more: a duplicate of a restarted walk, already ended.
    if (known_.erase(key) == 0) continue;
    auto final_stats = table_.Remove(key);
    // Gone since the walk (the LRU took it first): it was idle, so the
    // walk's totals are its final ones.
    ended.push_back(decoder_.FromTableEntry(key, final_stats ? *final_stats : st, FLOWS_REASON_FLOW_END));
    // The end is an event of now (keeps the stream in time order); the
    // flow's last packet stays in last_seen.
    ended.back().time = clock_.KernelToWall(now);
  }
  return ended;
}

}  // namespace flows::datapath
