// Wildcard patterns over DNS-style names, as Hubble's FQDN and node-name
// filters use them: "*.example.com", "api.*", "node-*".
//
// A pattern is lower-cased, trimmed of spaces and of one trailing dot; it may
// hold letters, digits, '-', '_', '.' and '*'. '*' matches any run of name
// characters, dots included (so "*.example.com" also matches
// "a.b.example.com"). Names are compared case-insensitively, ignoring one
// trailing dot.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flows::api::filter {

class NamePattern {
 public:
  // nullopt if the pattern is empty or holds other characters.
  static std::optional<NamePattern> Parse(std::string_view text);

  bool Matches(std::string_view name) const;

 private:
  explicit NamePattern(std::string pattern) : pattern_(std::move(pattern)) {}
  std::string pattern_;  // canonical: lower case, no trailing dot
};

}  // namespace flows::api::filter
