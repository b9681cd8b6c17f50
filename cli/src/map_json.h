// The names `flows map -o json` gives proto enums, shared by the writer
// (map_json.cc) and the reader (map_json_read.cc) so they cannot drift.
#pragma once

#include <optional>
#include <string_view>

#include "graph/graph.pb.h"

namespace flows::cli {

// "workload", "pod", "namespace", "service".
std::string_view GroupByName(graph::GroupBy g);
std::optional<graph::GroupBy> GroupByFromName(std::string_view name);
std::optional<graph::Endpoint::Kind> KindFromName(std::string_view name);

// Whether a Timestamp can be written as RFC 3339 (years 1..9999).
bool ValidTimestamp(const google::protobuf::Timestamp& t);

}  // namespace flows::cli
