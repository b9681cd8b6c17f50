#!/usr/bin/env bash
# Pods that went away while nobody was listening, with a real flowd on a
# sandbox node (tests/sandbox/cluster.sh), the real bridge + host-local
# plugins and flows-cni:
#
#   1. a DEL flowd never hears (the pod's network torn down by a conflist
#      without flows-cni): flowd forgets the pod once its veth goes;
#   2. a DEL while flowd is down: the restarted flowd forgets the restored
#      endpoint whose veth is gone, and removes that veth's pinned tcx
#      links (left pinned, detached, by keep-attached), keeping a live
#      pod's endpoint and pins;
#   3. with the Kubernetes API on (a second node): a missed DEL drops the
#      CNI's part (sandbox, interface), but the pod the API still lists as
#      running with that IP keeps its name until the API deletes it.
#
# Parts 1 and 2 run with the API off (CLUSTER_KUBERNETES=off): the CNI is
# the only word on those pods, so nothing else can make them go.
#
#   test_cni_lifecycle.sh <build dir>
#
# Needs root; fails, never skips.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=${1:?usage: $0 <build dir>}
fail() {
  echo "FAIL: test_cni_lifecycle: $*" >&2
  [[ -f ${D:-}/flowd.log ]] && { echo "--- flowd.log" >&2; tail -20 "$D/flowd.log" >&2; }
  exit 1
}
note() { echo "test_cni_lifecycle: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
SANDBOX_ID="cl$$"
export CLUSTER_KUBERNETES=off
cluster_init "$BUILD" || fail "cluster_init"
cluster_node node-a 1 || fail "node-a"
D=$SANDBOX_STATE_DIR/cluster/node-a
NODE_NS=$(sandbox_ns node-a)
PINS=/sys/fs/bpf/flows-$SANDBOX_ID-node-a/links

# flowd writes its registry to this file every second.
endpoint_of() { # <pod key>: the container's endpoint is in flowd's registry
  jq -e --arg c "ctr-$1-$SANDBOX_ID" '[.endpoints[] | select(.container_id == $c)] | length == 1' \
    "$D/state/endpoints.json" >/dev/null 2>&1
}
no_endpoint_of() { ! endpoint_of "$1" && [[ -s $D/state/endpoints.json ]]; }
veth_of() { awk -v k="$1" '$1 == k {print $3}' "$SANDBOX_STATE_DIR/pods"; }
ip_of() { awk -v k="$1" '$1 == k {print $4}' "$SANDBOX_STATE_DIR/pods" | cut -d/ -f1; }
named() { # <ip>: an endpoint holds the address
  jq -e --arg ip "$1" '[.endpoints[] | select(.ips | index($ip))] | length > 0' "$D/state/endpoints.json" >/dev/null
}
pinned() { [[ -e $PINS/$1@tc-ingress && -e $PINS/$1@tc-egress ]]; }
unpinned() { [[ ! -e $PINS/$1@tc-ingress && ! -e $PINS/$1@tc-egress ]]; }
# The runtime tearing a pod's network down with <conflist> (its cached ADD result).
runtime_del() { # <pod key> <conflist>
  ip netns exec "$NODE_NS" env RT_CONTAINERID="ctr-$1-$SANDBOX_ID" RT_NETNS="/run/netns/$(sandbox_ns "$1")" \
    RT_IFNAME=eth0 RT_CNI_PATH="$SANDBOX_STATE_DIR/cluster/bin" RT_ARGS="IgnoreUnknown=1" \
    /usr/bin/python3 "$ROOT/tests/sandbox/mini_runtime.py" DEL "$2" "$D/cni-$1" 2>"$D/del-$1.err" ||
    fail "DEL of $1 failed: $(cat "$D/del-$1.err")"
}
# The same network, without flows-cni: a DEL flowd never hears about.
jq '.plugins |= map(select(.type != "flows-cni"))' "$D/net.conflist" >"$D/net-without-flows.conflist"

# ---- 1. a missed DEL, flowd running -------------------------------------
cluster_pod node-a p1 shop web-1 "" || fail "pod p1"
cluster_pod node-a keep shop web-keep "" || fail "pod keep"
sandbox_wait_until 10 "p1 and keep registered" bash -c "$(declare -f endpoint_of); D=$D SANDBOX_ID=$SANDBOX_ID; endpoint_of p1 && endpoint_of keep" ||
  fail "pods never registered: $(cat "$D/state/endpoints.json" 2>&1)"
P1_IP=$(ip_of p1)
named "$P1_IP" || fail "p1's address is not named"
runtime_del p1 "$D/net-without-flows.conflist"
ip -n "$NODE_NS" link show "$(veth_of p1)" >/dev/null 2>&1 && fail "the bridge plugin left p1's veth"
sandbox_wait_until 10 "flowd to forget p1" bash -c "$(declare -f endpoint_of no_endpoint_of); D=$D SANDBOX_ID=$SANDBOX_ID; no_endpoint_of p1" ||
  fail "flowd still names p1 after its veth went: $(cat "$D/state/endpoints.json")"
named "$P1_IP" && fail "p1's address still carries a name"
endpoint_of keep || fail "a live pod was forgotten"
grep -q "forgot 1 known pod(s) whose interface is gone" "$D/flowd.log" || fail "the forgetting was not logged"
note "missed DEL (network without flows-cni): p1 forgotten once its veth went; keep kept"

# ---- 2. a DEL while flowd is down ---------------------------------------
cluster_pod node-a p2 shop web-2 "" || fail "pod p2"
sandbox_wait_until 10 "p2 registered" bash -c "$(declare -f endpoint_of); D=$D SANDBOX_ID=$SANDBOX_ID; endpoint_of p2" ||
  fail "p2 never registered"
P2_VETH=$(veth_of p2) KEEP_VETH=$(veth_of keep)
sandbox_wait_until 10 "p2's links pinned" bash -c "[[ -e $PINS/$P2_VETH@tc-ingress && -e $PINS/$P2_VETH@tc-egress ]]" ||
  fail "p2's links were never pinned: $(ls "$PINS")"
pinned "$KEEP_VETH" || fail "keep's links are not pinned: $(ls "$PINS")"
cluster_flowd_kill node-a || fail "stop flowd"
runtime_del p2 "$D/net.conflist"  # flows-cni: flowd not reachable, exit 0
grep -q "flowd not reachable" "$D/cni-p2/1-flows-cni-DEL.err" ||
  fail "flows-cni did not log flowd's absence: $(cat "$D/cni-p2/1-flows-cni-DEL.err")"
ip -n "$NODE_NS" link show "$P2_VETH" >/dev/null 2>&1 && fail "the bridge plugin left p2's veth"
pinned "$P2_VETH" || fail "precondition: p2's links should still be pinned (keep-attached) before flowd restarts"
jq -e --arg c "ctr-p2-$SANDBOX_ID" '[.endpoints[] | select(.container_id == $c)] | length == 1' "$D/state/endpoints.json" >/dev/null ||
  fail "precondition: the saved registry should still hold p2"
cluster_flowd_start node-a || fail "restart flowd"
unpinned "$P2_VETH" || fail "the restarted flowd left p2's pinned links: $(ls "$PINS")"
pinned "$KEEP_VETH" || fail "the restarted flowd removed a live pod's pins: $(ls "$PINS")"
grep -q "removed the pinned link $P2_VETH@tc-ingress" "$D/flowd.log" || fail "pin removal not logged"
grep -q "forgot 1 restored pod(s)" "$D/flowd.log" || fail "restored endpoint not forgotten at start"
sandbox_wait_until 10 "flowd to save its registry without p2" bash -c "$(declare -f endpoint_of no_endpoint_of); D=$D SANDBOX_ID=$SANDBOX_ID; no_endpoint_of p2" ||
  fail "flowd still names p2 after a restart: $(cat "$D/state/endpoints.json")"
endpoint_of keep || fail "keep forgotten across the restart"
note "DEL while flowd was down: p2 forgotten and its pins removed at restart; keep kept"

# ---- 3. the API's word, when it is on -------------------------------------
export CLUSTER_KUBERNETES=on
cluster_node node-b 2 || fail "node-b"
D=$SANDBOX_STATE_DIR/cluster/node-b
NODE_NS=$(sandbox_ns node-b)
jq '.plugins |= map(select(.type != "flows-cni"))' "$D/net.conflist" >"$D/net-without-flows.conflist"
cluster_pod node-b p3 shop web-3 app=web || fail "pod p3"
sandbox_wait_until 20 "node-b's flowd to merge p3 (CNI and API)" bash -c "jq -e --arg c ctr-p3-$SANDBOX_ID \
  '[.endpoints[] | select(.container_id == \$c and (.sources | index(\"kubernetes\")))] | length == 1' \
  $D/state/endpoints.json" >/dev/null || fail "p3 never merged: $(cat "$D/state/endpoints.json" 2>&1)"
P3_IP=$(ip_of p3)
runtime_del p3 "$D/net-without-flows.conflist"
sandbox_wait_until 10 "node-b's flowd to drop p3's sandbox" bash -c "$(declare -f endpoint_of no_endpoint_of); D=$D SANDBOX_ID=$SANDBOX_ID; no_endpoint_of p3" ||
  fail "p3's sandbox outlived its veth: $(cat "$D/state/endpoints.json")"
jq -e --arg ip "$P3_IP" '[.endpoints[] | select((.ips | index($ip)) and .pod_name == "web-3"
    and (.host_ifname // "") == "" and (.sources | index("cni") | not))] | length == 1' "$D/state/endpoints.json" >/dev/null ||
  fail "the API still lists p3 with $P3_IP, so its name should stay: $(cat "$D/state/endpoints.json")"
cluster_api '{"op": "delete", "resource": "pods", "namespace": "shop", "name": "web-3"}' || fail "API delete"
sandbox_wait_until 10 "node-b's flowd to forget p3 once the API deletes it" \
  bash -c "$(declare -f named); D=$D; [[ -s $D/state/endpoints.json ]] && ! named $P3_IP" ||
  fail "p3 outlived its Pod object: $(cat "$D/state/endpoints.json")"
note "API on: a missed DEL drops the sandbox, the API's pod keeps its name until the API deletes it"
note "PASS"
