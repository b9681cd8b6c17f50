#include <cstdio>

#include "flows/relay/address.h"
#include "flows/relay/peer_sources.h"

namespace flows::relay {

NotifyPeerSource::NotifyPeerSource(PeerManager& peers, ChannelFactory dial, std::string address,
                                   unsigned default_port, Backoff backoff)
    : peers_(peers),
      dial_(std::move(dial)),
      address_(std::move(address)),
      origin_("peer-service:" + address_),
      default_port_(default_port),
      backoff_(backoff) {}

NotifyPeerSource::~NotifyPeerSource() {
  Stop();
}

bool NotifyPeerSource::Apply(const peer::ChangeNotification& n) {
  // Untrusted: a name that is too long or empty, an address that does not
  // parse, an unknown type: refuse that notification, keep the stream.
  if (n.name().size() > 253 || n.address().size() > 300) return false;
  if (n.type() == peer::PEER_DELETED) {
    peers_.Remove(origin_, n.name().empty() ? n.address() : n.name());
    return true;
  }
  if (n.type() != peer::PEER_ADDED && n.type() != peer::PEER_UPDATED) return false;
  auto hp = ParseHostPort(n.address(), default_port_);
  if (!hp) {
    std::fprintf(stderr, "flows-relay: peer-service %s: node \"%s\": %s\n", address_.c_str(),
                 n.name().c_str(), hp.error().message.c_str());
    return false;
  }
  const std::string address = JoinHostPort(hp->host, hp->port);
  peers_.Upsert(origin_, PeerSpec{n.name().empty() ? address : n.name(), address, n.tls().server_name()});
  return true;
}

void NotifyPeerSource::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto stub = peer::Peer::NewStub(dial_(PeerSpec{address_, address_, {}}));
    grpc::ClientContext ctx;
    {
      std::lock_guard l(mu_);
      ctx_ = &ctx;
      if (stopping_) ctx.TryCancel();
    }
    auto reader = stub->Notify(&ctx, peer::NotifyRequest());
    peer::ChangeNotification n;
    while (reader->Read(&n)) {
      backoff_.Reset();  // the stream works: a later failure starts the backoff over
      Apply(n);
    }
    const grpc::Status st = reader->Finish();
    lock.lock();
    ctx_ = nullptr;
    if (stopping_) break;
    const auto wait = backoff_.Next();
    std::fprintf(stderr, "flows-relay: peer-service %s: %s; retrying in %lld ms\n", address_.c_str(),
                 st.ok() ? "stream ended" : st.error_message().c_str(), static_cast<long long>(wait.count()));
    cv_.wait_for(lock, wait, [this] { return stopping_; });
  }
}

void NotifyPeerSource::Start() {
  thread_ = std::thread([this] { Run(); });
}

void NotifyPeerSource::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (ctx_) ctx_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flows::relay
