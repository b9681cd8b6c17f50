// A Prometheus metric family with a series budget: the first `budget` label
// combinations get their own series; after that every new combination goes
// to one series whose labels are all "other", and the overflow is counted.
// Lookups use a flat key built from the label values, so the ingest path
// does not build a std::map<string,string> per flow.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace flows::flowd {

template <typename Metric>
class BudgetedFamily {
 public:
  // Histograms take bucket boundaries; counters ignore them.
  using Buckets = std::vector<double>;

  BudgetedFamily(prometheus::Family<Metric>& family, std::vector<std::string> label_names, std::size_t budget,
                 prometheus::Counter& overflow, Buckets buckets = {})
      : family_(family),
        names_(std::move(label_names)),
        budget_(budget),
        overflow_(overflow),
        buckets_(std::move(buckets)) {}

  // values[i] is the value of label_names[i].
  Metric& Get(std::initializer_list<std::string_view> values) {
    key_.clear();
    for (auto v : values) {
      key_.append(v);
      key_.push_back('\x1f');
    }
    auto it = series_.find(key_);
    if (it != series_.end()) return *it->second;
    if (series_.size() >= budget_) {
      overflow_.Increment();
      return Other();
    }
    prometheus::Labels labels;
    std::size_t i = 0;
    for (auto v : values) labels.emplace(names_.at(i++), std::string(v));
    Metric& m = Add(labels);
    series_.emplace(key_, &m);
    return m;
  }

  std::size_t series() const { return series_.size(); }

 private:
  Metric& Add(const prometheus::Labels& labels) {
    if constexpr (std::is_same_v<Metric, prometheus::Histogram>)
      return family_.Add(labels, buckets_);
    else
      return family_.Add(labels);
  }
  Metric& Other() {
    if (!other_) {
      prometheus::Labels labels;
      for (const auto& n : names_) labels.emplace(n, "other");
      other_ = &Add(labels);
    }
    return *other_;
  }

  prometheus::Family<Metric>& family_;
  std::vector<std::string> names_;
  std::size_t budget_;
  prometheus::Counter& overflow_;
  Buckets buckets_;
  std::unordered_map<std::string, Metric*> series_;
  Metric* other_ = nullptr;
  std::string key_;  // reused: no allocation once warm
};

}  // namespace flows::flowd
