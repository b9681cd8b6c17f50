/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * L7 detection. The kernel only decides *whether* a payload is an HTTP/1.x
 * message or a DNS message; the bytes themselves (a bounded window) go to
 * user space, where a parser that can afford to be thorough and safe reads
 * them. HTTP is detected by content, on any port; DNS by configured port.
 */
#ifndef FLOWS_LIB_L7_H
#define FLOWS_LIB_L7_H

#include "config.h"
#include "ctx.h"
#include "parse.h"

/* First four payload bytes as a little-endian u32, e.g. "GET " */
#define L7_TAG(a, b, c, d) ((__u32)(a) | (__u32)(b) << 8 | (__u32)(c) << 16 | (__u32)(d) << 24)

static __always_inline int is_dns_port(__u16 port)
{
	int i;

#pragma unroll
	for (i = 0; i < FLOWS_MAX_DNS_PORTS; i++) {
		if (flows_cfg.dns_ports[i] && flows_cfg.dns_ports[i] == port)
			return 1;
	}
	return 0;
}

static __always_inline int looks_like_http(const __u8 head[8])
{
	__u32 tag =
		(__u32)head[0] | (__u32)head[1] << 8 | (__u32)head[2] << 16 | (__u32)head[3] << 24;

	switch (tag) {
	case L7_TAG('G', 'E', 'T', ' '):
	case L7_TAG('P', 'U', 'T', ' '):
		return 1;
	case L7_TAG('P', 'O', 'S', 'T'):
	case L7_TAG('H', 'E', 'A', 'D'):
		return head[4] == ' ';
	case L7_TAG('D', 'E', 'L', 'E'): /* DELETE */
	case L7_TAG('P', 'A', 'T', 'C'): /* PATCH */
	case L7_TAG('O', 'P', 'T', 'I'): /* OPTIONS */
	case L7_TAG('C', 'O', 'N', 'N'): /* CONNECT */
	case L7_TAG('T', 'R', 'A', 'C'): /* TRACE */
		return 1;
	case L7_TAG('H', 'T', 'T', 'P'): /* status line: HTTP/1.x */
		return head[4] == '/' && head[5] == '1' && head[6] == '.';
	}
	return 0;
}

static __always_inline __u8 detect_l7(flows_ctx_t *ctx, const struct flows_packet *p)
{
	__u8 head[8];
	__u8 proto = p->key.l4_proto;

	if (!p->l4_known || p->payload_len == 0)
		return FLOWS_L7_NONE;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return FLOWS_L7_NONE;
	if (is_dns_port(p->key.sport) || is_dns_port(p->key.dport))
		return FLOWS_L7_DNS;
	if (proto != IPPROTO_TCP || p->payload_len < sizeof(head))
		return FLOWS_L7_NONE;
	if (ctx_load_bytes(ctx, p->payload_off, head, sizeof(head)))
		return FLOWS_L7_NONE;
	return looks_like_http(head) ? FLOWS_L7_HTTP : FLOWS_L7_NONE;
}

#endif /* FLOWS_LIB_L7_H */
