// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The benchmark baseline: a program that only returns. ns_per_packet of
 * every flows case is reported next to this one's. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int empty_tc(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

SEC("xdp")
int empty_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
