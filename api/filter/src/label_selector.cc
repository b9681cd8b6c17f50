#include "label_selector.h"

#include <algorithm>
#include <optional>

namespace flows::api::filter {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '/' || c == ':';
}

// Label values are narrower than keys: no prefix slash, no source colon.
bool IsValidValue(std::string_view v) {
  return v.size() <= 63 && std::none_of(v.begin(), v.end(), [](char c) { return c == '/' || c == ':'; });
}

// A flow label split into its parts, without copying.
struct LabelView {
  std::string_view source;  // empty if the label has none
  std::string_view key;
  std::string_view value;  // empty for "reserved:host"-style labels
};

LabelView SplitLabel(std::string_view label) {
  LabelView view;
  const auto colon = label.find(':');
  const auto equals = label.find('=');
  if (colon != std::string_view::npos && colon < equals) {
    view.source = label.substr(0, colon);
    label.remove_prefix(colon + 1);
  }
  const auto eq = label.find('=');
  view.key = label.substr(0, eq);
  if (eq != std::string_view::npos) view.value = label.substr(eq + 1);
  return view;
}

}  // namespace

// Recursive-descent over the selector text; each method consumes what it
// recognises and leaves a reason in error_ when the text is malformed.
class LabelSelector::Parser {
 public:
  explicit Parser(std::string_view text) : rest_(text) {}

  std::optional<std::string> Parse(std::vector<Requirement>& out) {
    SkipSpace();
    if (rest_.empty()) return "empty selector";
    for (;;) {
      Requirement r;
      if (!ParseRequirement(r)) return error_;
      out.push_back(std::move(r));
      SkipSpace();
      if (rest_.empty()) return std::nullopt;
      if (!Consume(",")) return "expected , after " + out.back().key;
    }
  }

 private:
  bool ParseRequirement(Requirement& r) {
    SkipSpace();
    const bool negated = Consume("!");
    if (!ParseKey(r)) return false;
    SkipSpace();
    if (negated) {
      r.op = Op::kNotExists;
      return true;
    }
    if (rest_.empty() || rest_.front() == ',') {
      r.op = Op::kExists;
      return true;
    }
    if (Consume("==") || Consume("=")) return ParseSingleValue(r, Op::kIn);
    if (Consume("!=")) return ParseSingleValue(r, Op::kNotIn);
    const std::string_view op = Word();
    if (op == "in") return ParseValueSet(r, Op::kIn);
    if (op == "notin") return ParseValueSet(r, Op::kNotIn);
    return Fail("unknown operator after " + r.key);
  }

  bool ParseKey(Requirement& r) {
    SkipSpace();
    std::string_view word = Word();
    const auto colon = word.find(':');
    if (colon != std::string_view::npos) {
      r.source = word.substr(0, colon);
      word.remove_prefix(colon + 1);
      if (r.source.empty() || word.find(':') != std::string_view::npos) return Fail("bad key source prefix");
      if (r.source == "any") r.source.clear();
    }
    if (word.empty()) return Fail("missing key");
    r.key = word;
    return true;
  }

  bool ParseSingleValue(Requirement& r, Op op) {
    SkipSpace();
    const std::string_view value = Word();
    if (!IsValidValue(value)) return Fail("bad value for " + r.key);
    r.op = op;
    r.values.emplace_back(value);
    return true;
  }

  bool ParseValueSet(Requirement& r, Op op) {
    SkipSpace();
    if (!Consume("(")) return Fail("missing ( after in/notin");
    for (;;) {
      SkipSpace();
      const std::string_view value = Word();
      if (!IsValidValue(value)) return Fail("bad value for " + r.key);
      r.values.emplace_back(value);
      SkipSpace();
      if (Consume(",")) continue;
      if (Consume(")")) break;
      return Fail("missing )");
    }
    if (r.values.size() == 1 && r.values[0].empty()) return Fail("empty value set for " + r.key);
    r.op = op;
    return true;
  }

  void SkipSpace() {
    while (!rest_.empty() && (rest_.front() == ' ' || rest_.front() == '\t')) rest_.remove_prefix(1);
  }

  bool Consume(std::string_view token) {
    if (rest_.substr(0, token.size()) != token) return false;
    rest_.remove_prefix(token.size());
    return true;
  }

  std::string_view Word() {
    std::size_t n = 0;
    while (n < rest_.size() && IsWordChar(rest_[n])) ++n;
    const std::string_view word = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return word;
  }

  bool Fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  std::string_view rest_;
  std::string error_;
};

Result<LabelSelector> LabelSelector::Parse(std::string_view field, std::string_view text) {
  LabelSelector selector;
  if (auto reason = Parser(text).Parse(selector.requirements_)) {
    return BadValue(field, text, "is not a label selector: " + *reason);
  }
  return selector;
}

bool LabelSelector::Matches(const google::protobuf::RepeatedPtrField<std::string>& labels) const {
  for (const Requirement& r : requirements_) {
    bool has_key = false;
    bool has_listed_value = false;
    for (const std::string& label : labels) {
      const LabelView view = SplitLabel(label);
      if (view.key != r.key || (!r.source.empty() && view.source != r.source)) continue;
      has_key = true;
      if (std::find(r.values.begin(), r.values.end(), view.value) != r.values.end()) has_listed_value = true;
    }
    bool ok = false;
    switch (r.op) {
      case Op::kExists:
        ok = has_key;
        break;
      case Op::kNotExists:
        ok = !has_key;
        break;
      case Op::kIn:
        ok = has_listed_value;
        break;
      case Op::kNotIn:
        ok = !has_listed_value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

Result<FieldMatcherPtr> MakeLabelMatcher(const char* field, Side side,
                                         const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<LabelSelector> selectors;
  for (const std::string& value : values) {
    auto selector = LabelSelector::Parse(field, value);
    if (!selector) return selector.error();
    selectors.push_back(std::move(*selector));
  }
  return MakeMatcher(Cost::kStringCompare, [selectors = std::move(selectors), side](const flow::Flow& f) {
    const auto& labels = EndpointOf(f, side).labels();
    return std::any_of(selectors.begin(), selectors.end(),
                       [&](const LabelSelector& s) { return s.Matches(labels); });
  });
}

}  // namespace flows::api::filter
