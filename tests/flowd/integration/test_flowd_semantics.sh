#!/usr/bin/env bash
# What each field means, end to end, on a dual-stack sandbox cluster
# (tests/sandbox/cluster.sh with CLUSTER_IPV6=on): flowd, the real CNI
# plugins, nginx on IPv4 and IPv6, dnsmasq with A and AAAA records, tshark
# on the pods' veths as the independent oracle, flows read through gRPC by
# the python client and through the `flows` CLI.
#
#   - is_reply on every record: for a TCP connection (HTTP, living past the
#     stats interval), a UDP exchange, ping and ping -6, DNS, every flow on
#     the client's and the server's veth has is_reply set, true exactly when
#     its packet comes from the side that did not send the conversation's
#     first packet (tshark), and the same traffic_direction as the request
#     side on that veth (EGRESS at the client, INGRESS at the server);
#   - trace_observation_point on every flow, L7 included, and trace_reason
#     (NEW on the SYN, REPLY on replies, ESTABLISHED on the rest);
#   - each exchange once: an HTTP request is seen at both pods' veths; the
#     server-side filter {primary: true} (`flows observe --once`) returns each
#     exactly once, the one at the client's veth;
#   - dual stack: HTTP over IPv6 between the pods with pods, workloads and
#     the DNS name learned from the AAAA answer on the flows, and filters by
#     IPv6 address and prefix, in gRPC and in the CLI.
#
#   test_flowd_semantics.sh <build dir>
# Needs root; fails, never skips.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${1:?usage: $0 <build dir>}
fail() {
  echo "FAIL: test_flowd_semantics: $*" >&2
  for log in "$SANDBOX_STATE_DIR"/cluster/*/flowd.log; do
    [[ -f $log ]] && { echo "--- $log" >&2; tail -15 "$log" >&2; }
  done
  exit 1
}
note() { echo "test_flowd_semantics: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
for tool in dig nginx dnsmasq tshark ping curl; do
  command -v "$tool" >/dev/null || fail "missing tool '$tool' (scripts/install-deps.sh)"
done
FLOWS_CLI=$BUILD/cli/flows
[[ -x $FLOWS_CLI ]] || fail "$FLOWS_CLI not built"

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
export SANDBOX_ID="fs$$" CLUSTER_IPV6=on
cluster_init "$BUILD" || fail "cluster_init"
WORK=$SANDBOX_STATE_DIR/test
mkdir -p "$WORK"

cluster_node node-a 1 --stats-interval 1 --flow-idle-timeout 2 --flow-closed-timeout 1 || fail "node-a"
cluster_pod node-a fe demo-app frontend-7c9d8-abcde app=frontend Deployment/frontend || fail "pod frontend"
cluster_pod node-a pc demo-app productcatalog-5f6b7-xyz12 app=productcatalog Deployment/productcatalog || fail "pod pc"
cluster_pod node-a dns kube-system coredns-6d4b-q8v9z k8s-app=kube-dns Deployment/coredns || fail "pod dns"
FE=$(cluster_pod_ip fe) PC=$(cluster_pod_ip pc) DNS=$(cluster_pod_ip dns)
FE6=$(cluster_pod_ip6 fe) PC6=$(cluster_pod_ip6 pc) || fail "pods without IPv6 addresses"
V_FE=$(sandbox_veth fe) V_PC=$(sandbox_veth pc)
note "frontend $FE $FE6 ($V_FE), productcatalog $PC $PC6 ($V_PC), coredns $DNS"
FQDN=productcatalog.demo-app.svc.cluster.local

# The capture starts before any server does, so every conversation the
# flows show (readiness checks included) is in it.
NODE_NS=$(sandbox_ns node-a)
sandbox_spawn_split "$NODE_NS" "$WORK/tshark.out" "$WORK/tshark.err" tshark -i "$V_FE" -i "$V_PC" -w "$WORK/capture.pcapng"
TSHARK_PID=$SANDBOX_LAST_PID
sandbox_wait_until 20 "tshark to capture" grep -q "Capturing on" "$WORK/tshark.err" || fail "tshark did not start"

SANDBOX_NGINX_IPV6=1 sandbox_nginx pc 3550 /products=200 || fail "nginx"
sandbox_dns dns cluster.local "$FQDN=$PC,$PC6" || fail "dnsmasq"
sandbox_spawn "$(sandbox_ns pc)" "$WORK/udp_echo.log" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
'
sandbox_wait_port "$(sandbox_ns pc)" udp 9999 || fail "UDP echo server"
sandbox_wait_until 20 "node-a's flowd to apply the API's pods" \
  cluster_pods_synced node-a frontend-7c9d8-abcde productcatalog-5f6b7-xyz12 coredns-6d4b-q8v9z || fail "pods not synced"


# ---- traffic ----------------------------------------------------------------
fe() { ip netns exec "$(sandbox_ns fe)" "$@"; }
[[ $(fe dig +short +time=2 +tries=1 @"$DNS" "$FQDN" A) == "$PC" ]] || fail "dig A"
answer6=$(fe dig +short +time=2 +tries=1 @"$DNS" "$FQDN" AAAA)
[[ $(python3 -c 'import ipaddress,sys; print(ipaddress.ip_address(sys.argv[1]))' "${answer6:-::}") == "$PC6" ]] ||
  fail "dig AAAA answered '$answer6', not $PC6"
for _ in 1 2 3; do
  [[ $(fe curl -s -o /dev/null -w '%{http_code}' --max-time 5 --resolve "$FQDN:3550:$PC" "http://$FQDN:3550/products") == 200 ]] ||
    fail "GET over IPv4"
done
for _ in 1 2; do
  [[ $(fe curl -6 -s -o /dev/null -w '%{http_code}' --max-time 5 --resolve "$FQDN:3550:[$PC6]" "http://$FQDN:3550/products") == 200 ]] ||
    fail "GET over IPv6"
done
# One connection living past the stats interval, and a UDP exchange likewise.
fe python3 - "$PC" <<'PY' || fail "long TCP connection / UDP exchange"
import socket, sys, time
c = socket.create_connection((sys.argv[1], 3550), timeout=5)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(3)
for i in range(2):
    c.sendall(b"GET /products HTTP/1.1\r\nHost: productcatalog\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += c.recv(4096)
    u.sendto(b"ping-%d" % i, (sys.argv[1], 9999))
    assert u.recv(100) == b"ping-%d" % i
    if i == 0:
        time.sleep(1.5)
c.close()
PY
fe ping -c 2 -i 0.3 -W 2 "$PC" >/dev/null || fail "ping"
fe ping -6 -c 2 -i 0.3 -W 2 "$PC6" >/dev/null || fail "ping -6"
# Fragmented: the later fragments must not become ICMP flows of their own.
fe ping -M dont -s 3000 -c 2 -i 0.3 -W 2 "$PC" >/dev/null || fail "ping -s 3000"
fe ping -6 -s 3000 -c 2 -i 0.3 -W 2 "$PC6" >/dev/null || fail "ping -6 -s 3000"

# Every conversation of ours ended at the frontend's veth.
all_ended() {
  cluster_observe node-a flows --last 10000 >"$WORK/flows.jsonl" 2>"$WORK/client.err" || return 1
  jq -se --arg v "$V_FE" '[.[] | .flow // empty | select(.interface.name == $v and any(.flowStats.reasons[]?; . == "flow_end"))]
      | ([.[] | select(.l4.TCP.destinationPort == 3550)] | length >= 6)
        and ([.[] | select(.l4.UDP.destinationPort == 9999)] | length >= 1)
        and ([.[] | select(.l4.ICMPv4.type == 8)] | length >= 1)
        and ([.[] | select(.l4.ICMPv6.type == 128)] | length >= 1)' "$WORK/flows.jsonl" >/dev/null
}
sandbox_wait_until 30 "the frontend's conversations to end in flowd's store" all_ended ||
  fail "flow ends missing: $(wc -l <"$WORK/flows.jsonl") flows, $(cat "$WORK/client.err")"
sandbox_wait_until 15 "tshark to write the packets" bash -c \
  "(( \$(tshark -r '$WORK/capture.pcapng' -Y 'tcp.dstport == 3550 && tcp.flags.syn == 1' 2>/dev/null | wc -l) >= 12 ))" ||
  fail "tshark did not capture the SYNs"
sandbox_kill "$TSHARK_PID"

# ---- is_reply, traffic_direction, observation point, trace reason ----------------
/usr/bin/python3 - "$WORK" "$V_FE" "$V_PC" "$FE" "$PC" "$FE6" "$PC6" "$DNS" <<'PY' || fail "flow checks (above)"
import collections, ipaddress, json, subprocess, sys
W, V_FE, V_PC, FE, PC, FE6, PC6, DNS = sys.argv[1:]
errors = []
def check(cond, what, f=None):
    if not cond:
        errors.append(what + (("\n      flow: " + json.dumps(f, sort_keys=True)[:600]) if f is not None else ""))
    return cond
norm = lambda a: str(ipaddress.ip_address(a))
ADDRS = {norm(a) for a in (FE, PC, FE6, PC6, DNS)}
flows = [json.loads(l)["flow"] for l in open(f"{W}/flows.jsonl") if '"flow"' in l]

def l4key(f):
    l4 = f.get("l4", {})
    for name in ("TCP", "UDP"):
        if name in l4:
            return (name, int(l4[name].get("sourcePort", 0)), int(l4[name].get("destinationPort", 0)))
    for name in ("ICMPv4", "ICMPv6"):
        if name in l4:
            return (name, int(l4[name].get("type", 0)), None)
    return None

# tshark: the first packet of each conversation on each veth is its opener's.
opener = {}
for ifn in (V_FE, V_PC):
    out = subprocess.run(["tshark", "-r", f"{W}/capture.pcapng", "-Y", f'frame.interface_name == "{ifn}" && (tcp || udp)',
                          "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f",
                          "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport"],
                         check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        s4, s6, d4, d6, tsp, tdp, usp, udp_ = (line.split("\t") + [""] * 8)[:8]
        proto = "TCP" if tsp else "UDP"
        s, d = norm(s4 or s6), norm(d4 or d6)
        sp, dp = int(tsp or usp), int(tdp or udp_)
        opener.setdefault((ifn, proto, frozenset({(s, sp), (d, dp)})), (s, sp))

CLIENT_SIDE_DIR = {V_FE: "EGRESS", V_PC: "INGRESS"}
POINT_REQ = {V_FE: "FROM_ENDPOINT", V_PC: "TO_ENDPOINT"}
POINT_RSP = {V_FE: "TO_ENDPOINT", V_PC: "FROM_ENDPOINT"}
checked = collections.Counter()
for f in flows:
    ifn = f.get("interface", {}).get("name")
    if ifn not in (V_FE, V_PC):
        continue
    src, dst = norm(f["IP"]["source"]), norm(f["IP"]["destination"])
    if src not in ADDRS or dst not in ADDRS:
        continue
    k = l4key(f)
    if k is None:
        continue
    if k[0] in ("TCP", "UDP"):
        if not ({3550, 9999, 53} & {k[1], k[2]}):
            continue
        o = opener.get((ifn, k[0], frozenset({(src, k[1]), (dst, k[2])})))
        if not check(o is not None, "a flow of a conversation tshark did not see", f):
            continue
        reply = o != (src, k[1])
    elif k[1] in (8, 128, 0, 129):
        reply = k[1] in (0, 129)
    else:
        continue
    # Counted once per reason it carries (an HTTP message past the stats
    # interval is both), and once as l7 when it is an L7 flow.
    for kind in f.get("flowStats", {}).get("reasons", []) + (["l7-flow"] if f.get("Type") == "L7" else []):
        checked[(k[0], reply, kind)] += 1
    check("isReply" in f, "is_reply unset", f)
    check(f.get("isReply", None) is reply, f"is_reply should be {reply}", f)
    check(f.get("trafficDirection") == CLIENT_SIDE_DIR[ifn],
          f"traffic_direction should be the request side's, {CLIENT_SIDE_DIR[ifn]}", f)
    check(f.get("traceObservationPoint") == (POINT_RSP if reply else POINT_REQ)[ifn],
          f"trace_observation_point should be {(POINT_RSP if reply else POINT_REQ)[ifn]}", f)
    reasons = f.get("flowStats", {}).get("reasons", [])
    want_reason = "REPLY" if reply else ("NEW" if "new_flow" in reasons else "ESTABLISHED")
    check(f.get("traceReason") == want_reason, f"trace_reason should be {want_reason}", f)
    if "tcp_syn" in reasons:
        check(f.get("traceReason") == "NEW", "the SYN should be NEW", f)

for proto in ("TCP", "UDP"):
    for reply in (False, True):
        for kind in ("stats", "flow_end"):
            check(checked[(proto, reply, kind)] > 0, f"no {proto} {'reply' if reply else 'request'} flow with reason {kind} checked")
check(checked[("TCP", True, "l7-flow")] > 0 and checked[("TCP", False, "l7-flow")] > 0, "no HTTP flows checked")
check(checked[("UDP", True, "l7-flow")] > 0, "no DNS response checked")
check(checked[("TCP", True, "tcp_synack")] > 0 and checked[("TCP", False, "tcp_fin")] > 0, "no handshake/close checked")
for p in ("ICMPv4", "ICMPv6"):
    check(any(v for (pp, r, _), v in checked.items() if pp == p and r), f"no {p} echo reply checked")
check(all(f.get("traceObservationPoint") not in (None, "UNKNOWN_POINT") for f in flows),
      "flows without trace_observation_point")

# ---- dual stack: HTTP over IPv6 with identities and the AAAA-learned name ---------
v6http = [f for f in flows if f.get("interface", {}).get("name") == V_FE and "http" in f.get("l7", {})
          and norm(f["IP"]["source"]) in (norm(FE6), norm(PC6))]
reqs6 = [f for f in v6http if f["l7"]["type"] == "REQUEST"]
check(len(reqs6) == 2, f"2 HTTP requests over IPv6 at the frontend's veth, got {len(reqs6)}")
for f in reqs6:
    check(f["IP"].get("ipVersion") == "IPv6", "IPv6 flow without ipVersion IPv6", f)
    check(f.get("source", {}).get("podName") == "frontend-7c9d8-abcde", "IPv6 source pod", f)
    check(f.get("source", {}).get("workloads") == [{"name": "frontend", "kind": "Deployment"}], "IPv6 source workload", f)
    check(f.get("destination", {}).get("podName") == "productcatalog-5f6b7-xyz12", "IPv6 destination pod", f)
    check("productcatalog.demo-app.svc.cluster.local" in f.get("destinationNames", []),
          "IPv6 destination not named from the AAAA answer", f)
aaaa = [f for f in flows if f.get("l7", {}).get("type") == "RESPONSE" and "AAAA" in f.get("l7", {}).get("dns", {}).get("qtypes", [])]
check(len(aaaa) >= 1 and any(norm(ip) == norm(PC6) for f in aaaa for ip in f["l7"]["dns"].get("ips", [])),
      f"no AAAA response carrying {PC6}")
for e in errors[:40]:
    print("  -", e)
summary = sorted(("%s %s %s" % (p, "reply" if r else "request", k), v) for (p, r, k), v in checked.items())
print(f"checked: {sum(checked.values())} flows: " + ", ".join(f"{k} x{v}" for k, v in summary))
sys.exit(1 if errors else 0)
PY
note "is_reply, traffic_direction, trace_observation_point, trace_reason, dual stack ok"

# ---- later fragments: no Layer4, not counted as ICMP ---------------------------------
/usr/bin/python3 - "$WORK/flows.jsonl" "$FE" "$PC" "$FE6" "$PC6" <<'PY' || fail "fragment checks (above)"
import ipaddress, json, sys
path, FE, PC, FE6, PC6 = sys.argv[1:]
norm = lambda a: str(ipaddress.ip_address(a))
flows = [json.loads(l)["flow"] for l in open(path) if '"flow"' in l]
errors = []
client = {norm(FE), norm(FE6)}
for f in flows:
    src = norm(f["IP"]["source"])
    l4 = f.get("l4", {})
    if src in client and l4.get("ICMPv4", {}).get("type", 0) == 0 and "ICMPv4" in l4:
        errors.append("an ICMPv4 echo reply from the client (a fragment given L4): " + json.dumps(f)[:400])
    if "ICMPv6" in l4 and l4["ICMPv6"].get("type", 0) == 0:
        errors.append("an ICMPv6 type 0 flow (a fragment given L4): " + json.dumps(f)[:400])
frag = [f for f in flows if "l4" not in f and f.get("IP", {}).get("source") and
        {norm(f["IP"]["source"]), norm(f["IP"]["destination"])} in ({norm(FE), norm(PC)}, {norm(FE6), norm(PC6)})]
fam = {f["IP"].get("ipVersion") for f in frag}
if fam != {"IPv4", "IPv6"}:
    errors.append(f"later fragments between the pods should be flows without l4 in both families, got {fam}")
for e in errors[:20]:
    print("  -", e)
print(f"{len(frag)} fragment flows without Layer4")
sys.exit(1 if errors else 0)
PY
ip netns exec "$(sandbox_ns node-a)" curl -sf "$(cluster_metrics_url node-a)" >"$WORK/metrics.txt" || fail "scrape /metrics"
echo_replies=$(jq -s --arg pc "$PC" '[.[] | .flow // empty | select(.IP.source == $pc and .l4.ICMPv4 and (.l4.ICMPv4.type // 0) == 0
                                 and any(.flowStats.reasons[]?; . == "new_flow"))] | length' "$WORK/flows.jsonl")
metric=$(awk '$1 ~ /^flows_icmp_total\{/ && /family="IPv4"/ && /type="EchoReply"/ {s += $NF} END {print s + 0}' "$WORK/metrics.txt")
[[ $metric == "$echo_replies" && $echo_replies -gt 0 ]] ||
  fail "icmp_total{IPv4,EchoReply} = $metric, but flowd has $echo_replies new echo-reply flows (fragments counted?)"
note "later fragments: no Layer4; icmp_total EchoReply = $metric = the echo-reply flows"

# ---- each exchange once (server-side filter), gRPC and CLI --------------------------
cluster_observe node-a flows --last 10000 --whitelist '[{"httpMethod": ["GET"]}]' >"$WORK/all_get.jsonl" ||
  fail "GetFlows http_method"
cluster_observe node-a flows --last 10000 --whitelist '[{"httpMethod": ["GET"], "primary": [true]}]' >"$WORK/once.jsonl" ||
  fail "GetFlows primary"
# (A response names its request's method, as in Hubble: count the requests.)
requests() { jq -s '[.[] | .flow // empty | select(.l7.type == "REQUEST")] | length' "$1"; }
all_get=$(requests "$WORK/all_get.jsonl") once=$(requests "$WORK/once.jsonl")
# 3 + 2 curl requests and 2 on the long connection; each seen at both veths.
[[ $all_get == 14 && $once == 7 ]] || fail "GET requests: $all_get sightings (want 14), $once with primary (want 7)"
jq -se --arg v "$V_FE" 'all(.[].flow; .interface.name == $v and .vantage == "CLIENT_SIDE" and .primary == true)' \
  "$WORK/once.jsonl" >/dev/null || fail "primary sightings are not all the client's veth: $(head -c 600 "$WORK/once.jsonl")"
SOCK=unix://$(cluster_flowd_socket node-a)
"$FLOWS_CLI" observe --server "$SOCK" --all --http-method GET --once -o json >"$WORK/cli_once.jsonl" || fail "flows observe --once"
[[ $(requests "$WORK/cli_once.jsonl") == 7 ]] || fail "flows observe --once: $(requests "$WORK/cli_once.jsonl") GET requests, want 7"
"$FLOWS_CLI" observe --server "$SOCK" --all --http-method GET -o compact >"$WORK/cli_all.txt" || fail "flows observe compact"
for side in "from-endpoint client-side" "to-endpoint server-side"; do
  grep -q "http-request $side FORWARDED" "$WORK/cli_all.txt" ||
    fail "no compact line says 'http-request $side': $(head -3 "$WORK/cli_all.txt")"
done
note "--once: $all_get sightings of GET requests, $once primary (client's veth); compact shows the side"

# ---- filters by IPv6 address and prefix ------------------------------------------------
cluster_observe node-a flows --last 10000 --whitelist "[{\"destinationIp\": [\"$PC6\"]}]" >"$WORK/to_pc6.jsonl" ||
  fail "GetFlows destination_ip IPv6"
jq -se --arg ip "$PC6" 'length > 0 and all(.[].flow; .IP.destination == $ip)' "$WORK/to_pc6.jsonl" >/dev/null ||
  fail "destination_ip $PC6: $(wc -l <"$WORK/to_pc6.jsonl") flows, not all to it"
"$FLOWS_CLI" observe --server "$SOCK" --all --from-ip "fd00:10:244:1::/64" --to-port 3550 -o json >"$WORK/cli_v6.jsonl" ||
  fail "flows observe --from-ip IPv6 prefix"
n6=$(jq -s 'length' "$WORK/cli_v6.jsonl")
jq -se 'length > 0 and all(.[].flow; .IP.ipVersion == "IPv6" and (.IP.source | startswith("fd00:10:244:1:")))' \
  "$WORK/cli_v6.jsonl" >/dev/null || fail "--from-ip fd00:10:244:1::/64 --to-port 3550: $n6 flows, not all IPv6 from the prefix"
"$FLOWS_CLI" observe --server "$SOCK" --all --ip "$PC6" --http-method GET -o compact >"$WORK/cli_v6.txt" ||
  fail "flows observe --ip IPv6"
grep -q "demo-app/frontend-7c9d8-abcde:[0-9]* -> demo-app/productcatalog-5f6b7-xyz12:3550 http-request" "$WORK/cli_v6.txt" ||
  fail "IPv6 HTTP not shown with pod names: $(head -3 "$WORK/cli_v6.txt")"
note "IPv6 filters: destination_ip (gRPC), --from-ip prefix ($n6 flows), --ip (CLI) ok"

sandbox_cleanup
trap - EXIT
note "PASS"
