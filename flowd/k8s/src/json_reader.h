// Typed reads of optional fields of untrusted JSON, without exceptions: the
// first field of the wrong type is remembered (with its path, e.g.
// "status.podIPs[1].ip") and the decoder turns it into one Error. A missing
// field or JSON null reads as absent, as the API server omits empty fields.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace flows::flowd::k8s::detail {

class JsonReader {
 public:
  using json = nlohmann::json;

  bool failed() const { return error_.has_value(); }
  const std::string& error() const { return *error_; }
  void Fail(const std::string& path, const char* what) {
    if (!error_) error_ = path + ": " + what;
  }

  // The member `key` of `obj`, or nullptr if absent or null.
  static const json* Get(const json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  const json* Object(const json& obj, const char* key, const std::string& path) {
    return Typed(Get(obj, key), path, &json::is_object, "not an object");
  }
  const json* Array(const json& obj, const char* key, const std::string& path) {
    return Typed(Get(obj, key), path, &json::is_array, "not an array");
  }
  void String(const json& obj, const char* key, const std::string& path, std::string& out) {
    if (const json* v = Typed(Get(obj, key), path, &json::is_string, "not a string"))
      out = v->get<std::string>();
  }
  void Bool(const json& obj, const char* key, const std::string& path, bool& out) {
    if (const json* v = Typed(Get(obj, key), path, &json::is_boolean, "not a boolean")) out = v->get<bool>();
  }
  void OptionalBool(const json& obj, const char* key, const std::string& path, std::optional<bool>& out) {
    if (const json* v = Typed(Get(obj, key), path, &json::is_boolean, "not a boolean")) out = v->get<bool>();
  }
  // A JSON object of strings (labels, selectors).
  void StringMap(const json& obj, const char* key, const std::string& path,
                 std::map<std::string, std::string>& out) {
    const json* m = Object(obj, key, path);
    if (!m) return;
    for (const auto& [k, v] : m->items()) {
      if (!v.is_string()) return Fail(path + "." + k, "not a string");
      out[k] = v.get<std::string>();
    }
  }
  // An element of an array that must itself be a string.
  bool StringElement(const json& v, const std::string& path, std::string& out) {
    if (!v.is_string()) {
      Fail(path, "not a string");
      return false;
    }
    out = v.get<std::string>();
    return true;
  }

 private:
  const json* Typed(const json* v, const std::string& path, bool (json::*is)() const noexcept,
                    const char* what) {
    if (v && !(v->*is)()) {
      Fail(path, what);
      return nullptr;
    }
    return v;
  }

  std::optional<std::string> error_;
};

}  // namespace flows::flowd::k8s::detail
