#!/usr/bin/env bash
# demo.sh <builddir> [--duration S]             start the demo (make demo)
# demo.sh --down                                remove a running demo (make demo-down)
#
# The cluster in a box (tests/sandbox/cluster.sh): two "nodes" -- network
# namespaces joined by an underlay bridge, each with its CNI bridge and its
# own flowd -- whose pods are network namespaces made by the real CNI
# plugins (bridge + host-local) with flows-cni chained, Kubernetes metadata
# (labels, owners, Services) from the scripted API server, and flows-relay
# merging both nodes' flows. The seed application:
#   node-a  demo-app/frontend        a traffic generator: DNS lookups (one for a
#                                    name that does not exist: NXDOMAIN), HTTP
#                                    calls answering 200/404/500, and now and
#                                    then a connection to a closed port (refused)
#           kube-system/coredns      dnsmasq for *.cluster.local
#   node-b  demo-app/productcatalog  nginx on :3550
#           monitoring/prober        checks productcatalog's /healthz
# Then `flows observe --from-pod demo-app/frontend --follow` against the
# relay. Ctrl-C (or `make demo-down` from another terminal, which finds the
# demo through /run/flows-demo/) removes every namespace, link, process and
# bpffs pin it made. Nothing is added to the root network namespace: no
# traffic leaves.
#
# --duration S  run S seconds without following, then stop (non-interactive;
#               tests/cli/e2e/test_demo.sh drives the demo this way)
#
# The state of a run lives in /run/flows-demo/d<pid>/: relay.sock (the relay,
# FLOWS_SERVER), http.log (every HTTP status the generator received, one per
# line); touching traffic.stop makes the generator finish its round and
# write traffic.stopped, so what it made can be counted.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_ROOT=/run/flows-demo
DOMAIN=demo-app.svc.cluster.local
RELAY_ADDR=192.168.250.1:4245

die() {
  echo "demo: $*" >&2
  exit 1
}

usage() {
  sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}/usage: /' >&2
  exit 2
}

[[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces and BPF need CAP_NET_ADMIN and CAP_BPF)"

# shellcheck source-path=SCRIPTDIR source=../tests/sandbox/sandbox.sh
source "$ROOT/tests/sandbox/sandbox.sh"
# shellcheck source-path=SCRIPTDIR source=../tests/sandbox/cluster.sh
source "$ROOT/tests/sandbox/cluster.sh"

starttime() { sandbox__starttime "$1"; }

# ---------------------------------------------------------------- demo-down
down() {
  local found=0 dir pid st i
  shopt -s nullglob
  for dir in "$STATE_ROOT"/*/; do
    dir=${dir%/}
    [[ -f $dir/id ]] || continue
    found=1
    read -r pid st <"$dir/owner" 2>/dev/null || pid=""
    if [[ -n $pid ]] && [[ $(starttime "$pid" 2>/dev/null) == "$st" ]]; then
      echo "demo: stopping the demo (pid $pid) of run $(cat "$dir/id")"
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 200; i++)); do
        [[ $(starttime "$pid" 2>/dev/null) == "$st" ]] || break
        sleep 0.05
      done
    fi
    if [[ -d $dir ]]; then
      # The owner is gone (or did not finish): clean up from its state.
      echo "demo: removing what run $(cat "$dir/id") left: $(paste -sd' ' "$dir/netns" 2>/dev/null)"
      SANDBOX_STATE_DIR=$dir SANDBOX_ID=$(cat "$dir/id") sandbox_cleanup
    fi
  done
  rmdir "$STATE_ROOT" 2>/dev/null || true
  ((found)) || echo "demo: no demo running"
  return 0
}

if [[ ${1:-} == --down ]]; then
  [[ $# -eq 1 ]] || usage
  down
  exit 0
fi

# ---------------------------------------------------------------- demo-up
BUILD=${1:-}
[[ -n $BUILD && $BUILD != -* ]] || usage
shift
DURATION=0
while (($#)); do
  case $1 in
    --duration) DURATION=${2:-}; shift 2 || usage ;;
    *) usage ;;
  esac
done
[[ $DURATION =~ ^[0-9]+$ ]] || die "--duration needs a whole number of seconds"
BUILD=$(cd "$BUILD" && pwd) || die "no build directory $BUILD"
FLOWS=$BUILD/cli/flows
RELAY=$BUILD/relay/flows-relay
for bin in "$FLOWS" "$RELAY" "$BUILD/flowd/daemon/flowd" "$BUILD/flowd/cni/flows-cni"; do
  [[ -x $bin ]] || die "$bin is not built (make build)"
done
for tool in ip ss nsenter nginx dnsmasq curl dig; do
  command -v "$tool" >/dev/null || die "missing '$tool': run scripts/install-deps.sh"
done
mountpoint -q /sys/fs/bpf || die "/sys/fs/bpf is not a bpffs mount (mount -t bpf bpf /sys/fs/bpf)"

# Clear what a killed demo left (its owner is gone); running demos are left
# alone -- each run has its own namespaces, pins and state directory.
shopt -s nullglob
for dir in "$STATE_ROOT"/*/; do
  read -r pid st <"${dir}owner" 2>/dev/null || pid=""
  if [[ -n $pid && $(starttime "$pid" 2>/dev/null) == "$st" ]]; then
    echo "demo: note: another demo is running (pid $pid); make demo-down stops every demo"
    continue
  fi
  echo "demo: clearing what a dead demo left (${dir%/})"
  SANDBOX_STATE_DIR=${dir%/} SANDBOX_ID=$(cat "${dir}id" 2>/dev/null || echo x) sandbox_cleanup
done
shopt -u nullglob

SANDBOX_ID="d$$"
SANDBOX_STATE_DIR="$STATE_ROOT/$SANDBOX_ID"
SANDBOX_NO_TRAP=1
mkdir -p "$STATE_ROOT"
S=$SANDBOX_STATE_DIR
WAIT_PID=""
finish() {
  trap - EXIT INT TERM
  [[ -n $WAIT_PID ]] && kill "$WAIT_PID" 2>/dev/null
  echo >&2
  echo "demo: removing namespaces, processes and pins of run $SANDBOX_ID..." >&2
  sandbox_cleanup
  rmdir "$STATE_ROOT" 2>/dev/null || true
  echo "demo: done" >&2
}
trap finish EXIT
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
cluster_init "$BUILD" || die "could not start the API server"
echo "$$ $(starttime $$)" >"$S/owner"

echo "demo: starting two nodes, each with flowd (run $SANDBOX_ID)..."
# Each flowd announces the nodes where the API shows a flowd pod (the
# DaemonSet's), so the relay is given one node's Peer service and finds both.
# Traffic metrics name who sends to whom by workload.
NODE_ARGS=(--flow-idle-timeout 10 --peer-pods "$CLUSTER_FLOWD_PODS"
  --metrics-context "traffic:source=workload,destination=workload")
cluster_flowd_pod node-a 1 && cluster_flowd_pod node-b 2 || die "flowd pods"
cluster_node node-a 1 "${NODE_ARGS[@]}" || die "node-a did not start"
cluster_node node-b 2 "${NODE_ARGS[@]}" || die "node-b did not start"
echo "demo: starting flows-relay (given node-a's Peer service only)..."
sandbox_spawn_split "$(cluster_underlay_ns)" "$S/relay.out" "$S/relay.log" "$RELAY" \
  --listen-address "$RELAY_ADDR" --unix-socket "$S/relay.sock" --metrics-address 192.168.250.1:9966 \
  --peer-service "$(cluster_grpc_address node-a)" || die "relay"
sandbox_wait_file "$S/relay.sock" 20 "$SANDBOX_LAST_PID" || { cat "$S/relay.log" >&2; die "flows-relay did not start"; }
export FLOWS_SERVER="unix://$S/relay.sock"
both_nodes() { "$FLOWS" status 2>/dev/null | grep -Eq 'Connected Nodes: *2/2'; }
sandbox_wait_until 30 "the relay to find both nodes" both_nodes || { cat "$S/relay.log" >&2; die "relay"; }

echo "demo: creating pods through the CNI chain (bridge, host-local, flows-cni)..."
cluster_pod node-a fe demo-app frontend-7c9d8b5f4-x2x9k app=frontend,tier=web Deployment/frontend || die "pod"
cluster_pod node-a dns kube-system coredns-5d78c9869d-hq4vz k8s-app=kube-dns Deployment/coredns || die "pod"
cluster_pod node-b pc demo-app productcatalog-6c8f9d7b5-k7p2m app=productcatalog Deployment/productcatalog || die "pod"
cluster_pod node-b probe monitoring prober-0 app=prober StatefulSet/prober || die "pod"
FE=$(cluster_pod_ip fe) PC=$(cluster_pod_ip pc) DNS=$(cluster_pod_ip dns)
cluster_service demo-app productcatalog 10.96.0.50 3550 pc || die "service"
cluster_service kube-system kube-dns 10.96.0.10 53 dns || die "service"
sandbox_nginx pc 3550 /products=200 /missing=404 /error=500 /healthz=200 || die "nginx"
sandbox_dns dns cluster.local "productcatalog.$DOMAIN=$PC" "frontend.$DOMAIN=$FE" || die "dnsmasq"

# The traffic generator: what a frontend does all day, plus some failures.
# Every HTTP status it gets is appended to http.log (tests count them).
cat >"$S/traffic.sh" <<EOF
#!/usr/bin/env bash
# runs inside the frontend pod
dns=$DNS svc=productcatalog.$DOMAIN
paths=(/products /products /missing /products /error /products)
i=0
while [[ ! -e $S/traffic.stop ]]; do
  i=\$((i + 1))
  ip=\$(dig +short +tries=1 +time=1 @\$dns \$svc A)
  if [[ -n \$ip ]]; then
    code=\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --resolve "\$svc:3550:\$ip" \
      "http://\$svc:3550\${paths[i % \${#paths[@]}]}")
    echo "\$code" >>"$S/http.log"
  fi
  ((i % 3 == 0)) && dig +short +tries=1 +time=1 @\$dns paymentservice.$DOMAIN A >/dev/null
  ((i % 5 == 0)) && curl -s -o /dev/null --max-time 2 http://$PC:8080/
  sleep 0.5
done
touch $S/traffic.stopped
EOF
cat >"$S/prober.sh" <<EOF
#!/usr/bin/env bash
while :; do curl -s -o /dev/null --max-time 2 http://$PC:3550/healthz; sleep 2; done
EOF
sandbox_spawn "$(sandbox_ns fe)" "$S/traffic.out" bash "$S/traffic.sh"
sandbox_spawn "$(sandbox_ns probe)" "$S/prober.out" bash "$S/prober.sh"

cat <<EOF

 flows demo -- the cluster in a box
 ----------------------------------
 node-a  demo-app/frontend        $FE   curl + dig in a loop (200s, 404s, 500s, NXDOMAIN, a refused port)
         kube-system/coredns      $DNS   dnsmasq, Service kube-dns 10.96.0.10
 node-b  demo-app/productcatalog  $PC   nginx :3550, Service productcatalog 10.96.0.50
         monitoring/prober        $(cluster_pod_ip probe)   GET /healthz every 2 s
 Each node runs flowd; flows-relay merges them. Try, in another terminal:

   export FLOWS_SERVER=$FLOWS_SERVER
   $FLOWS status
   $FLOWS observe --pod demo-app/frontend --http-status 5+
   $FLOWS observe --namespace monitoring --last 5 -o json
   $FLOWS observe --dns-query paymentservice --print-node-name
   $FLOWS observe --to-pod demo-app/productcatalog --not --http-path /healthz -f
   $FLOWS list nodes
   $FLOWS map --since 10m                     # who talks to whom: requests, errors, latency, bytes
   $FLOWS map -o dot | dot -Tsvg > map.svg    # or -o mermaid, -o json (Cytoscape)
   ip netns exec $(cluster_underlay_ns) curl -s $(cluster_metrics_url node-a) | grep ^flows_traffic_bytes

 $( ((DURATION > 0)) && echo "Stops by itself after ${DURATION}s." || echo "Ctrl-C here, or 'make demo-down' elsewhere, stops it and removes everything.")

EOF

# Waiting in the background (and `wait`), so that Ctrl-C, `make demo-down`
# (SIGTERM) and the end of --duration all clean up at once.
if ((DURATION == 0)); then
  sleep 5  # let the first connections arrive
  echo " The map so far (flows map --since 10m):"
  "$FLOWS" map --since 10m || true
  echo
  "$FLOWS" observe --from-pod demo-app/frontend --follow --print-node-name &
else
  sleep "$DURATION" &
fi
WAIT_PID=$!
wait "$WAIT_PID" || true
