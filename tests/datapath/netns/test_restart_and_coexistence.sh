#!/usr/bin/env bash
# test_restart_and_coexistence.sh <flows-dump>
#
# Proves two promises of the datapath's attachment code on real veths:
#
# (a) Restarting never duplicates and loses nothing.
#     flows-dump #1 runs with a pin root and --keep-attached; after it stops,
#     exactly one flows program is still attached per tcx hook (its pinned
#     link) and the links are pinned. While nothing reads, a live keep-alive
#     HTTP connection keeps sending requests. flows-dump #2 (same pin root, no
#     --keep-attached) reuses the very same links (same link ids, new
#     programs: still exactly one per hook), delivers the records queued in
#     the pinned ring during the gap, and every request record's packet and
#     byte totals equal what tshark counted on the wire up to that request:
#     the flow table kept counting through the gap. When #2 stops, nothing of
#     ours stays attached and the link pins are gone; the pin dir is removed.
#
# (b) It never displaces other programs. A foreign tcx program (appended to
#     the client veth's ingress chain, as a CNI would) and foreign clsact BPF
#     filters (`tc filter ... bpf da`, prio 1) on its ingress and egress
#     exist before flows-dump starts. flows-dump puts itself first in the tcx
#     chain, the foreign programs stay attached and keep seeing every packet
#     (their counters grow by exactly the number of packets flows-dump
#     counted on that veth), flows are recorded, and after flows-dump stops
#     the foreign programs are still there and still counting.
#
# tcx chains are read with a small libbpf helper compiled here (Debian 12's
# bpftool 7.1 predates tcx). Everything lives in namespaces this script
# creates and removes; it fails, never skips, when it cannot run.
set -euo pipefail

fail() {
  echo "FAIL: test_restart_and_coexistence: $*" >&2
  exit 1
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../sandbox/sandbox.sh
source "$HERE/../../sandbox/sandbox.sh"
FLOWS_DUMP=$(sandbox_preflight test_restart_and_coexistence "${1:-}" ip ss tc nsenter nginx curl ping tshark python3 clang) || exit 1
TCX_HELPER=${2:-}
[[ -x $TCX_HELPER ]] || { echo "FAIL: test_restart_and_coexistence: usage: $0 <flows-dump> <tcx_helper>" >&2; exit 1; }
pkg-config --exists libbpf || fail "libbpf development files missing (apt-get install libbpf-dev)"
mountpoint -q /sys/fs/bpf || fail "/sys/fs/bpf is not a mounted bpffs (mount -t bpf bpf /sys/fs/bpf)"

# IPv6 off inside our namespaces: no router/neighbour solicitations, so the
# only packets on the veths are the ones this test sends (exact counts in b).
SANDBOX_IPV6=0
sandbox_init
S=$SANDBOX_STATE_DIR
PIN=/sys/fs/bpf/flows-test-$$
FOREIGN_PIN=/sys/fs/bpf/flows-test-$$-foreign
sandbox_track_pin "$PIN"
sandbox_track_pin "$FOREIGN_PIN"
[[ ! -e $PIN && ! -e $FOREIGN_PIN ]] || fail "$PIN or $FOREIGN_PIN already exists"

# --- helpers: a tcx chain reader/attacher and a foreign packet counter ------------
# tests/support/tcx_helper.c, built with the tests (second argument).
cp "$TCX_HELPER" "$S/tcx_helper"

cat >"$S/foreign.bpf.c" <<'EOF'
// Someone else's TC program: counts every packet, then lets it through.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} foreign_pkts SEC(".maps");
SEC("tc")
int PROG_NAME(struct __sk_buff *skb) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&foreign_pkts, &key);
  if (v) __sync_fetch_and_add(v, 1);
  return VERDICT;
}
char LICENSE[] SEC("license") = "GPL";
EOF
MULTIARCH=$(cc -print-multiarch)
BPF_CFLAGS=(-O2 -g -target bpf -I"/usr/include/$MULTIARCH")
# clsact filter: TC_ACT_OK ends the classification and accepts the packet.
clang "${BPF_CFLAGS[@]}" -DPROG_NAME=foreign_clsact -DVERDICT=TC_ACT_OK -c "$S/foreign.bpf.c" -o "$S/foreign_clsact.o" ||
  fail "could not compile the foreign clsact program"
# tcx program: TCX_NEXT (== TC_ACT_UNSPEC) hands the packet on.
clang "${BPF_CFLAGS[@]}" -DPROG_NAME=foreign_tcx -DVERDICT=TC_ACT_UNSPEC -c "$S/foreign.bpf.c" -o "$S/foreign_tcx.o" ||
  fail "could not compile the foreign tcx program"

# --- topology ---------------------------------------------------------------------
sandbox_node node
sandbox_pod node client 10.78.0.10/24
sandbox_pod node web 10.78.0.20/24
NODE=$(sandbox_ns node)
CLIENT=$(sandbox_ns client)
CLIENT_IP=$(sandbox_ip client)
WEB_IP=$(sandbox_ip web)
V_CLIENT=$(sandbox_veth client)
V_WEB=$(sandbox_veth web)
sandbox_nginx web 80 /ok=200

in_node() { ip netns exec "$NODE" "$@"; }
in_client() { ip netns exec "$CLIENT" "$@"; }
helper() { nsenter --net="/run/netns/$NODE" "$S/tcx_helper" "$@"; }

# "<veth> <hook> <name>" for every tcx program on our veths, in chain order
chains() {
  local v
  for v in "$V_CLIENT" "$V_WEB"; do
    helper chain "$v" | awk -v v="$v" '{print v, $1, $3}'
  done
}
prog_ids() { local v; for v in "$V_CLIENT" "$V_WEB"; do helper chain "$v" | awk -v v="$v" '{print v, $1, $2}'; done; }
# exactly one flows program per hook on both veths, and nothing else of ours
expect_one_per_hook() {
  local what=$1 got want
  got=$(chains | grep -E ' flows_' | sort)
  want=$(printf '%s\n' "$V_CLIENT egress flows_tc_egress" "$V_CLIENT ingress flows_tc_ingres" \
    "$V_WEB egress flows_tc_egress" "$V_WEB ingress flows_tc_ingres" | sort)
  [[ $got == "$want" ]] || fail "$what: expected exactly one flows program per tcx hook, found:
$(chains)"
}
link_ids() { # "<pin name> <link id> <ifindex>" for every pinned link of ours
  local f
  for f in "$PIN"/links/*; do
    [[ -e $f ]] || continue
    echo "$(basename "$f") $(helper link "$f" | awk '{print $1, $3}')"
  done
}
start_flows_dump() { # <name> [extra flags...]
  local name=$1
  shift
  rm -f "$S/$name.ready"
  # nsenter --net, not `ip netns exec`: the latter remounts /sys, which hides
  # the real /sys/fs/bpf, and the pins must outlive the process.
  sandbox_spawn_netonly "$NODE" "$S/$name.json" "$S/$name.err" "$FLOWS_DUMP" \
    --interfaces 'veth*' --node-nic none --pin-root "$PIN" -o json --idle-timeout 120 \
    --ready-file "$S/$name.ready" "$@"
  FD_PID=$SANDBOX_LAST_PID
  sandbox_wait_file "$S/$name.ready" 30 "$FD_PID" || { cat "$S/$name.err" >&2; fail "$name did not attach"; }
  local v
  for v in "$V_CLIENT" "$V_WEB"; do
    grep -q "^flows-dump: $v: tc-ingress tc-egress$" "$S/$name.err" ||
      { cat "$S/$name.err" >&2; fail "$name did not attach tc-ingress and tc-egress to $v"; }
  done
}
stop_flows_dump() { # <name>
  sandbox_kill "$FD_PID"
  tail -1 "$S/$1.err" | grep -q '^{"kernel"' || { cat "$S/$1.err" >&2; fail "$1 did not exit cleanly (no counters line)"; }
}
wait_records() { # <file> <python condition on list r of records> <what>
  python3 - "$@" <<'PY' || fail "timed out waiting for: $3"
import json, sys, time
path, cond, what = sys.argv[1:]
deadline = time.time() + 20
while time.time() < deadline:
    r = []
    for line in open(path):
        try:
            r.append(json.loads(line))
        except ValueError:
            pass
    if eval(cond):
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
}

wait_capture() { # <pcap> <display filter> <count>: until the capture holds that many
  local i
  for ((i = 0; i < 60; i++)); do
    (($(tshark -r "$1" -Y "$2" 2>/dev/null | wc -l) >= $3)) && return 0
    sleep 0.25
  done
  return 1
}

[[ -z $(chains) ]] || fail "programs attached to fresh veths before any flows-dump ran: $(chains)"

# =================================== (a) restart ====================================
sandbox_spawn_split "$NODE" "$S/tshark-a.out" "$S/tshark-a.err" \
  tshark -i "$V_CLIENT" -f "tcp port 80" -w "$S/restart.pcapng"
TSHARK_PID=$SANDBOX_LAST_PID
for ((i = 0; i < 400; i++)); do
  grep -q "Capturing on" "$S/tshark-a.err" 2>/dev/null && break
  kill -0 "$TSHARK_PID" 2>/dev/null || { cat "$S/tshark-a.err" >&2; fail "tshark exited"; }
  sleep 0.05
done
grep -q "Capturing on" "$S/tshark-a.err" || fail "tshark did not start capturing within 20s"

start_flows_dump fd1 --keep-attached
expect_one_per_hook "flows-dump #1 running"
[[ $(link_ids | wc -l) -eq 4 ]] || fail "expected 4 pinned links under $PIN/links, found: $(ls "$PIN/links")"

# A keep-alive HTTP client driven through a FIFO: one GET per "get" line.
mkfifo "$S/client.cmd"
cat >"$S/client.py" <<'EOF'
import re, socket, sys
ip, cmds = sys.argv[1:]
s = socket.create_connection((ip, 80))
print("port", s.getsockname()[1], flush=True)
for line in open(cmds):
    if line.strip() == "get":
        s.sendall(b"GET /ok HTTP/1.1\r\nHost: restart.test\r\nUser-Agent: flows-test\r\n\r\n")
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += s.recv(4096)
        head, body = buf.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200"), head
        length = int(re.search(rb"content-length: *(\d+)", head, re.I).group(1))
        while len(body) < length:
            body += s.recv(4096)
        print("ok", flush=True)
    elif line.strip() == "close":
        s.close()
        print("closed", flush=True)
        break
EOF
sandbox_spawn "$CLIENT" "$S/client.out" python3 "$S/client.py" "$WEB_IP" "$S/client.cmd"
CLIENT_PID=$SANDBOX_LAST_PID
exec 7<>"$S/client.cmd" # read-write: never blocks on open
ACKS=0
request() { # <n>: n GETs on the connection, each waited for
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    echo get >&7
    ACKS=$((ACKS + 1))
    for ((j = 0; j < 200; j++)); do
      [[ $(grep -c '^ok$' "$S/client.out") -ge $ACKS ]] && break
      kill -0 "$CLIENT_PID" 2>/dev/null || { cat "$S/client.out" >&2; fail "HTTP client died"; }
      sleep 0.05
    done
    [[ $(grep -c '^ok$' "$S/client.out") -ge $ACKS ]] || fail "HTTP request $ACKS got no response in 10s"
  done
}
request 2
PORT=$(awk '$1 == "port" {print $2}' "$S/client.out")
[[ -n $PORT ]] || fail "HTTP client did not report its port"
wait_records "$S/fd1.json" \
  "sum(1 for x in r if x.get('http') and x['ifname'] == '$V_CLIENT' and x['sport'] == $PORT) >= 2" \
  "flows-dump #1 to print the first 2 requests"

stop_flows_dump fd1
expect_one_per_hook "after flows-dump #1 stopped with --keep-attached"
LINKS_1=$(link_ids)
[[ $(wc -l <<<"$LINKS_1") -eq 4 ]] || fail "after #1 stopped: expected 4 pinned links, found: $LINKS_1"
PROGS_1=$(prog_ids | sort)

request 3 # the gap: nothing reads, the kept programs keep counting

start_flows_dump fd2
expect_one_per_hook "flows-dump #2 started over the kept links"
LINKS_2=$(link_ids)
[[ $LINKS_2 == "$LINKS_1" ]] || fail "flows-dump #2 did not reuse the pinned links:
before: $LINKS_1
after:  $LINKS_2"
PROGS_2=$(prog_ids | sort)
[[ $(comm -12 <(echo "$PROGS_1") <(echo "$PROGS_2")) == "" ]] ||
  fail "flows-dump #2 should have swapped its own programs into the links; program ids before/after:
$PROGS_1
$PROGS_2"

request 1
echo close >&7
exec 7>&-
wait_records "$S/fd2.json" \
  "sum(1 for x in r if x.get('http') and x['ifname'] == '$V_CLIENT' and x['sport'] == $PORT and not x['http']['response']) >= 4" \
  "flows-dump #2 to print the 3 gap requests and the one after the restart"

stop_flows_dump fd2
# dumpcap hands packets over in blocks (TPACKET_V3, with a timeout): stopping
# it right after the last request could lose the still-open block.
wait_capture "$S/restart.pcapng" "http.request" 6 || fail "tshark did not capture the 6 requests within 15s"
[[ -z $(chains) ]] || fail "programs still attached after flows-dump #2 (no --keep-attached) stopped:
$(chains)"
leftover_links=$(find "$PIN/links" -mindepth 1 2>/dev/null || true)
[[ -z $leftover_links ]] || fail "link pins left behind after flows-dump #2 stopped: $leftover_links"
sandbox_kill "$TSHARK_PID"
rm -rf -- "$PIN"
[[ ! -e $PIN ]] || fail "could not remove $PIN"

python3 - "$S" "$V_CLIENT" "$CLIENT_IP" "$WEB_IP" "$PORT" <<'PY'
import calendar, json, subprocess, sys, time
S, V, CLIENT, WEB, PORT = sys.argv[1:]
PORT = int(PORT)
errors = []
def check(cond, msg, rec=None):
    if not cond:
        errors.append(msg + ("\n      record: " + json.dumps(rec, sort_keys=True) if rec is not None else ""))
    return cond
def load(name):
    return [json.loads(l) for l in open(f"{S}/{name}.json") if l.strip()]
def reqs(recs):
    return [x for x in recs if x.get("http") and not x["http"]["response"] and x["ifname"] == V
            and x["direction"] == "ingress" and x["sport"] == PORT]
fd1, fd2 = load("fd1"), load("fd2")
r1, r2 = reqs(fd1), reqs(fd2)
check(len(r1) == 2, f"flows-dump #1 printed {len(r1)} request records of the connection, expected 2 (before the stop)")
check(len(r2) == 4, f"flows-dump #2 printed {len(r2)} request records of the connection, expected 4 "
                    "(3 queued in the pinned ring during the gap + 1 after the restart)")
times = [x["time"] for x in r1 + r2]
check(len(set(times)) == len(times), "a request record was delivered twice across the restart")
# tshark: cumulative client->web packets/bytes of the connection at each request
out = subprocess.run(["tshark", "-r", f"{S}/restart.pcapng", "-Y", f"ip.src == {CLIENT} && tcp.srcport == {PORT}",
                      "-T", "fields", "-e", "frame.len", "-e", "tcp.len", "-e", "http.request"],
                     check=True, capture_output=True, text=True).stdout
cum, at_request = [0, 0], []
for line in out.splitlines():
    ln, tcplen, is_req = (line.split("\t") + ["", "", ""])[:3]
    cum[0] += 1
    cum[1] += int(ln)
    if is_req.strip():
        at_request.append(tuple(cum))
if not check(len(at_request) == 6, f"tshark saw {len(at_request)} requests on the connection, expected 6"):
    errors[-1] += "\n" + subprocess.run(["tshark", "-r", f"{S}/restart.pcapng", "-o", "tcp.analyze_sequence_numbers:FALSE"],
                                        capture_output=True, text=True).stdout
def ns(t):  # "2026-01-01T00:00:00.123456789Z" -> ns since the epoch
    return calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) * 10**9 + int(t[20:-1])
# Each process converts boot time to wall time with its own offset (a few us
# apart), so first_seen may differ that much across the restart, not more.
fs = [ns(x["first_seen"]) for x in r1 + r2]
check(max(fs) - min(fs) < 10**6, f"the connection's records carry first_seen values {max(fs) - min(fs)} ns apart: "
                                 "the flow-table entry did not survive the restart")
for i, (x, want) in enumerate(zip(r1 + r2, at_request), 1):
    check("new_flow" not in x["reasons"], f"request {i} record says new_flow", x)
    check((x["packets"], x["bytes"]) == want,
          f"request {i}: flow totals {x['packets']} packets / {x['bytes']} bytes, tshark counted {want[0]} / {want[1]} "
          "packets/bytes up to that request" + (" (the gap was not counted)" if i >= 3 else ""), x)
for name in ("fd1", "fd2"):
    c = json.loads(open(f"{S}/{name}.err").read().splitlines()[-1])
    for k in ("ring_reserve_failed", "flow_table_insert_failed"):
        check(c["kernel"][k] == 0, f"{name}: kernel {k} = {c['kernel'][k]}")
    check(c["reader"]["decode_errors"] == 0, f"{name}: decode_errors = {c['reader']['decode_errors']}")
if errors:
    print(f"FAIL: test_restart_and_coexistence (a): {len(errors)} mismatch(es):", file=sys.stderr)
    for e in errors:
        print("  - " + e, file=sys.stderr)
    sys.exit(1)
last = (r1 + r2)[-1]
print(f"PASS (a) restart: 4 tcx links reused, one flows program per hook throughout; "
      f"requests seen by #1: {len(r1)}, by #2: {len(r2)} (3 from the gap); "
      f"last record {last['packets']} packets / {last['bytes']} bytes == tshark {at_request[-1][0]} / {at_request[-1][1]}")
PY

# ================================ (b) coexistence ===================================
# Foreign programs first: a tcx program appended to the client veth's ingress
# chain, and clsact BPF filters (prio 1) on its ingress and egress. (This
# kernel has no matchall/gact, so the non-tcx foreigners are cls_bpf too.)
mkdir -p "$FOREIGN_PIN"
helper attach "$V_CLIENT" ingress "$S/foreign_tcx.o" "$FOREIGN_PIN" || fail "could not attach the foreign tcx program"
in_node tc qdisc add dev "$V_CLIENT" clsact
in_node tc filter add dev "$V_CLIENT" ingress prio 1 handle 1 protocol all bpf da obj "$S/foreign_clsact.o" sec tc ||
  fail "could not add the foreign clsact bpf filter"
in_node tc filter add dev "$V_CLIENT" egress prio 1 handle 1 protocol all bpf da obj "$S/foreign_clsact.o" sec tc ||
  fail "could not add the foreign clsact bpf filter on egress"
clsact_prog() { in_node tc filter show dev "$V_CLIENT" "$1" | sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -1; }
FOREIGN_IN=$(clsact_prog ingress)
FOREIGN_OUT=$(clsact_prog egress)
[[ -n $FOREIGN_IN && -n $FOREIGN_OUT && $FOREIGN_IN != "$FOREIGN_OUT" ]] ||
  fail "cannot find the foreign clsact programs' ids: $(in_node tc filter show dev "$V_CLIENT" ingress; in_node tc filter show dev "$V_CLIENT" egress)"

foreign_present() { # <when>
  local when=$1
  chains | grep -q "^$V_CLIENT ingress foreign_tcx$" || fail "$when: the foreign tcx program is gone: $(chains)"
  [[ $(clsact_prog ingress) == "$FOREIGN_IN" ]] ||
    fail "$when: the foreign clsact ingress filter is gone: $(in_node tc filter show dev "$V_CLIENT" ingress)"
  [[ $(clsact_prog egress) == "$FOREIGN_OUT" ]] ||
    fail "$when: the foreign clsact egress filter is gone: $(in_node tc filter show dev "$V_CLIENT" egress)"
}
counters() { # "<tcx ingress> <clsact ingress> <clsact egress>" packet counts
  echo "$(helper count-pin "$FOREIGN_PIN/map") $(helper count-prog "$FOREIGN_IN") $(helper count-prog "$FOREIGN_OUT")"
}
foreign_present "before flows-dump"
read -r TCX0 CLS0 MA0 <<<"$(counters)"

# Only the client veth, so flows-dump's packet counter covers exactly the
# packets the foreign programs see on it.
sandbox_spawn_split "$NODE" "$S/fd3.json" "$S/fd3.err" "$FLOWS_DUMP" \
  --interfaces "$V_CLIENT" --node-nic none --pin-root "" -o json --ready-file "$S/fd3.ready"
FD_PID=$SANDBOX_LAST_PID
sandbox_wait_file "$S/fd3.ready" 30 "$FD_PID" || { cat "$S/fd3.err" >&2; fail "flows-dump #3 did not attach"; }
grep -q "^flows-dump: $V_CLIENT: tc-ingress tc-egress$" "$S/fd3.err" || { cat "$S/fd3.err" >&2; fail "flows-dump #3 did not attach to $V_CLIENT"; }
read -r TCX1 CLS1 MA1 <<<"$(counters)"
foreign_present "flows-dump running"
order=$(helper chain "$V_CLIENT" | awk '$1 == "ingress" {print $3}' | paste -sd' ')
[[ $order == "flows_tc_ingres foreign_tcx" ]] ||
  fail "tcx ingress chain of $V_CLIENT should be 'flows_tc_ingres foreign_tcx' (flows first), is '$order'"

for _ in 1 2 3; do
  [[ $(in_client curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://$WEB_IP/ok") == 200 ]] || fail "curl failed"
done
in_client ping -c 5 -i 0.2 -W 2 "$WEB_IP" >/dev/null || fail "ping failed"
read -r TCX2 CLS2 MA2 <<<"$(counters)"
foreign_present "after traffic"
wait_records "$S/fd3.json" \
  "sum(1 for x in r if x.get('http') and not x['http']['response']) >= 3 and any(x['proto'] == 'ICMPv4' and x.get('icmp_type') == 8 for x in r)" \
  "flows-dump #3 to record the 3 HTTP requests and the ICMP echo flow"
sandbox_kill "$FD_PID"
read -r TCX3 CLS3 MA3 <<<"$(counters)"
foreign_present "after flows-dump stopped"
order=$(helper chain "$V_CLIENT" | awk '{print $1 ":" $3}' | paste -sd' ')
[[ $order == "ingress:foreign_tcx" ]] || fail "after flows-dump stopped the tcx chains should hold only foreign_tcx, hold '$order'"
in_client ping -c 2 -i 0.2 -W 2 "$WEB_IP" >/dev/null || fail "ping after flows-dump stopped failed"
read -r TCX4 CLS4 MA4 <<<"$(counters)"

python3 - "$S" "$V_CLIENT" "$TCX0 $CLS0 $MA0" "$TCX1 $CLS1 $MA1" "$TCX2 $CLS2 $MA2" "$TCX3 $CLS3 $MA3" "$TCX4 $CLS4 $MA4" <<'PY'
import json, sys
S, V = sys.argv[1:3]
c = [list(map(int, a.split())) for a in sys.argv[3:]]  # [tcx in, clsact in, clsact out] at 5 points in time
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)
recs = [json.loads(l) for l in open(f"{S}/fd3.json") if l.strip()]
k = json.loads(open(f"{S}/fd3.err").read().splitlines()[-1])["kernel"]
tcx, cls, ma = (c[3][i] - c[0][i] for i in range(3))
check(c[2][0] - c[1][0] >= 5 + 3 * 3, f"foreign tcx counter grew by {c[2][0] - c[1][0]} during the traffic, expected >= 14")
check(c[2][1] - c[1][1] >= 5 + 3 * 3, f"foreign clsact ingress counter grew by {c[2][1] - c[1][1]} during the traffic, expected >= 14")
check(c[2][2] - c[1][2] >= 5 + 3 * 2, f"foreign clsact egress counter grew by {c[2][2] - c[1][2]} during the traffic, expected >= 11")
check(tcx == cls, f"foreign tcx ({tcx}) and clsact ({cls}) ingress counters differ: a packet skipped one of them")
check(k["packets"] == cls + ma,
      f"flows-dump counted {k['packets']} packets on {V}, the foreign ingress+egress programs {cls} + {ma} = {cls + ma}: "
      "the foreign programs must see every packet flows-dump sees")
check(c[4][0] - c[3][0] >= 2 and c[4][1] - c[3][1] >= 2 and c[4][2] - c[3][2] >= 2,
      f"foreign counters did not grow after flows-dump stopped: {c[3]} -> {c[4]}")
reqs = [x for x in recs if x.get("http") and not x["http"]["response"] and x["ifname"] == V and x["direction"] == "ingress"]
check(len(reqs) == 3, f"flows-dump recorded {len(reqs)} HTTP requests on {V} ingress, expected 3")
syns = [x for x in recs if "tcp_syn" in x["reasons"] and x["ifname"] == V and x["direction"] == "ingress"]
check(len(syns) == 3, f"flows-dump recorded {len(syns)} tcp_syn on {V} ingress, expected 3")
check(k["ring_reserve_failed"] == 0, f"ring_reserve_failed = {k['ring_reserve_failed']}")
if errors:
    print(f"FAIL: test_restart_and_coexistence (b): {len(errors)} mismatch(es):", file=sys.stderr)
    for e in errors:
        print("  - " + e, file=sys.stderr)
    sys.exit(1)
print(f"PASS (b) coexistence: tcx chain [flows, foreign_tcx]; while flows-dump ran the foreign tcx-in/clsact-in/clsact-out "
      f"programs counted {tcx}/{cls}/{ma} packets, flows-dump {k['packets']} (= {cls} + {ma}); "
      f"{len(reqs)} HTTP requests recorded; foreign programs intact and counting after it stopped")
PY

sandbox_cleanup
trap - EXIT
[[ -z $(sandbox_leftovers) ]] || fail "left behind: $(sandbox_leftovers)"
[[ ! -e $PIN && ! -e $FOREIGN_PIN ]] || fail "pins left behind under /sys/fs/bpf"
echo "PASS test_restart_and_coexistence"
