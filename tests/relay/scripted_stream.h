// A FlowStream the test feeds by hand: Add() responses, then End() with a
// status, or leave it open (a node that stalls) until the merger cancels it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "flows/relay/flow_stream.h"

namespace flows::relay::testing {

inline FlowItem Flow(std::int64_t time_ns, const std::string& node) {
  auto r = std::make_shared<observer::GetFlowsResponse>();
  r->set_node_name(node);
  r->mutable_flow()->set_node_name(node);
  r->mutable_time()->set_seconds(time_ns / 1'000'000'000);
  r->mutable_time()->set_nanos(static_cast<int>(time_ns % 1'000'000'000));
  *r->mutable_flow()->mutable_time() = r->time();
  return MakeFlowItem(std::move(r));
}

inline FlowItem Lost(std::uint64_t n, const std::string& node) {
  auto r = std::make_shared<observer::GetFlowsResponse>();
  r->set_node_name(node);
  r->mutable_lost_events()->set_num_events_lost(n);
  r->mutable_lost_events()->set_source(flow::HUBBLE_RING_BUFFER);
  return MakeFlowItem(std::move(r));
}

class ScriptedStream final : public FlowStream {
 public:
  // Shared with the test, which keeps feeding it after the merger owns the stream.
  struct Script {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<FlowItem> items;
    bool ended = false;
    bool cancelled = false;
    grpc::Status status;

    void Add(FlowItem item) {
      std::lock_guard lock(mu);
      items.push_back(std::move(item));
      cv.notify_all();
    }
    void End(grpc::Status s = grpc::Status::OK) {
      std::lock_guard lock(mu);
      ended = true;
      status = std::move(s);
      cv.notify_all();
    }
  };

  explicit ScriptedStream(std::shared_ptr<Script> s) : s_(std::move(s)) {}

  bool Read(FlowItem* out) override {
    std::unique_lock lock(s_->mu);
    s_->cv.wait(lock, [&] { return !s_->items.empty() || s_->ended || s_->cancelled; });
    if (s_->cancelled || s_->items.empty()) return false;
    *out = std::move(s_->items.front());
    s_->items.pop_front();
    return true;
  }
  grpc::Status Finish() override {
    std::lock_guard lock(s_->mu);
    return s_->cancelled && !s_->ended ? grpc::Status::CANCELLED : s_->status;
  }
  void Cancel() override {
    std::lock_guard lock(s_->mu);
    s_->cancelled = true;
    s_->cv.notify_all();
  }

 private:
  std::shared_ptr<Script> s_;
};

}  // namespace flows::relay::testing
