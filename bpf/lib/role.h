/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Who opened the conversation: decided once, when a flow-table entry is
 * created, and kept in the entry (flows_stats.role) so every record of the
 * entry -- new flow, TCP events, stats, L7, flow end -- says the same thing.
 *
 * The rules, strongest first:
 *   - TCP: SYN without ACK opens (initiator), SYN+ACK answers (reply).
 *   - ICMP: the message type says it (echo/timestamp/... request vs reply;
 *     errors such as destination unreachable answer something).
 *   - Anything else: the entry for the opposite direction on the same
 *     interface with the addresses and ports swapped. If it exists this entry
 *     answers it (or opens, when that one is itself a reply; unknown when
 *     that one is unknown); if not, this packet is the first of the
 *     conversation the interface saw, so it opens it -- as Cilium's
 *     conntrack decides for UDP and the rest.
 *   - TCP picked up mid-connection (no SYN: the entries were evicted from a
 *     full table, or the connection predates the program) with no reverse
 *     entry: unknown. Who sent the SYN was not seen, and guessing "first
 *     seen opens" calls a server's reply to a client's ephemeral port a
 *     request -- flipping traffic_direction and making the client's port a
 *     server port in port_distribution.
 * Later IP fragments carry no ports: they are a reply only when the reverse
 * fragments entry exists, else unknown.
 */
#ifndef FLOWS_LIB_ROLE_H
#define FLOWS_LIB_ROLE_H

#include "maps.h"
#include "parse.h"

/* ICMPv4 (RFC 792, 950) and ICMPv6 (RFC 4443, 4861) types. */
static __always_inline __u8 icmp_role(__u8 ip_version, __u8 type)
{
	if (ip_version == 4) {
		switch (type) {
		case 0:	 /* echo reply */
		case 3:	 /* destination unreachable */
		case 4:	 /* source quench */
		case 5:	 /* redirect */
		case 11: /* time exceeded */
		case 12: /* parameter problem */
		case 14: /* timestamp reply */
		case 16: /* information reply */
		case 18: /* address mask reply */
			return FLOWS_ROLE_REPLY;
		}
		return FLOWS_ROLE_INITIATOR;
	}
	if (type < 128) /* 1-127: error messages */
		return FLOWS_ROLE_REPLY;
	switch (type) {
	case 129: /* echo reply */
	case 134: /* router advertisement */
	case 136: /* neighbour advertisement */
		return FLOWS_ROLE_REPLY;
	}
	return FLOWS_ROLE_INITIATOR;
}

/* The entry the other direction of this conversation would have. On a node
 * NIC ingress is seen by XDP and egress by TC, so an egress entry's reverse
 * may be under either hook. */
static __always_inline struct flows_stats *reverse_entry(const struct flows_key *k)
{
	struct flows_key r = *k;
	struct flows_stats *st;

	r.direction = k->direction == FLOWS_DIR_INGRESS ? FLOWS_DIR_EGRESS : FLOWS_DIR_INGRESS;
	r.hook = FLOWS_HOOK_TC;
	__builtin_memcpy(r.saddr, k->daddr, 16);
	__builtin_memcpy(r.daddr, k->saddr, 16);
	r.sport = k->dport;
	r.dport = k->sport;
	st = bpf_map_lookup_elem(&flows_table, &r);
	if (!st && r.direction == FLOWS_DIR_INGRESS) {
		r.hook = FLOWS_HOOK_XDP;
		st = bpf_map_lookup_elem(&flows_table, &r);
	}
	return st;
}

/* Runs only for a packet that creates a flow-table entry. */
static __always_inline __u8 flow_role(const struct flows_packet *p)
{
	const struct flows_stats *rev;
	__u8 proto = p->key.l4_proto;

	if (p->key.flags & FLOWS_KEY_LATER_FRAGMENTS)
		return reverse_entry(&p->key) ? FLOWS_ROLE_REPLY : FLOWS_ROLE_UNKNOWN;
	if (proto == IPPROTO_TCP && p->l4_known) {
		__u8 syn_ack = p->tcp_flags & (FLOWS_TCP_SYN | FLOWS_TCP_ACK);
		if (syn_ack == FLOWS_TCP_SYN)
			return FLOWS_ROLE_INITIATOR;
		if (syn_ack == (FLOWS_TCP_SYN | FLOWS_TCP_ACK))
			return FLOWS_ROLE_REPLY;
	}
	if ((proto == IPPROTO_ICMP || proto == IPV6_NEXTHDR_ICMP) && p->l4_known)
		return icmp_role(p->key.ip_version, p->icmp_type);
	rev = reverse_entry(&p->key);
	if (!rev)
		return proto == IPPROTO_TCP ? FLOWS_ROLE_UNKNOWN : FLOWS_ROLE_INITIATOR;
	if (rev->role == FLOWS_ROLE_UNKNOWN)
		return FLOWS_ROLE_UNKNOWN;
	return rev->role == FLOWS_ROLE_REPLY ? FLOWS_ROLE_INITIATOR : FLOWS_ROLE_REPLY;
}

#endif /* FLOWS_LIB_ROLE_H */
