#include "flows/flowd/k8s/bounded_json.h"

#include <string>

namespace flows::flowd::k8s {

Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{"JSON document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                     std::to_string(limits.max_bytes),
                 kErrTooLarge};
  }
  // nlohmann's parser is iterative, but the tree it builds is not free to
  // walk or destroy; the callback drops anything nested too deep (so it is
  // never built) and remembers that it did.
  bool too_deep = false;
  auto callback = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > limits.max_depth) {
      too_deep = true;
      return false;
    }
    return true;
  };
  try {
    nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                                               /*ignore_comments=*/false);
    if (too_deep) return Error::Invalid("JSON nested deeper than " + std::to_string(limits.max_depth));
    return doc;
  } catch (const nlohmann::json::exception& e) {
    // what() names the byte offset and what was expected there.
    return Error::Invalid(std::string("invalid JSON: ") + e.what());
  }
}

}  // namespace flows::flowd::k8s
