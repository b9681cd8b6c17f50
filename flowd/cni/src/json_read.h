// Typed reads of optional fields of a JSON object, without exceptions: CNI
// configs, prevResults and registration requests are untrusted bytes, and
// nlohmann's get<>() throws on a type mismatch. The first problem is kept as
// an Error naming the field; later reads become no-ops.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flows/datapath/result.h"

namespace flows::flowd::cni_internal {

template <typename Json>
class Reader {
 public:
  Reader(const Json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  // Absent and null both mean "not given": `out` keeps its default.
  bool String(const char* key, std::string& out, std::size_t max_len) {
    const Json* v = Find(key);
    if (!v) return false;
    if (!v->is_string()) return Fail(key, "not a string");
    const auto& s = v->template get_ref<const std::string&>();
    if (s.size() > max_len) return Fail(key, "longer than " + std::to_string(max_len) + " bytes");
    out = s;
    return true;
  }
  bool Integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max) {
    const Json* v = Find(key);
    if (!v) return false;
    const std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
    if (!v->is_number_integer()) return Fail(key, "not an integer" + range);
    // Unsigned values above INT64_MAX are out of every range we accept.
    if (v->is_number_unsigned() && v->template get<std::uint64_t>() > static_cast<std::uint64_t>(max))
      return Fail(key, "not" + range);
    const auto n = v->template get<std::int64_t>();
    if (n < min || n > max) return Fail(key, "not" + range);
    out = n;
    return true;
  }
  bool StringList(const char* key, std::vector<std::string>& out, std::size_t max_items,
                  std::size_t max_len) {
    const Json* v = Find(key);
    if (!v) return false;
    if (!v->is_array()) return Fail(key, "not a list");
    if (v->size() > max_items) return Fail(key, "more than " + std::to_string(max_items) + " elements");
    for (const auto& e : *v) {
      if (!e.is_string()) return Fail(key, "has an element that is not a string");
      if (e.template get_ref<const std::string&>().size() > max_len)
        return Fail(key, "has an element longer than " + std::to_string(max_len) + " bytes");
      out.push_back(e.template get<std::string>());
    }
    return true;
  }

  bool failed() const { return error_.has_value(); }
  const datapath::Error& error() const { return *error_; }

 private:
  const Json* Find(const char* key) {
    if (error_) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool Fail(const char* key, const std::string& why) {
    error_ = datapath::Error::Invalid(where_ + key + ": " + why);
    return false;
  }

  const Json& obj_;
  std::string where_;  // "" or a prefix like "prevResult.interfaces[2]."
  std::optional<datapath::Error> error_;
};

}  // namespace flows::flowd::cni_internal
