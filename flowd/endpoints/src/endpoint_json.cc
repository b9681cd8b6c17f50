#include "flows/flowd/endpoints/endpoint_json.h"

#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"
#include "flows/common/text.h"

namespace flows::flowd {

using nlohmann::json;

json EndpointToJson(const Endpoint& ep) {
  json j = json::object();
  j["namespace"] = ep.namespace_;
  j["pod_name"] = ep.pod_name;
  j["pod_uid"] = ep.pod_uid;
  j["container_id"] = ep.container_id;
  j["labels"] = ep.labels;
  json workloads = json::array();
  for (const Workload& w : ep.workloads) workloads.push_back({{"name", w.name}, {"kind", w.kind}});
  j["workloads"] = std::move(workloads);
  j["node_name"] = ep.node_name;
  j["ips"] = ep.ips;
  j["host_ifname"] = ep.host_ifname;
  j["host_ifindex"] = ep.host_ifindex;
  json ports = json::array();
  for (const EndpointPort& p : ep.ports)
    ports.push_back({{"name", p.name}, {"port", p.port}, {"protocol", p.protocol}});
  j["ports"] = std::move(ports);
  j["host_network"] = ep.host_network;
  json sources = json::array();
  for (EndpointSource s : {EndpointSource::kCni, EndpointSource::kKubernetes, EndpointSource::kStatic}) {
    if (ep.From(s)) sources.push_back(SourceName(s));
  }
  j["sources"] = std::move(sources);
  return j;
}

Result<Endpoint> EndpointFromJson(const json& j, std::string_view where) {
  const std::string at(where);
  if (!j.is_object()) return Error::Invalid(at + ": not a JSON object");
  Endpoint ep;
  JsonFields f(j, at);
  f.String("namespace", ep.namespace_);
  f.String("pod_name", ep.pod_name);
  f.String("pod_uid", ep.pod_uid);
  f.String("container_id", ep.container_id);
  f.String("node_name", ep.node_name);
  f.String("host_ifname", ep.host_ifname);
  f.Uint32("host_ifindex", ep.host_ifindex);
  f.Bool("host_network", ep.host_network);
  f.StringMap("labels", ep.labels);
  std::vector<std::string> ips;
  f.StringList("ips", ips);
  std::vector<std::string> sources;
  f.StringList("sources", sources);
  if (f.failed()) return f.error();

  for (std::size_t i = 0; i < ips.size(); ++i) {
    auto ip = CanonicalIp(ips[i]);
    if (!ip) return Error::Invalid(at + ".ips[" + std::to_string(i) + "]: not an IP address: " + ips[i]);
    ep.ips.push_back(std::move(*ip));
  }
  for (const std::string& name : sources) {
    auto s = ParseSource(name);
    if (!s) return Error::Invalid(at + ".sources: unknown source " + Quote(name));
    ep.AddSource(*s);
  }
  if (auto it = j.find("workloads"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Error::Invalid(at + ".workloads: not a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& w = (*it)[i];
      const std::string wat = at + ".workloads[" + std::to_string(i) + "]";
      if (!w.is_object()) return Error::Invalid(wat + ": not a JSON object");
      Workload wl;
      JsonFields wf(w, wat);
      wf.String("name", wl.name);
      wf.String("kind", wl.kind);
      if (wf.failed()) return wf.error();
      ep.workloads.push_back(std::move(wl));
    }
  }
  if (auto it = j.find("ports"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Error::Invalid(at + ".ports: not a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& p = (*it)[i];
      const std::string pat = at + ".ports[" + std::to_string(i) + "]";
      if (!p.is_object()) return Error::Invalid(pat + ": not a JSON object");
      EndpointPort port;
      std::int64_t number = 0;
      JsonFields pf(p, pat);
      pf.String("name", port.name);
      pf.Integer("port", number, 1, 65535);
      pf.String("protocol", port.protocol);
      if (pf.failed()) return pf.error();
      if (number == 0) return Error::Invalid(pat + ".port: missing");
      port.port = static_cast<std::uint16_t>(number);
      if (port.protocol.empty()) port.protocol = "TCP";
      if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP")
        return Error::Invalid(pat + ".protocol: not TCP, UDP or SCTP: " + Quote(port.protocol));
      ep.ports.push_back(std::move(port));
    }
  }
  return ep;
}

}  // namespace flows::flowd
