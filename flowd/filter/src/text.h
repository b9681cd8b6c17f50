// ASCII text helpers for matching without allocating: protocol names, HTTP
// methods and DNS names compare case-insensitively, byte by byte.
#pragma once

#include <string_view>

namespace flows::flowd::filter {

constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace flows::flowd::filter
