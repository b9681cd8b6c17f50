#include "flows/flowd/ingest_pipeline.h"


namespace flows::flowd {

void IngestPipeline::OnFlows(std::span<const datapath::Flow> flows) {
  const auto now = NamespaceTracker::Clock::now();  // once per batch is precise enough
  for (const auto& in : flows) {
    auto out = std::make_shared<flow::Flow>();
    converter_.Convert(in, out.get());
    if (metrics_) metrics_->Observe(*out);
    namespaces_.Observe(*out, now);
    store_.Push(std::move(out));
  }
  processed_.fetch_add(flows.size(), std::memory_order_relaxed);
}

}  // namespace flows::flowd
