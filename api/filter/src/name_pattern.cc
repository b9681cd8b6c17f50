#include "name_pattern.h"

#include "flows/common/text.h"

namespace flows::api::filter {
namespace {

bool IsNameChar(char c) {
  const char l = AsciiLower(c);
  return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view WithoutTrailingDot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<NamePattern> NamePattern::Parse(std::string_view text) {
  const std::string_view trimmed = WithoutTrailingDot(Trim(text));
  if (trimmed.empty() || trimmed.back() == '.') return std::nullopt;
  std::string pattern;
  for (const char c : trimmed) {
    if (c != '*' && !IsNameChar(c)) return std::nullopt;
    pattern += AsciiLower(c);
  }
  return NamePattern(std::move(pattern));
}

bool NamePattern::Matches(std::string_view name) const {
  name = WithoutTrailingDot(name);
  // Greedy wildcard matching with backtracking to the last '*': when a later
  // character fails, that star takes one more character. Only the last star
  // needs retrying, because an earlier one would have to swallow the same
  // characters. At worst name length x pattern length steps.
  std::size_t p = 0, n = 0;
  std::size_t star = std::string::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pattern_.size() && pattern_[p] != '*' && pattern_[p] == AsciiLower(name[n])) {
      ++p;
      ++n;
    } else if (p < pattern_.size() && pattern_[p] == '*') {
      star = p++;
      star_n = n;
    } else if (star != std::string::npos && IsNameChar(name[star_n])) {
      p = star + 1;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pattern_.size() && pattern_[p] == '*') ++p;
  return p == pattern_.size();
}

}  // namespace flows::api::filter
