// Node streams for the benchmark that cost (almost) nothing to produce, so
// what is measured is the relay:
//   SyntheticStream   an in-process FlowStream handing out one prepared
//                     response again and again with growing times
//   BlastObserver     a gRPC observer.Observer whose GetFlows writes a
//                     prepared flow as fast as the client takes it
#pragma once

#include <atomic>

#include "flows/relay/flow_stream.h"
#include "observer/observer.grpc.pb.h"

namespace flows::relay::bench {

// A flow as flowd sends it: pods, labels, L4, an HTTP request.
observer::GetFlowsResponse SampleResponse(const std::string& node);

class SyntheticStream final : public FlowStream {
 public:
  // Times start + index * step.
  SyntheticStream(const std::string& node, std::int64_t start, std::int64_t step, std::uint64_t count);
  bool Read(FlowItem* out) override;
  grpc::Status Finish() override { return grpc::Status::OK; }
  void Cancel() override { cancelled_ = true; }

 private:
  std::shared_ptr<const observer::GetFlowsResponse> response_;
  std::int64_t next_, step_;
  std::uint64_t left_;
  std::atomic<bool> cancelled_{false};
};

class BlastObserver final : public observer::Observer::Service {
 public:
  BlastObserver(std::string node, std::uint64_t count) : node_(std::move(node)), count_(count) {}
  grpc::Status GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest* req,
                        grpc::ServerWriter<observer::GetFlowsResponse>* writer) override;

 private:
  std::string node_;
  std::uint64_t count_;
};

}  // namespace flows::relay::bench
