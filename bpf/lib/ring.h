/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Publishing records on the flow ring.
 *
 * Waking user space per record is the dominant cost of an observer, so
 * records are submitted with BPF_RB_NO_WAKEUP and user space drains on a
 * timer; only when the ring holds more than wakeup_bytes do we force a
 * wakeup, so a burst cannot overflow the ring between two timed drains.
 */
#ifndef FLOWS_LIB_RING_H
#define FLOWS_LIB_RING_H

#include "config.h"
#include "maps.h"
#include "parse.h"

static __always_inline __u64 ring_wakeup_flags(void)
{
	if (bpf_ringbuf_query(&flows_ring, BPF_RB_AVAIL_DATA) >= flows_cfg.wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_record(struct flows_record *r, const struct flows_packet *p,
					const struct flows_stats *st, __u16 reasons, __u8 l7_kind,
					__u32 pkt_len)
{
	r->version = FLOWS_RECORD_VERSION;
	r->size = sizeof(*r);
	r->reasons = reasons;
	r->l7_kind = l7_kind;
	r->tcp_flags = p->tcp_flags;
	r->key = p->key;
	r->ts_ns = bpf_ktime_get_ns(); /* precise: HTTP/DNS latency is computed from it */
	r->stats = *st;
	r->pkt_len = pkt_len;
	r->l7_len = 0;
	r->packet_flags = p->flags;
	__builtin_memcpy(r->smac, p->smac, 6);
	__builtin_memcpy(r->dmac, p->dmac, 6);
	r->inner_vlan_id = p->inner_vlan_id;
	r->icmp_type = p->icmp_type;
	r->icmp_code = p->icmp_code;
	r->l7_offset = p->payload_off;
	r->ethertype = p->ethertype;
	__builtin_memset(r->_pad0, 0, sizeof(r->_pad0));
}

/* A record without payload: reserved in place, no copy. */
static __always_inline void emit_record(struct flows_counters *cnt, const struct flows_packet *p,
					const struct flows_stats *st, __u16 reasons, __u32 pkt_len)
{
	struct flows_record *r = bpf_ringbuf_reserve(&flows_ring, sizeof(*r), 0);

	if (!r) {
		count(cnt, FLOWS_CNT_RING_RESERVE_FAILED);
		return;
	}
	fill_record(r, p, st, reasons, FLOWS_L7_NONE, pkt_len);
	bpf_ringbuf_submit(r, ring_wakeup_flags());
	count(cnt, FLOWS_CNT_RECORDS);
}

/* A record carrying up to FLOWS_L7_WINDOW payload bytes: built in per-CPU
 * scratch (the payload length is only known at run time), then copied. */
static __always_inline void emit_l7_record(flows_ctx_t *ctx, struct flows_counters *cnt,
					   struct flows_packet *p, const struct flows_stats *st,
					   __u16 reasons, __u8 l7_kind, __u32 pkt_len)
{
	__u32 zero = 0;
	struct flows_l7_scratch *s = bpf_map_lookup_elem(&flows_scratch, &zero);
	__u32 avail, len = p->payload_len;
	__u64 n;

	if (!s) {
		/* Cannot happen for a one-slot PERCPU_ARRAY, but the verifier
		 * makes us check: keep the event, lose (and count) the payload. */
		count(cnt, FLOWS_CNT_L7_SCRATCH_FAILED);
		emit_record(cnt, p, st, reasons, pkt_len);
		return;
	}
	/* Never trust the IP length fields over what is really there. */
	avail = pkt_len > p->payload_off ? pkt_len - p->payload_off : 0;
	if (len > avail)
		len = avail;
	if (len > FLOWS_L7_WINDOW) {
		len = FLOWS_L7_WINDOW;
		p->flags |= FLOWS_PKT_L7_TRUNCATED;
		count(cnt, FLOWS_CNT_L7_TRUNCATED);
	}
	fill_record(&s->rec, p, st, reasons, l7_kind, pkt_len);
	n = len;
	/* clang knows n <= FLOWS_L7_WINDOW and would drop the check below; the
	 * empty asm hides that, so the verifier sees the bound on this register. */
	asm volatile("" : "+r"(n));
	if (n > FLOWS_L7_WINDOW)
		return;
	if (n == 0 || ctx_load_bytes(ctx, p->payload_off, s->l7, n))
		n = 0;
	s->rec.l7_len = n;
	s->rec.size = sizeof(s->rec) + n;
	if (bpf_ringbuf_output(&flows_ring, s, sizeof(s->rec) + n, ring_wakeup_flags())) {
		count(cnt, FLOWS_CNT_RING_RESERVE_FAILED);
		return;
	}
	count(cnt, FLOWS_CNT_RECORDS);
}

#endif /* FLOWS_LIB_RING_H */
