// What the per-kind decoders share: metadata, IP lists and error wording.
#pragma once

#include <string>
#include <vector>

#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"
#include "flows/flowd/k8s/decode.h"

namespace flows::flowd::k8s::detail {

// "pod shop/web-1" (or as much of it as can be read), for error messages.
std::string Describe(const char* kind, const nlohmann::json& object);
void ReadMeta(JsonReader& r, const nlohmann::json& object, ObjectMeta& meta);
Error Failure(const char* kind, const nlohmann::json& object, const JsonReader& r);
// Appends the canonical form of the IP at `v`, once.
void ReadIp(JsonReader& r, const nlohmann::json& v, const std::string& path, std::vector<std::string>& out);

}  // namespace flows::flowd::k8s::detail
