#!/usr/bin/env bash
# test_cni_chain.sh <flows-cni> <cni_test_server>
#
# flows-cni behind Debian's reference plugins, invoked the way a runtime
# invokes a conflist (mini_runtime.py: env vars, config on stdin, each
# plugin's result handed to the next as prevResult), with cni_test_server
# (the real CniServer and a recording sink) standing in for flowd.
#
#   node namespace  runs the runtime, the plugins and the server; the bridge
#                   plugin creates its bridge and host veths here
#   pod namespaces  created with `ip netns add`, get eth0 from the chain
#
# Asserts: the registration carries the pod's host veth (checked against the
# kernel: the peer of the pod's eth0, enslaved to the bridge), its IP,
# namespace/name/uid; flows-cni prints the bridge's result unchanged (same
# keys in the same order) and only after the server's delayed reply; fail-
# open (exit 0, result printed) with no socket and, within timeoutMs, with a
# server that never answers; CHECK; DEL twice, the second without netns or
# prevResult; VERSION; the spec's error codes for a broken config. Then
# every spec version (0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0 from a cniVersions
# list, and one nobody knows) through ADD, CHECK, DEL twice, GC and STATUS,
# with flowd up and down: every verb succeeds, an unknown version's result
# passes through untouched, GC reaches flowd with the valid list, and CHECK
# of a pod flowd forgot registers it again. Last, the host interface is the
# kernel's veth even with another namespace's /sys and the bridge listed last.
#
# Everything lives in namespaces and a temp dir this script creates and
# removes (trap). Nothing is routed out: the node namespace has no uplink.
# Needs root and containernetworking-plugins; fails, never skips.
set -euo pipefail

fail() {
  echo "FAIL: test_cni_chain: $*" >&2
  exit 1
}
note() { echo "test_cni_chain: $*"; }

FLOWS_CNI=${1:-}
SERVER=${2:-}
[[ -x $FLOWS_CNI && -x $SERVER ]] || fail "usage: $0 <flows-cni> <cni_test_server> (build them first)"
FLOWS_CNI=$(readlink -f "$FLOWS_CNI")
SERVER=$(readlink -f "$SERVER")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $(id -u) -eq 0 ]] || fail "must run as root (network namespaces); this test never skips"
for tool in ip jq python3 timeout; do
  command -v "$tool" >/dev/null || fail "missing tool '$tool'"
done
REF=/usr/lib/cni
for plugin in bridge host-local loopback; do
  [[ -x $REF/$plugin ]] || fail "missing $REF/$plugin (apt-get install containernetworking-plugins)"
done

# ---- sandbox ---------------------------------------------------------------
ID="fc$$"
NODE="$ID-node"
PODS=()
PIDS=()
WORK=$(mktemp -d /tmp/flows-cni-chain.XXXXXX)
cleanup() {
  local pid ns
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${PODS[@]}" "$NODE"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NODE"
ip -n "$NODE" link set lo up
mkdir -p "$WORK/bin" "$WORK/run" "$WORK/ipam"
# CNI_PATH as a node has it: the reference plugins and ours side by side.
for plugin in bridge host-local loopback; do ln -s "$REF/$plugin" "$WORK/bin/$plugin"; done
ln -s "$FLOWS_CNI" "$WORK/bin/flows-cni"
SOCKET=$WORK/run/flows/cni.sock
RECORD=$WORK/record.jsonl
BRIDGE=cni-flows0
LOG_FILE=$WORK/flows-cni.log

conflist() { # <cniVersion> <timeoutMs> -> path
  local f="$WORK/net-$1-$2.conflist"
  cat >"$f" <<JSON
{"cniVersion": "$1", "name": "flowsnet",
 "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "subnet": "10.250.0.0/24", "dataDir": "$WORK/ipam"}},
  {"type": "flows-cni", "socket": "$SOCKET", "timeoutMs": $2, "logFile": "$LOG_FILE"}]}
JSON
  echo "$f"
}
NET100=$(conflist 1.0.0 2000)
NET040=$(conflist 0.4.0 2000)
cat >"$WORK/lo.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "lo", "plugins": [{"type": "loopback"}]}
JSON

new_pod() { # <name>: a pod sandbox, as the runtime creates it before CNI ADD
  ip netns add "$ID-$1"
  PODS+=("$ID-$1")
}

# runtime <command> <conflist> <pod> [--no-prev-result] [--no-netns] [--lo]
# Runs the chain for container "ctr-<pod>" in the node namespace; the state
# dir keeps every plugin's input and output. --lo: the pod's loopback
# network (CNI_IFNAME=lo), which containerd sets up apart from the pod
# network. Returns the chain's exit code.
runtime() {
  local cmd=$1 list=$2 pod=$3 netns="/var/run/netns/$ID-$3" ifname=eth0 state="$WORK/state-$3" extra=()
  shift 3
  for a in "$@"; do
    case $a in
      --no-netns) netns="" ;;
      --lo) ifname=lo state="$state-lo" ;;
      *) extra+=("$a") ;;
    esac
  done
  # CNI_ARGS as containerd writes them, keys in no particular order.
  ip netns exec "$NODE" env RT_CONTAINERID="ctr-$pod-$ID" RT_NETNS="$netns" RT_IFNAME="$ifname" \
    RT_ARGS="K8S_POD_INFRA_CONTAINER_ID=ctr-$pod-$ID;K8S_POD_UID=uid-$pod;IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-$pod" \
    RT_CNI_PATH="$WORK/bin" \
    python3 "$HERE/../../sandbox/mini_runtime.py" "$cmd" "$list" "$state" "${extra[@]}" >"$WORK/last.out" 2>"$WORK/last.err"
}

start_server() { # <delay ms>
  rm -f "$WORK/ready"
  ip netns exec "$NODE" "$SERVER" --socket "$SOCKET" --record "$RECORD" --ready "$WORK/ready" \
    --delay-ms "$1" 2>>"$WORK/server.log" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    [[ -e $WORK/ready ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || fail "cni_test_server died: $(cat "$WORK/server.log")"
    sleep 0.1
  done
  fail "cni_test_server did not start"
}
stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
}

# Same JSON value, and every object's keys in the same order.
same_json_in_order() { # <file> <file>
  python3 - "$1" "$2" <<'PY'
import json, sys
load = lambda p: json.load(open(p), object_pairs_hook=lambda pairs: pairs)
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
}

out_of() { cat "$WORK/state-$1/$2"; } # <pod> <file>

# Checks one pod's ADD: chain result, registration, kernel truth.
check_add() { # <pod> <expected min ms of flows-cni>
  local pod=$1 min_ms=$2 state="$WORK/state-$1" reg veth ip peer host_idx ports
  same_json_in_order "$state/0-bridge-ADD.out" "$state/1-flows-cni-ADD.out" ||
    fail "$pod: flows-cni changed the result: $(out_of "$pod" 0-bridge-ADD.out) vs $(out_of "$pod" 1-flows-cni-ADD.out)"
  [[ $(out_of "$pod" 1-flows-cni-ADD.rc) == 0 ]] || fail "$pod: flows-cni ADD exit code"
  # The kernel's view: the host end of the pod's eth0, a port of the bridge.
  peer=$(ip netns exec "$ID-$pod" cat /sys/class/net/eth0/iflink)
  veth=$(ip -n "$NODE" -o link show | awk -F': ' -v idx="$peer" '$1 == idx {sub(/@.*/, "", $2); print $2}')
  [[ -n $veth ]] || fail "$pod: no host-side peer of eth0 (ifindex $peer) in the node namespace"
  ports=$(ip -n "$NODE" -o link show master "$BRIDGE")
  [[ $ports == *": $veth@"* ]] || fail "$pod: $veth is not on $BRIDGE"
  host_idx=$(ip -n "$NODE" -o link show "$veth" | cut -d: -f1)
  ip=$(ip -n "$ID-$pod" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  reg=$(jq -c --arg c "ctr-$pod-$ID" 'select(.op == "add" and .container_id == $c)' "$RECORD")
  [[ -n $reg ]] || fail "$pod: no registration recorded (record: $(cat "$RECORD"))"
  [[ $(jq -r .host_ifname <<<"$reg") == "$veth" ]] || fail "$pod: registered interface $(jq -r .host_ifname <<<"$reg"), kernel says $veth"
  [[ $(jq -r .host_ifindex <<<"$reg") == "$host_idx" ]] || fail "$pod: registered ifindex differs from $host_idx"
  [[ $(jq -r .ifindex_in_netns <<<"$reg") == "$host_idx" ]] || fail "$pod: the server did not find $veth"
  [[ $(jq -c .ips <<<"$reg") == "[\"$ip\"]" ]] || fail "$pod: registered ips $(jq -c .ips <<<"$reg"), pod has $ip"
  [[ $(jq -r .namespace <<<"$reg") == shop ]] || fail "$pod: namespace"
  [[ $(jq -r .pod_name <<<"$reg") == "web-$pod" ]] || fail "$pod: pod name"
  [[ $(jq -r .pod_uid <<<"$reg") == "uid-$pod" ]] || fail "$pod: pod uid"
  [[ $(jq -c .sources <<<"$reg") == '["cni"]' ]] || fail "$pod: sources"
  (($(out_of "$pod" 1-flows-cni-ADD.ms) >= min_ms)) ||
    fail "$pod: flows-cni returned after $(out_of "$pod" 1-flows-cni-ADD.ms) ms, before flowd's reply (${min_ms} ms)"
  grep -q "observed on $veth" "$state/1-flows-cni-ADD.err" || fail "$pod: flows-cni did not log the attach"
  note "ADD $pod ok: $veth (ifindex $host_idx) $ip, flows-cni took $(out_of "$pod" 1-flows-cni-ADD.ms) ms"
}

# ---- 1. ADD through the chain, flowd answering after 300 ms ---------------
start_server 300
for pod in a b; do
  new_pod "$pod"
  runtime ADD "$WORK/lo.conflist" "$pod" --lo || fail "loopback ADD $pod: $(cat "$WORK/last.err")"
done
runtime ADD "$NET100" a || fail "ADD a (1.0.0): $(cat "$WORK/last.err" "$WORK/last.out")"
check_add a 300
runtime ADD "$NET040" b || fail "ADD b (0.4.0): $(cat "$WORK/last.err" "$WORK/last.out")"
check_add b 300
[[ $(jq -r .cniVersion "$WORK/state-b/1-flows-cni-ADD.out") == 0.4.0 ]] || fail "b: 0.4.0 result changed version"

# ---- 2. CHECK --------------------------------------------------------------
runtime CHECK "$NET100" a || fail "CHECK a: $(cat "$WORK/last.err" "$WORK/last.out")"
jq -e --arg c "ctr-a-$ID" 'select(.op == "check" and .container_id == $c)' "$RECORD" >/dev/null ||
  fail "CHECK did not reach the server"
note "CHECK ok"

# ---- 3. fail-open: no socket -----------------------------------------------
stop_server
[[ ! -e $SOCKET ]] || fail "the server left its socket behind"
new_pod c
runtime ADD "$NET100" c || fail "ADD c without flowd failed: $(cat "$WORK/last.err" "$WORK/last.out")"
same_json_in_order "$WORK/state-c/0-bridge-ADD.out" "$WORK/state-c/1-flows-cni-ADD.out" ||
  fail "c: result not passed through when flowd is down"
(($(out_of c 1-flows-cni-ADD.ms) < 1000)) || fail "c: an absent socket took $(out_of c 1-flows-cni-ADD.ms) ms"
grep -q "flowd not reachable" "$WORK/state-c/1-flows-cni-ADD.err" || fail "c: failure not logged to stderr"
grep -q "pod=shop/web-c" "$LOG_FILE" || fail "c: failure not in the log file"
runtime CHECK "$NET100" c || fail "CHECK c without flowd should fail open"
note "fail-open without a socket ok ($(out_of c 1-flows-cni-ADD.ms) ms)"

# ---- 4. fail-open: a server that accepts and never answers -----------------
mkdir -p "$(dirname "$SOCKET")"
ip netns exec "$NODE" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(16)
open(sys.argv[2], "w").close()
held = []
while True:
    held.append(s.accept()[0])  # read nothing, answer nothing
' "$SOCKET" "$WORK/mute-ready" &
MUTE_PID=$!
PIDS+=("$MUTE_PID")
for _ in $(seq 50); do [[ -e $WORK/mute-ready ]] && break; sleep 0.1; done
new_pod d
runtime ADD "$NET100" d || fail "ADD d with a mute flowd failed: $(cat "$WORK/last.err" "$WORK/last.out")"
same_json_in_order "$WORK/state-d/0-bridge-ADD.out" "$WORK/state-d/1-flows-cni-ADD.out" || fail "d: result changed"
ms=$(out_of d 1-flows-cni-ADD.ms)
((ms >= 1900 && ms < 3500)) || fail "d: a mute flowd held flows-cni for $ms ms (timeoutMs 2000)"
grep -q "did not answer in time" "$WORK/state-d/1-flows-cni-ADD.err" || fail "d: timeout not logged"
# A flowd hung during DEL: the runtime's clean-up goes on after timeoutMs.
runtime DEL "$NET100" d || fail "DEL d with a mute flowd failed: $(cat "$WORK/last.err" "$WORK/last.out")"
ms=$(out_of d 1-flows-cni-DEL.ms)
((ms >= 1900 && ms < 3500)) || fail "d: a mute flowd held DEL for $ms ms (timeoutMs 2000)"
[[ $(out_of d 0-bridge-DEL.rc) == 0 ]] || fail "d: the bridge's DEL did not run after flows-cni's"
kill "$MUTE_PID"
wait "$MUTE_PID" 2>/dev/null || true
rm -f "$SOCKET"
note "fail-open with a mute server ok ($ms ms)"

# ---- 5. fail-open: flowd stuck attaching (reply after 4 s) -----------------
start_server 4000
new_pod e
runtime ADD "$NET100" e || fail "ADD e with a stuck flowd failed"
ms=$(out_of e 1-flows-cni-ADD.ms)
((ms >= 1900 && ms < 3500)) || fail "e: a stuck flowd held flows-cni for $ms ms (timeoutMs 2000)"
note "fail-open with a stuck server ok ($ms ms)"
stop_server # returns once the stuck "attach" ends: the server finishes what it started

# ---- 6. DEL twice ----------------------------------------------------------
start_server 0
runtime DEL "$NET100" a || fail "DEL a: $(cat "$WORK/last.err" "$WORK/last.out")"
[[ -z $(out_of a 1-flows-cni-DEL.out) ]] || fail "DEL printed something: $(out_of a 1-flows-cni-DEL.out)"
# The runtime's retry after the sandbox is gone: no netns, no cached result.
runtime DEL "$NET100" a --no-netns --no-prev-result || fail "second DEL a: $(cat "$WORK/last.err" "$WORK/last.out")"
n=$(jq -c --arg c "ctr-a-$ID" 'select(.op == "del" and .container_id == $c)' "$RECORD" | wc -l)
[[ $n == 2 ]] || fail "expected 2 DELs of a at the server, got $n"
stop_server
runtime DEL "$NET040" b || fail "DEL b without flowd must succeed"
note "DEL twice ok; DEL without flowd ok"

# ---- 7. VERSION and the caller's errors, straight at the binary ------------
# Here-strings, not pipes: VERSION does not read stdin, and a writer into an
# unread pipe would die of SIGPIPE under pipefail.
ver=$(CNI_COMMAND=VERSION "$FLOWS_CNI" <<<'{"cniVersion": "1.0.0"}')
jq -e '.cniVersion == "1.1.0" and (.supportedVersions | index("0.3.0") and index("0.4.0") and index("1.0.0") and index("1.1.0"))' <<<"$ver" >/dev/null ||
  fail "VERSION: $ver"
ver=$(CNI_COMMAND=VERSION "$FLOWS_CNI" </dev/null)
jq -e '.supportedVersions | length > 0' <<<"$ver" >/dev/null || fail "VERSION without stdin: $ver"
ref=$(CNI_COMMAND=VERSION "$REF/bridge" <<<'{"cniVersion": "1.0.0"}')
[[ $(jq -c 'keys' <<<"$ver") == "$(jq -c 'keys' <<<"$ref")" ]] || fail "VERSION shape differs from the reference: $ver vs $ref"

expect_error() { # <code> <config> [env...]
  local code=$1 config=$2 out rc=0
  shift 2
  out=$(env CNI_COMMAND=ADD CNI_CONTAINERID=ctr-x CNI_NETNS=/var/run/netns/none CNI_IFNAME=eth0 \
    CNI_PATH="$WORK/bin" "$@" "$FLOWS_CNI" <<<"$config" 2>/dev/null) || rc=$?
  ((rc != 0)) || fail "expected failure (code $code) for $config"
  [[ $(jq -r .code <<<"$out") == "$code" ]] || fail "expected code $code, got: $out"
  jq -e '.msg | length > 0' <<<"$out" >/dev/null || fail "error without msg: $out"
}
prev=$(cat "$WORK/state-c/0-bridge-ADD.out")
expect_error 6 'not json'
expect_error 7 '{"cniVersion": "2.0.0", "name": "n", "type": "flows-cni"}'  # nothing to pass through
expect_error 7 '{"cniVersion": "1.0.0", "name": "n", "type": "flows-cni"}'  # ADD without prevResult
expect_error 4 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"flows-cni\", \"prevResult\": $prev}" \
  CNI_ARGS="K8S_POD_NAME=x;SURPRISE=1"
expect_error 4 "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"flows-cni\", \"prevResult\": $prev}" \
  CNI_CONTAINERID=
note "VERSION and error codes ok"

# ---- 8. every spec version, every verb, the real bridge in front -----------
# 1.1.0 comes from a conflist's "cniVersions" list (negotiated by the
# runtime); Debian's bridge speaks 1.0.0 at most, so it runs at 1.0.0 in
# front of it (mini_runtime.py's note), as it does for a version nobody knows.
conflist_v() { # <version> -> path
  local v=$1 f="$WORK/net-v$1.conflist" bridge_v=$1 versions=""
  case $v in 0.3.0 | 0.3.1 | 0.4.0 | 1.0.0) ;; *) bridge_v=1.0.0 ;; esac
  [[ $v == 1.1.0 ]] && versions='"cniVersions": ["1.0.0", "1.1.0"],'
  cat >"$f" <<JSON
{"cniVersion": "$([[ $v == 1.1.0 ]] && echo 1.0.0 || echo "$v")", $versions "name": "flowsnet",
 "plugins": [
  {"type": "bridge", "cniVersion": "$bridge_v", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "subnet": "10.250.0.0/24", "dataDir": "$WORK/ipam"}},
  {"type": "flows-cni", "socket": "$SOCKET", "timeoutMs": 2000, "logFile": "$LOG_FILE"}]}
JSON
  echo "$f"
}
# flows-cni printed exactly the prevResult it was given (same keys, same order).
passed_through() { # <pod> [suffix]
  local state="$WORK/state-$1"
  python3 - "$state/1-flows-cni-ADD.in" "$state/1-flows-cni-ADD.out" <<'PY'
import json, sys
load = lambda s: json.loads(s, object_pairs_hook=lambda pairs: pairs)
given = dict(load(open(sys.argv[1]).read()))["prevResult"]
sys.exit(0 if given == load(open(sys.argv[2]).read()) else 1)
PY
}
registrations() { # <pod> <op>: how many the server recorded
  jq -c --arg c "ctr-$1-$ID" --arg op "$2" 'select(.op == $op and .container_id == $c)' "$RECORD" | wc -l
}
VERSIONS=(0.3.0 0.3.1 0.4.0 1.0.0 1.1.0 9.9.9)
start_server 0
for v in "${VERSIONS[@]}"; do
  pod="v${v//./}"
  net=$(conflist_v "$v")
  new_pod "$pod"
  runtime ADD "$net" "$pod" || fail "$v: ADD: $(cat "$WORK/last.err" "$WORK/last.out")"
  [[ $(jq -r .cniVersion "$WORK/state-$pod/1-flows-cni-ADD.in") == "$v" ]] || fail "$v: flows-cni ran at another version"
  passed_through "$pod" || fail "$v: flows-cni changed the result: $(out_of "$pod" 1-flows-cni-ADD.out)"
  peer=$(ip netns exec "$ID-$pod" cat /sys/class/net/eth0/iflink)
  veth=$(ip -n "$NODE" -o link show | awk -F': ' -v idx="$peer" '$1 == idx {sub(/@.*/, "", $2); print $2}')
  if [[ $v == 9.9.9 ]]; then
    (($(registrations "$pod" add) == 0)) || fail "$v: an unknown version's result was read and registered"
    grep -q 'cniVersion "9.9.9" is not one flows-cni knows' "$WORK/state-$pod/1-flows-cni-ADD.err" ||
      fail "$v: pass-through not logged: $(out_of "$pod" 1-flows-cni-ADD.err)"
  else
    reg=$(jq -c --arg c "ctr-$pod-$ID" 'select(.op == "add" and .container_id == $c)' "$RECORD")
    [[ $(jq -r .host_ifname <<<"$reg") == "$veth" ]] || fail "$v: registered $(jq -r .host_ifname <<<"$reg"), kernel says $veth"
  fi
  if [[ $v != 0.3.* ]]; then # CHECK exists from 0.4.0 on (the runtime does not send it before)
    runtime CHECK "$net" "$pod" || fail "$v: CHECK: $(cat "$WORK/last.err" "$WORK/last.out")"
  fi
  if [[ $v == 1.1.0 ]]; then
    # GC naming only this pod: the server forgets every other container
    # (gcx, a pod whose DEL never came), then CHECK of gcx finds flowd
    # without it and registers it again instead of failing.
    new_pod gcx
    runtime ADD "$(conflist_v 1.0.0)" gcx || fail "ADD gcx: $(cat "$WORK/last.err")"
    runtime GC "$net" "$pod" --valid "ctr-$pod-$ID/eth0" || fail "GC: $(cat "$WORK/last.err" "$WORK/last.out")"
    [[ -z $(out_of "$pod" 1-flows-cni-GC.out) ]] || fail "GC printed something"
    [[ ! -e $WORK/state-$pod/0-bridge-GC.in ]] || fail "the runtime sent GC to a 1.0.0 plugin"
    jq -e --arg c "ctr-$pod-$ID" 'select(.op == "gc") | .valid == [$c]' "$RECORD" >/dev/null ||
      fail "GC did not reach the server with the valid list: $(grep '"gc"' "$RECORD")"
    grep -q "forgot" "$WORK/state-$pod/1-flows-cni-GC.err" || fail "GC: removals not logged"
    runtime STATUS "$net" "$pod" || fail "STATUS: $(cat "$WORK/last.err" "$WORK/last.out")"
    [[ -z $(out_of "$pod" 1-flows-cni-STATUS.out) ]] || fail "STATUS printed something"
    adds=$(registrations gcx add)
    runtime CHECK "$(conflist_v 1.0.0)" gcx || fail "CHECK of a pod flowd forgot failed: $(cat "$WORK/last.err" "$WORK/last.out")"
    (($(registrations gcx add) == adds + 1)) || fail "CHECK did not register the forgotten pod again"
    grep -q "registered it again" "$WORK/state-gcx/1-flows-cni-CHECK.err" || fail "CHECK: re-registration not logged"
  fi
  runtime DEL "$net" "$pod" || fail "$v: DEL: $(cat "$WORK/last.err" "$WORK/last.out")"
  # The runtime's retry once the sandbox is gone: no netns, no cached result.
  runtime DEL "$net" "$pod" --no-netns --no-prev-result || fail "$v: second DEL: $(cat "$WORK/last.err" "$WORK/last.out")"
  (($(registrations "$pod" del) == 2)) || fail "$v: expected 2 DELs at the server, got $(registrations "$pod" del)"
  note "$v: ADD, CHECK, DEL, DEL again ok$([[ $v == 1.1.0 ]] && echo ', GC, STATUS ok')"
done
stop_server

# ---- 9. the same with flowd down: every verb succeeds, and says so ----------
for v in "${VERSIONS[@]}"; do
  pod="d${v//./}"
  net=$(conflist_v "$v")
  new_pod "$pod"
  runtime ADD "$net" "$pod" || fail "$v without flowd: ADD: $(cat "$WORK/last.err" "$WORK/last.out")"
  passed_through "$pod" || fail "$v without flowd: result changed"
  if [[ $v != 0.3.* ]]; then
    runtime CHECK "$net" "$pod" || fail "$v without flowd: CHECK: $(cat "$WORK/last.err" "$WORK/last.out")"
  fi
  if [[ $v == 1.1.0 ]]; then
    runtime GC "$net" "$pod" --valid "ctr-$pod-$ID/eth0" || fail "GC without flowd: $(cat "$WORK/last.err")"
    grep -q "flowd not reachable" "$WORK/state-$pod/1-flows-cni-GC.err" || fail "GC without flowd: not logged"
    runtime STATUS "$net" "$pod" || fail "STATUS without flowd: $(cat "$WORK/last.err")"
    grep -q "flowd not reachable" "$WORK/state-$pod/1-flows-cni-STATUS.err" || fail "STATUS without flowd: not logged"
  fi
  runtime DEL "$net" "$pod" || fail "$v without flowd: DEL: $(cat "$WORK/last.err" "$WORK/last.out")"
  grep -q "flowd not reachable" "$WORK/state-$pod/1-flows-cni-DEL.err" || fail "$v without flowd: DEL not logged"
  runtime DEL "$net" "$pod" --no-netns --no-prev-result || fail "$v without flowd: second DEL"
  [[ -z $(ip -n "$NODE" -o link show | grep -F "$(jq -r '.interfaces[1].name' "$WORK/state-$pod/0-bridge-ADD.out")@" || true) ]] ||
    fail "$v without flowd: the runtime's clean-up stopped before the bridge plugin (veth still there)"
done
note "every verb and version without flowd ok"

# ---- 10. which interface is the pod's: the kernel of the plugin's namespace -
# Run the way a runtime in a container may run it: in the node's network
# namespace (nsenter --net) but with another namespace's /sys mounted (here
# the test's own), and with a prevResult that lists the bridge last. sysfs
# would not know the bridge; netlink in the plugin's namespace does.
start_server 0
new_pod order
runtime ADD "$NET100" order || fail "ADD order: $(cat "$WORK/last.err")"
veth=$(jq -r '.interfaces[1].name' "$WORK/state-order/0-bridge-ADD.out")
[[ -d /sys/class/net/$BRIDGE ]] && fail "precondition: this /sys must not show the node's bridge"
reordered=$(jq -c '.interfaces |= [.[1], .[2], .[0]] | .ips[0].interface = 1' "$WORK/state-order/0-bridge-ADD.out")
config=$(jq -c --argjson prev "$reordered" '.plugins[1] + {name: .name, cniVersion: .cniVersion, prevResult: $prev}' "$NET100")
out=$(nsenter --net="/var/run/netns/$NODE" env CNI_COMMAND=ADD CNI_CONTAINERID="ctr-order2-$ID"   CNI_NETNS="/var/run/netns/$ID-order" CNI_IFNAME=eth0 CNI_PATH="$WORK/bin"   CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-order" "$FLOWS_CNI" <<<"$config" 2>"$WORK/order.err") ||
  fail "flows-cni ADD with the bridge listed last: $(cat "$WORK/order.err")"
[[ $(jq -c . <<<"$out") == "$reordered" ]] || fail "result changed: $out"
reg=$(jq -c --arg c "ctr-order2-$ID" 'select(.op == "add" and .container_id == $c)' "$RECORD")
[[ $(jq -r .host_ifname <<<"$reg") == "$veth" ]] ||
  fail "with the bridge listed last, flows-cni registered $(jq -r .host_ifname <<<"$reg"), not the pod's $veth"
stop_server
note "host interface chosen by the kernel's link kind, not by list order or sysfs"
note "PASS"
