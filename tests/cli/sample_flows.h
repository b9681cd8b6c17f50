// Fixed GetFlowsResponses shaped like what flowd sends (see
// flowd/observer/src/flow_converter.cc): the demo's DNS lookup and HTTP call
// between demo-app pods, TCP events, a reply-less UDP flow over IPv6, an
// ICMP ping to a DNS-named address, a drop from a Hubble server, a lost
// event and a relay's node status.
#pragma once

#include <google/protobuf/text_format.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "observer/observer.pb.h"

namespace flows::cli::testing {

inline observer::GetFlowsResponse Response(const std::string& text) {
  observer::GetFlowsResponse r;
  if (!google::protobuf::TextFormat::ParseFromString(text, &r)) std::abort();
  return r;
}

inline std::vector<observer::GetFlowsResponse> SampleResponses() {
  const std::string frontend =
      "namespace: 'demo-app' pod_name: 'frontend-7d4b9c-x2k4p' labels: 'k8s:app=frontend'"
      " workloads { name: 'frontend' kind: 'Deployment' }";
  const std::string catalog =
      "namespace: 'demo-app' pod_name: 'productcatalog-5f9d8-qz9lm' labels: 'k8s:app=productcatalog'";
  const std::string coredns = "namespace: 'kube-system' pod_name: 'coredns-787d4945fb-l85r5' identity: 102";
  const std::string ts = "seconds: 1795317586 nanos: ";
  auto flow = [&](const std::string& nanos, const std::string& body) {
    return Response("node_name: 'node-1' time { " + ts + nanos + " } flow { time { " + ts + nanos +
                    " } node_name: 'node-1' verdict: FORWARDED " + body + " }");
  };
  return {
      flow("724123373",
           "IP { source: '10.244.1.10' destination: '10.244.1.53' ipVersion: IPv4 }"
           " l4 { UDP { source_port: 60358 destination_port: 53 } }"
           " source {" +
               frontend + "} destination {" + coredns +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: EGRESS is_reply { value: false }"
               " interface { index: 7 name: 'veth1d27005' }"
               " l7 { type: REQUEST dns { query: 'productcatalog.demo-app.svc.cluster.local.' qtypes: 'A'"
               " observation_source: 'flows' } }"
               " flow_stats { packets: 1 bytes: 124 reasons: 'new_flow' reasons: 'l7' }"),
      flow("724328687",
           "IP { source: '10.244.1.53' destination: '10.244.1.10' ipVersion: IPv4 }"
           " l4 { UDP { source_port: 53 destination_port: 60358 } }"
           " source {" +
               coredns + "} destination {" + frontend +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: INGRESS is_reply { value: true }"
               " l7 { type: RESPONSE latency_ns: 205314 dns { query: "
               "'productcatalog.demo-app.svc.cluster.local.'"
               " ips: '10.244.1.20' ttl: 30 qtypes: 'A' rrtypes: 'A' observation_source: 'flows' } }"),
      flow("730000000",
           "IP { source: '10.244.1.53' destination: '10.244.1.10' ipVersion: IPv4 }"
           " l4 { UDP { source_port: 53 destination_port: 41000 } }"
           " source {" +
               coredns + "} destination {" + frontend +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: INGRESS is_reply { value: true }"
               " l7 { type: RESPONSE dns { query: 'missing.demo-app.svc.cluster.local.' rcode: 3 qtypes: "
               "'AAAA'"
               " observation_source: 'flows' } }"),
      flow("742450935",
           "IP { source: '10.244.1.10' destination: '10.244.1.20' ipVersion: IPv4 }"
           " l4 { TCP { source_port: 46866 destination_port: 3550 flags { SYN: true } } }"
           " source {" +
               frontend + "} destination {" + catalog +
               "}"
               " destination_service { name: 'productcatalog' namespace: 'demo-app' }"
               " Type: L3_L4 event_type { type: 4 sub_type: 5 } traffic_direction: EGRESS is_reply { value: "
               "false }"),
      flow("742576712",
           "IP { source: '10.244.1.10' destination: '10.244.1.20' ipVersion: IPv4 }"
           " l4 { TCP { source_port: 46866 destination_port: 3550 flags { ACK: true PSH: true } } }"
           " source {" +
               frontend + "} destination {" + catalog +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: EGRESS is_reply { value: false }"
               " l7 { type: REQUEST http { method: 'GET' url: 'http://productcatalog:3550/products' "
               "protocol: 'HTTP/1.1'"
               " headers { key: 'Host' value: 'productcatalog:3550' } } }"),
      flow("746645444",
           "IP { source: '10.244.1.20' destination: '10.244.1.10' ipVersion: IPv4 }"
           " l4 { TCP { source_port: 3550 destination_port: 46866 flags { ACK: true PSH: true } } }"
           " source {" +
               catalog + "} destination {" + frontend +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: INGRESS is_reply { value: true }"
               " l7 { type: RESPONSE latency_ns: 4068732 http { code: 200 protocol: 'HTTP/1.1' } }"),
      flow("800000000",
           "IP { source: '10.244.1.20' destination: '10.244.1.10' ipVersion: IPv4 }"
           " l4 { TCP { source_port: 3550 destination_port: 46870 flags { ACK: true PSH: true } } }"
           " source {" +
               catalog + "} destination {" + frontend +
               "}"
               " Type: L7 event_type { type: 129 } traffic_direction: INGRESS is_reply { value: true }"
               " l7 { type: RESPONSE latency_ns: 12500000 http { code: 503 protocol: 'HTTP/1.1' method: 'GET'"
               " url: 'http://productcatalog:3550/checkout' } }"),
      flow("900000000",
           "IP { source: '10.244.1.20' destination: '10.244.1.10' ipVersion: IPv4 }"
           " l4 { TCP { source_port: 3550 destination_port: 46866 flags { ACK: true FIN: true } } }"
           " source {" +
               catalog + "} destination {" + frontend +
               "}"
               " Type: L3_L4 event_type { type: 4 sub_type: 0 } traffic_direction: INGRESS"
               " flow_stats { packets: 4 bytes: 440 reasons: 'flow_end' }"),
      flow("950000000",
           "IP { source: 'fd00:10:244:1::10' destination: 'fd00::1' ipVersion: IPv6 }"
           " l4 { UDP { source_port: 40123 destination_port: 123 } }"
           " source {" +
               frontend +
               "}"
               " Type: L3_L4 event_type { type: 4 sub_type: 11 } traffic_direction: EGRESS"),
      flow("990000000",
           "IP { source: '10.244.1.10' destination: '93.184.216.34' ipVersion: IPv4 }"
           " l4 { ICMPv4 { type: 8 } } source {" +
               frontend +
               "} destination_names: 'example.com'"
               " Type: L3_L4 event_type { type: 4 sub_type: 11 } traffic_direction: EGRESS is_reply { value: "
               "false }"),
      Response("node_name: 'node-2' time { seconds: 1795317587 } flow { time { seconds: 1795317587 }"
               " node_name: 'node-2' verdict: DROPPED"
               " IP { source: '10.244.2.7' destination: '10.96.0.10' ipVersion: IPv4 }"
               " l4 { TCP { source_port: 50000 destination_port: 80 flags { SYN: true } } }"
               " source { identity: 2 } destination_service { name: 'web' namespace: 'shop' }"
               " Type: L3_L4 event_type { type: 1 sub_type: 133 } is_reply { value: false } }"),
      Response("node_name: 'node-1' time { seconds: 1795317588 }"
               " lost_events { source: HUBBLE_RING_BUFFER num_events_lost: 42 cpu { value: 1 } }"),
      Response("time { seconds: 1795317589 }"
               " node_status { state_change: NODE_UNAVAILABLE node_names: 'node-3' node_names: 'node-4' }"),
      Response(
          "time { seconds: 1795317589 } node_status { state_change: NODE_CONNECTED node_names: 'node-1' }"),
  };
}

}  // namespace flows::cli::testing
