// The graph's query and result as the flows.graph.Graph API carries them
// (api/proto/graph/graph.proto): request -> Query (checked, errors name the
// field), Graph -> GetGraphResponse (derived fields filled by api/graph).
#pragma once

#include "flows/common/result.h"
#include "flows/flowd/graph/query.h"
#include "graph/graph.pb.h"

namespace flows::flowd::graph {

// `now` fills an unset `until`; an unset `since` is one hour before until.
// min_requests is copied (flowd applies it; the relay asks nodes without it).
Result<Query> QueryFromProto(const ::flows::graph::GetGraphRequest& request, TimeNs now);

// `node` is this graph's reporting node (GetGraphResponse.nodes).
::flows::graph::GetGraphResponse GraphToProto(const Graph& graph, std::string_view node);

// One endpoint in the API's form (label included).
void EndpointToProto(const Endpoint& endpoint, ::flows::graph::Endpoint* out);

}  // namespace flows::flowd::graph
