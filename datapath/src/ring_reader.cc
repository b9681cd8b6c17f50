#include "flows/datapath/ring_reader.h"

#include <bpf/libbpf.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>

#include "flows/datapath/abi.h"

namespace flows::datapath {

Result<std::unique_ptr<RingReader>> RingReader::Create(int ring_fd, const RecordDecoder& decoder,
                                                       FlowSink& sink, RingReaderOptions options) {
  if (options.batch_size == 0) return Error::Invalid("batch_size must be > 0");
  std::unique_ptr<RingReader> r(new RingReader(decoder, sink, options));
  r->ring_ = ring_buffer__new(ring_fd, &RingReader::OnRecord, r.get(), nullptr);
  if (!r->ring_) return Error::System("open flow ring", errno);
  // Our own epoll set: the ring's (for forced wakeups) and an eventfd, so
  // Stop() need not wait out a long drain interval.
  r->epoll_fd_.reset(epoll_create1(EPOLL_CLOEXEC));
  r->stop_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!r->epoll_fd_ || !r->stop_fd_) return Error::System("create reader epoll", errno);
  for (int fd : {ring_buffer__epoll_fd(r->ring_), r->stop_fd_.get()}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(r->epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return Error::System("epoll_ctl", errno);
  }
  return r;
}

RingReader::RingReader(const RecordDecoder& decoder, FlowSink& sink, RingReaderOptions options)
    : decoder_(decoder), sink_(sink), options_(options) {
  batch_.reserve(options_.batch_size);
}

RingReader::~RingReader() {
  Stop();
  ring_buffer__free(ring_);
}

int RingReader::OnRecord(void* ctx, void* data, std::size_t size) {
  auto* self = static_cast<RingReader*>(ctx);
  self->records_.fetch_add(1, std::memory_order_relaxed);
  self->bytes_.fetch_add(size, std::memory_order_relaxed);
  auto flow = self->decoder_.Decode({static_cast<const std::uint8_t*>(data), size});
  if (!flow) {
    self->decode_errors_.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  if (!flow->l7_error.empty()) self->l7_errors_.fetch_add(1, std::memory_order_relaxed);
  if ((flow->reasons & FLOWS_REASON_NEW_FLOW) && self->options_.new_entries) {
    // Decode checked the size; the ring gives no alignment promise.
    flows_record rec;
    std::memcpy(&rec, data, sizeof(rec));
    self->options_.new_entries->OnNewEntry(rec.key, rec.stats);
  }
  self->batch_.push_back(std::move(*flow));
  if (self->batch_.size() >= self->options_.batch_size) self->Flush();
  return 0;
}

void RingReader::Flush() {
  if (batch_.empty()) return;
  sink_.OnFlows(batch_);
  batches_.fetch_add(1, std::memory_order_relaxed);
  batch_.clear();
}

Result<std::size_t> RingReader::DrainOnce() {
  const int n = ring_buffer__consume(ring_);
  Flush();
  if (n < 0) return Error::System("consume flow ring", -n);
  return static_cast<std::size_t>(n);
}

void RingReader::Start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { Run(); });
}

void RingReader::Stop() {
  if (!running_.exchange(false)) return;
  const std::uint64_t one = 1;
  (void)!write(stop_fd_.get(), &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  (void)DrainOnce();  // nothing queued is left behind
}

void RingReader::Run() {
  const int timeout_ms = static_cast<int>(options_.drain_interval.count());
  epoll_event events[2];
  while (running_.load(std::memory_order_relaxed)) {
    // Returns early only on a forced wakeup (ring filling up) or Stop();
    // otherwise after timeout_ms. Either way we then drain everything queued.
    polls_.fetch_add(1, std::memory_order_relaxed);
    const int n = epoll_wait(epoll_fd_.get(), events, 2, timeout_ms);
    for (int i = 0; i < n; ++i)
      if (events[i].data.fd != stop_fd_.get()) wakeups_.fetch_add(1, std::memory_order_relaxed);
    (void)DrainOnce();
  }
}

RingReaderStats RingReader::stats() const {
  return {records_.load(), bytes_.load(),   decode_errors_.load(), l7_errors_.load(),
          batches_.load(), wakeups_.load(), polls_.load()};
}

}  // namespace flows::datapath
