/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A thin context layer so every parser compiles for both TC (__sk_buff) and
 * XDP (xdp_md). An entry file defines FLOWS_CTX_XDP before including lib/
 * headers to get the XDP flavour; TC is the default.
 */
#ifndef FLOWS_LIB_CTX_H
#define FLOWS_LIB_CTX_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifdef FLOWS_CTX_XDP
typedef struct xdp_md flows_ctx_t;

static __always_inline void *ctx_data(const flows_ctx_t *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *ctx_data_end(const flows_ctx_t *ctx)
{
	return (void *)(long)ctx->data_end;
}

/* Length on the wire: the linear part (we do not attach in frags mode). */
static __always_inline __u32 ctx_wire_len(const flows_ctx_t *ctx)
{
	return (__u32)(ctx->data_end - ctx->data);
}

static __always_inline __u32 ctx_ifindex(const flows_ctx_t *ctx)
{
	return ctx->ingress_ifindex;
}

static __always_inline long ctx_load_bytes(flows_ctx_t *ctx, __u32 off, void *to, __u32 len)
{
	return bpf_xdp_load_bytes(ctx, off, to, len);
}
#else
typedef struct __sk_buff flows_ctx_t;

static __always_inline void *ctx_data(const flows_ctx_t *ctx)
{
	return (void *)(long)ctx->data;
}

static __always_inline void *ctx_data_end(const flows_ctx_t *ctx)
{
	return (void *)(long)ctx->data_end;
}

static __always_inline __u32 ctx_wire_len(const flows_ctx_t *ctx)
{
	return ctx->len;
}

static __always_inline __u32 ctx_ifindex(const flows_ctx_t *ctx)
{
	return ctx->ifindex;
}

/* Works on non-linear skbs too, which direct access does not. */
static __always_inline long ctx_load_bytes(flows_ctx_t *ctx, __u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes(ctx, off, to, len);
}
#endif

#endif /* FLOWS_LIB_CTX_H */
