// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * XDP entry point: node NIC ingress, before the stack allocates an skb.
 * Always XDP_PASS; the loader refuses to replace a foreign XDP program.
 */
#define FLOWS_CTX_XDP
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "lib/flow.h"

SEC("xdp")
int flows_xdp_ingress(struct xdp_md *ctx)
{
	observe_packet(ctx, FLOWS_DIR_INGRESS, FLOWS_HOOK_XDP);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
