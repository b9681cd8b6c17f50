// flowd's handling of one registration line: parse, hand to the sink, reply.
// Separate from the socket plumbing so it is tested (and fuzzed) directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/cni/cni_protocol.h"
#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {

// What flowd does with registrations. In the daemon: attach the datapath's
// programs to ep.host_ifname, then record the endpoint (RegistrySink).
// Calls come one at a time, from the server's thread.
class EndpointSink {
 public:
  virtual ~EndpointSink() = default;
  // Returns once the programs are attached (or why they are not): the CNI
  // plugin lets the pod start only after this reply.
  virtual Status OnAdd(const Endpoint& ep) = 0;
  // Must succeed for an unknown container: DEL is repeated by runtimes.
  virtual Status OnDel(const std::string& container_id) = 0;
  virtual bool Knows(const std::string& container_id) = 0;
  // GC: forget what the CNI said about every container not in `valid`;
  // returns how many endpoints that was. The default forgets nothing.
  virtual std::uint32_t OnGc(const std::vector<std::string>& valid) {
    (void)valid;
    return 0;
  }
};

// A CNI registration as an endpoint of source "cni" on `node_name`.
Endpoint EndpointFromCniRequest(const CniRequest& req, const std::string& node_name);

// The reply to one request line, and the same serialized (with its '\n').
CniReply HandleCniRequest(std::string_view line, EndpointSink& sink, const std::string& node_name);
std::string HandleCniLine(std::string_view line, EndpointSink& sink, const std::string& node_name);

}  // namespace flows::flowd
