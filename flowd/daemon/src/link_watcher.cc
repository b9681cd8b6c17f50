#include "flows/flowd/daemon/link_watcher.h"

#include <net/if.h>

namespace flows::flowd {

LinkWatcher::LinkWatcher(datapath::LinkSource& links, datapath::Hooks& hooks, LinkWatcherOptions options)
    : links_(links), options_(std::move(options)), manager_(links, hooks, options_.policy) {}

LinkWatcher::~LinkWatcher() {
  Stop();
}

Status LinkWatcher::Start() {
  {
    std::lock_guard lock(manager_mu_);
    if (Status s = manager_.Resync(); !s) return s;
    LogErrorsLocked();
    PublishLocked();
  }
  thread_ = std::jthread([this](const std::stop_token& st) { Run(st); });
  return OkStatus();
}

void LinkWatcher::Stop() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void LinkWatcher::Run(const std::stop_token& stop) {
  auto next_resync = std::chrono::steady_clock::now() + options_.resync_interval;
  while (!stop.stop_requested()) {
    // Wait without the lock: a CNI ADD must not queue behind an idle wait.
    auto events = links_.WaitForEvents(options_.event_wait);
    bool gone = false;
    {
      std::lock_guard lock(manager_mu_);
      if (!events) {
        if (options_.log) options_.log("link events: " + events.error().message + "; resyncing");
        next_resync = std::chrono::steady_clock::now();
      } else if (!events->empty()) {
        manager_.ApplyEvents(*events);
        LogErrorsLocked();
        PublishLocked();
        for (const auto& ev : *events) gone = gone || ev.type == datapath::LinkEvent::Type::kRemoved;
      }
      if (std::chrono::steady_clock::now() >= next_resync) {
        if (Status s = manager_.Resync(); !s && options_.log) options_.log("resync: " + s.error().message);
        LogErrorsLocked();
        PublishLocked();
        next_resync = std::chrono::steady_clock::now() + options_.resync_interval;
        gone = true;
      }
    }
    if (gone && options_.on_links_gone) options_.on_links_gone();
  }
}

Status LinkWatcher::AttachPod(const std::string& ifname, std::uint32_t ifindex) {
  const std::uint32_t actual = if_nametoindex(ifname.c_str());
  if (actual == 0) return Error::System("interface " + ifname, errno);
  if (ifindex != 0 && ifindex != actual)
    return Error::Invalid("interface " + ifname + " has index " + std::to_string(actual) + ", not " +
                          std::to_string(ifindex) + ": it was replaced");
  // The kernel's kind, not the CNI's word: a bridge must never be taken for a veth.
  std::string kind = "veth";
  if (auto all = links_.List(); all) {
    for (const auto& l : *all) {
      if (l.ifindex == actual) kind = l.kind;
    }
  }
  std::lock_guard lock(manager_mu_);
  Status s = manager_.AttachPod({actual, ifname, kind});
  PublishLocked();
  return s;
}

void LinkWatcher::LogErrorsLocked() {
  if (!options_.log) return;
  // Each distinct problem once: a resync finds the same foreign XDP program
  // every time.
  for (const auto& [ifindex, st] : manager_.interfaces())
    for (const auto& e : st.errors)
      if (logged_.insert(st.link.name + ": " + e).second) options_.log(st.link.name + ": " + e);
}

void LinkWatcher::PublishLocked() {
  std::unordered_map<std::uint32_t, Known> dir;
  std::vector<datapath::InterfaceState> snap;
  for (const auto& [ifindex, st] : manager_.interfaces()) {
    dir[ifindex] = {st.link.name, st.node_nic ? InterfaceRole::kNodeNic : InterfaceRole::kPod};
    snap.push_back(st);
  }
  std::unique_lock lock(directory_mu_);
  directory_ = std::move(dir);
  snapshot_ = std::move(snap);
}

InterfaceRole LinkWatcher::Role(std::uint32_t ifindex) const {
  std::shared_lock lock(directory_mu_);
  auto it = directory_.find(ifindex);
  return it == directory_.end() ? InterfaceRole::kUnknown : it->second.role;
}

std::string LinkWatcher::Name(std::uint32_t ifindex) const {
  {
    std::shared_lock lock(directory_mu_);
    auto it = directory_.find(ifindex);
    if (it != directory_.end()) return it->second.name;
  }
  // A flow-end record of an interface already gone, or one attached by a
  // previous run and not yet resynced: the kernel may still know it.
  char buf[IF_NAMESIZE] = {};
  return if_indextoname(ifindex, buf) ? std::string(buf) : std::string();
}

std::vector<datapath::InterfaceState> LinkWatcher::Interfaces() const {
  std::shared_lock lock(directory_mu_);
  return snapshot_;
}

}  // namespace flows::flowd
