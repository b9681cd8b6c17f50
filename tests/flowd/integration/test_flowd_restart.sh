#!/usr/bin/env bash
# flowd survives kill -9 during traffic: on a sandbox cluster node with a
# deliberately small flow ring, flowd is killed while pods keep talking and
# started again with the Kubernetes API unreachable. Checked:
#   - the programs stayed attached: exactly one flows program per tcx hook on
#     the pod veths after the restart (no duplicates);
#   - records queued while flowd was down are delivered after the restart;
#   - what the full ring could not hold is reported as lost events
#     (ServerStatus, /metrics, the log), not silently absorbed;
#   - endpoints are intact: pod names, labels and workloads come from the
#     persisted registry, as the API is off; a pod added after the restart
#     is registered by the CNI and observed.
#
#   test_flowd_restart.sh <build dir>
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BUILD=$(cd "${1:?usage: $0 <build dir>}" && pwd)
fail() {
  echo "FAIL: test_flowd_restart: $*" >&2
  [[ -f ${SANDBOX_STATE_DIR:-/nonexistent}/cluster/node-a/flowd.log ]] && tail -20 "$SANDBOX_STATE_DIR/cluster/node-a/flowd.log" >&2
  [[ -n ${KEEP:-} ]] && cp -r "$SANDBOX_STATE_DIR" "$KEEP"
  exit 1
}
note() { echo "test_flowd_restart: $*"; }
[[ $(id -u) -eq 0 ]] || fail "must run as root; this test never skips"
[[ -x $BUILD/tests/tcx_helper ]] || fail "$BUILD/tests/tcx_helper not built"
command -v nginx >/dev/null || fail "missing nginx"

# shellcheck source=../../sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source=../../sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"
SANDBOX_ID="fr$$"
cluster_init "$BUILD" || fail "cluster_init"
WORK=$SANDBOX_STATE_DIR/test
mkdir -p "$WORK"

# 16 KiB of ring: a few dozen records. Enough while flowd drains it, far too
# little for the traffic of the downtime.
cluster_node node-a 1 --ring-bytes 16384 --stats-interval 0 || fail "node-a"
cluster_pod node-a cl shop client-6b7c8-d9f0g app=client Deployment/client || fail "pod client"
cluster_pod node-a web shop web-0 app=web StatefulSet/web || fail "pod web"
WEB=$(cluster_pod_ip web)
sandbox_nginx web 80 /ok=200 || fail "nginx"
cl() { ip netns exec "$(sandbox_ns cl)" "$@"; }
get() { cl curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$WEB/ok"; }
# <whitelist json> <n>: at least n flows of the filter in node-a's store
flows_at_least() {
  local n
  n=$(cluster_observe node-a flows --last 5000 --whitelist "$1" | grep -c '"flow"') || return 1
  ((n >= $2))
}
CLIENT_HTTP='[{"sourcePod": ["shop/client"], "eventType": [{"type": 129}]}]'
# The API's pods (labels, owners) applied and persisted: after the crash they
# come back from the state directory only.
sandbox_wait_until 20 "node-a's flowd to apply and persist the API's pods" cluster_pods_synced node-a client-6b7c8-d9f0g web-0 ||
  fail "pods not synced: $(cat "$SANDBOX_STATE_DIR/cluster/node-a/state/endpoints.json" 2>&1)"
for _ in 1 2 3; do [[ $(get) == 200 ]] || fail "GET before the restart"; done
sandbox_wait_until 20 "the three GETs before the restart to be observed" flows_at_least "$CLIENT_HTTP" 3 ||
  fail "the client's HTTP requests before the restart were not observed"

NODE_NS=$(sandbox_ns node-a)
# <veth>: "ingress <name>" / "egress <name>" lines of flows programs on its
# tcx hooks (the kernel keeps 15 characters of a program name)
flows_hooks() {
  nsenter --net="/run/netns/$NODE_NS" "$BUILD/tests/tcx_helper" chain "$1" | awk '$3 ~ /^flows_/ {print $1, $3}' | sort
}
for pod in cl web; do
  hooks=$(flows_hooks "$(sandbox_veth "$pod")")
  [[ $hooks == $'egress flows_tc_egress\ningress flows_tc_ingres' ]] || fail "hooks on $pod's veth before: $hooks"
done

# ---- kill -9 during traffic -------------------------------------------------
seen_flows() { cluster_observe node-a status | jq -er '.seenFlows // "0" | tonumber'; }
# <n>: flowd has seen more than n flows
seen_more_than() {
  local seen
  seen=$(seen_flows) || return 1
  ((seen > $1))
}
# Flow records the kernel could not reserve in node-a's ring (all CPUs): the
# pinned counters outlive flowd.
ring_reserve_failed() {
  bpftool -j map dump pinned "/sys/fs/bpf/flows-$SANDBOX_ID-node-a/flows_counters" |
    jq -e '[.[].formatted.values[].value.c[1]] | add'
}
# <n>: more than n records lost to the full ring
ring_lost_more_than() {
  local lost
  lost=$(ring_reserve_failed) || return 1
  ((lost > $1))
}
seen_before_load=$(seen_flows) || fail "ServerStatus before the load"
sandbox_spawn "$(sandbox_ns cl)" "$WORK/load.log" sh -c "while :; do curl -s -o /dev/null --max-time 2 http://$WEB/ok; done"
LOAD=$SANDBOX_LAST_PID
# "During traffic": the load's connections are reaching flowd.
sandbox_wait_until 20 "flowd to see the load's flows" seen_more_than $((seen_before_load + 20)) ||
  fail "the load's traffic never reached flowd"
lost_before_kill=$(ring_reserve_failed) || fail "read the pinned flows_counters (bpftool)"
killed_at=$(date +%s.%N)
cluster_flowd_kill node-a KILL
note "flowd killed (kill -9) during traffic"
# Nobody drains the ring now: the traffic fills it, and then the kernel counts
# what it cannot reserve. That is the gap the restart must report.
sandbox_wait_until 60 "the downtime's traffic to overflow the flow ring" ring_lost_more_than "$lost_before_kill" ||
  fail "the ring never overflowed while flowd was down (ring_reservation $(ring_reserve_failed))"
sandbox_kill "$LOAD"
CLUSTER_KUBERNETES=off cluster_flowd_start node-a || fail "restart"
restarted_at=$(date +%s.%N)
note "flowd restarted without the Kubernetes API"

for pod in cl web; do
  hooks=$(flows_hooks "$(sandbox_veth "$pod")")
  [[ $hooks == $'egress flows_tc_egress\ningress flows_tc_ingres' ]] || fail "hooks on $pod's veth after the restart: $hooks"
done
note "one flows program per tcx hook after the restart"

grep -q "records were lost while flowd was not running" "$SANDBOX_STATE_DIR/cluster/node-a/flowd.log" ||
  fail "the restart did not report the downtime's losses"
cluster_observe node-a status >"$WORK/status.json" || fail "ServerStatus"
lost=$(jq -r '[.flowsLostEvents[] | select(.source == "ring_reservation") | .count | tonumber] | add // 0' "$WORK/status.json")
((lost > 0)) || fail "no ring_reservation losses in ServerStatus: $(cat "$WORK/status.json")"
metrics=$(ip netns exec "$NODE_NS" curl -sf "$(cluster_metrics_url node-a)") || fail "scrape"
mlost=$(awk '$1 == "flows_lost_events_total{source=\"ring_reservation\"}" {print $2}' <<<"$metrics")
[[ ${mlost%.*} -ge $lost ]] || fail "/metrics ring_reservation losses '$mlost' < ServerStatus $lost"
# The flow table was never full: the entries flowd did not see born (their
# records lost in the full ring) or saw end while it was down are not
# evictions.
evicted=$(jq -r '[.flowsLostEvents[] | select(.source == "flow_table_evicted") | .count // "0" | tonumber] | add // 0' \
  "$WORK/status.json")
[[ $evicted == 0 ]] || fail "$evicted false evictions after the restart: $(cat "$WORK/status.json")"
note "the gap is reported: $lost records lost at ring reservation while flowd was down"

# Records queued in the ring while flowd was down come out after the restart.
cluster_observe node-a flows --last 5000 >"$WORK/after.jsonl" || fail "GetFlows"
/usr/bin/python3 - "$WORK/after.jsonl" "$killed_at" "$restarted_at" <<'PY' || fail "downtime flows"
import json, sys, datetime
path, killed, restarted = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
def ts(f):
    t = f["time"].rstrip("Z")
    base, _, frac = t.partition(".")
    return datetime.datetime.fromisoformat(base).replace(tzinfo=datetime.timezone.utc).timestamp() + float("0." + (frac or "0"))
flows = [json.loads(l)["flow"] for l in open(path) if '"flow"' in l]
gap = [f for f in flows if killed < ts(f) < restarted]
print(f"test_flowd_restart: {len(gap)} flows observed while flowd was down were delivered after the restart")
sys.exit(0 if gap else 1)
PY

# Identity from the persisted registry (the API is off now).
for _ in 1 2 3; do [[ $(get) == 200 ]] || fail "GET after the restart"; done
cluster_pod node-a late shop late-pod app=late || fail "pod added after the restart"
ip netns exec "$(sandbox_ns late)" curl -s -o /dev/null --max-time 5 "http://$WEB/ok" || fail "GET from the late pod"
# The flows of both are drained and named before they are checked below.
sandbox_wait_until 20 "the late pod's flows to be observed" flows_at_least '[{"sourcePod": ["shop/late-pod"]}]' 1 ||
  fail "no flow of the late pod"
sandbox_wait_until 20 "the client's HTTP after the restart to be observed" flows_at_least "$CLIENT_HTTP" 6 ||
  fail "the client's HTTP flows after the restart were not observed"
# The sweeper ends the downtime's thousands of connections now: ask for the
# flows of interest by filter rather than wading through their flow-end records.
cluster_observe node-a flows --last 50 --whitelist "$CLIENT_HTTP" >"$WORK/client.jsonl" || fail "GetFlows (client)"
cluster_observe node-a flows --last 50 --whitelist '[{"sourcePod": ["shop/late-pod"]}]' >"$WORK/late.jsonl" ||
  fail "GetFlows (late pod)"
/usr/bin/python3 - "$WORK/client.jsonl" "$WORK/late.jsonl" <<'PY' || fail "identity after the restart"
import json, sys
def flows(path):
    return [json.loads(l)["flow"] for l in open(path) if '"flow"' in l]
client, late = flows(sys.argv[1]), flows(sys.argv[2])
ok = len(client) >= 6 and all("k8s:app=client" in f["source"].get("labels", []) and
                              f["source"].get("workloads") == [{"name": "client", "kind": "Deployment"}] and
                              f["destination"].get("podName") == "web-0" for f in client)
print(f"test_flowd_restart: {len(client)} named HTTP flows of the client, {len(late)} flows of the late pod")
sys.exit(0 if ok and late else 1)
PY
note "endpoints intact after the restart; a new pod is registered by the CNI and observed"
note "PASS"
