// An Informer<T> with its Reflector on its own thread: what flowd's daemon
// holds per resource. Start() returns at once; WaitForSync() is for
// readiness (flowd should not report pod names before the first list).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "flows/flowd/k8s/informer.h"

namespace flows::flowd::k8s {

template <typename T>
class InformerRunner {
 public:
  // An empty options.resource.plural means KindTraits<T>'s collection.
  InformerRunner(ApiClient& client, InformerHandlers<T> handlers, ReflectorOptions options = {},
                 std::unique_ptr<Sleeper> sleeper = std::make_unique<RealSleeper>())
      : sleeper_(std::move(sleeper)), informer_(WrapSynced(std::move(handlers))) {
    if (options.resource.plural.empty()) {
      Resource r = KindTraits<T>::DefaultResource();
      r.namespace_name = options.resource.namespace_name;
      r.label_selector = options.resource.label_selector;
      r.field_selector = options.resource.field_selector;
      options.resource = std::move(r);
    }
    reflector_ = std::make_unique<Reflector>(client, informer_, std::move(options), *sleeper_);
  }
  ~InformerRunner() { Stop(); }
  InformerRunner(const InformerRunner&) = delete;
  InformerRunner& operator=(const InformerRunner&) = delete;

  void Start() {
    if (!thread_.joinable())
      thread_ = std::jthread([this](const std::stop_token& st) { reflector_->Run(st); });
  }
  // Cancels an open request or a backoff; returns when the thread is gone.
  void Stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      thread_.join();
    }
  }
  bool WaitForSync(std::chrono::milliseconds timeout) {
    std::unique_lock lock(sync_mu_);
    return sync_cv_.wait_for(lock, timeout, [this] { return synced_; });
  }

  Informer<T>& informer() { return informer_; }
  const Reflector& reflector() const { return *reflector_; }

 private:
  InformerHandlers<T> WrapSynced(InformerHandlers<T> h) {
    h.on_synced = [this, inner = std::move(h.on_synced)] {
      if (inner) inner();
      std::lock_guard lock(sync_mu_);
      synced_ = true;
      sync_cv_.notify_all();
    };
    return h;
  }

  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  bool synced_ = false;
  std::unique_ptr<Sleeper> sleeper_;
  Informer<T> informer_;
  std::unique_ptr<Reflector> reflector_;
  std::jthread thread_;  // last: stopped and joined before the rest goes
};

}  // namespace flows::flowd::k8s
