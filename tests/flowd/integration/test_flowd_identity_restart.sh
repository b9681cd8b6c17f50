#!/usr/bin/env bash
# Identity stays true across a flowd restart: on a sandbox cluster node,
#   - a pod's namespace labels reach its flows the way Hubble shows them
#     (k8s:io.cilium.k8s.namespace.labels.<key>=<value>, the API server's
#     kubernetes.io/metadata.name included);
#   - a pod deleted from the API while flowd was down does not keep its name:
#     flowd restores its registry from disk at start, and the first Pod list
#     must prune what it no longer contains (its address may already be
#     another pod's). Traffic to the old address after the restart is
#     unnamed, and endpoints.json no longer lists the pod;
#   - Services persisted: services.json holds the API's Service after the
#     restart.
#
#   test_flowd_identity_restart.sh <build dir>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=$(cd "${1:?usage: $0 <build dir>}" && pwd)
fail() {
  echo "FAIL: test_flowd_identity_restart: $*" >&2
  [[ -f ${SANDBOX_STATE_DIR:-/nonexistent}/cluster/node-a/flowd.log ]] && tail -20 "$SANDBOX_STATE_DIR/cluster/node-a/flowd.log" >&2
  exit 1
}
note() { echo "test_flowd_identity_restart: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
command -v nginx >/dev/null || fail "missing nginx"
command -v jq >/dev/null || fail "missing jq"

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
SANDBOX_ID="fi$$"
trap 'sandbox_cleanup' EXIT
cluster_init "$BUILD" || fail "cluster_init"
WORK=$SANDBOX_STATE_DIR/test
mkdir -p "$WORK"
STATE=$SANDBOX_STATE_DIR/cluster/node-a/state

cluster_api '{"op": "add", "resource": "namespaces", "object": {"metadata": {"name": "shop", "labels": {"team": "payments"}}}}' ||
  fail "namespace shop"
cluster_node node-a 1 || fail "node-a"
cluster_pod node-a cl shop client-6b7c8-d9f0g app=client Deployment/client || fail "pod client"
cluster_pod node-a web shop web-0 app=web StatefulSet/web || fail "pod web"
cluster_service shop web 10.96.0.20 80 web || fail "service web"
WEB=$(cluster_pod_ip web)
sandbox_nginx web 80 /ok=200 || fail "nginx"
get() { ip netns exec "$(sandbox_ns cl)" curl -s -o /dev/null --max-time 5 "http://$WEB/ok" || true; }
sandbox_wait_until 20 "node-a's flowd to apply and persist the API's pods" cluster_pods_synced node-a client-6b7c8-d9f0g web-0 ||
  fail "pods not synced: $(cat "$STATE/endpoints.json" 2>&1)"

# <jq condition on .flow>: a flow to web's address matching it is in the store
to_web() {
  get
  cluster_observe node-a flows --last 5000 --whitelist "[{\"destinationIp\": [\"$WEB\"]}]" |
    jq -e -s "map(select(.flow) | .flow) | any($1)" >/dev/null 2>&1
}
NS_LABELS='(.source.labels // []) as $l | ($l | index("k8s:io.cilium.k8s.namespace.labels.team=payments")) != null
           and ($l | index("k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop")) != null'
sandbox_wait_until 20 "a named flow to web-0 carrying shop's namespace labels" \
  to_web "(.destination.podName == \"web-0\") and $NS_LABELS" ||
  fail "no flow to web-0 with the namespace labels: $(cluster_observe node-a flows --last 3 | tail -1)"
note "flows carry the namespace's labels as Hubble does (k8s:io.cilium.k8s.namespace.labels.team=payments)"
sandbox_wait_until 10 "services.json to hold shop/web" \
  jq -e '.services | any(.namespace == "shop" and .name == "web" and .cluster_ips == ["10.96.0.20"])' "$STATE/services.json" ||
  fail "services.json: $(cat "$STATE/services.json" 2>&1)"
jq -e '.namespaces | any(.name == "shop" and .labels.team == "payments")' "$STATE/namespaces.json" >/dev/null ||
  fail "namespaces.json: $(cat "$STATE/namespaces.json" 2>&1)"

# ---- web-0 deleted from the API while flowd is down ---------------------------
# (flowd's store is in memory: every flow read after the restart was named by
# the restarted flowd, whose registry came from disk and then the API.)
cluster_flowd_kill node-a
jq -e '.endpoints | any(.pod_name == "web-0")' "$STATE/endpoints.json" >/dev/null ||
  fail "web-0 was not in the persisted registry before the restart"
cluster_api '{"op": "delete", "resource": "pods", "namespace": "shop", "name": "web-0"}' || fail "delete web-0"
cluster_flowd_start node-a || fail "restart"
note "web-0 deleted from the API while flowd was down; flowd restarted"

# Its address (still answering: nothing took it over here) is unnamed now.
sandbox_wait_until 20 "a flow to web-0's old address after the restart" to_web "true" ||
  fail "no flow to $WEB after the restart"
cluster_observe node-a flows --last 5000 --whitelist "[{\"destinationIp\": [\"$WEB\"]}]" >"$WORK/after.jsonl" ||
  fail "GetFlows"
jq -e -s 'map(select(.flow) | .flow) | all((.destination.podName // "") == "")' "$WORK/after.jsonl" >/dev/null ||
  fail "a pod deleted while flowd was down still names its address after the restart: $(grep -m1 web-0 "$WORK/after.jsonl")"
sandbox_wait_until 10 "endpoints.json to forget web-0" \
  jq -e '.endpoints | all(.pod_name != "web-0")' "$STATE/endpoints.json" ||
  fail "endpoints.json still lists web-0: $(cat "$STATE/endpoints.json")"
grep -q "no longer in the API's list: forgotten" "$SANDBOX_STATE_DIR/cluster/node-a/flowd.log" ||
  fail "the pruning was not logged"
jq -e '.services | any(.name == "web")' "$STATE/services.json" >/dev/null || fail "services.json lost shop/web"
note "after the restart: web-0's address is unnamed, endpoints.json forgot it, the log says so"
echo "PASS: test_flowd_identity_restart"
