// RAII ownership of one program on one interface hook.
//
// TC hooks use tcx links, placed first in the chain (BPF_F_BEFORE) so we see
// packets before the CNI's programs, while TC_ACT_UNSPEC hands each packet
// on to them unchanged. Kernels without tcx get a clsact filter at priority
// 1 with our own handle, replaced (never duplicated) on re-attach; the clsact
// qdisc is removed again only if we created it and no filter is left on it.
// XDP uses an XDP link, which the kernel refuses if another program is
// attached: we report that and never replace it.
//
// With a pin directory, links are pinned as <dir>/<ifname>@<hook>; attaching
// again (a restarted daemon) swaps the program inside the existing link
// instead of adding a second one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"
#include "flows/common/unique_fd.h"

namespace flows::datapath {

enum class AttachPoint : std::uint8_t { kTcIngress, kTcEgress, kXdpIngress };
std::string_view AttachPointName(AttachPoint p);  // "tc-ingress", ...

enum class AttachMode : std::uint8_t { kNone, kTcx, kTcClsact, kXdpLink };
std::string_view AttachModeName(AttachMode m);  // "tcx", "tc-clsact", "xdp-link"

// How a TC hook is attached: tcx where the kernel has it (else clsact), or
// clsact always (for stacks whose tools manage TC filters only).
enum class TcAttach : std::uint8_t { kPreferTcx, kClsact };

class Attachment {
 public:
  static Result<Attachment> Attach(int prog_fd, std::uint32_t ifindex, const std::string& ifname,
                                   AttachPoint point, const std::string& pin_dir,
                                   TcAttach tc = TcAttach::kPreferTcx);
  Attachment(Attachment&& other) noexcept;
  Attachment& operator=(Attachment&& other) noexcept;
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  ~Attachment();

  AttachPoint point() const { return point_; }
  std::uint32_t ifindex() const { return ifindex_; }
  AttachMode mode() const { return mode_; }
  // Whether an existing pinned link was reused (a restarted daemon).
  bool reused() const { return reused_; }
  // Whether attaching created the interface's clsact qdisc.
  bool created_qdisc() const { return created_qdisc_; }
  // Leave the program attached (and its link pinned) when this is destroyed,
  // so a daemon restart loses no packets of observation.
  void Keep(bool keep = true) { keep_ = keep; }

 private:
  Attachment() = default;
  void Release();

  UniqueFd link_fd_;
  std::uint32_t ifindex_ = 0;
  AttachPoint point_ = AttachPoint::kTcIngress;
  std::string pin_path_;
  AttachMode mode_ = AttachMode::kNone;
  bool reused_ = false;
  bool created_qdisc_ = false;
  bool keep_ = false;
};

// A restarted daemon's clean-up of <pin_dir>/<ifname>@<hook>: a link whose
// interface went while no daemon ran (a pod deleted during an upgrade)
// stays pinned, detached, forever otherwise. Removes (detaches and unlinks)
// every pinned link whose interface is gone – the link drives no interface,
// or the name it is pinned under is now another interface or none – and
// returns the pin names removed. Pins that are not links are left alone.
std::vector<std::string> RemoveStaleLinkPins(const std::string& pin_dir);

// Programs attached at a TC hook (tcx) of an interface, in chain order:
// for tests and `flows status`.
struct AttachedProgram {
  std::uint32_t id = 0;
  std::string name;
};
Result<std::vector<AttachedProgram>> QueryTcx(std::uint32_t ifindex, AttachPoint point);

}  // namespace flows::datapath
