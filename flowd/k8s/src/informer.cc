#include "flows/flowd/k8s/informer.h"

namespace flows::flowd::k8s::detail {

std::optional<std::string> KeyOf(const nlohmann::json& object) {
  if (!object.is_object()) return std::nullopt;
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return std::nullopt;
  auto name = md->find("name");
  if (name == md->end() || !name->is_string() || name->get_ref<const std::string&>().empty())
    return std::nullopt;
  auto ns = md->find("namespace");
  if (ns == md->end() || !ns->is_string() || ns->get_ref<const std::string&>().empty())
    return name->get<std::string>();
  return ns->get<std::string>() + "/" + name->get<std::string>();
}

}  // namespace flows::flowd::k8s::detail
