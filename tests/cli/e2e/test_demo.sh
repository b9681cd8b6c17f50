#!/usr/bin/env bash
# `make demo` end to end, as a user would check it: the demo is started
# (scripts/demo.sh, non-interactive), its traffic generator is left running,
# then stopped so that what it produced can be counted, and the `flows` CLI
# is asked through flows-relay:
#   - `observe --from-pod demo-app/frontend --last 50 -o json`: frontend's
#     flows only, from both nodes, with pod names, labels, workloads, HTTP
#     method/URL and DNS query fields;
#   - `--to-pod demo-app/frontend --http-status 5+` seen on node-a counts
#     exactly the 500s the generator received, `--http-status 200` the 200s;
#   - `--not --http-path /products` counts exactly the other responses;
#   - DNS answers (productcatalog's IP) and the NXDOMAIN are there;
#   - `flows status` shows both nodes connected and each node's loss
#     counters; `flows list nodes` shows both connected;
#   - `make demo-down` (demo.sh --down) leaves no namespace, pin, state
#     directory or process behind.
#
#   test_demo.sh <build dir>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=$(cd "${1:?usage: $0 <build dir>}" && pwd)
FLOWS=$BUILD/cli/flows
DEMO_PID=""
S=""

fail() {
  echo "FAIL: test_demo: $*" >&2
  if [[ -n $S && -d $S ]]; then
    for f in demo.out relay.log cluster/node-a/flowd.log cluster/node-b/flowd.log traffic.out; do
      [[ -f $S/$f ]] && { echo "--- $f" >&2; tail -15 "$S/$f" >&2; }
    done
  fi
  exit 1
}
note() { echo "test_demo: $*"; }
cleanup() {
  if [[ -n $DEMO_PID ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -TERM "$DEMO_PID" 2>/dev/null || true
    wait "$DEMO_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
command -v jq >/dev/null || fail "missing jq"
[[ -x $FLOWS ]] || fail "$FLOWS not built"

# The demo, long enough for the checks; the test stops it with demo-down.
"$ROOT/scripts/demo.sh" "$BUILD" --duration 600 >"/tmp/flows-test-demo.$$.out" 2>&1 &
DEMO_PID=$!
S=/run/flows-demo/d$DEMO_PID
for ((i = 0; i < 1200; i++)); do
  [[ -S $S/relay.sock && -s $S/http.log ]] && break
  kill -0 "$DEMO_PID" 2>/dev/null || { cat "/tmp/flows-test-demo.$$.out" >&2; fail "the demo exited while starting"; }
  sleep 0.1
done
mv "/tmp/flows-test-demo.$$.out" "$S/demo.out"
[[ -s $S/http.log ]] || fail "the traffic generator made no HTTP request within 120 s"
export FLOWS_SERVER=unix://$S/relay.sock

# Let the story run: two full rounds of the generator's six paths at least.
for ((i = 0; i < 600; i++)); do
  (($(wc -l <"$S/http.log") >= 14)) && break
  sleep 0.1
done
(($(wc -l <"$S/http.log") >= 14)) || fail "the generator made fewer than 14 requests in 60 s"
touch "$S/traffic.stop"
for ((i = 0; i < 200; i++)); do
  [[ -e $S/traffic.stopped ]] && break
  sleep 0.1
done
[[ -e $S/traffic.stopped ]] || fail "the traffic generator did not stop"
sleep 2 # the last records through the ring, flowd and the relay
made_200=$(grep -c '^200$' "$S/http.log" || true)
made_404=$(grep -c '^404$' "$S/http.log" || true)
made_500=$(grep -c '^500$' "$S/http.log" || true)
total=$(wc -l <"$S/http.log")
((made_200 + made_404 + made_500 == total)) || fail "unexpected HTTP statuses: $(sort "$S/http.log" | uniq -c | tr '\n' ' ')"
note "the generator received $made_200 x 200, $made_404 x 404, $made_500 x 500"

observe() { "$FLOWS" observe "$@" 2>"$S/cli.err" || fail "flows observe $* failed: $(cat "$S/cli.err")"; }
# flows only (the relay sends its node list first)
observe_json() { observe -o json "$@" | jq -c 'select(.flow)'; }

# 1. the frontend's last flows
observe_json --from-pod demo-app/frontend --last 50 >"$S/frontend.json"
n=$(wc -l <"$S/frontend.json")
((n >= 50 && n <= 100)) || fail "--last 50 gave $n flows (50 per node, merged, expected 50..100)"
jq -e -s 'all(.flow.source.namespace == "demo-app" and (.flow.source.pod_name | startswith("frontend-")))' \
  "$S/frontend.json" >/dev/null || fail "--from-pod demo-app/frontend returned a flow from another pod"
jq -e -s 'all(.flow.source.labels | index("k8s:app=frontend") != null)' "$S/frontend.json" >/dev/null ||
  fail "frontend flows without the pod's labels: $(head -1 "$S/frontend.json")"
jq -e -s 'all(.flow.source.workloads[0] == {"name": "frontend", "kind": "Deployment"})' "$S/frontend.json" >/dev/null ||
  fail "frontend flows without the Deployment workload: $(jq -c '.flow.source.workloads' "$S/frontend.json" | sort -u)"
jq -e -s '[.[].node_name] | unique == ["node-a", "node-b"]' "$S/frontend.json" >/dev/null ||
  fail "the frontend's flows did not come from both nodes: $(jq -r .node_name "$S/frontend.json" | sort | uniq -c | tr '\n' ' ')"
jq -e -s 'any(.flow.l7.http.method == "GET" and (.flow.l7.http.url | test("^http://productcatalog\\.demo-app\\.svc\\.cluster\\.local:3550/"))
              and .flow.destination.pod_name != null and .flow.destination_service.name == "productcatalog")' \
  "$S/frontend.json" >/dev/null || fail "no HTTP request to productcatalog (method, URL, destination pod and service)"
jq -e -s 'any(.flow.l7.dns.query == "productcatalog.demo-app.svc.cluster.local." and .flow.l7.dns.qtypes == ["A"]
              and .flow.destination.namespace == "kube-system")' \
  "$S/frontend.json" >/dev/null || fail "no DNS query for productcatalog to kube-system/coredns"
note "--from-pod demo-app/frontend --last 50: $n flows from both nodes, labels, workloads, HTTP and DNS fields"

# 2. responses to the frontend, as node-a (the frontend's node) saw them:
#    one per request the generator made
count() { observe_json --all --node-name node-a --to-pod demo-app/frontend "$@" | wc -l; }
got_500=$(count --http-status 5+)
((got_500 == made_500)) || fail "--http-status 5+ gave $got_500 flows, the generator received $made_500 500s"
got_200=$(count --http-status 200)
((got_200 == made_200)) || fail "--http-status 200 gave $got_200 flows, the generator received $made_200 200s"
got_not=$(count --protocol http --not --http-path /products)
((got_not == made_404 + made_500)) ||
  fail "--not --http-path /products gave $got_not responses, expected the $((made_404 + made_500)) 404s and 500s"
observe_json --all --node-name node-a --to-pod demo-app/frontend --http-status 5+ >"$S/5xx.json"
jq -e -s 'all(.flow.l7.type == "RESPONSE" and .flow.l7.http.code == 500 and .flow.l7.http.method == "GET"
              and (.flow.l7.http.url | endswith("/error")) and (.flow.l7.latency_ns | tonumber) > 0
              and .flow.traffic_direction == "EGRESS" and .flow.source.pod_name != null)' "$S/5xx.json" >/dev/null ||
  fail "a 5xx response without its request (GET .../error), latency or the connection's direction: $(head -1 "$S/5xx.json")"
note "node-a: --http-status 5+ = $got_500, --http-status 200 = $got_200, --not --http-path /products = $got_not (as generated)"

# 2b. each exchange once, cluster-wide through the relay: a response is seen
#     at the productcatalog pod's veth and again at the frontend's; --once
#     keeps the frontend's (the client's) sighting only.
all_500=$(observe_json --all --to-pod demo-app/frontend --http-status 5+ | wc -l)
once_500=$(observe_json --all --to-pod demo-app/frontend --http-status 5+ --once | wc -l)
((once_500 == made_500 && all_500 > once_500)) ||
  fail "--once: $once_500 of $all_500 sightings of 5xx responses, the generator received $made_500 500s"
observe_json --all --to-pod demo-app/frontend --http-status 5+ --once >"$S/once.json"
jq -e -s 'all(.flow.node_name == "node-a" and .flow.vantage == "CLIENT_SIDE" and .flow.primary == true)' \
  "$S/once.json" >/dev/null || fail "--once kept a sighting that is not the frontend's veth: $(head -1 "$S/once.json")"
note "--once through the relay: $once_500 of $all_500 sightings of 5xx responses (one per response)"

# 3. DNS answers and the NXDOMAIN
PC=$(jq -r -s 'map(select(.flow.destination.pod_name // "" | startswith("productcatalog-")))[0].flow.IP.destination' "$S/frontend.json")
observe_json --all --node-name node-a --to-pod demo-app/frontend --protocol dns >"$S/dns.json"
jq -e -s --arg pc "$PC" 'any((.flow.l7.dns.rcode // 0) == 0 and ((.flow.l7.dns.ips // []) | index($pc) != null)
                            and .flow.source.namespace == "kube-system")' "$S/dns.json" >/dev/null ||
  fail "no DNS answer giving productcatalog's address $PC"
jq -e -s 'any(.flow.l7.dns.rcode == 3 and .flow.l7.dns.query == "paymentservice.demo-app.svc.cluster.local.")' "$S/dns.json" >/dev/null ||
  fail "no NXDOMAIN for paymentservice"
note "DNS: answers with $PC and the NXDOMAIN for paymentservice"

# 4. both nodes, in status and in the node list
"$FLOWS" status >"$S/status.txt" 2>&1 || fail "flows status failed: $(cat "$S/status.txt")"
grep -Eq 'Connected Nodes: *2/2' "$S/status.txt" || fail "flows status does not show 2/2 nodes: $(cat "$S/status.txt")"
# Every place a node can lose events is a line, zeros included.
for node in node-a node-b; do
  for source in ring_reservation flow_table flow_table_evicted malformed ipv6_ext_limit l7_truncated l7_scratch \
    l7_parse l7_unanswered l7_pairing_full decode client; do
    grep -Eq "^ +$source: +[0-9,]+ +\($node\)" "$S/status.txt" ||
      fail "flows status does not show $node's $source losses: $(cat "$S/status.txt")"
  done
  # The demo never fills a 65536-entry table: an eviction would be a false one.
  grep -Eq "^ +flow_table_evicted: +0 +\($node\)" "$S/status.txt" ||
    fail "$node reports evictions from a table that was never full: $(cat "$S/status.txt")"
done
"$FLOWS" list nodes >"$S/nodes.txt" 2>&1 || fail "flows list nodes failed: $(cat "$S/nodes.txt")"
for node in node-a node-b; do
  grep -Eq "^$node +Connected" "$S/nodes.txt" || fail "$node not connected in 'flows list nodes': $(cat "$S/nodes.txt")"
done
"$FLOWS" observe --from-pod demo-app/frontend --last 3 --print-node-name >"$S/compact.txt" 2>&1 || fail "compact output"
grep -q '^node-[ab] ' "$S/compact.txt" || grep -q ' \[node-[ab]\]' "$S/compact.txt" || grep -q 'node-[ab]' "$S/compact.txt" ||
  fail "--print-node-name shows no node name: $(cat "$S/compact.txt")"
note "flows status: 2/2 nodes and each node's loss counters; list nodes: node-a and node-b connected"

# 5. demo-down removes everything
"$ROOT/scripts/demo.sh" --down >/dev/null || fail "demo.sh --down failed"
for ((i = 0; i < 100; i++)); do kill -0 "$DEMO_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DEMO_PID" 2>/dev/null && fail "the demo (pid $DEMO_PID) still runs after demo-down"
DEMO_PID=""
ID=${S##*/}
left=$(ip netns list | awk '{print $1}' | grep "^$ID-" || true)
[[ -z $left ]] || fail "namespaces left after demo-down: $left"
pins=$(ls -d /sys/fs/bpf/flows-"$ID"-* 2>/dev/null || true)
[[ -z $pins ]] || fail "bpffs pins left: $pins"
[[ ! -e $S ]] || fail "state left: $S"
procs=$(pgrep -f "$S" || true)
[[ -z $procs ]] || fail "processes left: $(ps -o pid,args -p "${procs//$'\n'/,}")"
note "demo-down: no namespace, pin, state or process left"
echo "PASS: test_demo"
