/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The kernel/user ABI of flows: what crosses the flow ring, the flow table
 * key and value, the per-CPU loss counters and the load-time configuration.
 *
 * This is the only definition. The BPF programs include it directly; the C++
 * side includes it through datapath/include/flows/datapath/abi.h, which
 * static_asserts the size and offset of every field, so a change here that
 * moves a field fails the C++ build instead of silently mis-decoding.
 *
 * Rules: fixed-width types only, explicit padding, every struct a multiple
 * of 8 bytes, and FLOWS_RECORD_VERSION bumped on any layout change.
 */
#ifndef FLOWS_FLOW_RECORD_H
#define FLOWS_FLOW_RECORD_H

#include <linux/types.h>

#define FLOWS_RECORD_VERSION 2

/* Maximum L7 payload window carried to user space with an HTTP or DNS
 * record. A power of two so the BPF side can bound lengths with a mask. */
#define FLOWS_L7_WINDOW 512

/* How many DNS ports the loader can configure (53 is the default). */
#define FLOWS_MAX_DNS_PORTS 4

/* Observation point. */
enum flows_direction {
	FLOWS_DIR_INGRESS = 0, /* packet entering the interface's host stack */
	FLOWS_DIR_EGRESS = 1,  /* packet leaving through the interface */
};

enum flows_hook {
	FLOWS_HOOK_TC = 0,
	FLOWS_HOOK_XDP = 1,
};

/* Why a record was emitted: a bitmask, one packet can have several. */
enum flows_reason {
	FLOWS_REASON_NEW_FLOW = 1 << 0,	  /* first packet of a flow-table entry */
	FLOWS_REASON_TCP_SYN = 1 << 1,	  /* first SYN (without ACK) */
	FLOWS_REASON_TCP_SYNACK = 1 << 2, /* first SYN+ACK */
	FLOWS_REASON_TCP_FIN = 1 << 3,	  /* first FIN */
	FLOWS_REASON_TCP_RST = 1 << 4,	  /* first RST */
	FLOWS_REASON_L7 = 1 << 5,	  /* HTTP or DNS message; see l7_kind */
	FLOWS_REASON_STATS = 1 << 6,	  /* periodic counters of a live flow */
	FLOWS_REASON_FLOW_END = 1 << 7,	  /* flow expired (emitted by user space) */
	FLOWS_REASON_PACKET = 1 << 8,	  /* per-packet debug mode */
	FLOWS_REASON_EVICTED = 1 << 9,	  /* with FLOW_END: the table evicted the entry
					   * (LRU) before it expired; counts as last seen */
};

enum flows_l7_kind {
	FLOWS_L7_NONE = 0,
	FLOWS_L7_HTTP = 1, /* payload starts with an HTTP/1.x request or status line */
	FLOWS_L7_DNS = 2,  /* payload is a DNS message (TCP: after the 2-byte length) */
};

/* Packet-level facts worth keeping (flows_record.packet_flags). */
enum flows_packet_flag {
	FLOWS_PKT_IPV4_OPTIONS = 1 << 0,
	FLOWS_PKT_FRAGMENT = 1 << 1,	   /* any fragment, first or later */
	FLOWS_PKT_LATER_FRAGMENT = 1 << 2, /* not the first: no L4 header */
	FLOWS_PKT_IPV6_EXT = 1 << 3,	   /* walked at least one extension header */
	FLOWS_PKT_L4_TRUNCATED = 1 << 4,   /* L4 header did not fit in the packet */
	FLOWS_PKT_L7_TRUNCATED = 1 << 5,   /* payload longer than the window */
	FLOWS_PKT_UNPARSED_L3 = 1 << 6,	   /* ethertype not IPv4/IPv6 (per-packet mode) */
};

/* TCP flag bits as on the wire (byte 13 of the TCP header). */
#define FLOWS_TCP_FIN 0x01
#define FLOWS_TCP_SYN 0x02
#define FLOWS_TCP_RST 0x04
#define FLOWS_TCP_PSH 0x08
#define FLOWS_TCP_ACK 0x10
#define FLOWS_TCP_URG 0x20
#define FLOWS_TCP_ECE 0x40
#define FLOWS_TCP_CWR 0x80

/* Flow-table key flags (flows_key.flags). */
enum flows_key_flag {
	/* Later IP fragments (no L4 header) between two addresses: ports and
	 * ICMP type are unknown, so they get an entry of their own that can never
	 * be mistaken for a real port-0 flow or an ICMP echo reply. */
	FLOWS_KEY_LATER_FRAGMENTS = 1 << 0,
};

/* Which side of a conversation a flow-table entry carries
 * (flows_stats.role), decided once when the entry is created. */
enum flows_role {
	FLOWS_ROLE_UNKNOWN = 0,	  /* entry from an older program, or undecidable */
	FLOWS_ROLE_INITIATOR = 1, /* client -> server: opened the conversation */
	FLOWS_ROLE_REPLY = 2,	  /* server -> client */
};

/* Flow-table key: one entry per (interface, direction, 5-tuple).
 * Addresses are in network byte order; IPv4 uses the first 4 bytes and
 * leaves the rest zero. Ports are in host byte order. For ICMP the "ports"
 * are type (sport) and code (dport), so echo and unreachable are separate. */
struct flows_key {
	__u32 ifindex;
	__u8 direction;	 /* enum flows_direction */
	__u8 ip_version; /* 4 or 6 */
	__u8 l4_proto;	 /* IPPROTO_* */
	__u8 hook;	 /* enum flows_hook */
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 vlan_id; /* outermost VLAN id, 0 if untagged */
	__u8 flags;    /* enum flows_key_flag */
	__u8 _pad0;
};

/* Flow-table value. */
struct flows_stats {
	__u64 first_seen_ns; /* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC, tick resolution */
	__u64 last_seen_ns;
	__u64 last_report_ns;
	__u64 packets;
	__u64 bytes;
	__u8 tcp_flags_seen; /* OR of every packet's flags */
	__u8 reported;	     /* FLOWS_REASON_TCP_* already sent for this flow */
	__u8 role;	     /* enum flows_role */
	__u8 _pad0[5];
};

/* One record on the flow ring. Followed by l7_len bytes of payload. */
struct flows_record {
	__u16 version;	/* FLOWS_RECORD_VERSION */
	__u16 size;	/* sizeof(struct flows_record) + l7_len */
	__u16 reasons;	/* enum flows_reason bits */
	__u8 l7_kind;	/* enum flows_l7_kind */
	__u8 tcp_flags; /* flags of the packet that produced the record */
	struct flows_key key;
	__u64 ts_ns;		  /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) at emission */
	struct flows_stats stats; /* flow counters including that packet */
	__u32 pkt_len;		  /* bytes of that packet, as the hook saw it */
	__u16 l7_len;		  /* payload bytes that follow */
	__u16 packet_flags;	  /* enum flows_packet_flag bits */
	__u8 smac[6];
	__u8 dmac[6];
	__u16 inner_vlan_id; /* second VLAN tag, 0 if none */
	__u8 icmp_type;
	__u8 icmp_code;
	__u16 l7_offset; /* offset of the payload from the start of the packet */
	__u16 ethertype; /* host order, after VLAN tags */
	__u8 _pad0[4];
	__u8 l7[];
};

/* Per-CPU counters (index into the flows_counters PERCPU_ARRAY). Every
 * packet the programs see, and every event they could not deliver, lands
 * in exactly one of the loss/unparsed buckets or in PACKETS only. */
enum flows_counter {
	FLOWS_CNT_PACKETS = 0,	       /* packets seen by any program */
	FLOWS_CNT_RING_RESERVE_FAILED, /* record lost: ring full */
	FLOWS_CNT_FLOW_TABLE_FULL,     /* flow-table insert failed */
	FLOWS_CNT_NON_IP,	       /* not IPv4/IPv6: counted, not tracked */
	FLOWS_CNT_OTHER_L4,	       /* IP with an L4 we do not parse */
	FLOWS_CNT_MALFORMED,	       /* truncated or invalid L2/L3 header */
	FLOWS_CNT_IPV6_EXT_LIMIT,      /* more extension headers than we walk */
	FLOWS_CNT_LATER_FRAGMENTS,     /* non-first fragments (no ports) */
	FLOWS_CNT_L7_TRUNCATED,	       /* L7 payload cut at FLOWS_L7_WINDOW */
	FLOWS_CNT_RECORDS,	       /* records successfully submitted */
	FLOWS_CNT_L7_SCRATCH_FAILED,   /* L7 record sent without its payload: no scratch */
	FLOWS_CNT_MAX,
};

/* Load-time configuration (rodata, set between skeleton open and load). */
struct flows_config {
	__u64 stats_interval_ns; /* 0: no periodic stats records */
	__u32 wakeup_bytes;	 /* force a wakeup once this much is queued */
	__u8 per_packet;	 /* 1: a record for every packet */
	__u8 _pad0[3];
	__u16 dns_ports[FLOWS_MAX_DNS_PORTS]; /* host order, 0 = unused */
};

#endif /* FLOWS_FLOW_RECORD_H */
