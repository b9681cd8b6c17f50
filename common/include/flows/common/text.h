// Small text helpers shared by every binary.
#pragma once

#include <string>
#include <string_view>

namespace flows {

// `value` in double quotes, safe to print: quotes and backslashes escaped,
// control bytes and bytes outside printable ASCII as \xNN (so an error
// message about untrusted input cannot carry a terminal escape).
std::string Quote(std::string_view value);

constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive comparison without allocating: protocol names,
// HTTP methods and DNS names.
constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace flows
