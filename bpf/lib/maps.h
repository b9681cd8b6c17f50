/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps shared by every flows program. Pinned by name, so the TC and XDP
 * objects (and a restarted daemon) share one flow table, one ring and one
 * set of counters. The loader may resize them before load.
 */
#ifndef FLOWS_LIB_MAPS_H
#define FLOWS_LIB_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "../include/flow_record.h"

/* The flow ring: records for user space, drained in batches. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows_ring SEC(".maps");

/* The flow table. LRU so a full table evicts the coldest flow instead of
 * refusing new ones; user space expires idle flows and reports their end. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flows_key);
	__type(value, struct flows_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows_table SEC(".maps");

struct flows_counters {
	__u64 c[FLOWS_CNT_MAX];
};

/* One element: a packet costs one per-CPU lookup, whatever it counts. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flows_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows_counters SEC(".maps");

/* Scratch space for a record with an L7 window: too big for the stack. */
struct flows_l7_scratch {
	struct flows_record rec;
	__u8 l7[FLOWS_L7_WINDOW];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flows_l7_scratch);
} flows_scratch SEC(".maps");

static __always_inline struct flows_counters *counters(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&flows_counters, &zero);
}

static __always_inline void count(struct flows_counters *cnt, enum flows_counter which)
{
	if (cnt && which < FLOWS_CNT_MAX)
		cnt->c[which]++; /* per-CPU: no atomics needed */
}

#endif /* FLOWS_LIB_MAPS_H */
