// Parsing of JSON from the API server, which flowd treats as untrusted:
// bounded in size and nesting depth, and every failure an Error (with the
// byte offset) rather than an exception or a crash.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s {

struct JsonLimits {
  std::size_t max_bytes = 64u << 20;  // one list page of ~500 large pods fits
  int max_depth = 64;                 // Pods nest ~10 deep; 64 leaves room for CRD-like annotations
};

Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits = {});

}  // namespace flows::flowd::k8s
