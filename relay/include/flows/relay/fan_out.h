// One unary call to each of several nodes at once (ServerStatus, GetNodes,
// GetNamespaces, GetGraph), on one completion queue: the answer takes as long as the
// slowest node, bounded by a deadline, and costs no thread per node.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <vector>

#include "flows/relay/peer_manager.h"
#include "observer/observer.grpc.pb.h"

namespace flows::relay {

template <typename Response>
struct NodeAnswer {
  const PeerView* peer = nullptr;
  grpc::Status status;
  Response response;
};

// start(stub, ctx, cq) begins the call on a `Service::Stub`, e.g.
//   [&](auto& stub, auto* ctx, auto* cq) { return stub.AsyncServerStatus(ctx, req, cq); }
template <typename Response, typename Service = observer::Observer, typename Start>
std::vector<NodeAnswer<Response>> FanOut(const std::vector<const PeerView*>& peers,
                                         std::chrono::milliseconds timeout, Start start) {
  struct Call {
    std::unique_ptr<typename Service::Stub> stub;
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> rpc;
  };
  grpc::CompletionQueue cq;
  std::vector<NodeAnswer<Response>> answers(peers.size());
  std::vector<std::unique_ptr<Call>> calls;
  const auto deadline = std::chrono::system_clock::now() + timeout;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    answers[i].peer = peers[i];
    auto c = std::make_unique<Call>();
    c->stub = Service::NewStub(peers[i]->channel);
    c->ctx.set_deadline(deadline);
    c->rpc = start(*c->stub, &c->ctx, &cq);
    // The completion queue's tag is an opaque pointer; the call's index is enough.
    c->rpc->Finish(&answers[i].response, &answers[i].status,
                   reinterpret_cast<void*>(i));  // NOLINT(performance-no-int-to-ptr)
    calls.push_back(std::move(c));
  }
  // Every call completes (at the latest at its deadline) before we return.
  for (std::size_t done = 0; done < peers.size(); ++done) {
    void* tag = nullptr;
    bool ok = false;
    if (!cq.Next(&tag, &ok)) break;
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  return answers;
}

}  // namespace flows::relay
