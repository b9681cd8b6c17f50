#include "flows/flowd/k8s/watch_event.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "flows/common/json_reader.h"

namespace flows::flowd::k8s {

const char* ToString(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "ADDED";
    case EventType::kModified:
      return "MODIFIED";
    case EventType::kDeleted:
      return "DELETED";
    case EventType::kBookmark:
      return "BOOKMARK";
    case EventType::kError:
      return "ERROR";
  }
  return "?";
}

Result<WatchEvent> DecodeWatchEvent(std::string_view line, const JsonLimits& limits) {
  Result<nlohmann::json> doc = ParseJson(line, limits);
  if (!doc) return Error{"watch event: " + doc.error().message, doc.error().err};
  if (!doc->is_object()) return Error::Invalid("watch event: not a JSON object");
  const nlohmann::json* type = JsonReader::Get(*doc, "type");
  if (!type || !type->is_string()) return Error::Invalid("watch event: no \"type\" string");
  WatchEvent ev;
  const std::string& t = type->get_ref<const std::string&>();
  static constexpr std::pair<std::string_view, EventType> kTypes[] = {{"ADDED", EventType::kAdded},
                                                                      {"MODIFIED", EventType::kModified},
                                                                      {"DELETED", EventType::kDeleted},
                                                                      {"BOOKMARK", EventType::kBookmark},
                                                                      {"ERROR", EventType::kError}};
  const auto* known =
      std::find_if(std::begin(kTypes), std::end(kTypes), [&](const auto& k) { return k.first == t; });
  if (known == std::end(kTypes)) {
    // Quote a short, printable prefix: the type is attacker-controlled.
    std::string shown;
    for (char c : t.substr(0, 32)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return Error::Invalid("watch event: unknown type \"" + shown + "\"");
  }
  ev.type = known->second;

  auto obj = doc->find("object");
  if (obj == doc->end() || !obj->is_object())
    return Error::Invalid(std::string("watch event ") + t + ": no object");
  ev.object = std::move(*obj);

  JsonReader r;
  if (const nlohmann::json* md = r.Object(ev.object, "metadata", "object.metadata")) {
    r.String(*md, "resourceVersion", "object.metadata.resourceVersion", ev.resource_version);
  }
  if (ev.type == EventType::kError) {
    // A meta/v1 Status; code is what matters (410 means list again).
    if (const nlohmann::json* code = JsonReader::Get(ev.object, "code")) {
      if (!code->is_number_integer() || code->get<std::int64_t>() < 0 || code->get<std::int64_t>() > 999) {
        r.Fail("object.code", "not an HTTP status code");
      } else {
        ev.error_code = static_cast<int>(code->get<std::int64_t>());
      }
    }
    std::string reason, message;
    r.String(ev.object, "reason", "object.reason", reason);
    r.String(ev.object, "message", "object.message", message);
    ev.error_message = reason.empty() ? message : reason + ": " + message;
  }
  if (r.failed()) return Error::Invalid(std::string("watch event ") + t + ": " + r.error().message);
  if (ev.type == EventType::kBookmark && ev.resource_version.empty()) {
    return Error::Invalid("watch event BOOKMARK: no metadata.resourceVersion");
  }
  return ev;
}

}  // namespace flows::flowd::k8s
