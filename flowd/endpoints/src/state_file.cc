#include "flows/flowd/endpoints/state_file.h"

#include "flows/common/atomic_file.h"

namespace flows::flowd {

Status SaveStateFile(const std::string& path, nlohmann::json doc) {
  doc["version"] = kStateFileVersion;
  // Strings came from the network (CNI_ARGS, the API); never let one bad byte
  // make the whole file unwritable.
  return WriteFileAtomically(path, doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

Result<nlohmann::json> LoadStateFile(const std::string& path) {
  auto text = ReadSmallFile(path, kMaxStateFileBytes);
  if (!text) return text.error();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Invalid(path + ": not valid JSON (corrupt state file)");
  if (!doc.is_object()) return Error::Invalid(path + ": not a JSON object");
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || *version != kStateFileVersion)
    return Error::Invalid(path + ": unsupported or missing \"version\" (want " +
                          std::to_string(kStateFileVersion) + ")");
  return doc;
}

Result<nlohmann::json> StateFileList(const nlohmann::json& doc, const char* key, const std::string& path) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return nlohmann::json::array();
  if (!it->is_array()) return Error::Invalid(path + ": \"" + key + "\" is not a list");
  return *it;
}

}  // namespace flows::flowd
