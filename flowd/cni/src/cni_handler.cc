#include "flows/flowd/cni/cni_handler.h"

namespace flows::flowd {

Endpoint EndpointFromCniRequest(const CniRequest& req, const std::string& node_name) {
  Endpoint ep;
  ep.namespace_ = req.pod_namespace;
  ep.pod_name = req.pod_name;
  ep.pod_uid = req.pod_uid;
  ep.container_id = req.container_id;
  ep.node_name = node_name;
  ep.ips = req.ips;
  ep.host_ifname = req.host_ifname;
  ep.host_ifindex = req.host_ifindex;
  ep.AddSource(EndpointSource::kCni);
  return ep;
}

CniReply HandleCniRequest(std::string_view line, EndpointSink& sink, const std::string& node_name) {
  CniReply reply;
  auto req = ParseCniRequest(line);
  if (!req) {
    reply.error = "bad request: " + req.error().message;
    return reply;
  }
  switch (req->op) {
    case CniOp::kAdd: {
      const Status s = sink.OnAdd(EndpointFromCniRequest(*req, node_name));
      reply.ok = s.ok();
      reply.attached = s.ok() && !req->host_ifname.empty();
      reply.known = s.ok();
      if (!s) reply.error = s.error().message;
      break;
    }
    case CniOp::kDel: {
      const Status s = sink.OnDel(req->container_id);
      reply.ok = s.ok();
      if (!s) reply.error = s.error().message;
      break;
    }
    case CniOp::kCheck:
      reply.ok = true;
      reply.known = sink.Knows(req->container_id);
      break;
    case CniOp::kGc:
      reply.ok = true;
      reply.removed = sink.OnGc(req->valid_container_ids);
      break;
    case CniOp::kStatus:  // answering is the status: flowd is up and serving
      reply.ok = true;
      break;
  }
  return reply;
}

std::string HandleCniLine(std::string_view line, EndpointSink& sink, const std::string& node_name) {
  return SerializeCniReply(HandleCniRequest(line, sink, node_name));
}

}  // namespace flows::flowd
