#include "flows/flowd/endpoints/namespace_registry.h"

#include <mutex>
#include <nlohmann/json.hpp>

#include "flows/common/json_reader.h"
#include "flows/flowd/endpoints/state_file.h"

namespace flows::flowd {

Status NamespaceRegistry::Upsert(const std::string& name, Labels labels) {
  if (name.empty()) return Error::Invalid("namespace without a name");
  std::unique_lock lock(mu_);
  auto [it, inserted] = namespaces_.try_emplace(name);
  if (!inserted && it->second == labels) return OkStatus();  // a resync: nothing changed
  it->second = std::move(labels);
  ++generation_;
  return OkStatus();
}

bool NamespaceRegistry::Remove(std::string_view name) {
  std::unique_lock lock(mu_);
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return false;
  namespaces_.erase(it);
  ++generation_;
  return true;
}

std::size_t NamespaceRegistry::RetainListed(const std::set<std::string>& names) {
  std::unique_lock lock(mu_);
  const std::size_t dropped =
      std::erase_if(namespaces_, [&](const auto& entry) { return !names.contains(entry.first); });
  if (dropped > 0) ++generation_;
  return dropped;
}

std::optional<Labels> NamespaceRegistry::LabelsOf(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, Labels> NamespaceRegistry::List() const {
  std::shared_lock lock(mu_);
  return {namespaces_.begin(), namespaces_.end()};
}

std::size_t NamespaceRegistry::size() const {
  std::shared_lock lock(mu_);
  return namespaces_.size();
}

Status NamespaceRegistry::SaveTo(const std::string& path) const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, labels] : List()) list.push_back({{"name", name}, {"labels", labels}});
  return SaveStateFile(path, {{"namespaces", std::move(list)}});
}

Status NamespaceRegistry::LoadFrom(const std::string& path) {
  auto doc = LoadStateFile(path);
  if (!doc) return doc.error();
  auto list = StateFileList(*doc, "namespaces", path);
  if (!list) return list.error();
  std::map<std::string, Labels, std::less<>> fresh;  // built aside: a bad file changes nothing
  for (std::size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& j = (*list)[i];
    const std::string at = path + ": namespaces[" + std::to_string(i) + "]";
    if (!j.is_object()) return Error::Invalid(at + ": not a JSON object");
    std::string name;
    Labels labels;
    JsonFields f(j, at);
    f.String("name", name);
    f.StringMap("labels", labels);
    if (f.failed()) return f.error();
    if (name.empty()) return Error::Invalid(at + ".name: missing or empty");
    fresh.insert_or_assign(std::move(name), std::move(labels));
  }
  std::unique_lock lock(mu_);
  namespaces_ = std::move(fresh);
  ++generation_;
  return OkStatus();
}

}  // namespace flows::flowd
