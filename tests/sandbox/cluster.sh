# shellcheck shell=bash
# cluster.sh: a sandbox Kubernetes-like cluster made of network namespaces,
# for flowd's integration tests and `make demo`. Source sandbox.sh first.
#
#   underlay namespace <id>-ul : bridge ul0 joining the nodes (192.168.250.0/24);
#                                the scripted API server at 192.168.250.1:6443
#   node namespace <id>-<node> : eth0 on the underlay (192.168.250.<n+1>), the
#                                CNI bridge cni0 (10.244.<n>.1/24), routes to
#                                the other nodes' pod subnets, and a flowd
#   pod namespace  <id>-<key>  : eth0 and its address made by the real CNI
#                                plugins (bridge + host-local) with flows-cni
#                                chained after them
#
# CLUSTER_IPV6=on (set before cluster_init) makes the cluster dual stack:
# nodes also get fd00:250::<n+1>/64 on the underlay, pods an address from
# fd00:10:244:<n>::/64 besides the IPv4 one, routed the same way.
#
# Nothing is added to the root namespace. Pods default-route to their node;
# nodes know only the underlay and the pod subnets: nothing can leave.
# Every flowd pins under /sys/fs/bpf/flows-<id>-<node> (removed on cleanup).
#
# API (each returns non-zero with "cluster: ..." on failure):
#   cluster_init <build dir>            sandbox_init + underlay + API server
#   cluster_node <node> <n> [flowd args...]
#                                       node n (1..200) running flowd
#   cluster_flowd_start <node> / cluster_flowd_kill <node> [KILL]
#                                       (CLUSTER_KUBERNETES=off: start without the API)
#   cluster_pod <node> <key> <namespace> <pod> <labels k=v,..> [Kind/owner]
#                                       a pod; Deployment owners get a
#                                       ReplicaSet owner reference as in a cluster
#   cluster_service <namespace> <name> <cluster ip> <port> <pod key>...
#   cluster_api <action json>           POST actions to the API server
#   cluster_flowd_pod <node> <n>        flowd's own DaemonSet pod on a node (what
#                                       flowd --peer-pods "$CLUSTER_FLOWD_PODS" announces)
#   cluster_pod_ip <key>, cluster_pod_ip6 <key> (CLUSTER_IPV6=on), cluster_flowd_socket <node>,
#   cluster_metrics_url <node>,
#   cluster_grpc_address <node>, cluster_underlay_ns
#   cluster_observe <node> args...      the python gRPC client (observer_client.py)
#   cluster_pods_synced <node> <pod>... true once the node's flowd has applied the
#                                       API's Pod object (labels, owner) of every pod
#                                       named and persisted it (a check: poll it with
#                                       sandbox_wait_until)

CLUSTER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER_ROOT=$(cd "$CLUSTER_HERE/../.." && pwd)
CLUSTER_CNI_BIN=/usr/lib/cni
CLUSTER_API_IP=192.168.250.1

cluster__die() {
  echo "cluster: $*" >&2
  return 1
}

cluster_underlay_ns() { sandbox_ns ul; }

cluster_init() {
  local build=${1:?usage: cluster_init <build dir>} plugin
  CLUSTER_BUILD=$(cd "$build" && pwd) || return 1
  for f in flowd/daemon/flowd flowd/cni/flows-cni; do
    [[ -x $CLUSTER_BUILD/$f ]] || cluster__die "$CLUSTER_BUILD/$f not built (make build)" || return 1
  done
  for plugin in bridge host-local loopback; do
    [[ -x $CLUSTER_CNI_BIN/$plugin ]] ||
      cluster__die "missing $CLUSTER_CNI_BIN/$plugin (apt-get install containernetworking-plugins)" || return 1
  done
  for tool in curl jq nsenter; do
    command -v "$tool" >/dev/null || cluster__die "missing tool '$tool'" || return 1
  done
  /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null ||
    cluster__die "Debian's python3-grpcio and python3-protobuf are needed for /usr/bin/python3" || return 1
  sandbox_init || return 1
  local d=$SANDBOX_STATE_DIR/cluster ul
  mkdir -p "$d/bin" "$d/ipam" || return 1
  # CNI_PATH as a node has it: the reference plugins and ours side by side.
  for plugin in bridge host-local loopback; do ln -sf "$CLUSTER_CNI_BIN/$plugin" "$d/bin/$plugin"; done
  ln -sf "$CLUSTER_BUILD/flowd/cni/flows-cni" "$d/bin/flows-cni"
  : >"$d/nodes"

  ul=$(cluster_underlay_ns)
  sandbox__add_netns "$ul" || return 1
  ip -n "$ul" link set lo up
  ip -n "$ul" link add ul0 type bridge || return 1
  ip -n "$ul" link set ul0 type bridge stp_state 0 forward_delay 0
  ip -n "$ul" addr add "$CLUSTER_API_IP/24" dev ul0
  ip -n "$ul" link set ul0 up

  sandbox_spawn_split "$ul" "$d/apiserver.out" "$d/apiserver.log" /usr/bin/python3 \
    "$CLUSTER_ROOT/tests/support/fake_apiserver.py" --address "$CLUSTER_API_IP" --port 6443 \
    --port-file "$d/apiserver.json" || return 1
  sandbox_wait_file "$d/apiserver.json" 20 "$SANDBOX_LAST_PID" || { cat "$d/apiserver.log" >&2; return 1; }
  CLUSTER_API_CONTROL=$(jq -r .control_port "$d/apiserver.json")
  echo "$CLUSTER_API_CONTROL" >"$d/api_control_port"
  cat >"$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: sandbox, cluster: {server: "http://$CLUSTER_API_IP:6443"}}]
users: [{name: flowd, user: {}}]
contexts: [{name: sandbox, context: {cluster: sandbox, user: flowd}}]
current-context: sandbox
EOF
}

cluster_api() { # <json action or list>
  local port
  port=$(cat "$SANDBOX_STATE_DIR/cluster/api_control_port") || return 1
  ip netns exec "$(cluster_underlay_ns)" curl -sf --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data "$1" "http://127.0.0.1:$port/_fake/actions" >/dev/null ||
    cluster__die "API action failed: $1"
}

# flowd's own pod on a node, as the DaemonSet makes it: host network (its IP
# is the node's), the grpc port, Running. What --peer-pods selects.
CLUSTER_FLOWD_PODS=flows/app.kubernetes.io/component=flowd
cluster_flowd_pod() { # <node> <n>
  local ip="192.168.250.$(($2 + 1))"
  cluster_api "{\"op\": \"add\", \"resource\": \"pods\", \"object\": {
    \"metadata\": {\"name\": \"flows-$1\", \"namespace\": \"flows\",
                 \"labels\": {\"app.kubernetes.io/component\": \"flowd\"}},
    \"spec\": {\"nodeName\": \"$1\", \"hostNetwork\": true,
             \"containers\": [{\"name\": \"flowd\", \"ports\": [{\"name\": \"grpc\", \"containerPort\": 4244}]}]},
    \"status\": {\"phase\": \"Running\", \"podIP\": \"$ip\", \"podIPs\": [{\"ip\": \"$ip\"}]}}}"
}

cluster__node_field() { # <node> <field#>: nodes file is "node n"
  local v
  v=$(awk -v n="$1" '$1 == n {print $'"$2"'}' "$SANDBOX_STATE_DIR/cluster/nodes")
  [[ -n $v ]] || cluster__die "unknown node '$1'" || return 1
  echo "$v"
}
cluster__node_ip() { echo "192.168.250.$(($(cluster__node_field "$1" 2) + 1))"; }
cluster_flowd_socket() { echo "$SANDBOX_STATE_DIR/cluster/$1/run/observer.sock"; }
cluster_grpc_address() { echo "$(cluster__node_ip "$1"):4244"; }
cluster_metrics_url() { echo "http://$(cluster__node_ip "$1"):9965/metrics"; }

cluster_node() {
  local node=$1 n=$2 ns ul d other on oip
  shift 2
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 200 ]] || cluster__die "node number '$n' must be 1..200" || return 1
  ns=$(sandbox_ns "$node")
  ul=$(cluster_underlay_ns)
  d=$SANDBOX_STATE_DIR/cluster/$node
  mkdir -p "$d/run" "$d/state" || return 1
  sandbox__add_netns "$ns" || return 1
  ip -n "$ns" link set lo up
  # The node's uplink: eth0 here, its peer a port of the underlay bridge.
  ip -n "$ns" link add eth0 type veth peer name "n$n" netns "$ul" || return 1
  ip -n "$ul" link set "n$n" master ul0 up
  ip -n "$ns" addr add "$(cluster__node_ip_n "$n")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
  local ipam_ranges="[[{\"subnet\": \"10.244.$n.0/24\"}]]" ipam_routes='[{"dst": "0.0.0.0/0"}]'
  if [[ ${CLUSTER_IPV6:-off} == on ]]; then
    ip -n "$ns" addr add "fd00:250::$((n + 1))/64" dev eth0 nodad
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1
    ipam_ranges="[[{\"subnet\": \"10.244.$n.0/24\"}], [{\"subnet\": \"fd00:10:244:$n::/64\"}]]"
    ipam_routes='[{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]'
  fi
  # Pod subnets of the other nodes, both ways.
  while read -r other on; do
    [[ -n $other ]] || continue
    ip -n "$ns" route add "10.244.$on.0/24" via "$(cluster__node_ip_n "$on")"
    ip -n "$(sandbox_ns "$other")" route add "10.244.$n.0/24" via "$(cluster__node_ip_n "$n")"
    if [[ ${CLUSTER_IPV6:-off} == on ]]; then
      ip -n "$ns" route add "fd00:10:244:$on::/64" via "fd00:250::$((on + 1))"
      ip -n "$(sandbox_ns "$other")" route add "fd00:10:244:$n::/64" via "fd00:250::$((n + 1))"
    fi
  done <"$SANDBOX_STATE_DIR/cluster/nodes"
  echo "$node $n" >>"$SANDBOX_STATE_DIR/cluster/nodes"
  : >"$d/flowd.args"
  (($#)) && printf '%s\n' "$@" >"$d/flowd.args"
  cat >"$d/net.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "sandbox",
 "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": $ipam_ranges, "dataDir": "$d/ipam",
            "routes": $ipam_routes}},
  {"type": "flows-cni", "socket": "$d/run/cni.sock", "timeoutMs": 5000, "logFile": "$d/flows-cni.log"}]}
EOF
  sandbox_track_pin "/sys/fs/bpf/flows-$SANDBOX_ID-$node" || return 1
  cluster_flowd_start "$node"
}
cluster__node_ip_n() { echo "192.168.250.$(($1 + 1))"; }

cluster_flowd_start() {
  local node=$1 d ns ip args=()
  d=$SANDBOX_STATE_DIR/cluster/$node
  ns=$(sandbox_ns "$node")
  ip=$(cluster__node_ip "$node") || return 1
  [[ -s $d/flowd.args ]] && mapfile -t args <"$d/flowd.args"
  # CLUSTER_KUBERNETES=off: a flowd that cannot reach the API (it must then
  # rely on what it persisted and what the CNI tells it).
  local kube=(--kubernetes kubeconfig --kubeconfig "$SANDBOX_STATE_DIR/cluster/kubeconfig")
  [[ ${CLUSTER_KUBERNETES:-on} == off ]] && kube=(--kubernetes off)
  rm -f "$d/run/observer.sock"  # a killed flowd's; waiting for it below must mean the new one
  # nsenter --net, not ip netns exec: flowd pins on the real /sys/fs/bpf.
  sandbox_spawn_netonly "$ns" "$d/flowd.out" "$d/flowd.log" "$CLUSTER_BUILD/flowd/daemon/flowd" \
    --node-name "$node" --socket-path "$d/run/observer.sock" --listen-address "$ip:4244" \
    --metrics-address "$ip:9965" --cni-socket "$d/run/cni.sock" --state-dir "$d/state" \
    --pin-root "/sys/fs/bpf/flows-$SANDBOX_ID-$node" --node-nic eth0 \
    "${kube[@]}" "${args[@]}" || return 1
  echo "$SANDBOX_LAST_PID" >"$d/flowd.pid"
  sandbox_wait_file "$d/run/observer.sock" 30 "$SANDBOX_LAST_PID" || { tail -20 "$d/flowd.log" >&2; return 1; }
  # The socket exists before the CNI listener: wait for readiness.
  local i
  for ((i = 0; i < 200; i++)); do
    ip netns exec "$ns" curl -sf --max-time 1 "http://$ip:9965/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SANDBOX_LAST_PID" 2>/dev/null || break
    sleep 0.05
  done
  tail -20 "$d/flowd.log" >&2
  cluster__die "flowd on $node did not become ready"
}

cluster_flowd_pid() { cat "$SANDBOX_STATE_DIR/cluster/$1/flowd.pid"; }

cluster_flowd_kill() { # <node> [signal]: stop flowd (TERM by default; KILL for a crash)
  local pid
  pid=$(cluster_flowd_pid "$1") || return 1
  if [[ ${2:-TERM} == KILL ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true  # 137: killed, as asked
    return 0
  fi
  sandbox_kill "$pid"
}

cluster_pod() {
  local node=$1 key=$2 namespace=$3 pod=$4 labels=${5:-} owner=${6:-} ns d uid res ip ip6 veth labels_json owner_json
  d=$SANDBOX_STATE_DIR/cluster/$node
  [[ -d $d ]] || cluster__die "unknown node '$node'" || return 1
  ns=$(sandbox_ns "$key")
  uid="uid-$key-$SANDBOX_ID"
  sandbox__add_netns "$ns" || return 1
  ip -n "$ns" link set lo up
  # The container runtime's part: CNI ADD with the pod's identity in CNI_ARGS.
  res=$(ip netns exec "$(sandbox_ns "$node")" env RT_CONTAINERID="ctr-$key-$SANDBOX_ID" RT_NETNS="/run/netns/$ns" \
    RT_IFNAME=eth0 RT_CNI_PATH="$SANDBOX_STATE_DIR/cluster/bin" \
    RT_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=$namespace;K8S_POD_NAME=$pod;K8S_POD_INFRA_CONTAINER_ID=ctr-$key-$SANDBOX_ID;K8S_POD_UID=$uid" \
    /usr/bin/python3 "$CLUSTER_HERE/mini_runtime.py" ADD "$d/net.conflist" "$d/cni-$key" 2>"$d/cni-$key.err") ||
    { cat "$d/cni-$key.err" >&2; cluster__die "CNI ADD for $namespace/$pod failed"; return 1; }
  ip=$(jq -r '[.ips[] | select(.address | contains(".") )][0].address' <<<"$res")
  ip6=$(jq -r '[.ips[] | select(.address | contains(":"))][0].address // empty' <<<"$res")
  veth=$(jq -r '[.interfaces[] | select((.sandbox // "") == "" and .name != "cni0")][0].name' <<<"$res")
  echo "$key $node $veth $ip" >>"$SANDBOX_STATE_DIR/pods"
  [[ -n $ip6 ]] && echo "$key ${ip6%/*}" >>"$SANDBOX_STATE_DIR/pods6"

  # The API server's part: the Pod object, as the kubelet reports it.
  labels_json=$(jq -cn --arg l "$labels" '$l | split(",") | map(select(. != "") | split("=") | {(.[0]): .[1]}) | add // {}')
  owner_json='[]'
  if [[ -n $owner ]]; then
    local kind=${owner%%/*} name=${owner#*/}
    if [[ $kind == Deployment ]]; then kind=ReplicaSet name="$name-5d8f7c9b6"; fi
    owner_json=$(jq -cn --arg k "$kind" --arg n "$name" \
      '[{apiVersion: "apps/v1", kind: $k, name: $n, uid: ("uid-" + $n), controller: true}]')
  fi
  cluster_api "$(jq -cn --arg ns "$namespace" --arg name "$pod" --arg uid "$uid" --arg node "$node" \
    --arg ip "${ip%/*}" --arg ip6 "${ip6%/*}" --argjson labels "$labels_json" --argjson owners "$owner_json" \
    '{op: "add", resource: "pods", object: {apiVersion: "v1", kind: "Pod",
      metadata: {name: $name, namespace: $ns, uid: $uid, labels: $labels, ownerReferences: $owners},
      spec: {nodeName: $node}, status: {phase: "Running", podIP: $ip,
        podIPs: ([{ip: $ip}] + (if $ip6 == "" then [] else [{ip: $ip6}] end))}}}')"
}

cluster_pod_ip() { sandbox_ip "$1"; }
cluster_pod_ip6() {
  local v
  v=$(awk -v k="$1" '$1 == k {print $2}' "$SANDBOX_STATE_DIR/pods6" 2>/dev/null)
  [[ -n $v ]] || cluster__die "pod '$1' has no IPv6 address (CLUSTER_IPV6=on before cluster_node)" || return 1
  echo "$v"
}

cluster_service() { # <namespace> <name> <cluster ip> <port> <pod key>...
  local namespace=$1 name=$2 cip=$3 port=$4 key addrs=()
  shift 4
  for key in "$@"; do addrs+=("$(sandbox_ip "$key")") || return 1; done
  cluster_api "$(jq -cn --arg ns "$namespace" --arg name "$name" --arg cip "$cip" --argjson port "$port" \
    --args '[{op: "add", resource: "services", object: {apiVersion: "v1", kind: "Service",
       metadata: {name: $name, namespace: $ns},
       spec: {type: "ClusterIP", clusterIP: $cip, clusterIPs: [$cip], ports: [{port: $port, protocol: "TCP"}]}}},
      {op: "add", resource: "endpointslices", object: {apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
       metadata: {name: ($name + "-abcde"), namespace: $ns, labels: {"kubernetes.io/service-name": $name}},
       addressType: "IPv4", ports: [{port: $port, protocol: "TCP"}],
       endpoints: [$ARGS.positional[] | {addresses: [.], conditions: {ready: true}}]}}]' "${addrs[@]}")"
}

cluster_observe() { # <node> args...: the python gRPC client against a node's flowd
  local node=$1
  shift
  /usr/bin/python3 "$CLUSTER_ROOT/tests/support/observer_client.py" --server "unix://$(cluster_flowd_socket "$node")" "$@"
}

cluster_pods_synced() { # <node> <pod name>...
  local node=$1
  shift
  # flowd writes its registry there every second: what the file holds, the
  # registry had. A "kubernetes" source means the Pod object was applied.
  jq -e --args '[.endpoints[] | select(.sources | index("kubernetes")) | .pod_name] as $synced
      | all($ARGS.positional[]; . as $p | $synced | index($p))' "$@" \
    <"$SANDBOX_STATE_DIR/cluster/$node/state/endpoints.json" >/dev/null 2>&1
}
