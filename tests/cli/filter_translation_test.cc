// `flows observe` flags -> the GetFlowsRequest Hubble's CLI would send for
// the same command line: one row per flag and per flag combination that
// matters (two-sided flags, namespaces, --not), parsed by the real CLI11
// command line and compared field by field.
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <map>

#include "flows/cli/filter_flags.h"
#include "flows/cli/observe_flags.h"
#include "flows/cli/observe_request.h"

namespace flows::cli {
namespace {

// 2026-11-22T08:00:00Z: relative --since/--until count back from here.
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1795334400));

Result<observer::GetFlowsRequest> Translate(const std::vector<std::string>& args) {
  auto parsed = ParseObserveArgs(args);
  if (!parsed) return parsed.error();
  return BuildGetFlowsRequest(parsed->selection, kNow);
}

struct Row {
  std::vector<std::string> args;
  std::string expected;  // GetFlowsRequest in text format
};

std::string Describe(const std::vector<std::string>& args) {
  std::string s = "flows observe";
  for (const auto& a : args) s += " '" + a + "'";
  return s;
}

void ExpectRequests(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(Describe(row.args));
    observer::GetFlowsRequest expected;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(row.expected, &expected)) << row.expected;
    auto got = Translate(row.args);
    ASSERT_TRUE(got.ok()) << got.error().message;
    std::string diff;
    google::protobuf::util::MessageDifferencer d;
    d.ReportDifferencesToString(&diff);
    EXPECT_TRUE(d.Compare(expected, *got)) << diff << "\ngot: " << got->ShortDebugString();
  }
}

TEST(FilterTranslation, PodsAndNamespaces) {
  ExpectRequests({
      {{}, "number: 20"},
      {{"--from-pod", "demo-app/frontend"}, "number: 20 whitelist { source_pod: 'demo-app/frontend' }"},
      {{"--to-pod", "demo-app/productcatalog"},
       "number: 20 whitelist { destination_pod: 'demo-app/productcatalog' }"},
      // Two-sided: source in one filter, destination in the other, ORed.
      {{"--pod", "demo-app/frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' } whitelist { destination_pod: "
       "'demo-app/frontend' }"},
      {{"-n", "demo-app"},
       "number: 20 whitelist { source_pod: 'demo-app/' } whitelist { destination_pod: 'demo-app/' }"},
      {{"--namespace", "a", "-n", "b"},
       "number: 20 whitelist { source_pod: ['a/', 'b/'] } whitelist { destination_pod: ['a/', 'b/'] }"},
      {{"--from-namespace", "demo-app"}, "number: 20 whitelist { source_pod: 'demo-app/' }"},
      {{"--to-namespace", "kube-system"}, "number: 20 whitelist { destination_pod: 'kube-system/' }"},
      // Namespaces prefix pod and service names that have none.
      {{"--from-namespace", "demo-app", "--from-pod", "frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' }"},
      {{"--from-pod", "frontend", "--from-namespace", "demo-app"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' }"},
      {{"--to-namespace", "kube-system", "--to-service", "kube-dns"},
       "number: 20 whitelist { destination_service: 'kube-system/kube-dns' }"},
      {{"--from-namespace", "a", "--to-namespace", "b"},
       "number: 20 whitelist { source_pod: 'a/' destination_pod: 'b/' }"},
      {{"--from-namespace", "a", "--from-pod", "a/x"}, "number: 20 whitelist { source_pod: 'a/x' }"},
      // -n and a two-sided flag: each side gets the namespace.
      {{"-n", "demo-app", "--pod", "frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' } whitelist { destination_pod: "
       "'demo-app/frontend' }"},
      {{"-n", "demo-app", "-l", "app=frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/' source_label: 'app=frontend' }"
       " whitelist { destination_pod: 'demo-app/' destination_label: 'app=frontend' }"},
      {{"-A"}, "number: 20"},
      {{"--all-namespaces", "--from-pod", "demo-app/frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' }"},
  });
}

TEST(FilterTranslation, LabelsAddressesServicesWorkloadsNames) {
  ExpectRequests({
      {{"-l", "app=frontend"},
       "number: 20 whitelist { source_label: 'app=frontend' } whitelist { destination_label: 'app=frontend' "
       "}"},
      {{"--label", "app=a", "--label", "env in (prod,dev)"},
       "number: 20 whitelist { source_label: ['app=a', 'env in (prod,dev)'] }"
       " whitelist { destination_label: ['app=a', 'env in (prod,dev)'] }"},
      {{"--from-label", "app=frontend"}, "number: 20 whitelist { source_label: 'app=frontend' }"},
      {{"--to-label", "k8s-app=kube-dns"}, "number: 20 whitelist { destination_label: 'k8s-app=kube-dns' }"},
      {{"--ip", "10.244.1.10"},
       "number: 20 whitelist { source_ip: '10.244.1.10' } whitelist { destination_ip: '10.244.1.10' }"},
      {{"--from-ip", "10.244.0.0/16"}, "number: 20 whitelist { source_ip: '10.244.0.0/16' }"},
      {{"--to-ip", "fd00::1"}, "number: 20 whitelist { destination_ip: 'fd00::1' }"},
      {{"--service", "demo-app/productcatalog"},
       "number: 20 whitelist { source_service: 'demo-app/productcatalog' }"
       " whitelist { destination_service: 'demo-app/productcatalog' }"},
      {{"--from-service", "demo-app/frontend"},
       "number: 20 whitelist { source_service: 'demo-app/frontend' }"},
      {{"--to-service", "kube-system/kube-dns"},
       "number: 20 whitelist { destination_service: 'kube-system/kube-dns' }"},
      {{"--workload", "Deployment/frontend"},
       "number: 20 whitelist { source_workload { kind: 'Deployment' name: 'frontend' } }"
       " whitelist { destination_workload { kind: 'Deployment' name: 'frontend' } }"},
      {{"--from-workload", "frontend"}, "number: 20 whitelist { source_workload { name: 'frontend' } }"},
      {{"--to-workload", "StatefulSet/db"},
       "number: 20 whitelist { destination_workload { kind: 'StatefulSet' name: 'db' } }"},
      {{"--fqdn", "*.example.com"},
       "number: 20 whitelist { source_fqdn: '*.example.com' } whitelist { destination_fqdn: '*.example.com' "
       "}"},
      {{"--from-fqdn", "api.example.com"}, "number: 20 whitelist { source_fqdn: 'api.example.com' }"},
      {{"--to-fqdn", "*.svc.cluster.local"},
       "number: 20 whitelist { destination_fqdn: '*.svc.cluster.local' }"},
      {{"--node-name", "worker-*"}, "number: 20 whitelist { node_name: 'worker-*' }"},
      // One-sided flags AND with two-sided ones in each half.
      {{"--from-pod", "demo-app/frontend", "--port", "3550"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' source_port: '3550' }"
       " whitelist { source_pod: 'demo-app/frontend' destination_port: '3550' }"},
  });
}

TEST(FilterTranslation, L3L4AndEvents) {
  ExpectRequests({
      {{"--port", "53"}, "number: 20 whitelist { source_port: '53' } whitelist { destination_port: '53' }"},
      {{"--from-port", "46866"}, "number: 20 whitelist { source_port: '46866' }"},
      {{"--to-port", "3550"}, "number: 20 whitelist { destination_port: '3550' }"},
      {{"--protocol", "tcp", "--protocol", "http"}, "number: 20 whitelist { protocol: ['tcp', 'http'] }"},
      {{"--tcp-flags", "syn,ack"}, "number: 20 whitelist { tcp_flags { SYN: true ACK: true } }"},
      {{"--tcp-flags", "SYN", "--tcp-flags", "fin"},
       "number: 20 whitelist { tcp_flags { SYN: true } tcp_flags { FIN: true } }"},
      {{"-4"}, "number: 20 whitelist { ip_version: IPv4 }"},
      {{"--ipv6"}, "number: 20 whitelist { ip_version: IPv6 }"},
      {{"-4", "-6"}, "number: 20 whitelist { ip_version: [IPv4, IPv6] }"},
      {{"--ip-version", "none"}, "number: 20 whitelist { ip_version: IP_NOT_USED }"},
      {{"--verdict", "DROPPED", "--verdict", "forwarded"},
       "number: 20 whitelist { verdict: [DROPPED, FORWARDED] }"},
      {{"-t", "trace:to-endpoint"},
       "number: 20 whitelist { event_type { type: 4 match_sub_type: true sub_type: 0 } }"},
      {{"--type", "trace:from-network"},
       "number: 20 whitelist { event_type { type: 4 match_sub_type: true sub_type: 10 } }"},
      {{"-t", "l7"}, "number: 20 whitelist { event_type { type: 129 } }"},
      {{"-t", "drop"}, "number: 20 whitelist { event_type { type: 1 } }"},
      {{"-t", "4:5"}, "number: 20 whitelist { event_type { type: 4 match_sub_type: true sub_type: 5 } }"},
      {{"-t", "trace", "-t", "l7"},
       "number: 20 whitelist { event_type { type: 4 } event_type { type: 129 } }"},
      {{"--traffic-direction", "ingress"}, "number: 20 whitelist { traffic_direction: INGRESS }"},
      {{"--traffic-direction", "EGRESS"}, "number: 20 whitelist { traffic_direction: EGRESS }"},
      {{"--interface", "eth0"}, "number: 20 whitelist { interface { name: 'eth0' } }"},
      {{"--once"}, "number: 20 whitelist { primary: true }"},
      {{"--once", "--to-port", "80"}, "number: 20 whitelist { destination_port: '80' primary: true }"},
  });
}

TEST(FilterTranslation, L7) {
  ExpectRequests({
      {{"--http-status", "5+"}, "number: 20 whitelist { http_status_code: '5+' }"},
      {{"--http-status", "404", "--http-status", "40+"},
       "number: 20 whitelist { http_status_code: ['404', '40+'] }"},
      {{"--http-method", "GET"}, "number: 20 whitelist { http_method: 'GET' }"},
      {{"--http-path", "^/api/v[0-9]+/"}, "number: 20 whitelist { http_path: '^/api/v[0-9]+/' }"},
      {{"--http-url", "http://productcatalog.*"},
       "number: 20 whitelist { http_url: 'http://productcatalog.*' }"},
      {{"--http-header", "Host:productcatalog:3550"},
       "number: 20 whitelist { http_header { key: 'Host' value: 'productcatalog:3550' } }"},
      {{"--dns-query", "productcatalog\\..*"}, "number: 20 whitelist { dns_query: 'productcatalog\\\\..*' }"},
      {{"-t", "l7", "--http-status", "500"},
       "number: 20 whitelist { event_type { type: 129 } http_status_code: '500' }"},
  });
}

TEST(FilterTranslation, NotNegatesTheNextFilterOnly) {
  ExpectRequests({
      {{"--not", "--to-port", "53"}, "number: 20 blacklist { destination_port: '53' }"},
      {{"--from-pod", "demo-app/frontend", "--not", "--to-pod", "kube-system/coredns"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' } blacklist { destination_pod: "
       "'kube-system/coredns' }"},
      {{"--not", "--to-pod", "kube-system/coredns", "--from-pod", "demo-app/frontend"},
       "number: 20 whitelist { source_pod: 'demo-app/frontend' } blacklist { destination_pod: "
       "'kube-system/coredns' }"},
      {{"--not", "-n", "kube-system"},
       "number: 20 blacklist { source_pod: 'kube-system/' } blacklist { destination_pod: 'kube-system/' }"},
      {{"--not", "--http-status", "2+", "--not", "--http-status", "3+"},
       "number: 20 blacklist { http_status_code: ['2+', '3+'] }"},
      // Conflict groups apply per list: a blacklist flag does not clash
      // with a whitelist one.
      {{"--label", "app=a", "--not", "--from-label", "app=b"},
       "number: 20 whitelist { source_label: 'app=a' } whitelist { destination_label: 'app=a' }"
       " blacklist { source_label: 'app=b' }"},
  });
}

TEST(FilterTranslation, HowManyAndWhen) {
  ExpectRequests({
      {{"--last", "5"}, "number: 5"},
      {{"--first", "5"}, "number: 5 first: true"},
      {{"--all"}, "number: 18446744073709551615"},
      {{"-f"}, "follow: true"},
      {{"--follow", "--last", "10"}, "number: 10 follow: true"},
      {{"--all", "-f"}, "number: 18446744073709551615 follow: true"},
      {{"--since", "5m"}, "since { seconds: 1795334100 }"},
      {{"--since", "1h", "--last", "3"}, "number: 3 since { seconds: 1795330800 }"},
      {{"--since", "2026-11-22T03:00:00Z", "--until", "2026-11-22T04:00:00Z"},
       "since { seconds: 1795316400 } until { seconds: 1795320000 }"},
      {{"--since", "2026-11-22T05:00:00+02:00"}, "since { seconds: 1795316400 }"},
      {{"--since", "2026-11-22T03:19:46.724123373Z"}, "since { seconds: 1795317586 nanos: 724123373 }"},
      {{"--until", "30s"}, "until { seconds: 1795334370 }"},
      // Hubble sends no --until when following.
      {{"--until", "2026-11-22T04:00:00Z", "-f"}, "follow: true"},
      {{"--since", "5m", "--all"}, "since { seconds: 1795334100 }"},
      {{"--first", "2", "--since", "1h"}, "number: 2 first: true since { seconds: 1795330800 }"},
  });
}

// Every flag of the table (filter_flags.cc) changes the request: none is
// registered on the command line and then dropped. A new flag fails here
// until it has an example value (and, in the tables above, its rows).
TEST(FilterTranslation, EveryFilterFlagReachesTheRequest) {
  const std::map<std::string_view, std::string> examples = {{"pod", "demo-app/x"},
                                                            {"from-pod", "demo-app/x"},
                                                            {"to-pod", "demo-app/x"},
                                                            {"namespace", "demo-app"},
                                                            {"from-namespace", "demo-app"},
                                                            {"to-namespace", "demo-app"},
                                                            {"label", "app=x"},
                                                            {"from-label", "app=x"},
                                                            {"to-label", "app=x"},
                                                            {"ip", "10.0.0.1"},
                                                            {"from-ip", "10.0.0.1"},
                                                            {"to-ip", "10.0.0.1"},
                                                            {"service", "demo-app/x"},
                                                            {"from-service", "demo-app/x"},
                                                            {"to-service", "demo-app/x"},
                                                            {"workload", "x"},
                                                            {"from-workload", "x"},
                                                            {"to-workload", "x"},
                                                            {"fqdn", "x.com"},
                                                            {"from-fqdn", "x.com"},
                                                            {"to-fqdn", "x.com"},
                                                            {"node-name", "n"},
                                                            {"port", "1"},
                                                            {"from-port", "1"},
                                                            {"to-port", "1"},
                                                            {"protocol", "tcp"},
                                                            {"tcp-flags", "syn"},
                                                            {"ip-version", "v4"},
                                                            {"verdict", "DROPPED"},
                                                            {"type", "l7"},
                                                            {"traffic-direction", "ingress"},
                                                            {"interface", "eth0"},
                                                            {"http-status", "500"},
                                                            {"http-method", "GET"},
                                                            {"http-path", "/x"},
                                                            {"http-url", "x"},
                                                            {"http-header", "a:b"},
                                                            {"dns-query", "x"}};
  for (const FilterFlag& flag : FilterFlags()) {
    SCOPED_TRACE(std::string(flag.name));
    if (flag.name == "not" || flag.name == "all-namespaces") continue;  // modifiers, covered above
    std::vector<std::string> args = {"--" + std::string(flag.name)};
    if (flag.takes_value) {
      const auto example = examples.find(flag.name);
      ASSERT_NE(example, examples.end()) << "no example value for --" << flag.name;
      args.push_back(example->second);
    }
    auto req = Translate(args);
    ASSERT_TRUE(req.ok()) << req.error().message;
    ASSERT_FALSE(req->whitelist().empty());
    EXPECT_NE(req->whitelist(0).ByteSizeLong(), 0u) << req->ShortDebugString();
    // The same flag after --not lands in the blacklist instead.
    args.insert(args.begin(), "--not");
    req = Translate(args);
    ASSERT_TRUE(req.ok()) << req.error().message;
    EXPECT_TRUE(req->whitelist().empty());
    EXPECT_FALSE(req->blacklist().empty());
  }
}

struct BadRow {
  std::vector<std::string> args;
  std::string error;  // the whole message, or its start when it ends with "..."
};

void ExpectErrors(const std::vector<BadRow>& rows) {
  for (const BadRow& row : rows) {
    SCOPED_TRACE(Describe(row.args));
    auto got = Translate(row.args);
    ASSERT_FALSE(got.ok()) << got->ShortDebugString();
    const std::string& msg = got.error().message;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    if (row.error.size() > 3 && row.error.substr(row.error.size() - 3) == "...") {
      EXPECT_EQ(msg.substr(0, row.error.size() - 3), row.error.substr(0, row.error.size() - 3)) << msg;
    } else {
      EXPECT_EQ(msg, row.error);
    }
  }
}

TEST(FilterTranslation, ConflictingFlags) {
  ExpectErrors({
      {{"--label", "a=b", "--from-label", "c=d"}, "filters --label and --from-label cannot be combined"},
      {{"--to-label", "a=b", "-l", "c=d"}, "filters --label and --to-label cannot be combined"},
      {{"--service", "x", "--from-service", "y"}, "filters --service and --from-service cannot be combined"},
      {{"--to-service", "x", "--service", "y"}, "filters --service and --to-service cannot be combined"},
      {{"--port", "1", "--to-port", "2"}, "filters --port and --to-port cannot be combined"},
      {{"--from-port", "1", "--port", "2"}, "filters --port and --from-port cannot be combined"},
      {{"--workload", "a", "--to-workload", "b"}, "filters --workload and --to-workload cannot be combined"},
      {{"--from-workload", "a", "--workload", "b"},
       "filters --workload and --from-workload cannot be combined"},
      {{"--from-ip", "10.0.0.1", "--from-pod", "x"}, "filters --from-ip and --from-pod cannot be combined"},
      {{"--ip", "10.0.0.1", "--pod", "x"}, "filters --ip and --pod cannot be combined"},
      {{"--fqdn", "a.com", "--to-ip", "10.0.0.1"}, "filters --to-ip and --fqdn cannot be combined"},
      {{"--to-fqdn", "a.com", "--to-namespace", "x"},
       "filters --to-fqdn and --to-namespace cannot be combined"},
      {{"-n", "a", "--from-pod", "b"}, "filters --from-pod and --namespace cannot be combined"},
      {{"-n", "a", "--to-pod", "b"}, "filters --to-pod and --namespace cannot be combined"},
      {{"-n", "a", "--to-service", "b"}, "filters --to-service and --namespace cannot be combined"},
      {{"-n", "a", "--from-service", "b"}, "filters --from-service and --namespace cannot be combined"},
      {{"-A", "-n", "a"}, "filters --all-namespaces and --namespace cannot be combined"},
      {{"--from-namespace", "a", "-A"}, "filters --all-namespaces and --from-namespace cannot be combined"},
      {{"--not", "--label", "a=b", "--not", "--from-label", "c=d"},
       "filters --label and --from-label cannot be combined"},
      {{"--from-namespace", "a", "--from-pod", "b/x"}, "namespace conflict: \"a\" does not contain \"b/x\""},
      {{"--from-pod", "a/x", "--from-service", "b/y"},
       "namespace of service \"b/y\" conflicts with pod \"a/x\""},
      {{"--first", "1", "--last", "1"}, "--first and --last cannot be combined"},
      {{"--first", "1", "--all"}, "--first and --all cannot be combined"},
      {{"--first", "1", "--follow"}, "--first and --follow cannot be combined..."},
      {{"--last", "1", "--all"}, "--last and --all cannot be combined"},
      {{"--not", "--not", "--to-port", "53"},
       "consecutive --not: each --not negates the one filter after it"},
      {{"--to-port", "53", "--not"},
       "--not must be followed by the filter it negates, e.g. --not --to-port 53"},
      {{"--not", "-A"}, "--not cannot negate --all-namespaces"},
      {{"--since", "2026-11-22T04:00:00Z", "--until", "2026-11-22T03:00:00Z"},
       "--until 2026-11-22T03:00:00Z is before --since 2026-11-22T04:00:00Z: no flow can match"},
  });
}

TEST(FilterTranslation, BadValuesNameTheFlag) {
  ExpectErrors({
      {{"--from-ip", "10.0.0.0/33"}, "--from-ip: \"10.0.0.0/33\" is not an IP address or CIDR"},
      {{"--ip", "not-an-ip"}, "--ip: \"not-an-ip\" is not an IP address or CIDR"},
      {{"--http-path", "("}, "--http-path: bad regular expression \"(\"..."},
      {{"--http-url", "[a-"}, "--http-url: bad regular expression..."},
      {{"--dns-query", "*x"}, "--dns-query: bad regular expression..."},
      {{"--from-label", "app in"}, "--from-label: \"app in\" is not a label selector..."},
      {{"--http-status", "9xx"}, "--http-status: \"9xx\" is not a status code or prefix like 5+"},
      {{"--to-port", "70000"}, "--to-port: \"70000\" is not a port number (0-65535)"},
      {{"--protocol", "quic"}, "--protocol: unknown protocol \"quic\""},
      {{"--from-pod", ""}, "--from-pod: \"\" is not [namespace/]name-prefix"},
      {{"--to-fqdn", "a b"}, "--to-fqdn: \"a b\" is not a name pattern like *.example.com"},
      {{"--verdict", "ALLOWED"}, "--verdict: \"ALLOWED\" is not a verdict..."},
      {{"-t", "bogus"}, "--type: \"bogus\" is not an event type..."},
      {{"-t", "trace:sideways"}, "--type: \"sideways\" is not a sub-type of \"trace\"..."},
      {{"--traffic-direction", "up"},
       "--traffic-direction: \"up\" is not a traffic direction (ingress or egress)"},
      {{"--ip-version", "5"}, "--ip-version: \"5\" is not an IP version (v4, v6 or none)"},
      {{"--tcp-flags", "syn,bogus"}, "--tcp-flags: unknown TCP flag \"BOGUS\"..."},
      {{"--http-header", "no-colon"}, "--http-header: \"no-colon\" is not KEY:VALUE"},
      {{"-n", "a/b"}, "--namespace: \"a/b\" is not a namespace name"},
      {{"-t", "trace", "--http-status", "500"}, "--http-status: needs event_type to include L7 events..."},
      {{"--since", "yesterday"}, "--since \"yesterday\" is neither a time..."},
      {{"--until", "2026-02-30T00:00:00Z"}, "--until \"2026-02-30T00:00:00Z\" is neither a time..."},
      {{"--frm-pod", "x"}, "unknown flag or argument: --frm-pod..."},
      {{"--last", "many"}, "Could not convert: --last = many"},
  });
}

}  // namespace
}  // namespace flows::cli
