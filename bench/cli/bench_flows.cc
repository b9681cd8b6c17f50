#include "bench_flows.h"

#include <string>

namespace flows::cli::bench {
namespace {

void Pod(flow::Endpoint* ep, const std::string& ns, const std::string& pod, const std::string& app) {
  ep->set_namespace_(ns);
  ep->set_pod_name(pod);
  ep->add_labels("k8s:app=" + app);
  ep->add_labels("k8s:io.kubernetes.pod.namespace=" + ns);
  auto* w = ep->add_workloads();
  w->set_name(app);
  w->set_kind("Deployment");
}

}  // namespace

std::vector<flow::Flow> FlowMix(std::size_t n) {
  std::vector<flow::Flow> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    flow::Flow f;
    const std::int64_t us = 1'795'317'586'000'000 + static_cast<std::int64_t>(i);
    f.mutable_time()->set_seconds(us / 1'000'000);
    f.mutable_time()->set_nanos(static_cast<std::int32_t>(us % 1'000'000) * 1000);
    f.set_verdict(flow::FORWARDED);
    f.set_node_name("node-1");
    f.mutable_interface()->set_index(7);
    f.mutable_interface()->set_name("veth1d27005");
    auto* ip = f.mutable_ip();
    ip->set_ipversion(flow::IPv4);
    const std::uint32_t client_port = 40000 + static_cast<std::uint32_t>(i % 20000);
    switch (i % 8) {
      case 0:  // HTTP request frontend -> productcatalog
      case 2: {
        ip->set_source("10.244.1.10");
        ip->set_destination("10.244.1.20");
        Pod(f.mutable_source(), "demo-app", "frontend-7d4b9c-x2k4p", "frontend");
        Pod(f.mutable_destination(), "demo-app", "productcatalog-5f9d8-qz9lm", "productcatalog");
        f.mutable_l4()->mutable_tcp()->set_source_port(client_port);
        f.mutable_l4()->mutable_tcp()->set_destination_port(3550);
        f.mutable_l4()->mutable_tcp()->mutable_flags()->set_ack(true);
        f.mutable_l4()->mutable_tcp()->mutable_flags()->set_psh(true);
        f.set_type(flow::L7);
        f.mutable_event_type()->set_type(129);
        f.set_traffic_direction(flow::EGRESS);
        f.mutable_is_reply()->set_value(false);
        auto* l7 = f.mutable_l7();
        l7->set_type(flow::REQUEST);
        l7->mutable_http()->set_method("GET");
        l7->mutable_http()->set_url(i % 16 == 0
                                        ? "http://productcatalog:3550/healthz"
                                        : "http://productcatalog:3550/products/" + std::to_string(i % 97));
        l7->mutable_http()->set_protocol("HTTP/1.1");
        break;
      }
      case 1:  // HTTP response, 1 in 8 of them a 503
      case 3: {
        ip->set_source("10.244.1.20");
        ip->set_destination("10.244.1.10");
        Pod(f.mutable_source(), "demo-app", "productcatalog-5f9d8-qz9lm", "productcatalog");
        Pod(f.mutable_destination(), "demo-app", "frontend-7d4b9c-x2k4p", "frontend");
        f.mutable_l4()->mutable_tcp()->set_source_port(3550);
        f.mutable_l4()->mutable_tcp()->set_destination_port(client_port);
        f.mutable_l4()->mutable_tcp()->mutable_flags()->set_ack(true);
        f.set_type(flow::L7);
        f.mutable_event_type()->set_type(129);
        f.set_traffic_direction(flow::INGRESS);
        f.mutable_is_reply()->set_value(true);
        auto* l7 = f.mutable_l7();
        l7->set_type(flow::RESPONSE);
        l7->set_latency_ns(4'000'000 + i % 1000);
        l7->mutable_http()->set_code(i % 64 == 1 ? 503 : 200);
        l7->mutable_http()->set_protocol("HTTP/1.1");
        break;
      }
      case 4:  // DNS query to coredns
      case 5: {
        const bool reply = i % 8 == 5;
        ip->set_source(reply ? "10.244.1.53" : "10.244.1.10");
        ip->set_destination(reply ? "10.244.1.10" : "10.244.1.53");
        Pod(reply ? f.mutable_destination() : f.mutable_source(), "demo-app", "frontend-7d4b9c-x2k4p",
            "frontend");
        Pod(reply ? f.mutable_source() : f.mutable_destination(), "kube-system", "coredns-787d4945fb-l85r5",
            "kube-dns");
        f.mutable_l4()->mutable_udp()->set_source_port(reply ? 53 : client_port);
        f.mutable_l4()->mutable_udp()->set_destination_port(reply ? client_port : 53);
        f.set_type(flow::L7);
        f.mutable_event_type()->set_type(129);
        f.set_traffic_direction(reply ? flow::INGRESS : flow::EGRESS);
        f.mutable_is_reply()->set_value(reply);
        auto* l7 = f.mutable_l7();
        l7->set_type(reply ? flow::RESPONSE : flow::REQUEST);
        auto* dns = l7->mutable_dns();
        dns->set_query("productcatalog.demo-app.svc.cluster.local.");
        dns->add_qtypes("A");
        dns->set_observation_source("flows");
        if (reply) {
          dns->add_ips("10.244.1.20");
          dns->add_rrtypes("A");
          dns->set_ttl(30);
        }
        break;
      }
      case 6: {  // TCP SYN
        ip->set_source("10.244.1.10");
        ip->set_destination("10.244.1.20");
        Pod(f.mutable_source(), "demo-app", "frontend-7d4b9c-x2k4p", "frontend");
        Pod(f.mutable_destination(), "demo-app", "productcatalog-5f9d8-qz9lm", "productcatalog");
        f.mutable_l4()->mutable_tcp()->set_source_port(client_port);
        f.mutable_l4()->mutable_tcp()->set_destination_port(3550);
        f.mutable_l4()->mutable_tcp()->mutable_flags()->set_syn(true);
        f.set_type(flow::L3_L4);
        f.mutable_event_type()->set_type(4);
        f.mutable_event_type()->set_sub_type(5);
        f.set_traffic_direction(flow::EGRESS);
        f.mutable_is_reply()->set_value(false);
        break;
      }
      default: {  // to the network, a name learned from DNS
        ip->set_source("10.244.1.10");
        ip->set_destination("93.184.216.34");
        Pod(f.mutable_source(), "demo-app", "frontend-7d4b9c-x2k4p", "frontend");
        f.add_destination_names("example.com");
        f.mutable_l4()->mutable_tcp()->set_source_port(client_port);
        f.mutable_l4()->mutable_tcp()->set_destination_port(443);
        f.mutable_l4()->mutable_tcp()->mutable_flags()->set_ack(true);
        f.set_type(flow::L3_L4);
        f.mutable_event_type()->set_type(4);
        f.mutable_event_type()->set_sub_type(11);
        f.set_traffic_direction(flow::EGRESS);
      }
    }
    auto* st = f.mutable_flow_stats();
    st->set_packets(3);
    st->set_bytes(400);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace flows::cli::bench
