#include "flows/relay/grpc_flow_stream.h"

namespace flows::relay {

GrpcFlowStream::GrpcFlowStream(const std::shared_ptr<grpc::Channel>& channel,
                               const observer::GetFlowsRequest& request)
    : stub_(observer::Observer::NewStub(channel)) {
  // Fail fast: a node whose channel is down right now is reported as
  // unavailable, instead of this stream waiting for it to come back.
  ctx_.set_wait_for_ready(false);
  reader_ = stub_->GetFlows(&ctx_, request);
}

bool GrpcFlowStream::Read(FlowItem* out) {
  auto response = std::make_shared<observer::GetFlowsResponse>();
  if (!reader_->Read(response.get())) return false;
  *out = MakeFlowItem(std::move(response));
  return true;
}

grpc::Status GrpcFlowStream::Finish() {
  return reader_->Finish();
}

}  // namespace flows::relay
