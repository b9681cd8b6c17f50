// Which nodes reported an edge, in 4 bytes per edge: node names are interned
// to NodeIds, and each distinct set of NodeIds to a NodeSetId. Nearly every
// edge on a node has the same set ({this node}), so the table stays tiny.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flows/flowd/graph/observation.h"

namespace flows::flowd::graph {

using NodeSetId = std::uint32_t;

class NodeSets {
 public:
  static constexpr NodeSetId kEmpty = 0;

  NodeSets() : sets_(1) { set_index_.emplace(std::vector<NodeId>{}, kEmpty); }

  // Node names. Ids are never reused (a cluster has few nodes).
  NodeId InternNode(std::string_view name);
  const std::string& NodeName(NodeId id) const { return names_[id]; }
  std::size_t node_count() const { return names_.size(); }

  // The set `set` plus `node`.
  NodeSetId With(NodeSetId set, NodeId node);
  // The set of these nodes (sorted and deduplicated here).
  NodeSetId Of(std::vector<NodeId> nodes);
  const std::vector<NodeId>& Nodes(NodeSetId set) const { return sets_[set]; }
  std::size_t set_count() const { return sets_.size(); }
  const std::vector<std::vector<NodeId>>& all_sets() const { return sets_; }
  const std::vector<std::string>& all_names() const { return names_; }
  std::size_t BytesEstimate() const;

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, NodeId> name_index_;
  std::vector<std::vector<NodeId>> sets_;
  absl::flat_hash_map<std::vector<NodeId>, NodeSetId> set_index_;
  absl::flat_hash_map<std::uint64_t, NodeSetId> with_cache_;  // (set << 16 | node) -> set
};

}  // namespace flows::flowd::graph
