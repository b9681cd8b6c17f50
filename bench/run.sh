#!/usr/bin/env bash
# bench/run.sh <builddir> full|quick
#
# Runs datapath_bench (per-packet cost, consumer CPU) and throughput.sh
# (iperf3 with/without the observer), merges both with machine information
# into bench/results/datapath.json and regenerates the results table in
# bench/README.md. Needs root (BPF_PROG_TEST_RUN, network namespaces).
# quick: < 1 minute, a smoke test of the numbers; full: ~5 minutes.
set -euo pipefail

build=${1:?usage: bench/run.sh <builddir> full|quick}
mode=${2:?usage: bench/run.sh <builddir> full|quick}
[[ $mode == full || $mode == quick ]] || { echo "mode must be full or quick" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$build" && pwd)
tmp=$(mktemp -d /tmp/flows-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# CPU busy time of the whole machine (user nice system irq softirq: a task's
# system time includes the softirq work done on its behalf) and the
# hypervisor's steal, in clock ticks. What other work used during our run is,
# approximately, the busy time minus our own (the `times` of our children).
cpu_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8, $9}' /proc/stat; }
start=$(date +%s)
loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
ticks_start=$(cpu_ticks)
# `make bench` builds first; run directly, build the two targets yourself.
for bin in bench/datapath_bench bench/flowd_bench bench/relay/relay_bench datapath/flows-dump; do
  [[ -x $build/$bin ]] || { echo "bench/run.sh: $build/$bin not built" >&2; exit 1; }
done

# Pinned to one CPU: a test run stays on its CPU anyway, and pinning keeps
# the drains between rounds (and their cache footprint) on the same core.
echo "datapath_bench ($mode)" >&2
taskset -c 1 "$build/bench/datapath_bench" --mode "$mode" --out "$tmp/datapath.json"
"$here/throughput.sh" "$build" "$mode" >"$tmp/throughput.json"

ticks_end=$(cpu_ticks)
times >"$tmp/times"  # in this shell: a $(times) subshell has no children
ours=$(tail -n 1 "$tmp/times")  # children's user and system time: "0m6.1s 0m36.2s"
python3 - "$here" "$tmp" "$mode" "$loadavg" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(($(date +%s) - start))" \
  "$ticks_start" "$ticks_end" "$ours" "$(getconf CLK_TCK)" <<'EOF'
import datetime, json, os, platform, re, subprocess, sys

here, tmp, mode, loadavg, loadavg_end, seconds = sys.argv[1:7]
(busy0, steal0), (busy1, steal1) = (map(int, t.split()) for t in sys.argv[7:9])
hz = int(sys.argv[10])
ours = sum(int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.argv[9]))
other_cpu_s = max(0.0, (busy1 - busy0) / hz - ours)
dp = json.load(open(os.path.join(tmp, "datapath.json")))
tp = json.load(open(os.path.join(tmp, "throughput.json")))

def read(path, default="?"):
    try:
        return open(path).read().strip()
    except OSError:
        return default

cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo", ""))
vuln = "/sys/devices/system/cpu/vulnerabilities/"
try:
    commit = subprocess.run(["git", "-C", here, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
except OSError:
    commit = "?"
machine = {
    "kernel": platform.release(),
    "cpu_model": cpu.group(1) if cpu else "?",
    "nproc": os.cpu_count(),
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "mode": mode,
    "git": commit,
    # Other work on the machine shows up as spread; these say if there was any.
    "loadavg_at_start": loadavg,
    "loadavg_at_end": loadavg_end,
    # CPU time of the whole machine and of our processes during the run; the
    # difference is what other work took.
    "busy_cpu_seconds": round((busy1 - busy0) / hz, 1),
    "our_cpu_seconds": round(ours, 1),
    "other_cpu_seconds": round(other_cpu_s, 1),
    "steal_seconds": round((steal1 - steal0) / hz, 1),
    "clocksource": read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
    # Helper calls and returns dominate small BPF costs; these change them.
    "mitigations": {k: read(vuln + k) for k in ("spectre_v2", "spec_rstack_overflow", "retbleed")},
    "run_seconds": int(seconds),
    "pinning": "datapath_bench: taskset -c 1; " + tp["pinning"],
}

# Targets: per-packet cost over the empty program, throughput ratios.
NS_TARGETS = {"tcp_syn": 60, "tcp_ack": 60, "http_request": 150, "dns_response": 150}
RATIO_TARGETS = {"tcp": 0.97, "udp_small": 0.90}

ns = dp["ns_per_packet"]
for name, c in ns["cases"].items():
    if name in NS_TARGETS:
        c["target_delta_ns"] = NS_TARGETS[name]
        c["meets_target"] = c["delta_vs_empty_ns"] <= NS_TARGETS[name]
for name, c in tp["cases"].items():
    c["target_ratio"] = RATIO_TARGETS[name]
    c["meets_target"] = c["ratio"] >= RATIO_TARGETS[name]

result = {"machine": machine, **dp, "throughput": tp}
os.makedirs(os.path.join(here, "results"), exist_ok=True)
with open(os.path.join(here, "results", "datapath.json"), "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")

def verdict(ok):
    return "—" if ok is None else ("yes" if ok else "**NO**")

def si(v, unit):
    for div, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:.2f} {prefix}{unit}"
    return f"{v:.0f} {unit}"

rows = ["| metric | case | measured | target | meets target |", "|---|---|---|---|---|"]
for name, c in ns["cases"].items():
    measured = f"{c['median_ns']} ns (min {c['min_ns']}, max {c['max_ns']})"
    if name == "empty":
        rows.append(f"| ns_per_packet | empty (baseline) | {measured} | — | — |")
        continue
    target = f"≤ empty + {c['target_delta_ns']} ns" if "target_delta_ns" in c else "—"
    rows.append(f"| ns_per_packet | {name} | {measured}; **empty + {c['delta_vs_empty_ns']} ns** "
                f"| {target} | {verdict(c.get('meets_target'))} |")
rows.append(f"| ring_reserve_failed | all ns_per_packet cases | {ns['ring_reserve_failed']} | 0 "
            f"| {verdict(ns['ring_reserve_failed'] == 0)} |")
for name, c in tp["cases"].items():
    unit = "bit/s" if name == "tcp" else "pkt/s"
    w, wo = c["with"], c["without"]
    p = c["paired_ratio"]
    rows.append(f"| throughput_ratio | {name} | **{c['ratio']:.3f}** (with {si(w['median'], unit)} "
                f"[{si(w['min'], unit)}–{si(w['max'], unit)}], without {si(wo['median'], unit)} "
                f"[{si(wo['min'], unit)}–{si(wo['max'], unit)}]; adjacent pairs {p['median']:.3f} "
                f"[{p['min']:.3f}–{p['max']:.3f}]) | ≥ {c['target_ratio']} "
                f"| {verdict(c['meets_target'])} |")
cc = dp["consumer_cpu_per_event_ns"]
for name, label in (("no_l7", "record without L7"), ("http", "record with HTTP request"),
                    ("dns", "record with DNS response")):
    c = cc[name]
    rows.append(f"| consumer_cpu_per_event_ns | {label} ({c['record_bytes']} B) "
                f"| {c['median_ns']:.0f} ns (min {c['min_ns']:.0f}, max {c['max_ns']:.0f}) | — | — |")

busy_note = []
if other_cpu_s > 0.05 * int(seconds):
    busy_note = ["", f"**Other work used {other_cpu_s:.0f} CPU-seconds during this {seconds} s run**: "
                 "expect extra spread, compare the min/max columns."]
table = "\n".join([
    f"Measured {machine['date']} ({mode} mode, {machine['run_seconds']} s) on {machine['cpu_model']}, "
    f"{machine['nproc']} CPUs, kernel {machine['kernel']}, git {machine['git']}; "
    f"load average {loadavg} at start, {loadavg_end} at end. Raw data: `results/datapath.json`.",
    *busy_note, "", *rows])

readme = os.path.join(here, "README.md")
start, end = "<!-- results:datapath:start -->", "<!-- results:datapath:end -->"
text = open(readme).read() if os.path.exists(readme) else ""
if start in text and end in text:
    text = text[:text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
else:
    text += f"\n## Results\n\n{start}\n{table}\n{end}\n"
open(readme, "w").write(text)
print(table)
EOF
echo "bench/run.sh: $mode done in $(($(date +%s) - start)) s; results in $here/results/datapath.json" >&2

# flowd: ingest, follow clients, memory with a full store.
echo "flowd_bench ($mode)" >&2
# Unpinned: the ten follow clients need the other core.
"$build/bench/flowd_bench" "$mode" >"$tmp/flowd.json"
python3 "$here/flowd_results.py" "$tmp/flowd.json" "$here/results" "$here/README.md"

# relay: merge rate (3 and 10 synthetic nodes), end to end over gRPC, added
# latency. Pinned like datapath_bench so runs compare with each other.
echo "relay_bench ($mode)" >&2
taskset -c 1 "$build/bench/relay/relay_bench" "$mode" >"$tmp/relay.json"
python3 "$here/relay/relay_results.py" "$tmp/relay.json" "$here/results" "$here/README.md"

# cli: filter evaluation and compact formatting per flow, time from starting
# `flows observe` to its first line against a full store. Pinned: the bench,
# its in-process server and the spawned `flows` share CPU 1.
echo "cli_bench ($mode)" >&2
for bin in bench/cli/cli_bench cli/flows; do
  [[ -x $build/$bin ]] || { echo "bench/run.sh: $build/$bin not built" >&2; exit 1; }
done
taskset -c 1 "$build/bench/cli/cli_bench" --mode "$mode" --flows "$build/cli/flows" >"$tmp/cli.json"
python3 "$here/cli/cli_results.py" "$tmp/cli.json" "$here/results" "$here/README.md"
