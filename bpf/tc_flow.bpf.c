// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TC entry points: host side of pod veths (both directions) and the node
 * NIC (egress). Attached through tcx links ahead of the CNI's programs;
 * TC_ACT_UNSPEC hands every packet on to the next program untouched.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "lib/flow.h"

SEC("tc")
int flows_tc_ingress(struct __sk_buff *skb)
{
	observe_packet(skb, FLOWS_DIR_INGRESS, FLOWS_HOOK_TC);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int flows_tc_egress(struct __sk_buff *skb)
{
	observe_packet(skb, FLOWS_DIR_EGRESS, FLOWS_HOOK_TC);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
