// The full name of a flowd metric family: "<prefix>_<name>", where a name
// that already starts with the prefix's word is not prefixed twice. With
// the default prefix "flows", Hubble's "flows_processed_total" reads
// flows_processed_total (not flows_flows_processed_total); with "hubble" it
// is Hubble's own hubble_flows_processed_total. docs/metrics.md lists every
// family under the default prefix.
#pragma once

#include <string>
#include <string_view>

namespace flows::flowd {

inline std::string MetricName(std::string_view prefix, std::string_view name) {
  std::string full(prefix);
  full += '_';
  if (name.substr(0, full.size()) == full) return std::string(name);
  full += name;
  return full;
}

}  // namespace flows::flowd
