// source_fqdn, destination_fqdn, node_name.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

const std::string kNames = R"(source_names: "client.internal"
                              destination_names: "api.example.com"
                              destination_names: "Edge.CDN.example.net.")";

TEST(NameFilterTest, DestinationFqdn) {
  ExpectCases({
      {R"(destination_fqdn: "api.example.com")", kNames, true},
      {R"(destination_fqdn: "API.Example.COM")", kNames, true},   // case-insensitive
      {R"(destination_fqdn: "api.example.com.")", kNames, true},  // trailing dot ignored
      {R"(destination_fqdn: "*.example.com")", kNames, true},
      {R"(destination_fqdn: "*.com")", kNames, true},  // '*' spans dots, as in Hubble
      {R"(destination_fqdn: "*example.com")", kNames, true},
      {R"(destination_fqdn: "example.com")", kNames, false},  // anchored: no suffix match
      {R"(destination_fqdn: "api.example")", kNames, false},
      {R"(destination_fqdn: "api.*.com")", kNames, true},
      {R"(destination_fqdn: "edge.cdn.example.net")", kNames, true},  // any of the names; flow's dot ignored
      {R"(destination_fqdn: "*.net")", kNames, true},
      {R"(destination_fqdn: "*")", kNames, true},
      {R"(destination_fqdn: "a*i.example.com")", kNames, true},
      {R"(destination_fqdn: "a*x.example.com")", kNames, false},
      {R"(destination_fqdn: "client.internal")", kNames, false},  // the source's
      {R"(destination_fqdn: "*")", "", false},                    // no names known
      {R"(destination_fqdn: "x.org" destination_fqdn: "api.example.com")", kNames, true},
  });
}

TEST(NameFilterTest, SourceFqdn) {
  ExpectCases({
      {R"(source_fqdn: "client.internal")", kNames, true},
      {R"(source_fqdn: "*.internal")", kNames, true},
      {R"(source_fqdn: "*.example.com")", kNames, false},
      {R"(source_fqdn: " client.internal ")", kNames, true},  // spaces trimmed
  });
}

TEST(NameFilterTest, NodeName) {
  const std::string prod_node = R"(node_name: "prod/worker-1")";
  const std::string bare_node = R"(node_name: "worker-2")";
  ExpectCases({
      {R"(node_name: "prod/worker-1")", prod_node, true},
      {R"(node_name: "prod/worker-*")", prod_node, true},
      {R"(node_name: "prod/*")", prod_node, true},
      {R"(node_name: "*/worker-1")", prod_node, true},
      {R"(node_name: "prod/")", prod_node, true},  // empty part: any
      {R"(node_name: "/worker-1")", prod_node, true},
      {R"(node_name: "worker-1")", prod_node, true},  // no slash: any cluster
      {R"(node_name: "worker-*")", prod_node, true},
      {R"(node_name: "dev/worker-1")", prod_node, false},
      {R"(node_name: "prod/worker-2")", prod_node, false},
      {R"(node_name: "prod/worker")", prod_node, false},      // whole names, not prefixes
      {R"(node_name: "default/worker-2")", bare_node, true},  // no cluster in the flow: "default"
      {R"(node_name: "prod/worker-2")", bare_node, false},
      {R"(node_name: "worker-2")", bare_node, true},
      {R"(node_name: "Worker-2")", bare_node, true},
      {R"(node_name: "*")", "", false},  // no node name
      {R"(node_name: "a/b" node_name: "*/worker-1")", prod_node, true},
  });
}

}  // namespace
}  // namespace flows::api
