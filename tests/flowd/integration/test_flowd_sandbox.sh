#!/usr/bin/env bash
# flowd end to end, on a sandbox cluster (tests/sandbox/cluster.sh): a node
# running flowd, pods made by the real CNI plugins with flows-cni chained,
# metadata from the scripted API server, real HTTP (nginx) and DNS (dnsmasq)
# traffic. Flows are read through gRPC by a second client (Debian's python
# grpcio) and checked field by field; /metrics is checked with promtool and
# scraped by a real Prometheus server. Losses are provoked (an unparseable
# and an overlong HTTP request, a silent server, raw malformed frames, a
# burst through a small flow table) and must show in ServerStatus and
# /metrics under their sources.
#
#   test_flowd_sandbox.sh <build dir>
#
# Needs root; fails, never skips.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${1:?usage: $0 <build dir>}
fail() {
  echo "FAIL: test_flowd_sandbox: $*" >&2
  for log in "$SANDBOX_STATE_DIR"/cluster/*/flowd.log; do
    [[ -f $log ]] && { echo "--- $log" >&2; tail -15 "$log" >&2; }
  done
  exit 1
}
note() { echo "test_flowd_sandbox: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
for tool in dig nginx dnsmasq promtool prometheus; do
  command -v "$tool" >/dev/null || fail "missing tool '$tool' (scripts/install-deps.sh)"
done

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
SANDBOX_ID="fi$$"
cluster_init "$BUILD" || fail "cluster_init"
WORK=$SANDBOX_STATE_DIR/test
mkdir -p "$WORK"

# A small kernel flow table, so a burst of flows at the end overflows it; a
# short wait for HTTP/DNS responses, so an unanswered request counts soon.
cluster_node node-a 1 --stats-interval 1 --flow-idle-timeout 2 --flow-closed-timeout 1 --flow-table-entries 1024 \
  --l7-request-timeout 1 --metrics-context "traffic:source=pod,destination=pod" || fail "node-a"
cluster_pod node-a fe demo-app frontend-7c9d8-abcde app=frontend,tier=web Deployment/frontend || fail "pod frontend"
cluster_pod node-a pc demo-app productcatalog-5f6b7-xyz12 app=productcatalog Deployment/productcatalog || fail "pod pc"
cluster_pod node-a dns kube-system coredns-6d4b-q8v9z k8s-app=kube-dns Deployment/coredns || fail "pod dns"
FE=$(cluster_pod_ip fe) PC=$(cluster_pod_ip pc) DNS=$(cluster_pod_ip dns)
cluster_service demo-app productcatalog 10.96.0.50 3550 pc || fail "service"
note "pods: frontend $FE, productcatalog $PC, coredns $DNS"

sandbox_nginx pc 3550 /products=200 /error=500 || fail "nginx"
sandbox_dns dns cluster.local "productcatalog.demo-app.svc.cluster.local=$PC" || fail "dnsmasq"
# The pod watch delivers the API's labels and owners before any traffic.
sandbox_wait_until 20 "node-a's flowd to apply the API's pods" \
  cluster_pods_synced node-a frontend-7c9d8-abcde productcatalog-5f6b7-xyz12 coredns-6d4b-q8v9z ||
  fail "pods' labels and owners never reached flowd: $(cat "$SANDBOX_STATE_DIR/cluster/node-a/state/endpoints.json" 2>&1)"

# ---- traffic --------------------------------------------------------------
FQDN=productcatalog.demo-app.svc.cluster.local
fe() { ip netns exec "$(sandbox_ns fe)" "$@"; }
answer=$(fe dig +short +time=2 +tries=1 @"$DNS" "$FQDN" A) || fail "dig"
[[ $answer == "$PC" ]] || fail "DNS answered '$answer', not $PC"
fe dig +time=2 +tries=1 @"$DNS" nosuch.demo-app.svc.cluster.local A | grep -q NXDOMAIN || fail "no NXDOMAIN"
curl_pc() { fe curl -s -o /dev/null -w '%{http_code}' --max-time 5 --resolve "$FQDN:3550:$PC" "http://$FQDN:3550$1"; }
for _ in 1 2 3 4 5; do [[ $(curl_pc /products) == 200 ]] || fail "GET /products"; done
for _ in 1 2 3; do [[ $(curl_pc /missing) == 404 ]] || fail "GET /missing"; done
for _ in 1 2; do [[ $(curl_pc /error) == 500 ]] || fail "GET /error"; done
# Drained, and the connections ended (idle timeout 2 s, closed 1 s, swept
# every second): wait for the flow-end records of the ten HTTP connections at
# the frontend's veth, the last records the checks below need.
fe_connections_ended() {
  cluster_observe node-a flows --last 5000 >"$WORK/flows.jsonl" 2>"$WORK/client.err" || return 1
  jq -se --arg fe "$FE" '[.[] | .flow // empty] as $f
      | [$f[] | select(.IP.source == $fe and .trafficDirection == "EGRESS") | .interface.name] as $fe_iface
      | [$f[] | select(.l4.TCP.destinationPort == 3550 and any(.flowStats.reasons[]?; . == "flow_end")
                       and (.interface.name as $i | $fe_iface | index($i)))] | length >= 10' "$WORK/flows.jsonl"
}
sandbox_wait_until 30 "the frontend's ten connections to end in flowd's store" fe_connections_ended ||
  fail "flow-end records of the HTTP connections missing; last GetFlows: $(wc -l <"$WORK/flows.jsonl") lines, $(cat "$WORK/client.err")"

# ---- flows through gRPC (python grpcio) -----------------------------------
cluster_observe node-a flows --last 5000 >"$WORK/flows.jsonl" 2>"$WORK/client.err" ||
  fail "GetFlows: $(cat "$WORK/client.err")"
[[ -n ${KEEP_FLOWS:-} ]] && cp "$WORK/flows.jsonl" "$KEEP_FLOWS"
# The traffic counters as of these flows (the loss checks below send the
# productcatalog more): compared with the flow-end totals further down.
ip netns exec "$(sandbox_ns node-a)" curl -sf "$(cluster_metrics_url node-a)" >"$WORK/metrics-traffic.txt" ||
  fail "scrape /metrics"
note "$(wc -l <"$WORK/flows.jsonl") flows from GetFlows"
/usr/bin/python3 - "$WORK/flows.jsonl" "$FE" "$PC" "$DNS" <<'EOF' || fail "flow checks (above)"
import json, sys
path, fe, pc, dns = sys.argv[1:]
flows = [json.loads(l)["flow"] for l in open(path) if '"flow"' in l]
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
def side(f, s):
    return f.get(s, {})
# Observed on the frontend's veth: one record per HTTP message there.
fe_iface = {f["interface"]["name"] for f in flows if f.get("IP", {}).get("source") == fe
            and f.get("trafficDirection") == "EGRESS"}
check(len(fe_iface) == 1, f"frontend's egress seen on one interface, got {fe_iface}")
http = [f for f in flows if "http" in f.get("l7", {}) and f["interface"]["name"] in fe_iface]
reqs = [f for f in http if f["l7"]["type"] == "REQUEST"]
resps = [f for f in http if f["l7"]["type"] == "RESPONSE"]
check(len(reqs) == 10, f"10 HTTP requests at the frontend's veth, got {len(reqs)}")
codes = sorted(f["l7"]["http"].get("code", 0) for f in resps)
check(codes == [200] * 5 + [404] * 3 + [500] * 2, f"response codes {codes}")
for f in reqs:
    src, dst = side(f, "source"), side(f, "destination")
    check(src.get("namespace") == "demo-app" and src.get("podName") == "frontend-7c9d8-abcde", f"request source {src}")
    check("k8s:app=frontend" in src.get("labels", []) and "k8s:tier=web" in src.get("labels", []), f"labels {src.get('labels')}")
    check(src.get("workloads") == [{"name": "frontend", "kind": "Deployment"}], f"workloads {src.get('workloads')}")
    check(dst.get("podName") == "productcatalog-5f6b7-xyz12", f"request destination {dst}")
    check(f.get("destinationService") == {"name": "productcatalog", "namespace": "demo-app"},
          f"destination service {f.get('destinationService')}")
    check("productcatalog.demo-app.svc.cluster.local" in f.get("destinationNames", []),
          f"destination names {f.get('destinationNames')}")
    h = f["l7"]["http"]
    check(h.get("method") == "GET" and h.get("url", "").startswith("http://productcatalog.demo-app.svc.cluster.local:3550/"),
          f"http {h}")
    check(f.get("isReply") is not True, "request marked as reply")
for f in resps:
    check(int(f["l7"].get("latencyNs", 0)) > 0, f"response without latency: {f['l7']}")
    check(f.get("isReply") is True, "response not marked as reply")
    check(side(f, "source").get("podName") == "productcatalog-5f6b7-xyz12", "response source")
dnsf = [f for f in flows if "dns" in f.get("l7", {}) and f["interface"]["name"] in fe_iface]
ok = [f for f in dnsf if f["l7"]["type"] == "RESPONSE" and f["l7"]["dns"].get("query") == "productcatalog.demo-app.svc.cluster.local."]
check(len(ok) == 1, f"one DNS response for productcatalog, got {len(ok)}")
if ok:
    d = ok[0]["l7"]["dns"]
    check(d.get("ips") == [pc] and d.get("rcode", 0) == 0 and "A" in d.get("qtypes", []), f"dns {d}")
    check(side(ok[0], "source").get("podName") == "coredns-6d4b-q8v9z", "DNS response source pod")
nx = [f for f in dnsf if f["l7"]["type"] == "RESPONSE" and f["l7"]["dns"].get("query", "").startswith("nosuch.")]
check(len(nx) == 1 and nx[0]["l7"]["dns"].get("rcode") == 3, f"NXDOMAIN response: {[f['l7'] for f in nx]}")
# Byte counts: the flow-end record of each HTTP connection at the frontend.
ends = [f for f in flows if "flow_end" in f.get("flowStats", {}).get("reasons", [])
        and f["interface"]["name"] in fe_iface and f.get("l4", {}).get("TCP", {}).get("destinationPort") == 3550]
check(len(ends) == 10, f"10 ended connections to :3550 at the frontend, got {len(ends)}")
check(all(int(f["flowStats"].get("bytes", 0)) > 100 and int(f["flowStats"].get("packets", 0)) >= 4 for f in ends),
      f"flow-end byte/packet counts {[f['flowStats'] for f in ends]}")
check(all(f.get("nodeName") == "node-a" for f in flows), "node name")
for e in errors:
    print("  -", e)
sys.exit(1 if errors else 0)
EOF
note "flows: pods, labels, workloads, service, DNS names, HTTP, DNS, byte counts ok"

# A whitelist filter is applied by the server.
cluster_observe node-a flows --last 100 --whitelist '[{"httpStatusCode": ["5+"], "sourcePod": ["demo-app/productcatalog"]}]' \
  >"$WORK/f5xx.jsonl" || fail "filtered GetFlows"
n5xx=$(grep -c '"flow"' "$WORK/f5xx.jsonl" || true)
[[ $n5xx == 4 ]] || fail "5xx responses from productcatalog: $n5xx (want 2 per veth = 4)"
# A malformed filter is INVALID_ARGUMENT naming the field.
if cluster_observe node-a flows --whitelist '[{"sourceIp": ["10.0.0.0/33"]}]' 2>"$WORK/bad.err"; then
  fail "a bad CIDR was accepted"
fi
grep -q "INVALID_ARGUMENT.*source_ip" "$WORK/bad.err" || fail "bad CIDR error: $(cat "$WORK/bad.err")"

# An HTTP request line that never ends: the kernel sees "GET " and carries
# the payload; user space cannot parse it: an l7_parse loss in ServerStatus
# and /metrics. (After the flow checks: it is one more connection.)
fe timeout 5 bash -c "exec 3<>/dev/tcp/$PC/3550 && printf 'GET /products HTTP/1.1' >&3 && sleep 0.3" ||
  fail "unterminated request"
l7_parse_counted() {
  cluster_observe node-a status >"$WORK/status.json" 2>/dev/null &&
    jq -e '[.flowsLostEvents[] | select(.source == "l7_parse") | .count // "0" | tonumber] | add >= 1' \
      "$WORK/status.json" >/dev/null
}
sandbox_wait_until 10 "the unterminated HTTP request to count as an l7_parse loss" l7_parse_counted ||
  fail "the unterminated HTTP request is not an l7_parse loss: $(cat "$WORK/status.json")"
# A server that accepts and never answers: the request is given up on after
# --l7-request-timeout, an l7_unanswered loss.
sandbox_spawn "$(sandbox_ns pc)" "$WORK/silent.log" python3 -c 'import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8081))
s.listen()
held = []
while True:
    held.append(s.accept()[0])' || fail "silent server"
SILENT=$SANDBOX_LAST_PID
ask_silent() {
  fe timeout 5 bash -c "exec 3<>/dev/tcp/$PC/8081 && printf 'GET /hang HTTP/1.1\r\nHost: pc\r\n\r\n' >&3 && sleep 0.2" 2>/dev/null
}
sandbox_wait_until 10 "the silent server to accept a request" ask_silent || fail "the silent server never accepted"
unanswered_counted() {
  cluster_observe node-a status >"$WORK/status.json" 2>/dev/null &&
    jq -e '[.flowsLostEvents[] | select(.source == "l7_unanswered") | .count // "0" | tonumber] | add >= 1' \
      "$WORK/status.json" >/dev/null
}
sandbox_wait_until 15 "the unanswered request to be given up on" unanswered_counted ||
  fail "a request the server never answered is not an l7_unanswered loss: $(cat "$WORK/status.json")"
sandbox_kill "$SILENT"

# Frames the kernel cannot track, written raw on the frontend's eth0 (its
# veth's tc ingress sees them): an IPv4 header with IHL 4 (malformed), an
# IPv6 packet behind 7 extension headers (past the bound the programs walk);
# and an HTTP request longer than the 512-byte L7 window (l7_truncated).
fe python3 -c 'import socket, struct
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
eth = bytes.fromhex("020000000002020000000001")
udp = struct.pack("!HHHH", 1000, 9, 8, 0)
ip4 = bytes([0x44, 0]) + struct.pack("!H", 28) + bytes(4) + bytes([64, 17, 0, 0]) + bytes(8) + udp
s.send(eth + b"\x08\x00" + ip4)
exts = b"".join(bytes([60 if i < 6 else 17, 0, 1, 0, 0, 0, 0, 0]) for i in range(7))
ip6 = bytes([0x60, 0, 0, 0]) + struct.pack("!H", len(exts) + 8) + bytes([60, 64]) + bytes(32) + exts + udp
s.send(eth + b"\x86\xdd" + ip6)' || fail "raw frames"
fe curl -s -o /dev/null --max-time 5 "http://$PC:3550/$(head -c 900 /dev/zero | tr '\0' a)" || fail "long request"
kernel_losses_counted() {
  cluster_observe node-a status >"$WORK/status.json" 2>/dev/null &&
    jq -e '[.flowsLostEvents[] | select(.source == "malformed" or .source == "ipv6_ext_limit" or .source == "l7_truncated")
            | select((.count // "0" | tonumber) >= 1)] | length == 3' "$WORK/status.json" >/dev/null
}
sandbox_wait_until 10 "the kernel's malformed, ipv6_ext_limit and l7_truncated counts to reach flowd" \
  kernel_losses_counted || fail "kernel losses not in ServerStatus: $(cat "$WORK/status.json")"

# More flows at once than the kernel's table holds: its LRU evicts live
# entries; flowd notices (flow_table_evicted) and ends them ("evicted").
fe python3 -c 'import socket, sys
for _ in range(1500):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", (sys.argv[1], 9))
    s.close()' "$PC" || fail "UDP burst"
evictions_counted() {
  cluster_observe node-a status >"$WORK/status.json" 2>/dev/null &&
    jq -e '[.flowsLostEvents[] | select(.source == "flow_table_evicted") | .count // "0" | tonumber] | add >= 1' \
      "$WORK/status.json" >/dev/null
}
sandbox_wait_until 15 "the flow table's evictions to be counted" evictions_counted ||
  fail "1500 flows through a 1024-entry table, but no flow_table_evicted losses: $(cat "$WORK/status.json")"
cluster_observe node-a flows --last 20000 >"$WORK/evicted.jsonl" 2>"$WORK/client.err" || fail "GetFlows after the burst"
jq -se '[.[] | .flow // empty | select(any(.flowStats.reasons[]?; . == "evicted"))] | length > 0' \
  "$WORK/evicted.jsonl" >/dev/null || fail "no flow-end with the evicted reason in GetFlows"
note "provoked and counted: $(jq -r '[.flowsLostEvents[] | select(.count != null) | "\(.source) \(.count)"] | join(", ")' "$WORK/status.json")"
cluster_observe node-a status >"$WORK/status.json" || fail "ServerStatus"
# numConnectedNodes is a relay's count: a node leaves it unset, as Hubble's agent does.
jq -e '(.seenFlows | tonumber) > 0 and (.maxFlows | tonumber) == 65535 and (has("numConnectedNodes") | not)' \
  "$WORK/status.json" >/dev/null || fail "status: $(cat "$WORK/status.json")"
LOSS_SOURCES="ring_reservation flow_table flow_table_evicted malformed ipv6_ext_limit l7_truncated l7_scratch
  l7_parse l7_unanswered l7_pairing_full decode client"
for source in $LOSS_SOURCES; do
  jq -e --arg s "$source" '[.flowsLostEvents[].source] | index($s) != null' "$WORK/status.json" >/dev/null ||
    fail "status without $source losses: $(cat "$WORK/status.json")"
done
cluster_observe node-a namespaces >"$WORK/ns.json" || fail "GetNamespaces"
jq -e '[.namespaces[].namespace] == ["demo-app", "kube-system"]' "$WORK/ns.json" >/dev/null ||
  fail "namespaces: $(cat "$WORK/ns.json")"
note "filters, INVALID_ARGUMENT, ServerStatus, GetNamespaces ok"

# ---- /metrics --------------------------------------------------------------
NODE_NS=$(sandbox_ns node-a)
ip netns exec "$NODE_NS" curl -sf "$(cluster_metrics_url node-a)" >"$WORK/metrics.txt" || fail "scrape /metrics"
promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.out" 2>&1 || fail "promtool: $(cat "$WORK/promtool.out")"
metric_sum() { # <name> <label regex>: sum of matching samples
  awk -v n="$1" -v re="$2" '$1 ~ "^"n"({|$)" && $1 ~ re {s += $NF} END {print s + 0}' "$WORK/metrics.txt"
}
[[ $(metric_sum flows_http_requests_total 'method="GET"') -ge 10 ]] || fail "flows_http_requests_total"
[[ $(metric_sum flows_http_responses_total 'status="500"') -ge 2 ]] || fail "flows_http_responses_total 500"
[[ $(metric_sum flows_dns_queries_total '') -ge 2 ]] || fail "flows_dns_queries_total"
[[ $(metric_sum flows_dns_responses_total 'rcode="NXDOMAIN"') -ge 1 ]] ||
  fail "NXDOMAIN in flows_dns_responses_total: $(grep dns_responses "$WORK/metrics.txt")"
[[ $(metric_sum flows_processed_total '') -gt 20 ]] || fail "flows_processed_total"
grep -q '^flows_lost_events_total{source="ring_reservation"} 0' "$WORK/metrics.txt" || fail "lost_events ring_reservation series"
# Only servers' ports: the ten connections' client ports are not series
# (TCP 8081 is the silent server's, UDP 9 the burst's destination).
ports=$(grep -c '^flows_port_distribution_total{' "$WORK/metrics.txt" || true)
grep -q '^flows_port_distribution_total{port="3550",protocol="TCP"}' "$WORK/metrics.txt" ||
  fail "no port 3550 in flows_port_distribution_total: $(grep port_distribution "$WORK/metrics.txt")"
others=$(sed -nE 's/^flows_port_distribution_total\{port="([0-9]+)",protocol="([A-Z]+)"\}.*/\2 \1/p' "$WORK/metrics.txt" |
  grep -vxE 'TCP 3550|TCP 8081|UDP 53|UDP 9' || true)
[[ -z $others ]] || fail "flows_port_distribution_total has ports of no server here: $others"
# Every family flowd exports is in docs/metrics.md, with its type.
"$ROOT/tests/support/metrics_doc.sh" "$ROOT/docs/metrics.md" flowd >"$WORK/documented"
sed -nE 's/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) ([a-z]+)$/\1 \2/p' "$WORK/metrics.txt" | sort >"$WORK/exposed"
undocumented=$(comm -23 "$WORK/exposed" "$WORK/documented")
[[ -s $WORK/documented && -z $undocumented ]] || fail "families not in docs/metrics.md: $undocumented"
# Traffic counted once: the bytes and packets between the frontend and
# productcatalog, each way, are what the kernel counted at the frontend's
# veth (the connections' flow-end totals), although the productcatalog's
# veth saw every packet too.
fe_if=$(sandbox_veth fe)
kernel_total() { # <bytes|packets> <src ip> <dst ip>: flow-end totals of src -> dst entries at the frontend's veth
  jq -s --arg f "$1" --arg s "$2" --arg d "$3" --arg i "$fe_if" '[.[] | .flow // empty
    | select(any(.flowStats.reasons[]?; . == "flow_end") and .IP.source == $s and .IP.destination == $d
             and .interface.name == $i) | .flowStats[$f] | tonumber] | add // 0' "$WORK/flows.jsonl"
}
FE_POD=demo-app/frontend-7c9d8-abcde PC_POD=demo-app/productcatalog-5f6b7-xyz12
traffic() { # <bytes|packets> <source pod> <destination pod>: as of flows.jsonl
  awk -v n="flows_traffic_$1_total" -v re="destination=\"$3\",protocol=\"TCP\",source=\"$2\"" \
    '$1 ~ "^"n"({|$)" && $1 ~ re {s += $NF} END {print s + 0}' "$WORK/metrics-traffic.txt"
}
for what in bytes packets; do
  for dir in "$FE $PC $FE_POD $PC_POD" "$PC $FE $PC_POD $FE_POD"; do
    read -r sip dip spod dpod <<<"$dir"
    want=$(kernel_total "$what" "$sip" "$dip")
    got=$(traffic "$what" "$spod" "$dpod")
    ((want > 10)) || fail "flow-end $what totals $spod -> $dpod at the frontend's veth: $want"
    [[ $got == "$want" ]] || fail "flows_traffic_${what}_total $spod -> $dpod: $got, the kernel counted $want"
  done
done
up=$(traffic bytes "$FE_POD" "$PC_POD")
for source in $LOSS_SOURCES; do
  grep -q "^flows_lost_events_total{source=\"$source\"} " "$WORK/metrics.txt" || fail "no lost_events $source series"
done
[[ $(metric_sum flows_lost_events_total 'source="l7_parse"') -ge 1 ]] || fail "l7_parse losses not in /metrics"
[[ $(metric_sum flows_lost_events_total 'source="flow_table_evicted"') -ge 1 ]] ||
  fail "flow_table_evicted losses not in /metrics"
[[ $(metric_sum flows_lost_events_total 'source="l7_unanswered"') -ge 1 ]] || fail "l7_unanswered losses not in /metrics"
for source in malformed ipv6_ext_limit l7_truncated; do
  [[ $(metric_sum flows_lost_events_total "source=\"$source\"") -ge 1 ]] || fail "$source losses not in /metrics"
done
note "/metrics: promtool ok, HTTP/DNS/processed/lost series ok, ports: $ports series, families documented, traffic $up bytes = kernel's"

# A real Prometheus server scrapes it.
# The node's metrics listen on its underlay address; Prometheus runs in the node namespace.
target=$(cluster_metrics_url node-a)
target=${target#http://}
cat >"$WORK/prometheus.yml" <<EOF
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: flowd
    static_configs: [{targets: ["${target%/metrics}"]}]
EOF
sandbox_spawn "$NODE_NS" "$WORK/prometheus.log" prometheus --config.file="$WORK/prometheus.yml" \
  --storage.tsdb.path="$WORK/tsdb" --web.listen-address=127.0.0.1:19090 || fail "start prometheus"
value=""
for _ in $(seq 60); do
  value=$(ip netns exec "$NODE_NS" curl -sf 'http://127.0.0.1:19090/api/v1/query?query=sum(flows_http_requests_total)' 2>/dev/null |
    jq -r '.data.result[0].value[1] // empty' 2>/dev/null || true)
  [[ -n $value ]] && break
  sleep 0.5
done
[[ -n $value && ${value%.*} -ge 10 ]] || fail "Prometheus did not scrape flows_http_requests_total (got '$value')"
health=$(ip netns exec "$NODE_NS" curl -sf 'http://127.0.0.1:19090/api/v1/targets' | jq -r '.data.activeTargets[0].health')
[[ $health == up ]] || fail "Prometheus target health: $health"
note "Prometheus scraped flowd: sum(flows_http_requests_total) = $value, target $health"
note "PASS"
