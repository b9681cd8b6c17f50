// The registries' files under --state-dir (endpoints.json, services.json,
// namespaces.json): {"version": 1, ...}, written to a temporary file in the
// same directory and renamed over the old one, so a crash leaves the old
// file or the new one, never half of either.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "flows/common/result.h"

namespace flows::flowd {

inline constexpr int kStateFileVersion = 1;
inline constexpr std::size_t kMaxStateFileBytes = 256u << 20;  // ~1M records; more is a broken file

// `doc` (an object) with "version" added.
Status SaveStateFile(const std::string& path, nlohmann::json doc);
// The document, once it is a JSON object of our version; an Error naming the
// file otherwise (err = ENOENT for a missing file: a first start, not a fault).
Result<nlohmann::json> LoadStateFile(const std::string& path);
// doc[key] as a list (missing: empty); an Error naming the file otherwise.
Result<nlohmann::json> StateFileList(const nlohmann::json& doc, const char* key, const std::string& path);

}  // namespace flows::flowd
