// Small text helpers shared by the formatters and commands.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

namespace flows::cli {

// Decimal digits of n, without the locale and allocation of std::to_string.
inline void AppendNumber(std::uint64_t n, std::string& out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), n);
  out.append(buf, end);
}

// Server messages may hold newlines; every error the CLI prints is one line.
inline std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace flows::cli
