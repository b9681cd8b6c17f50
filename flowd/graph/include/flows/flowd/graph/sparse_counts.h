// A small sorted map from a 16-bit key to a count: HTTP requests by
// (method, status class), DNS responses by rcode, latency histogram cells.
// Edges use a handful of keys each, so a sorted vector beats a dense array
// (memory) and a hash map (merge speed, allocation).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace flows::flowd::graph {

class SparseCounts {
 public:
  struct Cell {
    std::uint16_t key;
    std::uint64_t count;
    friend bool operator==(const Cell&, const Cell&) = default;
  };

  void Add(std::uint16_t key, std::uint64_t n) {
    auto it = std::lower_bound(cells_.begin(), cells_.end(), key,
                               [](const Cell& c, std::uint16_t k) { return c.key < k; });
    if (it != cells_.end() && it->key == key) {
      it->count += n;
    } else {
      cells_.insert(it, Cell{key, n});
    }
  }
  void Merge(const SparseCounts& other) {
    if (other.cells_.empty()) return;
    if (cells_.empty()) {
      cells_ = other.cells_;
      return;
    }
    for (const Cell& c : other.cells_) Add(c.key, c.count);
  }
  std::uint64_t Get(std::uint16_t key) const {
    for (const Cell& c : cells_) {
      if (c.key == key) return c.count;
    }
    return 0;
  }
  std::uint64_t Total() const {
    std::uint64_t t = 0;
    for (const Cell& c : cells_) t += c.count;
    return t;
  }
  // Keeps the allocation (the open minute reuses its accumulators).
  void Clear() { cells_.clear(); }
  bool empty() const { return cells_.empty(); }
  std::size_t size() const { return cells_.size(); }
  const std::vector<Cell>& cells() const { return cells_; }
  // Appending in increasing key order (decoding); no check.
  void AppendSorted(std::uint16_t key, std::uint64_t n) { cells_.push_back(Cell{key, n}); }
  std::size_t HeapBytes() const { return cells_.capacity() * sizeof(Cell); }
  friend bool operator==(const SparseCounts&, const SparseCounts&) = default;

 private:
  std::vector<Cell> cells_;
};

}  // namespace flows::flowd::graph
