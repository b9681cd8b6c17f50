# shellcheck shell=bash disable=SC2034  # SANDBOX_LAST_PID is read by the callers
# sandbox.sh: a sourceable library that builds throw-away "clusters" out of
# network namespaces, for the netns integration tests and the demo.
#
# What it guarantees: every object it creates (namespaces, the veth pairs and
# bridge inside them, background processes, bpffs pins handed to it) carries a
# unique run id, is recorded in a state directory, and is removed by
# sandbox_cleanup -- which works from the creating shell (trap) and from any
# other process that points SANDBOX_STATE_DIR at the same directory (demo
# --down). Traffic never leaves the namespaces: nothing is added to the root
# namespace (no link, address, route or sysctl), bridges and host-side veths
# live inside the "node" namespace, and pod namespaces have no default route.
#
# Layout:
#   node namespace  <id>-<node>: bridge br0 (up, no address) + host-side veths
#   pod namespace   <id>-<pod> : eth0 (peer of the host-side veth) with an IP, lo
#   host-side veth  veth<n><id> (e.g. veth1s12345): matches 'veth*', <= 15 chars
#
# API (all functions return non-zero and print "sandbox: ..." on failure):
#   sandbox_init [state_dir]          run id + state dir; installs an EXIT/INT/TERM
#                                     trap unless SANDBOX_NO_TRAP=1. SANDBOX_IPV6=0
#                                     disables IPv6 in the namespaces (no ND/MLD
#                                     chatter, for exact packet counts)
#   sandbox_node <node>               node namespace with bridge br0
#   sandbox_pod <node> <pod> <ip/len> pod namespace joined to the node's bridge
#   sandbox_ns <name>                 full namespace name of a node or pod
#   sandbox_veth <pod>                host-side veth name of a pod (in the node ns)
#   sandbox_ip <pod>                  the pod's IP (without prefix)
#   sandbox_spawn <ns> <log> cmd...   run cmd in a namespace in the background,
#                                     tracked; sets SANDBOX_LAST_PID
#   sandbox_spawn_split <ns> <out> <err> cmd...     same, stderr apart
#   sandbox_spawn_netonly <ns> <out> <err> cmd...   same via nsenter --net: keeps
#                                     the real /sys/fs/bpf visible (for pinning)
#   sandbox_nginx <pod> <port> [/path=status ...]   nginx returning fixed statuses
#                                     (SANDBOX_NGINX_IPV6=1: on IPv6 too)
#   sandbox_dns <pod> <domain> [name=ipv4[,ipv6] ...] dnsmasq authoritative for
#                                     <domain> (unknown names: NXDOMAIN), TTL
#                                     $SANDBOX_DNS_TTL (default 300)
#   sandbox_wait_port <ns> tcp|udp <port> [timeout_s]
#   sandbox_wait_file <file> [timeout_s] [pid]   (fails early if pid dies)
#   sandbox_wait_until <timeout_s> <what> cmd...  run cmd (quietly) until it
#                                     succeeds; after timeout_s fails with
#                                     "timed out after <timeout_s>s waiting for <what>"
#   sandbox_track_pin <path>          a bpffs path removed (rm -rf) on cleanup
#   sandbox_kill <pid>                stop one tracked process (TERM, then KILL)
#   sandbox_cleanup                   remove everything recorded in the state dir
#   sandbox_leftovers                 print anything of this run still present

SANDBOX_ID="${SANDBOX_ID:-}"
SANDBOX_STATE_DIR="${SANDBOX_STATE_DIR:-}"
SANDBOX_LAST_PID=""
SANDBOX_DNS_TTL="${SANDBOX_DNS_TTL:-300}"

sandbox__die() {
  echo "sandbox: $*" >&2
  return 1
}

# start time (clock ticks since boot) of a pid: guards against pid reuse
sandbox__starttime() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # fields after "pid (comm) ": state is $1, starttime (field 22) is $20
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20}"
}

sandbox__require_root() {
  [[ $(id -u) -eq 0 ]] || sandbox__die "must run as root (namespaces, veths, BPF)"
}

# The checks every flows-dump test starts with; a test that cannot run
# fails, it never skips. Prints the absolute path of flows-dump.
#   FLOWS_DUMP=$(sandbox_preflight <test name> "$1" <tool>...) || exit 1
sandbox_preflight() {
  local name=$1 dump=${2:-} tool
  shift 2 || true
  [[ -n $dump ]] || { echo "FAIL: $name: usage: $name <path to flows-dump>" >&2; return 1; }
  [[ -x $dump ]] || { echo "FAIL: $name: flows-dump '$dump' is not an executable file (build it first)" >&2; return 1; }
  [[ $(id -u) -eq 0 ]] || { echo "FAIL: $name: must run as root (network namespaces, BPF); this test never skips" >&2; return 1; }
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "FAIL: $name: missing tool '$tool' (scripts/install-deps.sh installs it)" >&2; return 1; }
  done
  readlink -f "$dump"
}

# shellcheck disable=SC2120 # the argument is optional
sandbox_init() {
  local tool
  sandbox__require_root || return 1
  for tool in ip ss; do
    command -v "$tool" >/dev/null || sandbox__die "missing tool '$tool' (apt-get install iproute2)" || return 1
  done
  if [[ -z $SANDBOX_ID ]]; then
    # short (interface names are <= 15 chars) and unique among live runs
    SANDBOX_ID="s$$"
  fi
  [[ $SANDBOX_ID =~ ^[a-z][a-z0-9]{1,8}$ ]] ||
    sandbox__die "SANDBOX_ID '$SANDBOX_ID' must be 2-9 chars of [a-z0-9], starting with a letter" || return 1
  if [[ -z $SANDBOX_STATE_DIR ]]; then
    SANDBOX_STATE_DIR="${1:-/tmp/flows-sandbox-$SANDBOX_ID}"
  fi
  mkdir -p "$SANDBOX_STATE_DIR" || return 1
  : >>"$SANDBOX_STATE_DIR/netns"
  : >>"$SANDBOX_STATE_DIR/pids"
  : >>"$SANDBOX_STATE_DIR/pins"
  : >>"$SANDBOX_STATE_DIR/pods"
  echo "$SANDBOX_ID" >"$SANDBOX_STATE_DIR/id"
  if [[ ${SANDBOX_NO_TRAP:-0} != 1 ]]; then
    trap 'sandbox_cleanup' EXIT
    trap 'sandbox_cleanup; trap - EXIT; exit 130' INT
    trap 'sandbox_cleanup; trap - EXIT; exit 143' TERM
  fi
}

sandbox__need_init() {
  [[ -n $SANDBOX_STATE_DIR && -d $SANDBOX_STATE_DIR ]] || sandbox__die "call sandbox_init first"
}

sandbox_ns() { echo "${SANDBOX_ID}-$1"; }

sandbox__pod_field() { # <pod> <field#>: pods file is "pod node veth ip/len"
  local line
  line=$(awk -v p="$1" '$1 == p' "$SANDBOX_STATE_DIR/pods")
  [[ -n $line ]] || sandbox__die "unknown pod '$1'" || return 1
  awk -v f="$2" '{print $f}' <<<"$line"
}

sandbox_veth() { sandbox__pod_field "$1" 3; }
sandbox_ip() { local c; c=$(sandbox__pod_field "$1" 4) && echo "${c%/*}"; }

sandbox__add_netns() {
  local ns=$1
  ip netns add "$ns" || sandbox__die "ip netns add $ns failed" || return 1
  echo "$ns" >>"$SANDBOX_STATE_DIR/netns"
  if [[ ${SANDBOX_IPV6:-1} == 0 ]]; then
    # this namespace's own sysctls: interfaces created in it start without IPv6
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || return 1
  fi
  ip -n "$ns" link set lo up
}

sandbox_node() {
  sandbox__need_init || return 1
  local node=$1 ns
  ns=$(sandbox_ns "$node")
  sandbox__add_netns "$ns" || return 1
  ip -n "$ns" link add br0 type bridge || return 1
  # No STP: ports forward at once. No address: the bridge only switches.
  ip -n "$ns" link set br0 type bridge stp_state 0 forward_delay 0 || return 1
  ip -n "$ns" link set br0 up
}

sandbox_pod() {
  sandbox__need_init || return 1
  local node=$1 pod=$2 cidr=$3 node_ns ns n veth
  [[ $cidr == */* ]] || sandbox__die "pod $pod: address '$cidr' needs a /prefix" || return 1
  node_ns=$(sandbox_ns "$node")
  ns=$(sandbox_ns "$pod")
  n=$(($(wc -l <"$SANDBOX_STATE_DIR/pods") + 1))
  veth="veth${n}${SANDBOX_ID}"
  ((${#veth} <= 15)) || sandbox__die "veth name $veth too long" || return 1
  sandbox__add_netns "$ns" || return 1
  # Both ends are created directly in their namespaces: never in the root one.
  ip -n "$node_ns" link add "$veth" type veth peer name eth0 netns "$ns" || return 1
  echo "$pod $node $veth $cidr" >>"$SANDBOX_STATE_DIR/pods"
  ip -n "$node_ns" link set "$veth" master br0 || return 1
  ip -n "$node_ns" link set "$veth" up || return 1
  ip -n "$ns" addr add "$cidr" dev eth0 || return 1
  ip -n "$ns" link set eth0 up
}

sandbox_spawn() {
  local ns=$1 log=$2
  shift 2
  sandbox_spawn_split "$ns" "$log" "" "$@"
}

# Like sandbox_spawn, with stdout and stderr in separate files (err "" = same file).
sandbox_spawn_split() {
  sandbox__need_init || return 1
  local ns=$1 out=$2 err=$3 pid st
  shift 3
  if [[ -z $err ]]; then
    ip netns exec "$ns" "$@" >"$out" 2>&1 </dev/null &
  else
    ip netns exec "$ns" "$@" >"$out" 2>"$err" </dev/null &
  fi
  pid=$!
  st=$(sandbox__starttime "$pid") || st=0
  echo "$pid $st $ns $1" >>"$SANDBOX_STATE_DIR/pids"
  SANDBOX_LAST_PID=$pid
}

# Like sandbox_spawn_split, but enters only the network namespace (nsenter
# --net) instead of `ip netns exec`, which also remounts /sys and thereby
# hides /sys/fs/bpf: use it for anything that pins on the real bpffs.
sandbox_spawn_netonly() {
  sandbox__need_init || return 1
  local ns=$1 out=$2 err=$3 pid st
  shift 3
  command -v nsenter >/dev/null || sandbox__die "missing nsenter (apt-get install util-linux)" || return 1
  if [[ -z $err ]]; then
    nsenter --net="/run/netns/$ns" "$@" >"$out" 2>&1 </dev/null &
  else
    nsenter --net="/run/netns/$ns" "$@" >"$out" 2>"$err" </dev/null &
  fi
  pid=$!
  st=$(sandbox__starttime "$pid") || st=0
  echo "$pid $st $ns $1" >>"$SANDBOX_STATE_DIR/pids"
  SANDBOX_LAST_PID=$pid
}

sandbox_wait_file() {
  local file=$1 timeout=${2:-20} pid=${3:-} i
  for ((i = 0; i < timeout * 20; i++)); do
    [[ -e $file ]] && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      sandbox__die "process $pid exited before creating $file"
      return 1
    fi
    sleep 0.05
  done
  sandbox__die "timed out after ${timeout}s waiting for $file"
}

sandbox_wait_until() {
  local timeout=$1 what=$2 now end
  shift 2
  now=${EPOCHREALTIME/[.,]/}
  end=$((now + timeout * 1000000))
  until "$@" >/dev/null 2>&1; do
    now=${EPOCHREALTIME/[.,]/}
    if ((now >= end)); then
      sandbox__die "timed out after ${timeout}s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

sandbox_wait_port() {
  local ns=$1 proto=$2 port=$3 timeout=${4:-20} flag i
  [[ $proto == tcp ]] && flag=-Hltn || flag=-Hlun
  for ((i = 0; i < timeout * 20; i++)); do
    if [[ -n $(ip netns exec "$ns" ss "$flag" "sport = :$port" 2>/dev/null) ]]; then
      return 0
    fi
    sleep 0.05
  done
  sandbox__die "timed out after ${timeout}s waiting for $proto port $port in $ns"
}

sandbox_nginx() {
  sandbox__need_init || return 1
  local pod=$1 port=$2 ns dir loc path status locations=""
  shift 2
  command -v nginx >/dev/null || sandbox__die "missing nginx (apt-get install nginx-light)" || return 1
  ns=$(sandbox_ns "$pod")
  dir="$SANDBOX_STATE_DIR/nginx-$pod"
  mkdir -p "$dir/tmp"
  for loc in "$@"; do
    path=${loc%=*}
    status=${loc##*=}
    locations+="    location = $path { return $status \"$path $status\\n\"; }"$'\n'
  done
  cat >"$dir/nginx.conf" <<EOF
# sandbox nginx for pod $pod (run $SANDBOX_ID)
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 256; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type text/plain;
  server {
    listen $port;
$([[ ${SANDBOX_NGINX_IPV6:-0} == 1 ]] && echo "    listen [::]:$port;")
$locations    location / { return 404 "not found\\n"; }
  }
}
EOF
  sandbox_spawn "$ns" "$dir/stdout.log" nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" || return 1
  if ! sandbox_wait_port "$ns" tcp "$port" 20; then
    cat "$dir/stdout.log" "$dir/error.log" >&2 2>/dev/null
    return 1
  fi
}

sandbox_dns() {
  sandbox__need_init || return 1
  local pod=$1 domain=$2 ns dir rec name addrs args=()
  shift 2
  command -v dnsmasq >/dev/null || sandbox__die "missing dnsmasq (apt-get install dnsmasq-base)" || return 1
  ns=$(sandbox_ns "$pod")
  dir="$SANDBOX_STATE_DIR/dnsmasq-$pod"
  mkdir -p "$dir"
  for rec in "$@"; do
    name=${rec%%=*}
    addrs=${rec#*=}
    args+=("--host-record=$name,$addrs")
  done
  # --local: authoritative for the domain, so unknown names get NXDOMAIN;
  # --local=/#/ makes every other name NXDOMAIN too (no upstream, ever).
  sandbox_spawn "$ns" "$dir/dnsmasq.log" dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
    --no-poll --user=root --group=root --log-queries --pid-file="$dir/dnsmasq.pid" \
    --local="/$domain/" --local=/#/ --local-ttl="$SANDBOX_DNS_TTL" \
    --port 53 --interface=eth0 --bind-interfaces "${args[@]}" || return 1
  if ! sandbox_wait_port "$ns" udp 53 20; then
    cat "$dir/dnsmasq.log" >&2 2>/dev/null
    return 1
  fi
}

sandbox_track_pin() {
  sandbox__need_init || return 1
  [[ $1 == /sys/fs/bpf/?* ]] || sandbox__die "refusing to track '$1': not under /sys/fs/bpf" || return 1
  echo "$1" >>"$SANDBOX_STATE_DIR/pins"
}

# Is <pid> still the process we started (same start time)?
sandbox__alive() {
  local pid=$1 st=$2 now
  now=$(sandbox__starttime "$pid") || return 1
  [[ $st == 0 || $now == "$st" ]]
}

sandbox__stop_pid() { # <pid> <starttime>
  local pid=$1 st=$2 i
  sandbox__alive "$pid" "$st" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    sandbox__alive "$pid" "$st" || break
    # reap it if it is our child (a zombie still has a start time)
    if [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) == Z ]]; then
      wait "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  if sandbox__alive "$pid" "$st" && [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

sandbox_kill() {
  local pid=$1 st
  st=$(awk -v p="$pid" '$1 == p {print $2}' "$SANDBOX_STATE_DIR/pids" | tail -1)
  [[ -n $st ]] || sandbox__die "pid $pid was not started by this sandbox" || return 1
  sandbox__stop_pid "$pid" "$st"
}

sandbox_cleanup() {
  [[ -n $SANDBOX_STATE_DIR && -d $SANDBOX_STATE_DIR ]] || return 0
  local pid st ns pin p had_e=0
  [[ $- == *e* ]] && had_e=1
  set +e
  # 1. processes we started, newest first
  if [[ -s $SANDBOX_STATE_DIR/pids ]]; then
    while read -r pid st _; do
      sandbox__stop_pid "$pid" "$st"
    done < <(tac "$SANDBOX_STATE_DIR/pids")
  fi
  # 2. anything else still running inside our namespaces (e.g. children)
  if [[ -s $SANDBOX_STATE_DIR/netns ]]; then
    while read -r ns; do
      [[ -e /run/netns/$ns ]] || continue
      for p in $(ip netns pids "$ns" 2>/dev/null); do
        sandbox__stop_pid "$p" "$(sandbox__starttime "$p" || echo 0)"
      done
    done <"$SANDBOX_STATE_DIR/netns"
    # 3. namespaces (their veths, bridge and addresses go with them)
    while read -r ns; do
      [[ -e /run/netns/$ns ]] && ip netns del "$ns"
    done < <(tac "$SANDBOX_STATE_DIR/netns")
  fi
  # 4. bpffs pins handed to us
  if [[ -s $SANDBOX_STATE_DIR/pins ]]; then
    while read -r pin; do
      [[ $pin == /sys/fs/bpf/?* && -e $pin ]] && rm -rf -- "$pin"
    done <"$SANDBOX_STATE_DIR/pins"
  fi
  rm -rf -- "$SANDBOX_STATE_DIR"
  ((had_e)) && set -e
  return 0
}

# Prints what of run $SANDBOX_ID still exists; empty output means clean.
# shellcheck disable=SC2120 # the argument is optional
sandbox_leftovers() {
  local id=${1:-$SANDBOX_ID}
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${id}-" | sed 's/^/netns /' || true
  [[ -n $SANDBOX_STATE_DIR && -d $SANDBOX_STATE_DIR ]] && echo "state $SANDBOX_STATE_DIR"
  return 0
}
