// UAPI values newer than Debian 12's linux-libc-dev (6.1) headers. The
// kernel ABI is stable, so defining the numbers here is safe; they are used
// only if the running kernel supports them (tcx: Linux 6.6+).
#pragma once

#include <linux/bpf.h>

namespace flows::datapath::uapi {

constexpr int kBpfTcxIngress = 46;         // enum bpf_attach_type BPF_TCX_INGRESS
constexpr int kBpfTcxEgress = 47;          // BPF_TCX_EGRESS
constexpr unsigned kBpfFBefore = 1U << 3;  // BPF_F_BEFORE: first in the chain
constexpr unsigned kBpfLinkTypeTcx = 11;   // enum bpf_link_type BPF_LINK_TYPE_TCX
constexpr unsigned kBpfLinkTypeXdp = 6;    // BPF_LINK_TYPE_XDP

// In struct bpf_link_info both the tcx and the xdp members start with the
// ifindex at the start of the (8-byte aligned) union.
inline unsigned LinkIfindex(const bpf_link_info& info) {
  return info.xdp.ifindex;
}

}  // namespace flows::datapath::uapi
