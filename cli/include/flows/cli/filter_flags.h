// The filter flags of `flows observe`: Hubble's names and meanings, plus
// `--dns-query`. One table drives both the command line (CLI11 options, help
// groups) and the translation into FlowFilters (each flag's `apply`), so a
// flag cannot exist in one and be missing from the other.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "flows/common/result.h"

namespace flows::cli {

struct FilterTracker;

struct FilterFlag {
  std::string_view name;        // long name without dashes, e.g. "from-pod"
  std::string_view short_name;  // "" or one character, e.g. "n"
  std::string_view group;       // heading in --help
  std::string_view help;
  bool takes_value = true;  // false for -4, -6, -A and --not
  // What the flag puts into the list's FlowFilters (see filter_builder.h);
  // an error says what is wrong with the value, without the flag's name.
  // Null for --not, which the builder handles itself.
  Status (*apply)(FilterTracker& t, const std::string& value) = nullptr;
};

// Help headings, in the order a user narrows down flows: who, what, how.
inline constexpr std::string_view kGroupSelectors = "Selectors (pods, namespaces, labels, addresses)";
inline constexpr std::string_view kGroupL4 = "L3/L4 and event filters";
inline constexpr std::string_view kGroupL7 = "L7 filters (HTTP, DNS)";
inline constexpr std::string_view kGroupNegation = "Negation";

std::span<const FilterFlag> FilterFlags();
const FilterFlag* FindFilterFlag(std::string_view name);

}  // namespace flows::cli
