#include "flows/flowd/graph/node_sets.h"

#include <algorithm>

namespace flows::flowd::graph {

NodeId NodeSets::InternNode(std::string_view name) {
  auto it = name_index_.find(std::string(name));
  if (it != name_index_.end()) return it->second;
  const auto id = static_cast<NodeId>(names_.size());
  names_.emplace_back(name);
  name_index_.emplace(std::string(name), id);
  return id;
}

NodeSetId NodeSets::Of(std::vector<NodeId> nodes) {
  std::sort(nodes.begin(), nodes.end());
  nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
  auto it = set_index_.find(nodes);
  if (it != set_index_.end()) return it->second;
  const auto id = static_cast<NodeSetId>(sets_.size());
  sets_.push_back(nodes);
  set_index_.emplace(std::move(nodes), id);
  return id;
}

NodeSetId NodeSets::With(NodeSetId set, NodeId node) {
  const std::uint64_t key = (std::uint64_t{set} << 16) | node;
  auto it = with_cache_.find(key);
  if (it != with_cache_.end()) return it->second;
  // A node id nobody interned gets a placeholder name ("node#3"), so every
  // id in a set has a name (queries, persistence).
  while (names_.size() <= node) InternNode("node#" + std::to_string(names_.size()));
  std::vector<NodeId> nodes = sets_[set];
  nodes.push_back(node);
  const NodeSetId result = Of(std::move(nodes));
  with_cache_.emplace(key, result);
  return result;
}

std::size_t NodeSets::BytesEstimate() const {
  std::size_t bytes = names_.size() * 64 + with_cache_.size() * 16;
  // sizeof(s): the set object's own footprint, then its elements.
  for (const auto& s : sets_)
    bytes += 2 * (sizeof(s) + s.size() * sizeof(NodeId)) + 8;  // NOLINT(bugprone-sizeof-container)
  return bytes;
}

}  // namespace flows::flowd::graph
