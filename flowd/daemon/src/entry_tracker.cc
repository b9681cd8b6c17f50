#include "flows/flowd/daemon/entry_tracker.h"

#include "flow_record.h"

namespace flows::flowd {

using graph::L7Proto;

EntryRecord EntryTracker::Track(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts) {
  EntryRecord r;
  const EntryKey key{in.src, in.dst, in.ifindex, in.src_port, in.dst_port, in.l4_proto, in.direction};
  r.new_flow = (in.reasons & FLOWS_REASON_NEW_FLOW) != 0;
  r.link_scope = IsLinkScope(in.src) || IsLinkScope(in.dst);
  auto [it, inserted] = entries_.try_emplace(key);
  EntryState& st = it->second;
  if (r.new_flow || (!inserted && (in.packets < st.packets || in.bytes < st.bytes))) {
    // A new entry, or one recreated under a key we still knew (its
    // flow-end record was lost): all its totals are new.
    if (!inserted) st = EntryState{};
    r.packets = in.packets;
    r.bytes = in.bytes;
  } else if (!inserted) {
    r.packets = in.packets - st.packets;
    r.bytes = in.bytes - st.bytes;
  }
  // (Else first seen mid-connection: flowd restarted and the pinned table
  // kept counting; what came before was counted by the previous run.)
  st.packets = in.packets;
  st.bytes = in.bytes;

  if (facts.reply) st.reply = *facts.reply ? 1 : 0;
  r.reply = st.reply >= 0 ? st.reply == 1 : in.src_port < in.dst_port;

  if (learn_l7_) {
    const std::uint16_t server_port = r.reply ? in.src_port : in.dst_port;
    const IpAddress& server_ip = r.reply ? in.src : in.dst;
    L7Proto l7 = in.http ? L7Proto::kHttp : in.dns ? L7Proto::kDns : st.l7;
    const PortKey port_key{server_ip, server_port, in.l4_proto};
    if (in.http || in.dns) {
      if (port_l7_.size() >= kMaxPorts) port_l7_.clear();
      port_l7_[port_key] = l7;
    } else if (l7 == L7Proto::kNone && !port_l7_.empty()) {
      if (auto p = port_l7_.find(port_key); p != port_l7_.end()) l7 = p->second;
    }
    st.l7 = l7;
    r.l7 = l7;
  }
  if ((in.reasons & FLOWS_REASON_FLOW_END) != 0) {
    entries_.erase(it);
  } else if (entries_.size() > kMaxEntries) {
    // The sweeper ends every entry it expires; this only bounds what a lost
    // flow-end record would leak. Baselines restart from the next records.
    entries_.clear();
  }

  if (facts.reply) {
    // The converter decided the count-once inputs with the record's own role.
    r.client_observed = facts.client_observed;
    r.vantage = facts.vantage;
  } else {
    const flow::Endpoint& client = r.reply ? out.destination() : out.source();
    r.client_observed = (r.reply ? out.has_destination() : out.has_source()) && !client.pod_name().empty();
    // A veth's host side receives (ingress) what its pod sends.
    r.vantage = graph::VantageOf(facts.at_nic, in.direction == datapath::Direction::kIngress, r.reply);
  }
  return r;
}

}  // namespace flows::flowd
