// flows.graph.Graph on flowd: this node's connectivity graph. Bad arguments
// are INVALID_ARGUMENT with the field named; the query copies what it needs
// under the graph's lock and builds the answer without it.
#pragma once

#include <functional>
#include <string>

#include "flows/flowd/graph/connectivity_graph.h"
#include "graph/graph.grpc.pb.h"

namespace flows::flowd {

class GraphService final : public ::flows::graph::Graph::Service {
 public:
  using Now = std::function<graph::TimeNs()>;
  // `now` defaults to the system clock.
  GraphService(const graph::ConnectivityGraph& graph, std::string node_name, Now now = {});

  grpc::Status GetGraph(grpc::ServerContext* ctx, const ::flows::graph::GetGraphRequest* request,
                        ::flows::graph::GetGraphResponse* response) override;

 private:
  const graph::ConnectivityGraph& graph_;
  const std::string node_name_;
  Now now_;
};

}  // namespace flows::flowd
