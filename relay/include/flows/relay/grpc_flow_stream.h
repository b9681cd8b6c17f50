// FlowStream over a gRPC channel to one node's observer.Observer.
#pragma once

#include <grpcpp/grpcpp.h>

#include "flows/relay/flow_stream.h"
#include "observer/observer.grpc.pb.h"

namespace flows::relay {

class GrpcFlowStream final : public FlowStream {
 public:
  GrpcFlowStream(const std::shared_ptr<grpc::Channel>& channel, const observer::GetFlowsRequest& request);
  bool Read(FlowItem* out) override;
  grpc::Status Finish() override;
  void Cancel() override { ctx_.TryCancel(); }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<observer::Observer::Stub> stub_;
  std::unique_ptr<grpc::ClientReader<observer::GetFlowsResponse>> reader_;
};

}  // namespace flows::relay
