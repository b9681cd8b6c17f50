#!/usr/bin/env bash
# flows-relay in front of real flowd nodes (tests/sandbox/cluster.sh): three
# sandbox nodes, each a network namespace running flowd, with an nginx pod
# each and a client pod on node-a calling all three. The relay is given one
# node's peer.Peer service (--peer-service node-a) and finds every node
# through it: each flowd announces the nodes where the API shows a flowd pod
# running (--peer-pods, the DaemonSet's pods), the way a relay pointed at one
# Cilium agent finds the cluster. Checked with the `flows` CLI against the
# relay:
#   - a node started while a follow stream is open joins that stream;
#   - the merged answer of a bounded query is in time order and comes from
#     all three nodes (number=N per node);
#   - flowd on node-b killed (-9) mid-stream: the follow stream reports
#     node-b unavailable within 5 s and goes on with node-a's flows;
#   - flowd on node-b started again: the stream announces it connected and
#     carries its flows again; `flows list nodes` shows it connected.
#
#   test_relay_sandbox.sh <build dir>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=$(cd "${1:?usage: $0 <build dir>}" && pwd)
FLOWS=$BUILD/cli/flows
RELAY=$BUILD/relay/flows-relay
FOLLOW_PID=""

fail() {
  echo "FAIL: test_relay_sandbox: $*" >&2
  if [[ -n ${SANDBOX_STATE_DIR:-} && -d $SANDBOX_STATE_DIR ]]; then
    for f in relay.log follow.err cluster/node-b/flowd.log; do
      [[ -f $SANDBOX_STATE_DIR/$f ]] && { echo "--- $f" >&2; tail -15 "$SANDBOX_STATE_DIR/$f" >&2; }
    done
  fi
  exit 1
}
note() { echo "test_relay_sandbox: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
for bin in "$FLOWS" "$RELAY"; do [[ -x $bin ]] || fail "$bin not built"; done
command -v nginx >/dev/null || fail "missing nginx"
command -v jq >/dev/null || fail "missing jq"

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
SANDBOX_ID="rl$$"
stop_follow() {
  if [[ -n $FOLLOW_PID ]]; then
    kill "$FOLLOW_PID" 2>/dev/null || true
    wait "$FOLLOW_PID" 2>/dev/null || true
  fi
  FOLLOW_PID=""
}
trap 'stop_follow; sandbox_cleanup' EXIT
cluster_init "$BUILD" || fail "cluster_init"
S=$SANDBOX_STATE_DIR

server_pod() { # <node> <key> <pod name>
  cluster_pod "$1" "$2" shop "$3" app=web StatefulSet/web || fail "pod $3"
  sandbox_nginx "$2" 80 /ok=200 || fail "nginx in $3"
  cluster_ip "$2" >>"$S/targets"
}
cluster_ip() { cluster_pod_ip "$1"; }

PEER_PODS=(--peer-pods "$CLUSTER_FLOWD_PODS")
cluster_flowd_pod node-a 1 || fail "flowd pod of node-a"
cluster_flowd_pod node-b 2 || fail "flowd pod of node-b"
cluster_node node-a 1 "${PEER_PODS[@]}" || fail "node-a"
cluster_node node-b 2 "${PEER_PODS[@]}" || fail "node-b"
cluster_pod node-a cl shop client-6b7c8-d9f0g app=client Deployment/client || fail "pod client"
: >"$S/targets"
server_pod node-a wa web-0
server_pod node-b wb web-1

# The relay, in the underlay namespace, given node-a's Peer service only.
sandbox_spawn_split "$(cluster_underlay_ns)" "$S/relay.out" "$S/relay.log" "$RELAY" \
  --unix-socket "$S/relay.sock" --listen-address 192.168.250.1:4245 --metrics-address 192.168.250.1:9966 \
  --peer-service "$(cluster_grpc_address node-a)" --peer-backoff-max 2 || fail "relay"
sandbox_wait_file "$S/relay.sock" 20 "$SANDBOX_LAST_PID" || fail "flows-relay did not start"
export FLOWS_SERVER=unix://$S/relay.sock

# The client: one GET to every server every 0.2 s (servers added later
# included: it rereads the target list).
cat >"$S/client.sh" <<EOF
#!/usr/bin/env bash
while :; do
  while read -r ip; do curl -s -o /dev/null --max-time 1 "http://\$ip/ok"; done <"$S/targets"
  sleep 0.2
done
EOF
sandbox_spawn "$(sandbox_ns cl)" "$S/client.out" bash "$S/client.sh"

# (-o json: flows on stdout, node status events on stderr, as in Hubble)
# Waits until <file> has, after its first [skip] lines, a line matching the
# jq condition; prints the seconds it took.
wait_json() { # <file> <jq condition> <timeout s> [skip]
  local start=$SECONDS
  while ((SECONDS - start < $3)); do
    if tail -n +"$((${4:-0} + 1))" "$1" 2>/dev/null | jq -e -n "[inputs | select($2)] | length > 0" >/dev/null 2>&1; then
      echo $((SECONDS - start))
      return 0
    fi
    sleep 0.2
  done
  return 1
}
nodes_connected() { # <n>: waits until the relay shows n nodes connected
  local i
  for ((i = 0; i < 150; i++)); do
    "$FLOWS" status 2>/dev/null | grep -Eq "Connected Nodes: *$1/" && return 0
    sleep 0.2
  done
  fail "the relay did not show $1 connected nodes: $("$FLOWS" status 2>&1)"
}
nodes_connected 2

# 1. A node that starts while a follow stream is open joins it.
"$FLOWS" observe --follow -o json >"$S/follow.json" 2>"$S/follow.err" &
FOLLOW_PID=$!
wait_json "$S/follow.json" '.node_name == "node-a"' 20 >/dev/null || fail "no flow from node-a in the follow stream"
wait_json "$S/follow.json" '.node_name == "node-b"' 20 >/dev/null || fail "no flow from node-b in the follow stream"
cluster_node node-c 3 "${PEER_PODS[@]}" || fail "node-c"
cluster_flowd_pod node-c 3 || fail "flowd pod of node-c"  # the DaemonSet's pod on the new node: node-a's flowd announces it
server_pod node-c wc web-2
t=$(wait_json "$S/follow.json" '.node_name == "node-c"' 30) || fail "node-c, started at run time, never appeared in the follow stream"
note "node-c started at run time, found through node-a's Peer service: its flows joined the open follow stream after ${t}s"
nodes_connected 3

# 2. A bounded query: time order across all three nodes, N per node (once
#    node-c, the latest, holds 100 flows).
for ((i = 0; i < 150; i++)); do
  (($("$FLOWS" observe --node-name node-c --last 100 -o json 2>/dev/null | grep -c '"flow"') == 100)) && break
  sleep 0.2
done
"$FLOWS" observe --last 100 -o json 2>"$S/cli.err" | jq -c 'select(.flow)' >"$S/last.json" ||
  fail "flows observe --last 100: $(cat "$S/cli.err")"
n=$(wc -l <"$S/last.json")
((n == 300)) || fail "--last 100 through the relay gave $n flows, expected 100 from each of 3 nodes"
jq -e -s '[.[].node_name] | unique == ["node-a", "node-b", "node-c"]' "$S/last.json" >/dev/null ||
  fail "--last 100 did not come from all three nodes"
jq -e -s '[.[].time] | . == sort' "$S/last.json" >/dev/null || {
  jq -r -s 'to_entries | map(select(.key > 0)) | .[] | .value.time + " " + .value.node_name' "$S/last.json" | head -5 >&2
  fail "the merged --last answer is not in time order"
}
note "--last 100: 300 flows, 100 from each node, merged in time order"

# 3. node-b's flowd killed mid-stream: reported within 5 s, the stream goes on.
status_before=$(wc -l <"$S/follow.err")
cluster_flowd_kill node-b KILL
killed_at=$(date +%s.%N)
t=$(wait_json "$S/follow.err" '.node_status.state_change == "NODE_UNAVAILABLE" and (.node_status.node_names | index("node-b") != null)' 10 "$status_before") ||
  fail "node-b's death was not reported on the follow stream within 10 s"
reported=$(date +%s.%N)
elapsed=$(awk -v a="$killed_at" -v b="$reported" 'BEGIN {printf "%.1f", b - a}')
awk -v e="$elapsed" 'BEGIN {exit !(e <= 5.0)}' || fail "node-b's death was reported after ${elapsed}s (> 5 s)"
wait_json "$S/follow.json" '.flow and .node_name == "node-a"' 10 "$(wc -l <"$S/follow.json")" >/dev/null ||
  fail "the follow stream stopped after node-b died"
"$FLOWS" list nodes >"$S/nodes.txt" 2>&1 || true
grep -Eq '^node-b +Unavailable' "$S/nodes.txt" || fail "flows list nodes does not show node-b unavailable: $(cat "$S/nodes.txt")"
note "node-b killed: NODE_UNAVAILABLE on the stream within ${elapsed}s, node-a's flows kept coming"

# 4. node-b back: connected again, its flows on the same stream.
lines_before=$(wc -l <"$S/follow.json")
status_before=$(wc -l <"$S/follow.err")
cluster_flowd_start node-b || fail "flowd on node-b did not start again"
t=$(wait_json "$S/follow.err" '.node_status.state_change == "NODE_CONNECTED" and (.node_status.node_names | index("node-b") != null)' 20 "$status_before") ||
  fail "node-b's return was not announced on the follow stream"
wait_json "$S/follow.json" '.flow and .node_name == "node-b"' 10 "$lines_before" >/dev/null ||
  fail "no flow from node-b on the follow stream after its restart"
nodes_connected 3
"$FLOWS" list nodes >"$S/nodes.txt" 2>&1 || fail "flows list nodes: $(cat "$S/nodes.txt")"
grep -Eq '^node-b +Connected' "$S/nodes.txt" || fail "node-b not connected again: $(cat "$S/nodes.txt")"
note "node-b restarted: announced connected after ${t}s, its flows back on the open stream"
stop_follow
echo "PASS: test_relay_sandbox"
