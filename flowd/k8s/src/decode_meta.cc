// metadata, shared by every kind. Also home of the helpers the per-kind
// decoders use to say which object a field error is in.
#include "decode_common.h"

namespace flows::flowd::k8s {

namespace detail {

std::string Describe(const char* kind, const nlohmann::json& object) {
  const nlohmann::json* md = JsonReader::Get(object, "metadata");
  std::string ns, name;
  if (md) {
    if (const auto* v = JsonReader::Get(*md, "namespace"); v && v->is_string()) ns = v->get<std::string>();
    if (const auto* v = JsonReader::Get(*md, "name"); v && v->is_string()) name = v->get<std::string>();
  }
  std::string out = kind;
  out += ' ';
  out += ns.empty() ? name : ns + "/" + name;
  return out;
}

void ReadMeta(JsonReader& r, const nlohmann::json& object, ObjectMeta& meta) {
  if (!object.is_object()) return r.Fail("(object)", "not a JSON object");
  const nlohmann::json* md = r.Object(object, "metadata", "metadata");
  if (!md) {
    if (!r.failed()) r.Fail("metadata", "missing");
    return;
  }
  r.String(*md, "namespace", "metadata.namespace", meta.namespace_name);
  r.String(*md, "name", "metadata.name", meta.name);
  r.String(*md, "uid", "metadata.uid", meta.uid);
  r.String(*md, "resourceVersion", "metadata.resourceVersion", meta.resource_version);
  r.StringMap(*md, "labels", "metadata.labels", meta.labels);
  meta.deleting = JsonReader::Get(*md, "deletionTimestamp") != nullptr;
  if (const nlohmann::json* owners = r.Array(*md, "ownerReferences", "metadata.ownerReferences")) {
    for (std::size_t i = 0; i < owners->size() && !r.failed(); ++i) {
      const std::string path = "metadata.ownerReferences[" + std::to_string(i) + "]";
      const nlohmann::json& o = (*owners)[i];
      if (!o.is_object()) return r.Fail(path, "not an object");
      OwnerReference ref;
      r.String(o, "apiVersion", path + ".apiVersion", ref.api_version);
      r.String(o, "kind", path + ".kind", ref.kind);
      r.String(o, "name", path + ".name", ref.name);
      r.String(o, "uid", path + ".uid", ref.uid);
      r.Bool(o, "controller", path + ".controller", ref.controller);
      meta.owner_references.push_back(std::move(ref));
    }
  }
  if (!r.failed() && meta.name.empty()) r.Fail("metadata.name", "missing or empty");
}

Error Failure(const char* kind, const nlohmann::json& object, const JsonReader& r) {
  return Error::Invalid(Describe(kind, object) + ": " + r.error().message);
}

void ReadIp(JsonReader& r, const nlohmann::json& v, const std::string& path, std::vector<std::string>& out) {
  std::string text;
  if (!r.StringElement(v, path, text) || text.empty()) return;  // "" means not assigned yet
  std::optional<std::string> ip = CanonicalIp(text);
  if (!ip) return r.Fail(path, "not an IP address");
  for (const std::string& seen : out) {
    if (seen == *ip) return;  // podIP repeated in podIPs, or a dual listing
  }
  out.push_back(std::move(*ip));
}

}  // namespace detail

Result<ObjectMeta> DecodeObjectMeta(const nlohmann::json& object) {
  JsonReader r;
  ObjectMeta meta;
  detail::ReadMeta(r, object, meta);
  if (r.failed()) return detail::Failure("object", object, r);
  return meta;
}

}  // namespace flows::flowd::k8s
