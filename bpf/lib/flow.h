/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-packet path shared by every attach point: parse, account the
 * packet to its flow-table entry, decide whether user space needs a record.
 * It never alters the packet and never decides its fate: the entry points
 * return TC_ACT_UNSPEC / XDP_PASS whatever happens here.
 */
#ifndef FLOWS_LIB_FLOW_H
#define FLOWS_LIB_FLOW_H

#include <linux/errno.h>

#include "config.h"
#include "ctx.h"
#include "l7.h"
#include "maps.h"
#include "parse.h"
#include "ring.h"
#include "role.h"

/* TCP events worth a record the first time a flow shows them. */
static __always_inline __u8 tcp_reasons(__u8 flags)
{
	__u8 r = 0;

	if ((flags & (FLOWS_TCP_SYN | FLOWS_TCP_ACK)) == FLOWS_TCP_SYN)
		r |= FLOWS_REASON_TCP_SYN;
	if ((flags & (FLOWS_TCP_SYN | FLOWS_TCP_ACK)) == (FLOWS_TCP_SYN | FLOWS_TCP_ACK))
		r |= FLOWS_REASON_TCP_SYNACK;
	if (flags & FLOWS_TCP_FIN)
		r |= FLOWS_REASON_TCP_FIN;
	if (flags & FLOWS_TCP_RST)
		r |= FLOWS_REASON_TCP_RST;
	return r;
}

static __always_inline void count_parse_result(struct flows_counters *cnt, int res)
{
	if (res == PARSE_NON_IP)
		count(cnt, FLOWS_CNT_NON_IP);
	else if (res == PARSE_EXT_LIMIT)
		count(cnt, FLOWS_CNT_IPV6_EXT_LIMIT);
	else
		count(cnt, FLOWS_CNT_MALFORMED);
}

static __always_inline void observe_packet(flows_ctx_t *ctx, __u8 direction, __u8 hook)
{
	struct flows_counters *cnt = counters();
	struct flows_packet p = {};
	struct flows_stats fresh, *st;
	__u16 reasons = 0;
	__u8 l7_kind, tcp_new;
	__u32 pkt_len;
	__u64 now;
	int res, err;

	count(cnt, FLOWS_CNT_PACKETS);
	res = parse_packet(ctx, &p);
	if (res != PARSE_OK) {
		count_parse_result(cnt, res);
		return;
	}
	if (p.flags & FLOWS_PKT_LATER_FRAGMENT)
		count(cnt, FLOWS_CNT_LATER_FRAGMENTS);
	else if (!p.l4_known && !(p.flags & FLOWS_PKT_L4_TRUNCATED))
		count(cnt, FLOWS_CNT_OTHER_L4);

	p.key.ifindex = ctx_ifindex(ctx);
	p.key.direction = direction;
	p.key.hook = hook;
	pkt_len = ctx_wire_len(ctx);
	/* Flow-table stamps use the coarse clock (one tick, 1-4 ms): reading the
	 * precise clock cost ~27 ns per packet here, a third of our budget, and
	 * idle timeouts and stats intervals do not need it. Records get a
	 * precise stamp when emitted (ring.h). Both are CLOCK_MONOTONIC. */
	now = bpf_ktime_get_coarse_ns();
	tcp_new = p.key.l4_proto == IPPROTO_TCP ? tcp_reasons(p.tcp_flags) : 0;

	st = bpf_map_lookup_elem(&flows_table, &p.key);
	if (!st) {
		fresh = (struct flows_stats){
			.first_seen_ns = now,
			.last_seen_ns = now,
			.last_report_ns = now,
			.packets = 1,
			.bytes = pkt_len,
			.tcp_flags_seen = p.tcp_flags,
			.reported = tcp_new,
			.role = flow_role(&p),
		};
		err = bpf_map_update_elem(&flows_table, &p.key, &fresh, BPF_NOEXIST);
		/* -EEXIST: another CPU inserted this key since our lookup, and
		 * reported the new flow; add this packet to its entry. Only an
		 * insert that found no room (or an entry evicted again at once)
		 * leaves the packet out of the table. */
		if (err == -EEXIST)
			st = bpf_map_lookup_elem(&flows_table, &p.key);
		if (err && !st)
			count(cnt, FLOWS_CNT_FLOW_TABLE_FULL);
	}
	if (!st) {
		reasons = FLOWS_REASON_NEW_FLOW | tcp_new;
		st = &fresh; /* the record carries the counters either way */
	} else {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, pkt_len);
		st->last_seen_ns = now;
		if ((st->tcp_flags_seen | p.tcp_flags) != st->tcp_flags_seen)
			st->tcp_flags_seen |= p.tcp_flags;
		tcp_new &= ~st->reported;
		if (tcp_new) {
			st->reported |= tcp_new;
			reasons |= tcp_new;
		}
		if (flows_cfg.stats_interval_ns &&
		    now - st->last_report_ns >= flows_cfg.stats_interval_ns) {
			st->last_report_ns = now;
			reasons |= FLOWS_REASON_STATS;
		}
	}
	if (flows_cfg.per_packet)
		reasons |= FLOWS_REASON_PACKET;

	l7_kind = detect_l7(ctx, &p);
	if (l7_kind != FLOWS_L7_NONE) {
		emit_l7_record(ctx, cnt, &p, st, reasons | FLOWS_REASON_L7, l7_kind, pkt_len);
		return;
	}
	if (reasons)
		emit_record(cnt, &p, st, reasons, pkt_len);
}

#endif /* FLOWS_LIB_FLOW_H */
