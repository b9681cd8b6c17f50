// Network interfaces, behind an interface so attach logic is testable
// without netlink. NetlinkLinkSource is the real one (libnl).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flows/common/result.h"

namespace flows::datapath {

struct LinkInfo {
  std::uint32_t ifindex = 0;
  std::string name;
  std::string kind;  // rtnetlink IFLA_INFO_KIND: "veth", "bridge", "" for a NIC
  bool operator==(const LinkInfo&) const = default;
};

struct LinkEvent {
  enum class Type { kAddedOrChanged, kRemoved };
  Type type = Type::kAddedOrChanged;
  LinkInfo link;
};

class LinkSource {
 public:
  virtual ~LinkSource() = default;
  virtual Result<std::vector<LinkInfo>> List() = 0;
  // The interface carrying the default route (IPv4, else IPv6), if any.
  virtual Result<std::optional<std::uint32_t>> DefaultRouteIfindex() = 0;
  // Waits up to `timeout` for link changes; returns those that arrived.
  virtual Result<std::vector<LinkEvent>> WaitForEvents(std::chrono::milliseconds timeout) = 0;
};

// rtnetlink through libnl. Subscribes to link events at creation, so no
// change between List() and the first WaitForEvents() is missed.
class NetlinkLinkSource final : public LinkSource {
 public:
  static Result<std::unique_ptr<NetlinkLinkSource>> Create();
  ~NetlinkLinkSource() override;
  Result<std::vector<LinkInfo>> List() override;
  Result<std::optional<std::uint32_t>> DefaultRouteIfindex() override;
  Result<std::vector<LinkEvent>> WaitForEvents(std::chrono::milliseconds timeout) override;

 private:
  NetlinkLinkSource() = default;
  struct Sockets;
  std::unique_ptr<Sockets> socks_;
};

}  // namespace flows::datapath
