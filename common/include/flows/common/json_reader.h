// Typed reads of untrusted JSON without exceptions (nlohmann's get<>() throws
// on a type mismatch): CNI configs and requests, Kubernetes objects, state
// and static files. The first problem is remembered with the field's path
// (e.g. "status.podIPs[1].ip: not a string"); later reads become no-ops, so
// a decoder reads every field and checks failed() once. A missing field and
// JSON null both read as absent: `out` keeps its value.
//
//   BasicJsonReader   path-based, for decoders that walk nested objects
//   BasicJsonFields   the fields of one object, named "<where>.<key>"
// Both work on nlohmann::json and nlohmann::ordered_json.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"

namespace flows {

inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

template <typename Json>
class BasicJsonReader {
 public:
  bool failed() const { return problem_.has_value(); }
  // "path: what" of the first problem.
  Error error() const { return Error::Invalid(problem_.value_or("")); }
  void Fail(std::string_view path, std::string_view what) {
    if (!problem_) problem_ = std::string(path) + ": " + std::string(what);
  }

  // The member `key` of `obj`, or nullptr if absent, null, or `obj` is not
  // an object.
  static const Json* Get(const Json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? nullptr : &*it;
  }
  const Json* Object(const Json& obj, const char* key, std::string_view path) {
    return Typed(obj, key, path, &Json::is_object, "not an object");
  }
  const Json* Array(const Json& obj, const char* key, std::string_view path) {
    return Typed(obj, key, path, &Json::is_array, "not an array");
  }
  bool String(const Json& obj, const char* key, std::string_view path, std::string& out,
              std::size_t max_len = kNoLimit) {
    const Json* v = Typed(obj, key, path, &Json::is_string, "not a string");
    return v && StringElement(*v, path, out, max_len);
  }
  bool Bool(const Json& obj, const char* key, std::string_view path, bool& out) {
    const Json* v = Typed(obj, key, path, &Json::is_boolean, "not a boolean");
    if (v) out = v->template get<bool>();
    return v != nullptr;
  }
  bool OptionalBool(const Json& obj, const char* key, std::string_view path, std::optional<bool>& out) {
    bool b = false;
    if (!Bool(obj, key, path, b)) return false;
    out = b;
    return true;
  }
  bool Integer(const Json& obj, const char* key, std::string_view path, std::int64_t& out, std::int64_t min,
               std::int64_t max) {
    const Json* v = Find(obj, key);
    if (!v) return false;
    const std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
    if (!v->is_number_integer()) return Fail(path, "not an integer" + range), false;
    // Unsigned values above INT64_MAX are out of every range we accept.
    if (v->is_number_unsigned() && v->template get<std::uint64_t>() > static_cast<std::uint64_t>(max))
      return Fail(path, "not" + range), false;
    const auto n = v->template get<std::int64_t>();
    if (n < min || n > max) return Fail(path, "not" + range), false;
    out = n;
    return true;
  }
  bool StringList(const Json& obj, const char* key, std::string_view path, std::vector<std::string>& out,
                  std::size_t max_items = kNoLimit, std::size_t max_len = kNoLimit) {
    const Json* v = Find(obj, key);
    if (!v) return false;
    if (!v->is_array()) return Fail(path, "not a list"), false;
    if (v->size() > max_items)
      return Fail(path, "more than " + std::to_string(max_items) + " elements"), false;
    for (const auto& e : *v) {
      if (!e.is_string()) return Fail(path, "has an element that is not a string"), false;
      if (e.template get_ref<const std::string&>().size() > max_len)
        return Fail(path, "has an element longer than " + std::to_string(max_len) + " bytes"), false;
      out.push_back(e.template get<std::string>());
    }
    return true;
  }
  // A JSON object of strings (labels, selectors).
  bool StringMap(const Json& obj, const char* key, std::string_view path,
                 std::map<std::string, std::string>& out) {
    const Json* m = Object(obj, key, path);
    if (!m) return false;
    for (const auto& [k, v] : m->items()) {
      if (!v.is_string()) return Fail(std::string(path) + "." + k, "not a string"), false;
      out[k] = v.template get<std::string>();
    }
    return true;
  }
  // A value (e.g. an array element) that must itself be a string.
  bool StringElement(const Json& v, std::string_view path, std::string& out, std::size_t max_len = kNoLimit) {
    if (failed()) return false;
    if (!v.is_string()) return Fail(path, "not a string"), false;
    const auto& s = v.template get_ref<const std::string&>();
    if (s.size() > max_len) return Fail(path, "longer than " + std::to_string(max_len) + " bytes"), false;
    out = s;
    return true;
  }

 private:
  const Json* Find(const Json& obj, const char* key) { return failed() ? nullptr : Get(obj, key); }
  const Json* Typed(const Json& obj, const char* key, std::string_view path,
                    bool (Json::*is)() const noexcept, const char* what) {
    const Json* v = Find(obj, key);
    if (v && !(v->*is)()) {
      Fail(path, what);
      return nullptr;
    }
    return v;
  }

  std::optional<std::string> problem_;
};

template <typename Json>
class BasicJsonFields {
 public:
  // `where` names the object in errors: "" or e.g. "prevResult.interfaces[2]".
  BasicJsonFields(const Json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  bool String(const char* key, std::string& out, std::size_t max_len = kNoLimit) {
    return r_.String(obj_, key, Path(key), out, max_len);
  }
  bool Integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max) {
    return r_.Integer(obj_, key, Path(key), out, min, max);
  }
  bool Uint32(const char* key, std::uint32_t& out) {
    std::int64_t n = 0;
    if (!Integer(key, n, 0, UINT32_MAX)) return false;
    out = static_cast<std::uint32_t>(n);
    return true;
  }
  bool Bool(const char* key, bool& out) { return r_.Bool(obj_, key, Path(key), out); }
  bool StringList(const char* key, std::vector<std::string>& out, std::size_t max_items = kNoLimit,
                  std::size_t max_len = kNoLimit) {
    return r_.StringList(obj_, key, Path(key), out, max_items, max_len);
  }
  bool StringMap(const char* key, std::map<std::string, std::string>& out) {
    return r_.StringMap(obj_, key, Path(key), out);
  }

  bool failed() const { return r_.failed(); }
  Error error() const { return r_.error(); }

 private:
  std::string Path(const char* key) const { return where_.empty() ? key : where_ + "." + key; }

  BasicJsonReader<Json> r_;
  const Json& obj_;
  std::string where_;
};

using JsonReader = BasicJsonReader<nlohmann::json>;
using JsonFields = BasicJsonFields<nlohmann::json>;

}  // namespace flows
