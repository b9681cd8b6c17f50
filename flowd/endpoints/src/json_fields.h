// Typed reads of optional fields of a JSON object without exceptions: the
// first wrong type is remembered as an Error naming the field, later reads
// become no-ops. Keeps the parsers of files and messages short and total.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "flows/datapath/result.h"

namespace flows::flowd {

class Fields {
 public:
  Fields(const nlohmann::json& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  void String(const char* key, std::string& out) {
    const nlohmann::json* v = Find(key);
    if (!v) return;
    if (!v->is_string()) return Fail(key, "not a string");
    out = v->get<std::string>();
  }
  void Uint32(const char* key, std::uint32_t& out) {
    const nlohmann::json* v = Find(key);
    if (!v) return;
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() > UINT32_MAX)
      return Fail(key, "not an unsigned 32-bit integer");
    out = static_cast<std::uint32_t>(v->get<std::uint64_t>());
  }
  void StringList(const char* key, std::vector<std::string>& out) {
    const nlohmann::json* v = Find(key);
    if (!v) return;
    if (!v->is_array()) return Fail(key, "not a list");
    for (const auto& e : *v) {
      if (!e.is_string()) return Fail(key, "has an element that is not a string");
      out.push_back(e.get<std::string>());
    }
  }
  void StringMap(const char* key, std::map<std::string, std::string>& out) {
    const nlohmann::json* v = Find(key);
    if (!v) return;
    if (!v->is_object()) return Fail(key, "not a JSON object");
    for (const auto& [k, e] : v->items()) {
      if (!e.is_string()) return Fail(key, "value of \"" + k + "\" is not a string");
      out[k] = e.get<std::string>();
    }
  }

  bool failed() const { return error_.has_value(); }
  const datapath::Error& error() const { return *error_; }

 private:
  // Absent and null both mean "not given".
  const nlohmann::json* Find(const char* key) {
    if (error_) return nullptr;
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  void Fail(const char* key, const std::string& why) {
    error_ = datapath::Error::Invalid(where_ + "." + key + ": " + why);
  }

  const nlohmann::json& obj_;
  std::string where_;
  std::optional<datapath::Error> error_;
};

}  // namespace flows::flowd
