// Netlink and the kernel's hooks replaced by fakes, for the logic that
// decides which interfaces get which programs (datapath's InterfaceManager,
// flowd's LinkWatcher). Thread-safe: the watcher reads them from its own
// thread.
#pragma once

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "flows/datapath/interface_manager.h"
#include "flows/datapath/links.h"

namespace flows::testing {

class FakeLinks final : public datapath::LinkSource {
 public:
  std::vector<datapath::LinkInfo> links;
  std::optional<std::uint32_t> default_ifindex;

  Result<std::vector<datapath::LinkInfo>> List() override {
    std::lock_guard lock(mu_);
    return links;
  }
  Result<std::optional<std::uint32_t>> DefaultRouteIfindex() override { return default_ifindex; }
  // The events pushed since the last call; waits up to `timeout` for one.
  Result<std::vector<datapath::LinkEvent>> WaitForEvents(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !events_.empty(); });
    return std::exchange(events_, {});
  }
  void Push(datapath::LinkEvent ev) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(ev));
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<datapath::LinkEvent> events_;
};

class FakeHooks final : public datapath::Hooks {
 public:
  using Attached = std::set<std::pair<std::uint32_t, datapath::AttachPoint>>;

  Status Attach(const datapath::LinkInfo& link, datapath::AttachPoint p) override {
    std::lock_guard lock(mu_);
    ++attach_calls_;
    if (p == datapath::AttachPoint::kXdpIngress && xdp_busy_.count(link.ifindex))
      return Error{"interface " + link.name + " already has an XDP program", EBUSY};
    attached_.insert({link.ifindex, p});
    return OkStatus();
  }
  void DetachAll(std::uint32_t ifindex) override {
    std::lock_guard lock(mu_);
    std::erase_if(attached_, [&](const auto& a) { return a.first == ifindex; });
  }

  Attached attached() const {
    std::lock_guard lock(mu_);
    return attached_;
  }
  int attach_calls() const {
    std::lock_guard lock(mu_);
    return attach_calls_;
  }
  // Interfaces that already hold a foreign XDP program (attaching there fails).
  void SetXdpBusy(std::set<std::uint32_t> ifindexes) {
    std::lock_guard lock(mu_);
    xdp_busy_ = std::move(ifindexes);
  }

 private:
  mutable std::mutex mu_;
  Attached attached_;
  std::set<std::uint32_t> xdp_busy_;
  int attach_calls_ = 0;
};

}  // namespace flows::testing
