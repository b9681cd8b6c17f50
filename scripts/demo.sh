#!/usr/bin/env bash
# demo.sh <builddir> [--duration S] [--check]   start the demo (make demo)
# demo.sh --down                                remove a running demo (make demo-down)
#
# Shows the flows datapath on its own, live, on a toy "cluster" built from
# network namespaces (tests/sandbox/sandbox.sh): a node with a bridge and
# three pods --
#   frontend        the client: a traffic generator looping over DNS lookups
#                   (one of them for a service that does not exist: NXDOMAIN),
#                   HTTP calls answering 200/404/500 and, now and then, a
#                   connection to a closed port (refused: RST)
#   productcatalog  nginx on :3550 -- /products 200, /missing 404, /error 500
#   coredns         dnsmasq answering *.demo-app.svc.cluster.local
# -- while flows-dump, attached to the pods' host-side veths, prints every
# flow record in compact form. What it proves: the datapath sees and decodes
# real traffic, and the demo leaves nothing behind. Ctrl-C (or `make
# demo-down` from another terminal, which finds the demo through
# /run/flows-demo/) removes every namespace, link, process and bpffs pin it
# made. Nothing is added to the root network namespace: no traffic leaves.
#
# --duration S  stop by itself after S seconds (non-interactive)
# --check       with --duration: fail unless the output showed HTTP 200/404/500,
#               DNS answers and NXDOMAIN, a refused connection and no loss, and
#               unless everything was removed afterwards (used by CTest)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_ROOT=/run/flows-demo
DOMAIN=demo-app.svc.cluster.local

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
CHECK=0
while (($#)); do
  case $1 in
    --duration) DURATION=${2:-}; shift 2 || usage ;;
    --check) CHECK=1; shift ;;
    *) usage ;;
  esac
done
[[ $DURATION =~ ^[0-9]+$ ]] || die "--duration needs a whole number of seconds"
((CHECK == 0 || DURATION > 0)) || die "--check needs --duration"
FLOWS_DUMP=$(readlink -f "$BUILD/datapath/flows-dump" 2>/dev/null || true)
[[ -x $FLOWS_DUMP ]] || die "no flows-dump in $BUILD/datapath: build first (make build)"
for tool in ip ss nsenter nginx dnsmasq curl dig tail; do
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
sandbox_init
S=$SANDBOX_STATE_DIR
FD_PID=""
finish() {
  trap - EXIT INT TERM
  if [[ -n $FD_PID ]] && kill -0 "$FD_PID" 2>/dev/null; then
    sandbox_kill "$FD_PID"
    echo
    echo "demo: flows-dump stopped; loss counters: $(tail -1 "$S/flows.err")"
  fi
  echo "demo: removing namespaces, processes and pins of run $SANDBOX_ID..." >&2
  sandbox_cleanup
  rmdir "$STATE_ROOT" 2>/dev/null || true
  echo "demo: done" >&2
}
trap finish EXIT
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
echo "$$ $(starttime $$)" >"$S/owner"
PIN=/sys/fs/bpf/flows-demo-$SANDBOX_ID
sandbox_track_pin "$PIN"

echo "demo: building the cluster (run $SANDBOX_ID)..."
sandbox_node node
sandbox_pod node frontend 10.244.1.10/24
sandbox_pod node productcatalog 10.244.1.20/24
sandbox_pod node coredns 10.244.1.53/24
sandbox_nginx productcatalog 3550 /products=200 /missing=404 /error=500
sandbox_dns coredns "$DOMAIN" \
  "productcatalog.$DOMAIN=10.244.1.20" "frontend.$DOMAIN=10.244.1.10" "coredns.$DOMAIN=10.244.1.53"
NODE=$(sandbox_ns node)

# The traffic generator: what a frontend does all day, plus some failures.
cat >"$S/traffic.sh" <<EOF
#!/usr/bin/env bash
# runs inside the frontend pod
dns=10.244.1.53 svc=productcatalog.$DOMAIN
paths=(/products /products /missing /products /error /products)
i=0
while :; do
  i=\$((i + 1))
  ip=\$(dig +short +tries=1 +time=1 @\$dns \$svc A)
  [[ -n \$ip ]] && curl -s -o /dev/null --max-time 2 --resolve "\$svc:3550:\$ip" \
    "http://\$svc:3550\${paths[i % \${#paths[@]}]}"
  ((i % 3 == 0)) && dig +short +tries=1 +time=1 @\$dns paymentservice.$DOMAIN A >/dev/null
  ((i % 4 == 0)) && dig +short +tries=1 +time=1 @\$dns frontend.$DOMAIN AAAA >/dev/null
  ((i % 5 == 0)) && curl -s -o /dev/null --max-time 2 http://10.244.1.20:8080/
  sleep 0.7
done
EOF
chmod +x "$S/traffic.sh"
sandbox_spawn "$(sandbox_ns frontend)" "$S/traffic.log" bash "$S/traffic.sh"

cat <<EOF

 flows demo -- the datapath alone, live
 --------------------------------------
 A node (network namespace $NODE, bridge br0) with three pods:
   $(sandbox_veth frontend)  frontend        10.244.1.10  curl + dig in a loop (the client)
   $(sandbox_veth productcatalog)  productcatalog  10.244.1.20  nginx :3550  /products 200, /missing 404, /error 500
   $(sandbox_veth coredns)  coredns         10.244.1.53  dnsmasq: *.$DOMAIN (paymentservice: NXDOMAIN)
 Now and then the frontend connects to a closed port (10.244.1.20:8080): a refused
 connection, shown as an RST. flows-dump is attached (TC, both directions) to the
 pods' host-side veths, named above. Each line is one flow record:
   time  veth  direction  src -> dst  proto [flags] [HTTP/DNS]  [reasons]  flow totals
 "ingress" = the packet came out of that pod into the node, "egress" = it goes to that pod,
 so every packet between two pods shows up twice: leaving one veth, entering the other.
 Reasons: new_flow (first packet), tcp_syn/synack/fin/rst (first of each), l7 (an HTTP
 or DNS message), stats (every 5 s of a live flow), flow_end (idle for 10 s).
 $( ((DURATION > 0)) && echo "Stops by itself after ${DURATION}s." || echo "Ctrl-C here, or 'make demo-down' elsewhere, stops it and removes everything.")

EOF

# flows-dump enters only the node's network namespace (nsenter --net keeps
# the real /sys/fs/bpf, where it pins); its output is followed by tail so
# this script can wait on it and still react to signals at once.
: >"$S/flows.out"
sandbox_spawn_netonly "$NODE" "$S/flows.out" "$S/flows.err" "$FLOWS_DUMP" \
  --interfaces 'veth*' --node-nic none --pin-root "$PIN" --idle-timeout 10 \
  --duration "$DURATION" --ready-file "$S/ready"
FD_PID=$SANDBOX_LAST_PID
sandbox_wait_file "$S/ready" 30 "$FD_PID" || { cat "$S/flows.err" >&2; die "flows-dump did not start"; }
tail -n +1 -f --pid="$FD_PID" "$S/flows.out" &
TAIL_PID=$!
echo "$TAIL_PID $(starttime "$TAIL_PID") - tail" >>"$S/pids"
wait "$FD_PID" || true
wait "$TAIL_PID" 2>/dev/null || true
echo
echo "demo: flows-dump stopped; loss counters: $(tail -1 "$S/flows.err")"

if ((CHECK)); then
  out=$S/flows.out
  problems=()
  for want in "HTTP/1.1 GET http://productcatalog.$DOMAIN:3550/products" \
    "HTTP/1.1 200" "HTTP/1.1 404" "HTTP/1.1 500" \
    "DNS Answer productcatalog.$DOMAIN. A NOERROR 10.244.1.20" \
    "DNS Answer paymentservice.$DOMAIN. A NXDOMAIN" \
    "10.244.1.20:8080 -> 10.244.1.10:"; do
    grep -qF -- "$want" "$out" || problems+=("no line with '$want'")
  done
  grep -F -- "10.244.1.20:8080 -> 10.244.1.10:" "$out" | grep -q "tcp_rst" ||
    problems+=("no tcp_rst record for the refused connection to :8080")
  tail -1 "$S/flows.err" | grep -q '"ring_reserve_failed":0' || problems+=("ring_reserve_failed is not 0")
  tail -1 "$S/flows.err" | grep -q '"decode_errors":0' || problems+=("decode_errors is not 0")
  finish
  left=$(ip netns list | awk '{print $1}' | grep "^$SANDBOX_ID-" || true)
  [[ -z $left ]] || problems+=("namespaces left: $left")
  [[ ! -e $PIN ]] || problems+=("bpffs pins left: $PIN")
  [[ ! -e $S ]] || problems+=("state left: $S")
  if ((${#problems[@]})); then
    printf 'demo check FAILED: %s\n' "${problems[@]}" >&2
    exit 1
  fi
  echo "demo check PASSED: HTTP 200/404/500, DNS NOERROR/NXDOMAIN, a refused connection; nothing left behind"
fi
