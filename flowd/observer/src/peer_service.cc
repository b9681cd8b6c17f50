#include "flows/flowd/observer/peer_service.h"

#include <thread>

namespace flows::flowd {

grpc::Status PeerService::Notify(grpc::ServerContext* ctx, const peer::NotifyRequest*,
                                 grpc::ServerWriter<peer::ChangeNotification>* writer) {
  peer::ChangeNotification n;
  n.set_name(node_.name);
  n.set_address(node_.address);
  n.set_type(peer::PEER_ADDED);
  if (node_.tls) n.mutable_tls()->set_server_name(node_.tls_server_name);
  if (!writer->Write(n)) return grpc::Status::OK;
  while (!ctx->IsCancelled() && !shutdown_) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return grpc::Status::OK;
}

}  // namespace flows::flowd
