#include "l7_matchers.h"

#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "flows/common/text.h"

namespace flows::api::filter {
namespace {

using RegexList = std::vector<std::unique_ptr<const RE2>>;

Result<RegexList> CompileRegexes(const char* field,
                                 const google::protobuf::RepeatedPtrField<std::string>& values) {
  RegexList regexes;
  for (const std::string& value : values) {
    auto re = std::make_unique<const RE2>(value, RE2::Quiet);
    if (!re->ok()) {
      // RE2 appends ": <offending part>" to its reason; the pattern is
      // already quoted in full.
      std::string_view reason = re->error();
      const std::string suffix = ": " + re->error_arg();
      if (reason.size() > suffix.size() && reason.substr(reason.size() - suffix.size()) == suffix) {
        reason.remove_suffix(suffix.size());
      }
      return BadField(field, "bad regular expression " + Quote(value) + " : " + std::string(reason));
    }
    regexes.push_back(std::move(re));
  }
  return regexes;
}

bool AnyMatches(const RegexList& regexes, std::string_view text) {
  return std::any_of(regexes.begin(), regexes.end(),
                     [&](const std::unique_ptr<const RE2>& re) { return RE2::PartialMatch(text, *re); });
}

// The path of a request URI: "/a/b?x" or "http://host/a/b?x" -> "/a/b".
// nullopt when the URL is neither form (Hubble skips those too).
std::optional<std::string_view> PathOf(std::string_view url) {
  if (url.empty()) return std::nullopt;
  if (url.front() != '/') {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
    url.remove_prefix(scheme_end + 3);
    const auto path_start = url.find_first_of("/?");
    url = path_start == std::string_view::npos ? std::string_view() : url.substr(path_start);
  }
  return url.substr(0, url.find('?'));
}

struct StatusRange {
  std::uint32_t lo, hi;
};

// "404" -> [404, 404]; "5+" -> [500, 599]; "40+" -> [400, 409].
std::optional<StatusRange> ParseStatus(std::string_view s) {
  const bool prefix = !s.empty() && s.back() == '+';
  if (prefix) s.remove_suffix(1);
  const std::size_t digits = s.size();
  if ((prefix ? digits < 1 || digits > 2 : digits != 3) || s[0] < '1' || s[0] > '5') return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  const std::uint32_t scale = digits == 1 ? 100 : digits == 2 ? 10 : 1;
  return StatusRange{value * scale, value * scale + scale - 1};
}

}  // namespace

Result<FieldMatcherPtr> MakeHttpStatusMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<StatusRange> ranges;
  for (const std::string& value : values) {
    const auto range = ParseStatus(value);
    if (!range) return BadValue("http_status_code", value, "is not a status code or prefix like 5+");
    ranges.push_back(*range);
  }
  return MakeMatcher(Cost::kFieldCompare, [ranges = std::move(ranges)](const flow::Flow& f) {
    if (!f.l7().has_http()) return false;
    const std::uint32_t code = f.l7().http().code();
    return std::any_of(ranges.begin(), ranges.end(),
                       [code](const StatusRange& r) { return code >= r.lo && code <= r.hi; });
  });
}

Result<FieldMatcherPtr> MakeHttpMethodMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::string> methods;
  for (const std::string& value : values) {
    if (value.empty()) return BadField("http_method", "empty method");
    methods.push_back(value);
  }
  return MakeMatcher(Cost::kStringCompare, [methods = std::move(methods)](const flow::Flow& f) {
    if (!f.l7().has_http()) return false;
    const std::string& method = f.l7().http().method();
    return std::any_of(methods.begin(), methods.end(),
                       [&](const std::string& m) { return EqualsIgnoreCase(m, method); });
  });
}

Result<FieldMatcherPtr> MakeHttpPathMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  auto regexes = CompileRegexes("http_path", values);
  if (!regexes) return regexes.error();
  return MakeMatcher(Cost::kRegex, [regexes = std::move(*regexes)](const flow::Flow& f) {
    if (!f.l7().has_http()) return false;
    const auto path = PathOf(f.l7().http().url());
    return path && AnyMatches(regexes, *path);
  });
}

Result<FieldMatcherPtr> MakeHttpUrlMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  auto regexes = CompileRegexes("http_url", values);
  if (!regexes) return regexes.error();
  return MakeMatcher(Cost::kRegex, [regexes = std::move(*regexes)](const flow::Flow& f) {
    if (!f.l7().has_http() || f.l7().http().url().empty()) return false;
    return AnyMatches(regexes, f.l7().http().url());
  });
}

FieldMatcherPtr MakeHttpHeaderMatcher(const google::protobuf::RepeatedPtrField<flow::HTTPHeader>& values) {
  std::vector<flow::HTTPHeader> wanted(values.begin(), values.end());
  return MakeMatcher(Cost::kStringCompare, [wanted = std::move(wanted)](const flow::Flow& f) {
    if (!f.l7().has_http()) return false;
    for (const flow::HTTPHeader& have : f.l7().http().headers()) {
      for (const flow::HTTPHeader& w : wanted) {
        if ((w.key().empty() || w.key() == have.key()) && (w.value().empty() || w.value() == have.value())) {
          return true;
        }
      }
    }
    return false;
  });
}

Result<FieldMatcherPtr> MakeDnsQueryMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  auto regexes = CompileRegexes("dns_query", values);
  if (!regexes) return regexes.error();
  return MakeMatcher(Cost::kRegex, [regexes = std::move(*regexes)](const flow::Flow& f) {
    return f.l7().has_dns() && AnyMatches(regexes, f.l7().dns().query());
  });
}

}  // namespace flows::api::filter
