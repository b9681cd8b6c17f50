#include "decode_common.h"

namespace flows::flowd::k8s {

namespace {

void ReadEndpoint(JsonReader& r, const nlohmann::json& e, const std::string& path, bool fqdn, Endpoint& out) {
  if (!e.is_object()) return r.Fail(path, "not an object");
  if (const nlohmann::json* addrs = r.Array(e, "addresses", path + ".addresses")) {
    for (std::size_t i = 0; i < addrs->size() && !r.failed(); ++i) {
      const std::string apath = path + ".addresses[" + std::to_string(i) + "]";
      if (fqdn) {
        std::string name;
        if (r.StringElement((*addrs)[i], apath, name)) out.addresses.push_back(std::move(name));
      } else {
        detail::ReadIp(r, (*addrs)[i], apath, out.addresses);
      }
    }
  }
  if (const nlohmann::json* cond = r.Object(e, "conditions", path + ".conditions")) {
    r.OptionalBool(*cond, "ready", path + ".conditions.ready", out.ready);
  }
  r.String(e, "nodeName", path + ".nodeName", out.node_name);
  if (const nlohmann::json* ref = r.Object(e, "targetRef", path + ".targetRef")) {
    ObjectReference t;
    r.String(*ref, "kind", path + ".targetRef.kind", t.kind);
    r.String(*ref, "namespace", path + ".targetRef.namespace", t.namespace_name);
    r.String(*ref, "name", path + ".targetRef.name", t.name);
    r.String(*ref, "uid", path + ".targetRef.uid", t.uid);
    out.target_ref = std::move(t);
  }
}

}  // namespace

Result<EndpointSlice> DecodeEndpointSlice(const nlohmann::json& object) {
  JsonReader r;
  EndpointSlice slice;
  detail::ReadMeta(r, object, slice.meta);
  if (auto it = slice.meta.labels.find(kServiceNameLabel); it != slice.meta.labels.end()) {
    slice.service_name = it->second;
  }
  r.String(object, "addressType", "addressType", slice.address_type);
  const bool fqdn = slice.address_type == "FQDN";
  if (const nlohmann::json* eps = r.Array(object, "endpoints", "endpoints")) {
    for (std::size_t i = 0; i < eps->size() && !r.failed(); ++i) {
      Endpoint ep;
      ReadEndpoint(r, (*eps)[i], "endpoints[" + std::to_string(i) + "]", fqdn, ep);
      slice.endpoints.push_back(std::move(ep));
    }
  }
  if (r.failed()) return detail::Failure("endpointslice", object, r);
  return slice;
}

}  // namespace flows::flowd::k8s
