#include "flows/flowd/daemon/graph_service.h"

#include <chrono>

#include "flows/flowd/graph/graph_proto.h"

namespace flows::flowd {

GraphService::GraphService(const graph::ConnectivityGraph& graph, std::string node_name, Now now)
    : graph_(graph), node_name_(std::move(node_name)), now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

grpc::Status GraphService::GetGraph(grpc::ServerContext* /*ctx*/,
                                    const ::flows::graph::GetGraphRequest* request,
                                    ::flows::graph::GetGraphResponse* response) {
  Result<graph::Query> query = graph::QueryFromProto(*request, now_());
  if (!query) return {grpc::StatusCode::INVALID_ARGUMENT, query.error().message};
  Result<graph::Graph> result = graph_.Query(*query);
  if (!result) return {grpc::StatusCode::INVALID_ARGUMENT, result.error().message};
  *response = graph::GraphToProto(*result, node_name_);
  return grpc::Status::OK;
}

}  // namespace flows::flowd
