#include "flows/flowd/observer/peer_service.h"

#include <thread>

namespace flows::flowd {

namespace {

// ":4244", "0.0.0.0:4244", "[::]:4244": where this flowd listens, not an
// address anyone can dial.
bool Dialable(const std::string& address) {
  return !address.empty() && address.front() != ':' && address.rfind("0.0.0.0:", 0) != 0 &&
         address.rfind("[::]:", 0) != 0;
}

}  // namespace

std::map<std::string, PeerNode> PeerService::Current(std::uint64_t* version) const {
  std::map<std::string, PeerNode> out;
  if (roster_) {
    for (PeerNode& n : roster_->Snapshot(version)) out.emplace(n.name, std::move(n));
  }
  // This node is always there, once it has an address to give; the
  // roster's wins (it knows the node IP, where flowd may only know ":4244").
  if (Dialable(node_.address)) out.try_emplace(node_.name, PeerNode{node_.name, node_.address});
  return out;
}

peer::ChangeNotification PeerService::Notification(const PeerNode& node,
                                                   peer::ChangeNotificationType type) const {
  peer::ChangeNotification n;
  n.set_name(node.name);
  n.set_address(node.address);
  n.set_type(type);
  if (node_.tls) n.mutable_tls()->set_server_name(PeerTlsServerName(node.name, node_.cluster_name));
  return n;
}

grpc::Status PeerService::Notify(grpc::ServerContext* ctx, const peer::NotifyRequest*,
                                 grpc::ServerWriter<peer::ChangeNotification>* writer) {
  std::map<std::string, PeerNode> sent;
  while (!ctx->IsCancelled() && !shutdown_) {
    std::uint64_t version = 0;
    const std::map<std::string, PeerNode> now = Current(&version);
    for (const auto& [name, node] : sent) {
      if (!now.contains(name) && !writer->Write(Notification(node, peer::PEER_DELETED)))
        return grpc::Status::OK;
    }
    for (const auto& [name, node] : now) {
      auto it = sent.find(name);
      if (it == sent.end()) {
        if (!writer->Write(Notification(node, peer::PEER_ADDED))) return grpc::Status::OK;
      } else if (it->second != node) {
        if (!writer->Write(Notification(node, peer::PEER_UPDATED))) return grpc::Status::OK;
      }
    }
    sent = now;
    if (roster_) {
      roster_->WaitForChange(version, kPoll);
    } else {
      std::this_thread::sleep_for(kPoll);
    }
  }
  return grpc::Status::OK;
}

}  // namespace flows::flowd
