// Keeps flowd's programs on the right interfaces while the node changes:
// one thread follows netlink link events (hot-plugged veths, a renamed NIC)
// and resynchronises periodically, since netlink may drop events under
// load. The CNI path (AttachPod) attaches a pod's veth synchronously, so the
// pod's first packet is observed before the plugin returns.
//
// Also the converter's InterfaceDirectory: names and roles of attached
// interfaces, read per flow on the ingest thread under a shared lock.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "flows/datapath/interface_manager.h"
#include "flows/flowd/observer/flow_converter.h"

namespace flows::flowd {

struct LinkWatcherOptions {
  datapath::AttachPolicy policy;
  std::chrono::milliseconds event_wait{500};
  std::chrono::seconds resync_interval{30};
  std::function<void(const std::string&)> log;  // attach failures; optional
  // Called (on the watcher's thread, no lock held) after a link went away
  // and after every resync – when a missed removal would be noticed: lets
  // the daemon forget pods whose interface is gone. Optional.
  std::function<void()> on_links_gone;
};

class LinkWatcher final : public InterfaceDirectory {
 public:
  LinkWatcher(datapath::LinkSource& links, datapath::Hooks& hooks, LinkWatcherOptions options);
  ~LinkWatcher() override;

  // The first resync, on the caller's thread (its error is returned: no
  // netlink means no observation), then the watching thread.
  Status Start();
  void Stop();

  // A pod veth named by the CNI. `ifindex` 0: look the name up. An error if
  // the interface is missing, was replaced (name and index disagree), is a
  // bridge or outside the policy's pod patterns, or a hook could not be
  // attached.
  Status AttachPod(const std::string& ifname, std::uint32_t ifindex);

  InterfaceRole Role(std::uint32_t ifindex) const override;
  std::string Name(std::uint32_t ifindex) const override;
  // What is attached where, and why a planned hook is missing.
  std::vector<datapath::InterfaceState> Interfaces() const;

 private:
  void Run(const std::stop_token& stop);
  void PublishLocked();  // needs manager_mu_
  void LogErrorsLocked();

  datapath::LinkSource& links_;
  LinkWatcherOptions options_;
  mutable std::mutex manager_mu_;  // InterfaceManager is single-threaded
  datapath::InterfaceManager manager_;
  struct Known {
    std::string name;
    InterfaceRole role;
  };
  mutable std::shared_mutex directory_mu_;
  std::unordered_map<std::uint32_t, Known> directory_;
  std::vector<datapath::InterfaceState> snapshot_;
  std::set<std::string> logged_;  // needs manager_mu_
  std::jthread thread_;
};

}  // namespace flows::flowd
