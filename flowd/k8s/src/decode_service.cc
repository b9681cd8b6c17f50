#include "decode_common.h"

namespace flows::flowd::k8s {

Result<Service> DecodeService(const nlohmann::json& object) {
  JsonReader r;
  Service svc;
  detail::ReadMeta(r, object, svc.meta);
  if (const nlohmann::json* spec = r.Object(object, "spec", "spec")) {
    r.String(*spec, "type", "spec.type", svc.type);
    r.StringMap(*spec, "selector", "spec.selector", svc.selector);
    // clusterIPs (dual stack) starts with clusterIP; "None" marks a headless
    // service, which has no virtual IP to name.
    auto read = [&](const nlohmann::json& v, const std::string& path) {
      if (v.is_string() && v.get<std::string>() == "None") {
        svc.headless = true;
        return;
      }
      detail::ReadIp(r, v, path, svc.cluster_ips);
    };
    if (const nlohmann::json* ips = r.Array(*spec, "clusterIPs", "spec.clusterIPs")) {
      for (std::size_t i = 0; i < ips->size() && !r.failed(); ++i) {
        read((*ips)[i], "spec.clusterIPs[" + std::to_string(i) + "]");
      }
    }
    if (const nlohmann::json* ip = JsonReader::Get(*spec, "clusterIP")) read(*ip, "spec.clusterIP");
  }
  if (r.failed()) return detail::Failure("service", object, r);
  return svc;
}

}  // namespace flows::flowd::k8s
