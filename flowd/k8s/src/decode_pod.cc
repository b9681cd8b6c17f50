#include "decode_common.h"
#include "flows/flowd/k8s/workload.h"

namespace flows::flowd::k8s {

Result<Pod> DecodePod(const nlohmann::json& object) {
  JsonReader r;
  Pod pod;
  detail::ReadMeta(r, object, pod.meta);
  if (const nlohmann::json* spec = r.Object(object, "spec", "spec")) {
    r.String(*spec, "nodeName", "spec.nodeName", pod.node_name);
    r.Bool(*spec, "hostNetwork", "spec.hostNetwork", pod.host_network);
  }
  if (const nlohmann::json* status = r.Object(object, "status", "status")) {
    r.String(*status, "phase", "status.phase", pod.phase);
    // podIPs lists every family (dual stack); podIP is its first entry and
    // the only field older servers fill in.
    if (const nlohmann::json* ips = r.Array(*status, "podIPs", "status.podIPs")) {
      for (std::size_t i = 0; i < ips->size() && !r.failed(); ++i) {
        const std::string path = "status.podIPs[" + std::to_string(i) + "]";
        if (!(*ips)[i].is_object()) {
          r.Fail(path, "not an object");
          break;
        }
        if (const nlohmann::json* ip = JsonReader::Get((*ips)[i], "ip"))
          detail::ReadIp(r, *ip, path + ".ip", pod.pod_ips);
      }
    }
    if (const nlohmann::json* ip = JsonReader::Get(*status, "podIP")) {
      detail::ReadIp(r, *ip, "status.podIP", pod.pod_ips);
    }
  }
  if (r.failed()) return detail::Failure("pod", object, r);
  pod.workload = WorkloadOf(pod.meta);
  return pod;
}

}  // namespace flows::flowd::k8s
