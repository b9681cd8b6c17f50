#include "decode_common.h"
#include "flows/flowd/k8s/workload.h"

namespace flows::flowd::k8s {

namespace {

// spec.containers[i].ports[j], as the API server serves it: containerPort
// always set, protocol defaulted to TCP, name optional.
void ReadPorts(JsonReader& r, const nlohmann::json& container, const std::string& path,
               std::vector<ContainerPort>& out) {
  const nlohmann::json* ports = r.Array(container, "ports", path + ".ports");
  for (std::size_t i = 0; ports && i < ports->size() && !r.failed(); ++i) {
    const std::string ppath = path + ".ports[" + std::to_string(i) + "]";
    const nlohmann::json& p = (*ports)[i];
    if (!p.is_object()) return r.Fail(ppath, "not an object");
    ContainerPort port;
    std::int64_t number = 0;
    r.String(p, "name", ppath + ".name", port.name);
    if (!r.Integer(p, "containerPort", ppath + ".containerPort", number, 1, 65535) && !r.failed())
      return r.Fail(ppath + ".containerPort", "missing");
    port.port = static_cast<std::uint16_t>(number);
    r.String(p, "protocol", ppath + ".protocol", port.protocol);
    if (port.protocol.empty()) port.protocol = "TCP";
    if (!r.failed() && port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP")
      return r.Fail(ppath + ".protocol", "not TCP, UDP or SCTP");
    out.push_back(std::move(port));
  }
}

// status.conditions[type=Ready].status: "True", "False" or "Unknown".
void ReadReady(JsonReader& r, const nlohmann::json& status, std::optional<bool>& ready) {
  const nlohmann::json* conditions = r.Array(status, "conditions", "status.conditions");
  for (std::size_t i = 0; conditions && i < conditions->size() && !r.failed(); ++i) {
    const std::string path = "status.conditions[" + std::to_string(i) + "]";
    const nlohmann::json& c = (*conditions)[i];
    if (!c.is_object()) return r.Fail(path, "not an object");
    std::string type, value;
    r.String(c, "type", path + ".type", type);
    r.String(c, "status", path + ".status", value);
    if (type == "Ready" && !r.failed()) ready = value == "True";
  }
}

}  // namespace

Result<Pod> DecodePod(const nlohmann::json& object) {
  JsonReader r;
  Pod pod;
  detail::ReadMeta(r, object, pod.meta);
  if (const nlohmann::json* spec = r.Object(object, "spec", "spec")) {
    r.String(*spec, "nodeName", "spec.nodeName", pod.node_name);
    r.Bool(*spec, "hostNetwork", "spec.hostNetwork", pod.host_network);
    const nlohmann::json* containers = r.Array(*spec, "containers", "spec.containers");
    for (std::size_t i = 0; containers && i < containers->size() && !r.failed(); ++i) {
      const std::string path = "spec.containers[" + std::to_string(i) + "]";
      if (!(*containers)[i].is_object()) {
        r.Fail(path, "not an object");
        break;
      }
      ReadPorts(r, (*containers)[i], path, pod.ports);
    }
  }
  if (const nlohmann::json* status = r.Object(object, "status", "status")) {
    r.String(*status, "phase", "status.phase", pod.phase);
    ReadReady(r, *status, pod.ready);
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
