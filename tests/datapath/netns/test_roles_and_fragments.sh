#!/usr/bin/env bash
# test_roles_and_fragments.sh <flows-dump>
#
# Who opened each conversation, and IP fragments, against an independent
# capture (tshark on the same host veths, reassembly off):
#   - a TCP connection to nginx that lives past a stats interval, a UDP
#     request/answer exchange, ping and ping -6: every record of every entry
#     (new flow, TCP events, HTTP, stats, flow end) has role "reply" exactly
#     when its packets travel from the side that did not send the
#     conversation's first packet, "initiator" otherwise -- on both veths;
#   - ping -s 3000, ping -6 -s 3000 and a 3000-byte UDP datagram each way:
#     the later fragments are reported as later fragments, without ports or
#     ICMP type (before: a v4 echo request's tail showed as an ICMPv4 echo
#     reply from the client, a v6 one as ICMPv6 type 0, UDP as port 0), and
#     their packet totals per veth, direction and address pair equal the
#     number of later fragments tshark saw.
# Everything runs in namespaces this script creates and removes; it fails
# (never skips) when it cannot run.
set -euo pipefail

fail() {
  echo "FAIL: test_roles_and_fragments: $*" >&2
  exit 1
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../sandbox/sandbox.sh
source "$HERE/../../sandbox/sandbox.sh"
FLOWS_DUMP=$(sandbox_preflight test_roles_and_fragments "${1:-}" ip ss nginx tshark ping python3) || exit 1

sandbox_init
S=$SANDBOX_STATE_DIR

sandbox_node node
sandbox_pod node client 10.78.0.10/24
sandbox_pod node web 10.78.0.20/24
NODE=$(sandbox_ns node)
CLIENT=$(sandbox_ns client)
WEB=$(sandbox_ns web)
CLIENT_IP=$(sandbox_ip client)
WEB_IP=$(sandbox_ip web)
CLIENT_IP6=fd00:78::10
WEB_IP6=fd00:78::20
V_CLIENT=$(sandbox_veth client)
V_WEB=$(sandbox_veth web)
ip -n "$CLIENT" addr add "$CLIENT_IP6/64" dev eth0 nodad
ip -n "$WEB" addr add "$WEB_IP6/64" dev eth0 nodad

sandbox_nginx web 80 /ok=200
# A UDP service that answers every datagram with one of the same size.
sandbox_spawn "$WEB" "$S/udp_echo.log" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: fragment
s.bind(("0.0.0.0", 9999))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
'
sandbox_wait_port "$WEB" udp 9999 || fail "UDP echo server did not start"

sandbox_spawn_split "$NODE" "$S/tshark.out" "$S/tshark.err" \
  tshark -i "$V_CLIENT" -i "$V_WEB" -w "$S/capture.pcapng"
TSHARK_PID=$SANDBOX_LAST_PID
sandbox_wait_until 20 "tshark to capture" grep -q "Capturing on" "$S/tshark.err" ||
  { cat "$S/tshark.err" >&2; fail "tshark did not start"; }

sandbox_spawn_split "$NODE" "$S/flows.json" "$S/flows.err" "$FLOWS_DUMP" \
  --interfaces 'veth*' --node-nic none --pin-root "" -o json \
  --idle-timeout 2 --stats-interval 1 --ready-file "$S/ready"
FD_PID=$SANDBOX_LAST_PID
sandbox_wait_file "$S/ready" 30 "$FD_PID" || { cat "$S/flows.err" >&2; fail "flows-dump did not attach"; }

in_client() { ip netns exec "$CLIENT" "$@"; }
# One TCP connection with two requests 1.5 s apart: stats records on both sides.
in_client python3 - "$WEB_IP" <<'PY' || fail "the HTTP client failed"
import socket, sys, time
c = socket.create_connection((sys.argv[1], 80), timeout=5)
for i in range(2):
    c.sendall(b"GET /ok HTTP/1.1\r\nHost: web\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += c.recv(4096)
    if i == 0:
        time.sleep(1.5)
c.close()
PY
# UDP: a small exchange repeated past the stats interval, then 3000 bytes each way.
in_client python3 - "$WEB_IP" <<'PY' || fail "the UDP client failed"
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_PMTUDISC_DONT
s.settimeout(3)
s.bind(("0.0.0.0", 41999))
for payload in (b"small-1", b"small-2"):
    s.sendto(payload, (sys.argv[1], 9999))
    assert s.recv(65535) == payload
    time.sleep(1.2)
s2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s2.setsockopt(socket.IPPROTO_IP, 10, 0)
s2.settimeout(3)
s2.bind(("0.0.0.0", 42999))
big = bytes(range(256)) * 12  # 3072 bytes: three fragments at MTU 1500
s2.sendto(big, (sys.argv[1], 9999))
assert s2.recv(65535) == big
PY
in_client ping -c 2 -i 0.3 -W 2 "$WEB_IP" >/dev/null || fail "ping $WEB_IP failed"
in_client ping -6 -c 2 -i 0.3 -W 2 "$WEB_IP6" >/dev/null || fail "ping -6 $WEB_IP6 failed"
in_client ping -M dont -s 3000 -c 2 -i 0.3 -W 2 "$WEB_IP" >/dev/null || fail "ping -s 3000 $WEB_IP failed"
in_client ping -6 -s 3000 -c 2 -i 0.3 -W 2 "$WEB_IP6" >/dev/null || fail "ping -6 -s 3000 $WEB_IP6 failed"

# Wait for the flow ends of every conversation of ours, on both veths.
python3 - "$S/flows.json" "$V_CLIENT" "$V_WEB" <<'PY' || fail "flow_end records did not all arrive within 30s"
import json, sys, time
path, *veths = sys.argv[1:]
deadline = time.time() + 30
want = {(v, k) for v in veths for k in ("tcp80", "udp9999", "frag4", "frag6", "fragudp", "echo4", "echo6")}
while time.time() < deadline:
    got = set()
    last = {}  # entry -> its latest record's reasons: an entry is done once that is flow_end
    for line in open(path):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        entry = (r["ifname"], r["direction"], r["src"], r["dst"], r["proto"], r.get("sport"), r.get("dport"),
                 r.get("icmp_type"), r.get("later_fragment"))
        last[entry] = r["reasons"]
        if "flow_end" not in r["reasons"]:
            continue
        v = r["ifname"]
        if r["proto"] == "TCP" and r.get("dport") == 80: got.add((v, "tcp80"))
        if r["proto"] == "UDP" and r.get("dport") == 9999: got.add((v, "udp9999"))
        if r.get("later_fragment") and r["proto"] == "ICMPv4": got.add((v, "frag4"))
        if r.get("later_fragment") and r["proto"] == "ICMPv6": got.add((v, "frag6"))
        if r.get("later_fragment") and r["proto"] == "UDP": got.add((v, "fragudp"))
        if r["proto"] == "ICMPv4" and r.get("icmp_type") == 8: got.add((v, "echo4"))
        if r["proto"] == "ICMPv6" and r.get("icmp_type") == 128: got.add((v, "echo6"))
    # (IPv6 link-local and multicast chatter comes and goes on its own.)
    live = [e for e, reasons in last.items() if "flow_end" not in reasons and e[0] in veths
            and not any(a.startswith(("fe80", "ff0", "::")) for a in e[2:4])]
    if got >= want and not live:
        break
    time.sleep(0.3)
else:
    print(f"missing flow_end records: {sorted(want - got)}; still live: {live[:5]}", file=sys.stderr)
    sys.exit(1)
PY

# Let dumpcap flush its last block, then stop everything.
sandbox_wait_until 15 "tshark to write the fragments" bash -c \
  "(( \$(tshark -r '$S/capture.pcapng' -o ip.defragment:FALSE -o ipv6.defragment:FALSE -Y 'ip.frag_offset > 0 || ipv6.fraghdr.offset > 0' 2>/dev/null | wc -l) >= 20 ))" ||
  fail "tshark did not capture the fragments: $(tshark -r "$S/capture.pcapng" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
    -Y 'ip.frag_offset > 0 || ipv6.fraghdr.offset > 0' 2>&1 | tail -3; tshark -r "$S/capture.pcapng" 2>&1 | tail -5)"
sandbox_kill "$TSHARK_PID"
for v in "$V_CLIENT" "$V_WEB"; do ip -n "$NODE" link set "$v" down; done
sandbox_kill "$FD_PID"

python3 - "$S" "$V_CLIENT" "$V_WEB" "$CLIENT_IP" "$WEB_IP" "$CLIENT_IP6" "$WEB_IP6" <<'PY'
import collections, ipaddress, json, subprocess, sys

S, V_CLIENT, V_WEB, CLIENT, WEB, CLIENT6, WEB6 = sys.argv[1:]
POD = {V_CLIENT: {CLIENT, CLIENT6}, V_WEB: {WEB, WEB6}}
errors = []

def check(cond, msg, rec=None):
    if not cond:
        errors.append(msg + (("\n      record: " + json.dumps(rec, sort_keys=True)) if rec is not None else ""))
    return cond

def norm(a):
    return str(ipaddress.ip_address(a)) if a else a

records = [json.loads(l) for l in open(f"{S}/flows.json") if l.strip()]
for r in records:
    r["src"], r["dst"] = norm(r["src"]), norm(r["dst"])
ADDRS = {CLIENT, WEB, norm(CLIENT6), norm(WEB6)}
ours = [r for r in records if r["ifname"] in POD and r["src"] in ADDRS and r["dst"] in ADDRS]

# ---- tshark: every packet on the two veths, no reassembly ------------------------
pk = []
for ifn in POD:
    out = subprocess.run(
        ["tshark", "-r", f"{S}/capture.pcapng", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
         "-Y", f'frame.interface_name == "{ifn}" && (ip || ipv6)', "-T", "fields", "-E", "separator=\t",
         "-E", "occurrence=f",
         "-e", "frame.number", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
         "-e", "ip.proto", "-e", "ipv6.nxt", "-e", "ip.frag_offset", "-e", "ipv6.fraghdr.offset",
         "-e", "ipv6.fraghdr.nxt", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport",
         "-e", "icmp.type", "-e", "icmpv6.type"],
        check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        c = (line.split("\t") + [""] * 16)[:16]
        n, s4, d4, s6, d6, p4, p6, fo4, fo6, fnxt, tsp, tdp, usp, udp_, it4, it6 = c
        src, dst = norm(s4 or s6), norm(d4 or d6)
        if src not in ADDRS or dst not in ADDRS:
            continue
        later = (fo4 not in ("", "0")) or (fo6 not in ("", "0"))
        proto = int(p4) if p4 else int(fnxt or p6.split(",")[-1] or 0)
        pk.append(dict(n=int(n), ifn=ifn, src=src, dst=dst, proto=proto, later=later,
                       sport=int(tsp or usp or 0), dport=int(tdp or udp_ or 0), icmp=int(it4 or it6) if (it4 or it6) else None))

def direction(ifn, src):
    return "ingress" if src in POD[ifn] else "egress"

# ---- roles: who sent each conversation's first packet (tshark) --------------------
PROTO = {"TCP": 6, "UDP": 17, "ICMPv4": 1, "ICMPv6": 58}
ECHO_REQ = {1: 8, 58: 128}
ECHO_REP = {1: 0, 58: 129}
first = {}
for p in sorted(pk, key=lambda p: p["n"]):
    if p["later"] or p["proto"] not in (6, 17):
        continue
    conv = (p["proto"], frozenset({(p["src"], p["sport"]), (p["dst"], p["dport"])}))
    first.setdefault((p["ifn"], conv), (p["src"], p["sport"]))

checked = collections.Counter()
for r in ours:
    if r.get("later_fragment"):
        continue
    proto = PROTO.get(r["proto"])
    if proto in (6, 17):
        if 80 not in (r["sport"], r["dport"]) and 9999 not in (r["sport"], r["dport"]):
            continue
        conv = (proto, frozenset({(r["src"], r["sport"]), (r["dst"], r["dport"])}))
        opener = first.get((r["ifname"], conv))
        if not check(opener is not None, "a record of a conversation tshark did not see", r):
            continue
        want = "initiator" if opener == (r["src"], r["sport"]) else "reply"
    elif proto in (1, 58) and r.get("icmp_type") in (ECHO_REQ[proto], ECHO_REP[proto]):
        want = "initiator" if r["icmp_type"] == ECHO_REQ[proto] else "reply"
    else:
        continue
    check(r.get("role") == want, f"role should be {want}", r)
    for reason in r["reasons"]:
        checked[(r["proto"], want, reason)] += 1

# Every kind of record was checked, on both sides.
for proto in ("TCP", "UDP"):
    for want in ("initiator", "reply"):
        for reason in ("new_flow", "stats", "flow_end"):
            check(checked[(proto, want, reason)] > 0, f"no {proto} {want} record with reason {reason} was checked")
for proto in ("ICMPv4", "ICMPv6"):
    for want in ("initiator", "reply"):
        check(checked[(proto, want, "new_flow")] > 0, f"no {proto} echo {want} record was checked")
check(checked[("TCP", "reply", "tcp_synack")] > 0 and checked[("TCP", "initiator", "tcp_fin")] > 0,
      "the TCP handshake and close records were not checked")

# ---- fragments ---------------------------------------------------------------------
frag_recs = [r for r in ours if r.get("later_fragment")]
for r in frag_recs:
    check("sport" not in r and "dport" not in r and "icmp_type" not in r,
          "a later fragment record claims ports or an ICMP type", r)
    check(r["proto"] in ("UDP", "ICMPv4", "ICMPv6"), "later fragment of an unexpected protocol", r)
# The bug this guards: the tail of an echo request taken for an echo reply.
for r in ours:
    if r.get("later_fragment"):
        continue
    if r["proto"] == "ICMPv4" and r["src"] in (CLIENT,) and r.get("icmp_type") == 0:
        check(False, "an ICMPv4 echo reply from the client (a fragment taken for L4)", r)
    if r["proto"] == "ICMPv6" and r.get("icmp_type") == 0:
        check(False, "an ICMPv6 type 0 record (a fragment taken for L4)", r)
    if r["proto"] == "UDP" and r.get("sport") == 0 and r.get("dport") == 0:
        check(False, "a port-less UDP record (a fragment taken for L4)", r)

ts_frag = collections.Counter((p["ifn"], direction(p["ifn"], p["src"]), p["src"], p["dst"], p["proto"])
                              for p in pk if p["later"])
fd_frag = collections.Counter()
for r in frag_recs:
    if "flow_end" in r["reasons"]:
        fd_frag[(r["ifname"], r["direction"], r["src"], r["dst"], PROTO[r["proto"]])] += r["packets"]
check(ts_frag == fd_frag, f"later fragments per veth/direction/addresses/protocol: tshark {dict(ts_frag)} != "
                          f"flows-dump flow totals {dict(fd_frag)}")
for key in ts_frag:
    ifn, d, src, dst, proto = key
    check(any(k[:4] == key[:4] for k in fd_frag), f"no later-fragment flow for {key}")
# Fragments in the answering direction are replies.
for r in frag_recs:
    if r["src"] in (WEB, norm(WEB6)):
        check(r.get("role") == "reply", "the server's later fragments should be a reply", r)
check(sum(ts_frag.values()) >= 20, f"only {sum(ts_frag.values())} later fragments captured; the test sent more")

if errors:
    print(f"FAIL: test_roles_and_fragments: {len(errors)} mismatch(es):", file=sys.stderr)
    for e in errors[:40]:
        print("  - " + e, file=sys.stderr)
    sys.exit(1)
print(f"PASS test_roles_and_fragments: {len(ours)} records of ours, {sum(checked.values())} (record, reason) "
      f"roles checked against tshark; {sum(ts_frag.values())} later fragments in {len(ts_frag)} streams, "
      f"totals equal to tshark's")
PY

sandbox_cleanup
trap - EXIT
