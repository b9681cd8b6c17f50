// One event of a watch stream: a line {"type": ..., "object": {...}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "flows/flowd/k8s/bounded_json.h"
#include "flows/flowd/k8s/errors.h"

namespace flows::flowd::k8s {

enum class EventType { kAdded, kModified, kDeleted, kBookmark, kError };
const char* ToString(EventType type);

// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json copies may throw bad_alloc, as any string does.
struct WatchEvent {
  EventType type = EventType::kAdded;
  nlohmann::json object;         // the object (for ERROR: a meta/v1 Status)
  std::string resource_version;  // object.metadata.resourceVersion, if present
  int error_code = 0;            // ERROR: the Status's code (410: the resourceVersion is gone)
  std::string error_message;     // ERROR: "reason: message"
};

// Checks the envelope: a known type, an object, a resourceVersion on
// BOOKMARKs. The object itself is decoded later, per kind (decode.h).
Result<WatchEvent> DecodeWatchEvent(std::string_view line, const JsonLimits& limits = {});

}  // namespace flows::flowd::k8s
