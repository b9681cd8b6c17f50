// The C++ view of bpf/include/flow_record.h. Including the C header here
// (never copying it) and pinning its layout with static_asserts means a
// kernel-side change that moves a field breaks this build, not the decoder.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
#include "flow_record.h"
}

namespace flows::datapath::abi {

static_assert(sizeof(flows_key) == 48);
static_assert(offsetof(flows_key, ifindex) == 0);
static_assert(offsetof(flows_key, direction) == 4);
static_assert(offsetof(flows_key, ip_version) == 5);
static_assert(offsetof(flows_key, l4_proto) == 6);
static_assert(offsetof(flows_key, hook) == 7);
static_assert(offsetof(flows_key, saddr) == 8);
static_assert(offsetof(flows_key, daddr) == 24);
static_assert(offsetof(flows_key, sport) == 40);
static_assert(offsetof(flows_key, dport) == 42);
static_assert(offsetof(flows_key, vlan_id) == 44);
static_assert(offsetof(flows_key, flags) == 46);

static_assert(sizeof(flows_stats) == 48);
static_assert(offsetof(flows_stats, first_seen_ns) == 0);
static_assert(offsetof(flows_stats, last_seen_ns) == 8);
static_assert(offsetof(flows_stats, last_report_ns) == 16);
static_assert(offsetof(flows_stats, packets) == 24);
static_assert(offsetof(flows_stats, bytes) == 32);
static_assert(offsetof(flows_stats, tcp_flags_seen) == 40);
static_assert(offsetof(flows_stats, reported) == 41);
static_assert(offsetof(flows_stats, role) == 42);

static_assert(sizeof(flows_record) == 144);
static_assert(offsetof(flows_record, version) == 0);
static_assert(offsetof(flows_record, size) == 2);
static_assert(offsetof(flows_record, reasons) == 4);
static_assert(offsetof(flows_record, l7_kind) == 6);
static_assert(offsetof(flows_record, tcp_flags) == 7);
static_assert(offsetof(flows_record, key) == 8);
static_assert(offsetof(flows_record, ts_ns) == 56);
static_assert(offsetof(flows_record, stats) == 64);
static_assert(offsetof(flows_record, pkt_len) == 112);
static_assert(offsetof(flows_record, l7_len) == 116);
static_assert(offsetof(flows_record, packet_flags) == 118);
static_assert(offsetof(flows_record, smac) == 120);
static_assert(offsetof(flows_record, dmac) == 126);
static_assert(offsetof(flows_record, inner_vlan_id) == 132);
static_assert(offsetof(flows_record, icmp_type) == 134);
static_assert(offsetof(flows_record, icmp_code) == 135);
static_assert(offsetof(flows_record, l7_offset) == 136);
static_assert(offsetof(flows_record, ethertype) == 138);
static_assert(offsetof(flows_record, l7) == 144);

static_assert(sizeof(flows_config) == 24);
static_assert(offsetof(flows_config, dns_ports) == 16);

}  // namespace flows::datapath::abi
