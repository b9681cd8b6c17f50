#!/usr/bin/env bash
# test_http_dns_flows.sh <flows-dump>
#
# Proves, with real servers and clients in network namespaces, that the
# datapath attached to pod veths reports what actually crossed the wire:
#   - a TCP SYN record (new_flow + tcp_syn) on the client's host veth ingress
#     for every connection to nginx:80, a tcp_synack record on its egress,
#     and the same connection seen on the server's veth in the other direction;
#   - an HTTP request record per request (method GET, exact URL, Host header)
#     and a response record per response with the right status, in exactly the
#     numbers curl sent (200 x5, 404 x3, 500 x1);
#   - a DNS query record per query (name + qtype) and a response record with
#     rcode NOERROR/NXDOMAIN, the A answer's IP and TTL, the AAAA answer;
#   - ICMP echo (type 8) and a UDP datagram, with the ICMP port-unreachable
#     it provokes (type 3 code 3);
#   - flow totals (packets/bytes of the flow_end record of each of our flows)
#     equal to what an independent capture (tshark, same veths) counted;
#   - per interface and direction, the HTTP requests/responses and DNS
#     queries/responses flows-dump reports are exactly the ones tshark saw;
#   - no loss: ring_reserve_failed, flow_table_insert_failed, malformed,
#     decode_errors and l7_errors are 0, and every record the kernel
#     submitted was read and printed.
# Everything runs in namespaces this script creates and removes; it fails
# (never skips) when it cannot run.
set -euo pipefail

fail() {
  echo "FAIL: test_http_dns_flows: $*" >&2
  exit 1
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../sandbox/sandbox.sh
source "$HERE/../../sandbox/sandbox.sh"
FLOWS_DUMP=$(sandbox_preflight test_http_dns_flows "${1:-}" ip ss nginx dnsmasq curl dig tshark ping python3) || exit 1

sandbox_init
S=$SANDBOX_STATE_DIR

# --- topology: node (bridge) + client, web (nginx), dns (dnsmasq) --------------
sandbox_node node
sandbox_pod node client 10.77.0.10/24
sandbox_pod node web 10.77.0.20/24
sandbox_pod node dns 10.77.0.30/24
NODE=$(sandbox_ns node)
CLIENT=$(sandbox_ns client)
CLIENT_IP=$(sandbox_ip client)
WEB_IP=$(sandbox_ip web)
DNS_IP=$(sandbox_ip dns)
V_CLIENT=$(sandbox_veth client)
V_WEB=$(sandbox_veth web)
V_DNS=$(sandbox_veth dns)
DOMAIN=flows.test
API_V4=10.77.0.20
API_V6=fd00:77::20
TTL=300

SANDBOX_DNS_TTL=$TTL
sandbox_nginx web 80 /ok=200 /missing=404 /error=500
sandbox_dns dns "$DOMAIN" "api.$DOMAIN=$API_V4,$API_V6"

# --- independent capture on the three host veths ---------------------------------
sandbox_spawn_split "$NODE" "$S/tshark.out" "$S/tshark.err" \
  tshark -i "$V_CLIENT" -i "$V_WEB" -i "$V_DNS" -w "$S/capture.pcapng"
TSHARK_PID=$SANDBOX_LAST_PID
for ((i = 0; i < 400; i++)); do
  grep -q "Capturing on" "$S/tshark.err" 2>/dev/null && break
  kill -0 "$TSHARK_PID" 2>/dev/null || { cat "$S/tshark.err" >&2; fail "tshark exited"; }
  sleep 0.05
done
grep -q "Capturing on" "$S/tshark.err" || fail "tshark did not start capturing within 20s"

# --- the datapath --------------------------------------------------------------
sandbox_spawn_split "$NODE" "$S/flows.json" "$S/flows.err" "$FLOWS_DUMP" \
  --interfaces 'veth*' --node-nic none --pin-root "" -o json \
  --idle-timeout 2 --ready-file "$S/ready"
FD_PID=$SANDBOX_LAST_PID
sandbox_wait_file "$S/ready" 30 "$FD_PID" || { cat "$S/flows.err" >&2; fail "flows-dump did not attach"; }
for v in "$V_CLIENT" "$V_WEB" "$V_DNS"; do
  grep -q "^flows-dump: $v: tc-ingress tc-egress$" "$S/flows.err" ||
    { cat "$S/flows.err" >&2; fail "flows-dump did not attach tc-ingress and tc-egress to $v"; }
done

# --- traffic ---------------------------------------------------------------------
in_client() { ip netns exec "$CLIENT" "$@"; }
# curl prints one status per URL; several URLs share one keep-alive connection
get() {
  local args=() u
  for u in "$@"; do args+=(-o /dev/null "http://web.$DOMAIN$u"); done
  in_client curl -sS --max-time 5 -w '%{http_code}\n' --resolve "web.$DOMAIN:80:$WEB_IP" "${args[@]}" >>"$S/curl.codes"
}
: >"$S/curl.codes"
for _ in 1 2 3 4; do get /ok; done
for _ in 1 2; do get /missing; done
get /ok /missing /error # three requests on one connection
[[ $(sort "$S/curl.codes" | uniq -c | awk '{printf "%s:%s ", $2, $1}') == "200:5 404:3 500:1 " ]] ||
  fail "curl itself did not get 5x200, 3x404, 1x500: $(tr '\n' ' ' <"$S/curl.codes")"

DIG=(dig +tries=1 +time=3 "@$DNS_IP")
for _ in 1 2 3; do
  [[ $(in_client "${DIG[@]}" +short "api.$DOMAIN" A) == "$API_V4" ]] || fail "dig A api.$DOMAIN did not return $API_V4"
done
in_client "${DIG[@]}" "nope.$DOMAIN" A | grep -q "status: NXDOMAIN" || fail "dig nope.$DOMAIN did not get NXDOMAIN"
[[ $(in_client "${DIG[@]}" +short "api.$DOMAIN" AAAA) == "$API_V6" ]] || fail "dig AAAA api.$DOMAIN did not return $API_V6"

in_client ping -c 3 -i 0.2 -W 2 "$WEB_IP" >/dev/null || fail "ping $WEB_IP failed"
in_client bash -c "echo flows-udp-probe >/dev/udp/$WEB_IP/9999" || fail "could not send the UDP datagram"

# --- wait until every flow of ours has ended (idle 2s; closed TCP 5s) -------------
python3 - "$S/flows.json" "$V_CLIENT" "$CLIENT_IP" <<'PY' || fail "flow_end records did not all arrive within 30s"
import json, sys, time
path, veth, client = sys.argv[1:]
deadline = time.time() + 30
while time.time() < deadline:
    ends = []
    with open(path) as f:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if "flow_end" in r["reasons"] and r["ifname"] == veth and r["src"] == client:
                ends.append(r)
    tcp = sum(1 for r in ends if r["proto"] == "TCP" and r["dport"] == 80)
    dns = sum(1 for r in ends if r["proto"] == "UDP" and r["dport"] == 53)
    icmp = sum(1 for r in ends if r["proto"] == "ICMPv4" and r.get("icmp_type") == 8)
    udp = sum(1 for r in ends if r["proto"] == "UDP" and r["dport"] == 9999)
    if tcp >= 7 and dns >= 5 and icmp >= 1 and udp >= 1:
        sys.exit(0)
    time.sleep(0.5)
print(f"flow_end on {veth} ingress so far: tcp:80={tcp} (want 7) udp:53={dns} (want 5) "
      f"icmp-echo={icmp} (want 1) udp:9999={udp} (want 1)", file=sys.stderr)
sys.exit(1)
PY

# --- stop: capture first, then silence the veths, then flows-dump ---------------
# dumpcap hands packets over in blocks (TPACKET_V3, with a timeout): wait until
# the file holds at least what was sent (9 request segments, 5 queries and the
# UDP probe, each seen on two veths) so stopping it loses nothing; the
# comparison below stays exact.
for ((i = 0; i < 60; i++)); do
  (($(tshark -r "$S/capture.pcapng" -Y "(tcp.dstport == 80 && tcp.len > 0) || udp.dstport == 53 || udp.dstport == 9999" \
    2>/dev/null | wc -l) >= 30)) && break
  sleep 0.25
done
sandbox_kill "$TSHARK_PID"
# No packet may arrive between the ring's last drain and the counter read.
for v in "$V_CLIENT" "$V_WEB" "$V_DNS"; do ip -n "$NODE" link set "$v" down; done
sleep 0.2
sandbox_kill "$FD_PID"
[[ -s $S/capture.pcapng ]] || fail "tshark wrote no capture"

# --- assertions --------------------------------------------------------------------
python3 - "$S" "$V_CLIENT" "$V_WEB" "$V_DNS" "$CLIENT_IP" "$WEB_IP" "$DNS_IP" "$DOMAIN" \
  "$API_V4" "$API_V6" "$TTL" <<'PY'
import collections, ipaddress, json, subprocess, sys

S, V_CLIENT, V_WEB, V_DNS, CLIENT, WEB, DNS, DOMAIN, API4, API6, TTL = sys.argv[1:]
TTL = int(TTL)
POD_IP = {V_CLIENT: CLIENT, V_WEB: WEB, V_DNS: DNS}
errors = []

def check(cond, msg, rec=None):
    if not cond:
        errors.append(msg + (("\n      record: " + json.dumps(rec, sort_keys=True)) if rec is not None else ""))
    return cond

# flows-dump output: every stdout line must be JSON, stderr ends with the counters
records = []
with open(f"{S}/flows.json") as f:
    for n, line in enumerate(f, 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            check(False, f"flows.json line {n} is not JSON: {line[:200]!r}")
err_lines = [l for l in open(f"{S}/flows.err").read().splitlines() if l.strip()]
try:
    counters = json.loads(err_lines[-1])
except (IndexError, ValueError):
    print("FAIL: flows-dump did not print its loss counters as the last stderr line:\n" +
          "\n".join(err_lines[-5:]), file=sys.stderr)
    sys.exit(1)

ours = [r for r in records if r.get("ifname") in POD_IP]
check(len(ours) == len(records), f"{len(records) - len(ours)} records on interfaces that are not our pod veths")
for r in ours:
    check(r["hook"] == "tc", "pod veth record not from the tc hook", r)
    check(r["packets"] > 0 and r["bytes"] > 0, "record with packets/bytes == 0", r)
    want_dir = "ingress" if r["src"] == POD_IP[r["ifname"]] else "egress" if r["dst"] == POD_IP[r["ifname"]] else None
    if want_dir:
        check(r["direction"] == want_dir, f"direction should be {want_dir} ({r['src']} -> {r['dst']} on {r['ifname']})", r)

def on(ifname, direction):
    return [r for r in ours if r["ifname"] == ifname and r["direction"] == direction]

# ---- tshark, the independent observer -----------------------------------------
# One file per interface: dissected together, tshark would take the same TCP
# segment seen on two veths for a retransmission and skip its HTTP.
for ifn in POD_IP:
    subprocess.run(["tshark", "-r", f"{S}/capture.pcapng", "-Y", f'frame.interface_name == "{ifn}"',
                    "-w", f"{S}/capture-{ifn}.pcapng"], check=True, capture_output=True)

def tshark(display_filter, fields, occurrence="a"):
    rows = []
    for ifn in POD_IP:
        cmd = ["tshark", "-r", f"{S}/capture-{ifn}.pcapng", "-Y", display_filter, "-T", "fields",
               "-E", "separator=\t", "-E", f"occurrence={occurrence}", "-E", "aggregator=,"]
        for fld in fields:
            cmd += ["-e", fld]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            cols = line.split("\t")
            rows.append([ifn] + cols + [""] * (len(fields) - len(cols)))
    return rows

def ts_dir(ifname, src):
    return "ingress" if src == POD_IP.get(ifname) else "egress"

# ---- TCP handshakes ---------------------------------------------------------------
syns = tshark("tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == 80", ["ip.src", "tcp.srcport"])
client_syns = [int(p) for i, s, p in syns if i == V_CLIENT]
check(len(client_syns) == 7, f"tshark saw {len(client_syns)} SYNs to :80 on {V_CLIENT}, expected 7 (one per curl connection)")
for port in client_syns:
    got = [r for r in on(V_CLIENT, "ingress") if r["proto"] == "TCP" and r["sport"] == port and "tcp_syn" in r["reasons"]]
    if check(len(got) == 1, f"{len(got)} tcp_syn records for {CLIENT}:{port} -> {WEB}:80 on {V_CLIENT} ingress, expected 1"):
        r = got[0]
        check(r["src"] == CLIENT and r["dst"] == WEB and r["dport"] == 80, "SYN record has the wrong 5-tuple", r)
        check("new_flow" in r["reasons"] and r["tcp_flags"] == "SYN" and r["packets"] == 1,
              "SYN record should be new_flow, flags SYN, packets 1", r)
    got = [r for r in on(V_CLIENT, "egress") if r["proto"] == "TCP" and r["dport"] == port and "tcp_synack" in r["reasons"]]
    check(len(got) == 1 and got[0]["tcp_flags"] == "SYN|ACK" and got[0]["src"] == WEB,
          f"expected one tcp_synack record (flags SYN|ACK) from {WEB}:80 to port {port} on {V_CLIENT} egress, got {len(got)}",
          got[0] if got else None)
    got = [r for r in on(V_WEB, "egress") if r["proto"] == "TCP" and r["sport"] == port and "tcp_syn" in r["reasons"]]
    check(len(got) == 1, f"SYN of port {port} should also be a tcp_syn record on {V_WEB} egress (towards the server), got {len(got)}")
for ifn in POD_IP:
    for d in ("ingress", "egress"):
        n_ts = sum(1 for i, s, p in syns if i == ifn and ts_dir(i, s) == d)
        n_fd = sum(1 for r in on(ifn, d) if r["proto"] == "TCP" and r["dport"] == 80 and "tcp_syn" in r["reasons"])
        check(n_ts == n_fd, f"SYNs to :80 on {ifn} {d}: tshark {n_ts}, flows-dump {n_fd}")

# ---- HTTP -----------------------------------------------------------------------
host = f"web.{DOMAIN}"
reqs = [r for r in ours if "http" in r and not r["http"]["response"]]
resps = [r for r in ours if "http" in r and r["http"]["response"]]
for r in reqs + resps:
    check("l7" in r["reasons"], "HTTP record without reason l7", r)
    check(r["proto"] == "TCP", "HTTP record not TCP", r)
for r in reqs:
    h = r["http"]
    check(h["method"] == "GET" and h["version"] == "HTTP/1.1" and h["host"] == host and h["url"] in ("/ok", "/missing", "/error"),
          f"HTTP request should be GET /ok|/missing|/error HTTP/1.1 with Host {host}", r)
    check(r["dport"] == 80 and r["src"] == CLIENT and r["dst"] == WEB, "HTTP request 5-tuple", r)
    check(r["tcp_flags"] in ("ACK|PSH", "ACK"), "HTTP request packet flags", r)

creq = collections.Counter(r["http"]["url"] for r in on(V_CLIENT, "ingress") if r in reqs)
check(creq == collections.Counter({"/ok": 5, "/missing": 3, "/error": 1}),
      f"HTTP requests on {V_CLIENT} ingress: {dict(creq)}, expected /ok x5 /missing x3 /error x1")
cresp = collections.Counter(r["http"]["status"] for r in on(V_CLIENT, "egress") if r in resps)
check(cresp == collections.Counter({200: 5, 404: 3, 500: 1}),
      f"HTTP responses on {V_CLIENT} egress: {dict(cresp)}, expected 200 x5, 404 x3, 500 x1")
# every request's response on the same connection, in order
for port in client_syns:
    q = [r["http"]["url"] for r in on(V_CLIENT, "ingress") if r in reqs and r["sport"] == port]
    a = [r["http"]["status"] for r in on(V_CLIENT, "egress") if r in resps and r["dport"] == port]
    want = [{"/ok": 200, "/missing": 404, "/error": 500}[u] for u in q]
    check(a == want, f"connection :{port}: requests {q} got response records {a}, expected {want}")

ts_req = tshark("http.request", ["ip.src", "tcp.srcport", "tcp.dstport", "http.request.method", "http.request.uri", "http.host"])
ts_resp = tshark("http.response", ["ip.src", "tcp.srcport", "tcp.dstport", "http.response.code"])
http_counts = {}
for ifn in POD_IP:
    for d in ("ingress", "egress"):
        t = collections.Counter((int(sp), int(dp), m, u, h) for i, s, sp, dp, m, u, h in ts_req if i == ifn and ts_dir(i, s) == d)
        f = collections.Counter((r["sport"], r["dport"], r["http"]["method"], r["http"]["url"], r["http"]["host"])
                                for r in on(ifn, d) if r in reqs)
        check(t == f, f"HTTP requests on {ifn} {d}: tshark {sorted(t.elements())} != flows-dump {sorted(f.elements())}")
        t2 = collections.Counter((int(sp), int(dp), int(c)) for i, s, sp, dp, c in ts_resp if i == ifn and ts_dir(i, s) == d)
        f2 = collections.Counter((r["sport"], r["dport"], r["http"]["status"]) for r in on(ifn, d) if r in resps)
        check(t2 == f2, f"HTTP responses on {ifn} {d}: tshark {sorted(t2.elements())} != flows-dump {sorted(f2.elements())}")
        http_counts[(ifn, d)] = (sum(t.values()), sum(f.values()), sum(t2.values()), sum(f2.values()))

# ---- DNS -------------------------------------------------------------------------
dq = [r for r in ours if "dns" in r and not r["dns"]["response"]]
da = [r for r in ours if "dns" in r and r["dns"]["response"]]
for r in dq + da:
    check("l7" in r["reasons"] and r["proto"] == "UDP", "DNS record should be UDP with reason l7", r)
cq = [r for r in on(V_CLIENT, "ingress") if r in dq]
check(collections.Counter((r["dns"]["query"], r["dns"]["qtype"]) for r in cq) ==
      collections.Counter({(f"api.{DOMAIN}.", "A"): 3, (f"nope.{DOMAIN}.", "A"): 1, (f"api.{DOMAIN}.", "AAAA"): 1}),
      f"DNS queries on {V_CLIENT} ingress: {[(r['dns']['query'], r['dns']['qtype']) for r in cq]}, "
      f"expected api A x3, nope A x1, api AAAA x1")
for r in cq:
    check(r["dst"] == DNS and r["dport"] == 53 and r["dns"]["answers"] == [], "DNS query record fields", r)
ca = [r for r in on(V_CLIENT, "egress") if r in da]
check(len(ca) == 5, f"{len(ca)} DNS responses on {V_CLIENT} egress, expected 5")
ids = {r["dns"]["id"]: r for r in cq}
for r in ca:
    d = r["dns"]
    check(r["src"] == DNS and r["sport"] == 53, "DNS response 5-tuple", r)
    q = ids.get(d["id"])
    check(q is not None and q["sport"] == r["dport"] and q["dns"]["query"] == d["query"] and q["dns"]["qtype"] == d["qtype"],
          "DNS response does not match a query (id, port, name, type)", r)
    if d["query"] == f"nope.{DOMAIN}.":
        check(d["rcode"] == "NXDOMAIN" and d["answers"] == [], "NXDOMAIN response should have rcode NXDOMAIN and no answers", r)
    elif d["qtype"] == "A":
        check(d["rcode"] == "NOERROR" and d["answers"] == [{"name": f"api.{DOMAIN}.", "type": "A", "ttl": TTL, "data": API4}],
              f"A response should be NOERROR with api.{DOMAIN}. A {API4} ttl {TTL}", r)
    elif d["qtype"] == "AAAA":
        a = d["answers"]
        ok = (d["rcode"] == "NOERROR" and len(a) == 1 and a[0]["type"] == "AAAA" and a[0]["ttl"] == TTL and
              a[0]["name"] == f"api.{DOMAIN}." and ipaddress.ip_address(a[0]["data"] or "::") == ipaddress.ip_address(API6))
        check(ok, f"AAAA response should be NOERROR with api.{DOMAIN}. AAAA {API6} ttl {TTL}", r)
    else:
        check(False, "unexpected DNS response", r)

RCODES = {0: "NOERROR", 3: "NXDOMAIN"}
TYPES = {1: "A", 28: "AAAA"}
ts_dq = tshark("dns.flags.response == 0", ["ip.src", "udp.srcport", "dns.id", "dns.qry.name", "dns.qry.type"])
ts_da = tshark("dns.flags.response == 1", ["ip.src", "udp.dstport", "dns.id", "dns.qry.name", "dns.qry.type", "dns.flags.rcode", "dns.count.answers"])
dns_counts = {}
for ifn in POD_IP:
    for d in ("ingress", "egress"):
        t = collections.Counter((int(p), int(i_, 16), n + ".", TYPES.get(int(ty), ty)) for i, s, p, i_, n, ty in ts_dq if i == ifn and ts_dir(i, s) == d)
        f = collections.Counter((r["sport"], r["dns"]["id"], r["dns"]["query"], r["dns"]["qtype"]) for r in on(ifn, d) if r in dq)
        check(t == f, f"DNS queries on {ifn} {d}: tshark {sorted(t.elements())} != flows-dump {sorted(f.elements())}")
        t2 = collections.Counter((int(p), int(i_, 16), n + ".", TYPES.get(int(ty), ty), RCODES.get(int(rc), rc), int(na))
                                 for i, s, p, i_, n, ty, rc, na in ts_da if i == ifn and ts_dir(i, s) == d)
        f2 = collections.Counter((r["dport"], r["dns"]["id"], r["dns"]["query"], r["dns"]["qtype"], r["dns"]["rcode"], len(r["dns"]["answers"]))
                                 for r in on(ifn, d) if r in da)
        check(t2 == f2, f"DNS responses on {ifn} {d}: tshark {sorted(t2.elements())} != flows-dump {sorted(f2.elements())}")
        dns_counts[(ifn, d)] = (sum(t.values()), sum(f.values()), sum(t2.values()), sum(f2.values()))

# ---- ICMP and UDP ---------------------------------------------------------------------
echo = [r for r in on(V_CLIENT, "ingress") if r["proto"] == "ICMPv4" and r["dst"] == WEB and "new_flow" in r["reasons"]]
check(any(r.get("icmp_type") == 8 and r.get("icmp_code") == 0 for r in echo),
      f"no ICMPv4 echo request (icmp_type 8) new_flow record {CLIENT} -> {WEB} on {V_CLIENT} ingress")
reply = [r for r in on(V_CLIENT, "egress") if r["proto"] == "ICMPv4" and r["src"] == WEB and r.get("icmp_type") == 0]
check(len(reply) >= 1, f"no ICMPv4 echo reply (icmp_type 0) record from {WEB} on {V_CLIENT} egress")
udp = [r for r in on(V_CLIENT, "ingress") if r["proto"] == "UDP" and r["dport"] == 9999 and "new_flow" in r["reasons"]]
check(len(udp) == 1 and udp[0]["dst"] == WEB and udp[0]["packets"] == 1, f"expected one UDP new_flow record to {WEB}:9999 on {V_CLIENT} ingress, got {len(udp)}")
unreach = [r for r in on(V_CLIENT, "egress") if r["proto"] == "ICMPv4" and r.get("icmp_type") == 3 and r.get("icmp_code") == 3]
check(len(unreach) >= 1, f"no ICMPv4 port-unreachable (3/3) record from {WEB} on {V_CLIENT} egress (answer to the UDP datagram)")

# ---- flow totals vs tshark (flow_end records of our flows on the client veth) -----------
pk = tshark(f"ip.addr == {CLIENT}", ["ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "icmp.type", "icmp.code", "frame.len"], occurrence="f")
ts_flows = collections.defaultdict(lambda: [0, 0])
for i, s, dst, proto, tsp, tdp, usp, udp_, it, ic, ln in pk:
    if i != V_CLIENT:  # (first occurrences: an ICMP error's quoted header is ignored)
        continue
    proto = int(proto)
    if proto == 6:
        key = ("TCP", s, dst, int(tsp), int(tdp))
    elif proto == 17:
        key = ("UDP", s, dst, int(usp), int(udp_))
    elif proto == 1:
        key = ("ICMPv4", s, dst, int(it), int(ic))
    else:
        continue
    ts_flows[key][0] += 1
    ts_flows[key][1] += int(ln)
ends = [r for r in ours if "flow_end" in r["reasons"] and r["ifname"] == V_CLIENT and r["proto"] in ("TCP", "UDP", "ICMPv4")
        and (r["src"] == CLIENT or r["dst"] == CLIENT)]
compared = 0
seen_end = collections.Counter()
for r in ends:
    a, b = (r.get("icmp_type"), r.get("icmp_code")) if r["proto"] == "ICMPv4" else (r["sport"], r["dport"])
    key = (r["proto"], r["src"], r["dst"], a, b)
    seen_end[key] += 1
    if key not in ts_flows:
        check(False, "flow_end record for a flow tshark never saw", r)
        continue
    compared += 1
    check([r["packets"], r["bytes"]] == ts_flows[key],
          f"flow totals differ from tshark's {ts_flows[key][0]} packets / {ts_flows[key][1]} bytes", r)
for key, n in seen_end.items():
    check(n == 1, f"flow {key} ended {n} times on {V_CLIENT} (a flow split while still active?)")
# every TCP/DNS/ICMP-echo/UDP flow of ours must have ended (and therefore been compared)
for key in ts_flows:
    proto, s, dst, a, b = key
    mine = (proto == "TCP" and 80 in (a, b)) or (proto == "UDP" and (53 in (a, b) or b == 9999)) or \
           (proto == "ICMPv4" and a in (0, 8))
    if mine:
        check(key in seen_end, f"no flow_end record on {V_CLIENT} for {key}, which tshark saw {ts_flows[key][0]} packets of")

# ---- loss counters --------------------------------------------------------------------------
k, rd = counters["kernel"], counters["reader"]
for name in ("ring_reserve_failed", "flow_table_insert_failed", "malformed"):
    check(k.get(name) == 0, f"kernel counter {name} = {k.get(name)}, expected 0")
for name in ("decode_errors", "l7_errors"):
    check(rd.get(name) == 0, f"reader counter {name} = {rd.get(name)}, expected 0")
ring_lines = sum(1 for r in records if "flow_end" not in r["reasons"])
check(k.get("records") == rd.get("records") == ring_lines,
      f"kernel submitted {k.get('records')} records, reader read {rd.get('records')}, {ring_lines} printed: all three must be equal")
check(k.get("packets", 0) > 0, "kernel packet counter is 0")

if errors:
    print(f"FAIL: test_http_dns_flows: {len(errors)} mismatch(es):", file=sys.stderr)
    for e in errors:
        print("  - " + e, file=sys.stderr)
    sys.exit(1)

print("PASS test_http_dns_flows: "
      f"{len(records)} records; TCP connections {len(client_syns)}; "
      f"HTTP requests {sum(creq.values())} ({dict(creq)}), responses {dict(sorted(cresp.items()))}; "
      f"DNS queries {len(cq)}, responses {dict(collections.Counter(r['dns']['rcode'] for r in ca))}; "
      f"{compared} flow totals equal to tshark's")
print("  per veth/direction, tshark vs flows-dump:      HTTP req     HTTP resp    DNS query    DNS resp")
for (ifn, d), h in sorted(http_counts.items()):
    q = dns_counts[(ifn, d)]
    cells = "".join(f"   {a:2} vs {b:2}  " for a, b in ((h[0], h[1]), (h[2], h[3]), (q[0], q[1]), (q[2], q[3])))
    pod = {V_CLIENT: "client", V_WEB: "web", V_DNS: "dns"}[ifn]
    print(f"  {ifn:12} {d:7} ({'from' if d == 'ingress' else 'to':4} {pod:6}) {cells}")
print(f"  counters: kernel packets={k['packets']} records={k['records']} ring_reserve_failed={k['ring_reserve_failed']} "
      f"flow_table_insert_failed={k['flow_table_insert_failed']} malformed={k['malformed']}; "
      f"reader records={rd['records']} decode_errors={rd['decode_errors']} l7_errors={rd['l7_errors']}")
PY

sandbox_cleanup
trap - EXIT
[[ -z $(sandbox_leftovers) ]] || fail "left behind: $(sandbox_leftovers)"
