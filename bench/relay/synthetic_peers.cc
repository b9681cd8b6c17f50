#include "synthetic_peers.h"

#include <chrono>
#include <thread>

namespace flows::relay::bench {

observer::GetFlowsResponse SampleResponse(const std::string& node) {
  observer::GetFlowsResponse r;
  r.set_node_name(node);
  auto* f = r.mutable_flow();
  f->set_node_name(node);
  f->set_verdict(flow::FORWARDED);
  f->set_type(flow::L7);
  f->mutable_ip()->set_source("10.244.1.10");
  f->mutable_ip()->set_destination("10.244.1.20");
  f->mutable_ip()->set_ipversion(flow::IPv4);
  f->mutable_l4()->mutable_tcp()->set_source_port(46866);
  f->mutable_l4()->mutable_tcp()->set_destination_port(3550);
  for (auto* ep : {f->mutable_source(), f->mutable_destination()}) {
    ep->set_namespace_("demo-app");
    ep->set_pod_name(ep == f->mutable_source() ? "frontend-7d9f8b-abcde" : "productcatalog-5c6d-fghij");
    ep->add_labels("k8s:app=" + std::string(ep == f->mutable_source() ? "frontend" : "productcatalog"));
    ep->add_labels("k8s:io.kubernetes.pod.namespace=demo-app");
  }
  auto* http = f->mutable_l7()->mutable_http();
  f->mutable_l7()->set_type(flow::REQUEST);
  http->set_method("GET");
  http->set_url("http://productcatalog.demo-app.svc.cluster.local:3550/products");
  http->set_protocol("HTTP/1.1");
  f->set_traffic_direction(flow::EGRESS);
  f->mutable_event_type()->set_type(129);
  return r;
}

SyntheticStream::SyntheticStream(const std::string& node, std::int64_t start, std::int64_t step,
                                 std::uint64_t count)
    : response_(std::make_shared<observer::GetFlowsResponse>(SampleResponse(node))),
      next_(start),
      step_(step),
      left_(count) {}

bool SyntheticStream::Read(FlowItem* out) {
  if (left_ == 0 || cancelled_.load(std::memory_order_relaxed)) return false;
  --left_;
  // The merge orders by FlowItem::time_ns; the message itself is shared.
  out->response = response_;
  out->time_ns = next_;
  out->ordered = true;
  next_ += step_;
  return true;
}

grpc::Status BlastObserver::GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest*,
                                     grpc::ServerWriter<observer::GetFlowsResponse>* writer) {
  observer::GetFlowsResponse r = SampleResponse(node_);
  const std::int64_t start = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
  for (std::uint64_t i = 0; i < count_ && !ctx->IsCancelled(); ++i) {
    const std::int64_t t = start + static_cast<std::int64_t>(i) * 1000;
    r.mutable_time()->set_seconds(t / 1'000'000'000);
    r.mutable_time()->set_nanos(static_cast<int>(t % 1'000'000'000));
    *r.mutable_flow()->mutable_time() = r.time();
    if (!writer->Write(r)) return grpc::Status::OK;
  }
  // Follow: hold the stream open until the relay leaves.
  while (!ctx->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return grpc::Status::OK;
}

}  // namespace flows::relay::bench
