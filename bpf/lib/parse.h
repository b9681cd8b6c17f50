/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing: Ethernet, up to two VLAN tags, IPv4 (options, fragments),
 * IPv6 (a bounded walk of extension headers), TCP, UDP, ICMPv4/v6, SCTP.
 *
 * Every read is bounds-checked against data_end first. The parsers only
 * read; they never pull, resize or rewrite the packet.
 */
#ifndef FLOWS_LIB_PARSE_H
#define FLOWS_LIB_PARSE_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "ctx.h"
#include "../include/flow_record.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/* How many IPv6 extension headers we walk before giving up. */
#define FLOWS_IPV6_MAX_EXT 6

enum parse_result {
	PARSE_OK = 0,
	PARSE_NON_IP,	 /* counted, no flow */
	PARSE_MALFORMED, /* counted, no flow */
	PARSE_EXT_LIMIT, /* counted, no flow */
};

/* What the parsers learned about one packet. */
struct flows_packet {
	struct flows_key key; /* all but ifindex/direction/hook */
	__u32 payload_off;    /* L4 payload offset from the packet start */
	__u32 payload_len;    /* L4 payload bytes, from the IP length fields */
	__u16 ethertype;
	__u16 inner_vlan_id;
	__u16 flags; /* enum flows_packet_flag */
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 l4_known; /* TCP/UDP/ICMP/SCTP header parsed */
	__u8 smac[6];
	__u8 dmac[6];
};

struct vlan_hdr_raw {
	__be16 tci;
	__be16 proto;
};

struct sctp_hdr_raw {
	__be16 sport;
	__be16 dport;
	__be32 vtag;
	__be32 checksum;
};

struct icmp_hdr_raw {
	__u8 type;
	__u8 code;
	__be16 checksum;
};

struct ipv6_ext_raw {
	__u8 nexthdr;
	__u8 hdrlen;
};

struct ipv6_frag_raw {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off; /* offset << 3 | M flag */
	__be32 id;
};

#define IPV6_NEXTHDR_HOP      0
#define IPV6_NEXTHDR_ROUTING  43
#define IPV6_NEXTHDR_FRAGMENT 44
#define IPV6_NEXTHDR_DEST     60
#define IPV6_NEXTHDR_ICMP     58
#define IPV4_FRAG_MF	      0x2000
#define IPV4_FRAG_OFFSET      0x1fff

static __always_inline int parse_l4(void *data, void *data_end, __u32 off, __u32 l3_end,
				    struct flows_packet *p)
{
	void *l4 = data + off;
	__u8 proto = p->key.l4_proto;
	__u32 hdr_len;

	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = l4;
		if ((void *)(th + 1) > data_end)
			goto truncated;
		hdr_len = th->doff * 4;
		if (hdr_len < sizeof(*th))
			goto truncated;
		p->key.sport = bpf_ntohs(th->source);
		p->key.dport = bpf_ntohs(th->dest);
		p->tcp_flags = ((__u8 *)th)[13];
		break;
	}
	case IPPROTO_UDP: {
		struct udphdr *uh = l4;
		if ((void *)(uh + 1) > data_end)
			goto truncated;
		hdr_len = sizeof(*uh);
		p->key.sport = bpf_ntohs(uh->source);
		p->key.dport = bpf_ntohs(uh->dest);
		break;
	}
	case IPPROTO_SCTP: {
		struct sctp_hdr_raw *sh = l4;
		if ((void *)(sh + 1) > data_end)
			goto truncated;
		hdr_len = sizeof(*sh);
		p->key.sport = bpf_ntohs(sh->sport);
		p->key.dport = bpf_ntohs(sh->dport);
		break;
	}
	case IPPROTO_ICMP:
	case IPV6_NEXTHDR_ICMP: {
		struct icmp_hdr_raw *ih = l4;
		if ((void *)(ih + 1) > data_end)
			goto truncated;
		hdr_len = sizeof(*ih);
		p->icmp_type = ih->type;
		p->icmp_code = ih->code;
		p->key.sport = ih->type;
		p->key.dport = ih->code;
		break;
	}
	default:
		return PARSE_OK; /* tracked at L3 only; counted by the caller */
	}
	p->l4_known = 1;
	p->payload_off = off + hdr_len;
	p->payload_len = l3_end > p->payload_off ? l3_end - p->payload_off : 0;
	return PARSE_OK;
truncated:
	p->flags |= FLOWS_PKT_L4_TRUNCATED;
	return PARSE_OK; /* the flow is still counted, without ports */
}

static __always_inline int parse_ipv4(void *data, void *data_end, __u32 off, struct flows_packet *p)
{
	struct iphdr *ip = data + off;
	__u32 ihl_bytes, l3_end;
	__u16 frag;

	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	ihl_bytes = ip->ihl * 4;
	if (ip->version != 4 || ihl_bytes < sizeof(*ip))
		return PARSE_MALFORMED;
	if (bpf_ntohs(ip->tot_len) < ihl_bytes)
		return PARSE_MALFORMED;
	if (ihl_bytes > sizeof(*ip))
		p->flags |= FLOWS_PKT_IPV4_OPTIONS;

	p->key.ip_version = 4;
	p->key.l4_proto = ip->protocol;
	__builtin_memcpy(p->key.saddr, &ip->saddr, 4);
	__builtin_memcpy(p->key.daddr, &ip->daddr, 4);
	l3_end = off + bpf_ntohs(ip->tot_len);

	frag = bpf_ntohs(ip->frag_off);
	if (frag & (IPV4_FRAG_MF | IPV4_FRAG_OFFSET)) {
		p->flags |= FLOWS_PKT_FRAGMENT;
		if (frag & IPV4_FRAG_OFFSET) {
			p->flags |= FLOWS_PKT_LATER_FRAGMENT;
			p->key.flags |= FLOWS_KEY_LATER_FRAGMENTS;
			return PARSE_OK; /* no L4 header in later fragments */
		}
	}
	return parse_l4(data, data_end, off + ihl_bytes, l3_end, p);
}

static __always_inline int parse_ipv6(void *data, void *data_end, __u32 off, struct flows_packet *p)
{
	struct ipv6hdr *ip6 = data + off;
	__u32 l3_end;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip6->version != 6)
		return PARSE_MALFORMED;
	p->key.ip_version = 6;
	__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
	l3_end = off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);

#pragma unroll
	for (i = 0; i < FLOWS_IPV6_MAX_EXT; i++) {
		if (nexthdr == IPV6_NEXTHDR_FRAGMENT) {
			struct ipv6_frag_raw *fh = data + off;
			if ((void *)(fh + 1) > data_end)
				return PARSE_MALFORMED;
			p->flags |= FLOWS_PKT_FRAGMENT | FLOWS_PKT_IPV6_EXT;
			nexthdr = fh->nexthdr;
			off += sizeof(*fh);
			if (bpf_ntohs(fh->frag_off) & 0xfff8) {
				p->key.l4_proto = nexthdr;
				p->flags |= FLOWS_PKT_LATER_FRAGMENT;
				p->key.flags |= FLOWS_KEY_LATER_FRAGMENTS;
				return PARSE_OK;
			}
			continue;
		}
		if (nexthdr == IPV6_NEXTHDR_HOP || nexthdr == IPV6_NEXTHDR_ROUTING ||
		    nexthdr == IPV6_NEXTHDR_DEST) {
			struct ipv6_ext_raw *eh = data + off;
			if ((void *)(eh + 1) > data_end)
				return PARSE_MALFORMED;
			p->flags |= FLOWS_PKT_IPV6_EXT;
			nexthdr = eh->nexthdr;
			off += (eh->hdrlen + 1) * 8;
			continue;
		}
		p->key.l4_proto = nexthdr;
		return parse_l4(data, data_end, off, l3_end, p);
	}
	return PARSE_EXT_LIMIT;
}

/* Parses one packet from its Ethernet header. */
static __always_inline int parse_packet(flows_ctx_t *ctx, struct flows_packet *p)
{
	void *data = ctx_data(ctx);
	void *data_end = ctx_data_end(ctx);
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return PARSE_MALFORMED;
	__builtin_memcpy(p->smac, eth->h_source, 6);
	__builtin_memcpy(p->dmac, eth->h_dest, 6);
	proto = bpf_ntohs(eth->h_proto);

#pragma unroll
	for (i = 0; i < 2; i++) {
		struct vlan_hdr_raw *vh = data + off;
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > data_end)
			return PARSE_MALFORMED;
		if (i == 0)
			p->key.vlan_id = bpf_ntohs(vh->tci) & 0x0fff;
		else
			p->inner_vlan_id = bpf_ntohs(vh->tci) & 0x0fff;
		proto = bpf_ntohs(vh->proto);
		off += sizeof(*vh);
	}
	p->ethertype = proto;

	if (proto == ETH_P_IP)
		return parse_ipv4(data, data_end, off, p);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(data, data_end, off, p);
	return PARSE_NON_IP;
}

#endif /* FLOWS_LIB_PARSE_H */
