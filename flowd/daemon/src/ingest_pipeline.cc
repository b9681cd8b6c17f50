#include "flows/flowd/daemon/ingest_pipeline.h"

#include <google/protobuf/arena.h>
#include <malloc.h>

#include <algorithm>

namespace flows::flowd {
namespace {

// One arena per batch instead of a heap object per message, string and
// repeated element: the store is a FIFO, so a batch's flows are evicted
// together and the arena goes (in a few frees) when its last flow does.
// Each flow's shared_ptr shares ownership of the batch. The batch also
// keeps alive the shared identity protos its flows point to.
struct Batch {
  explicit Batch(std::size_t flows) : arena(Options(flows)) {}
  static google::protobuf::ArenaOptions Options(std::size_t flows) {
    google::protobuf::ArenaOptions o;
    // A converted flow takes well under 1 KiB on an arena; blocks of up to
    // 256 KiB keep the mallocs per batch few without stranding much memory.
    o.start_block_size = std::clamp<std::size_t>(flows * 1024, 1024, 256 << 10);
    o.max_block_size = 256 << 10;
    return o;
  }
  KeepAlive keep;                 // declared first: outlives the arena
  google::protobuf::Arena arena;  // that points into `keep`
};

}  // namespace

void TuneAllocatorForIngest() {
  // Batch arena blocks are at most 256 KiB: below this, they come from the
  // heap; the store holds tens of MiB of them, so keep that much untrimmed.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void IngestPipeline::OnFlows(std::span<const datapath::Flow> flows) {
  if (flows.empty()) return;
  const auto now = NamespaceTracker::Clock::now();  // once per batch is precise enough
  auto batch = std::make_shared<Batch>(flows.size());
  FlowFacts facts;
  for (const auto& in : flows) {
    flow::Flow* out = google::protobuf::Arena::CreateMessage<flow::Flow>(&batch->arena);
    converter_.Convert(in, out, &batch->keep, &facts);
    const EntryRecord rec = entries_.Track(in, *out, facts);
    if (metrics_)
      metrics_->Observe(*out, {.packets = rec.packets, .bytes = rec.bytes, .counted = rec.counted()});
    namespaces_.Observe(*out, now);
    if (graph_) graph_->Add(in, *out, facts, rec);
    store_.Push(std::shared_ptr<const flow::Flow>(batch, out));
  }
  // The observations point into the batch's flows, alive until here.
  if (graph_) graph_->Commit();
  processed_.fetch_add(flows.size(), std::memory_order_relaxed);
}

}  // namespace flows::flowd
