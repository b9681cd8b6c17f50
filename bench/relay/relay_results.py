#!/usr/bin/env python3
"""relay_results.py <relay_bench json> <results dir> <README.md>

Writes results/relay.json and the relay table in bench/README.md (between
the results:relay markers) from one relay_bench run."""
import datetime
import json
import os
import sys

raw, results_dir, readme = sys.argv[1:4]
d = json.load(open(raw))
d["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
d["pinning"] = "taskset -c 1 (nodes, relay and client share one CPU)"
lat = d["added_latency_ms"]
drain = lat["drain_timeout_ms"]
# Targets (issue 5): merge >= 1M flows/s; p99 added latency <= 1.5 x drain timeout.
worst_p99 = max(lat["all_nodes_sending"]["p99"], lat["one_node_idle"]["p99"])
d["targets"] = {"merge_flows_per_s": 1_000_000, "added_latency_ms_p99": 1.5 * drain}
d["added_latency_ms_p99"] = worst_p99
os.makedirs(results_dir, exist_ok=True)
json.dump(d, open(os.path.join(results_dir, "relay.json"), "w"), indent=2)

yes = lambda ok: "yes" if ok else "**NO**"
m = d["merge_flows_per_s"]
g = d["e2e_grpc_flows_per_s"]
rows = [
    f"Measured {d['date']} ({d['mode']} mode), {d['pinning']}. Raw data: `results/relay.json`.",
    "",
    "| metric | case | measured | target | meets target |",
    "|---|---|---|---|---|",
]
for peers in ("3_peers", "10_peers"):
    c = m[peers]
    rows.append(
        f"| merge_flows_per_s | {peers.replace('_', ' ')} -> one consumer (FlowMerger, in process) "
        f"| {c['median']:,.0f} (min {c['min']:,.0f}, max {c['max']:,.0f}; {c['out_of_order']:,} of "
        f"{c['flows_per_round'] * c['rounds']:,} released out of order) | ≥ 1,000,000 | {yes(c['median'] >= 1e6)} |")
rows.append(
    f"| e2e_grpc_flows_per_s | 3 gRPC nodes -> relay -> gRPC follow client, loopback | {g['flows_per_s']:,.0f} "
    f"({g['lost_reported']:,} reported lost: slow_client {g['lost_by_stage']['slow_client']:,.0f}, "
    f"sort_buffer {g['lost_by_stage']['sort_buffer']:,.0f}; the same nodes read directly without the relay: "
    f"{g.get('direct_no_relay_flows_per_s', 0):,.0f}) | — | — |")
for case, label in (("all_nodes_sending", "3 nodes sending"), ("one_node_idle", "2 sending, 1 idle"),
                    ("direct_one_node", "one node read directly (no relay), for comparison")):
    c = lat[case]
    target = f"≤ {1.5 * drain:,.0f}" if case != "direct_one_node" else "—"
    meets = yes(c["p99"] <= 1.5 * drain) if case != "direct_one_node" else "—"
    setting = f"{c['rate_per_s']:,} flows/s" + (f", drain timeout {drain} ms" if case != "direct_one_node" else "")
    rows.append(f"| added_latency_ms_p99 | {label}, {setting} "
                f"| **{c['p99']:.1f}** (p50 {c['p50']:.1f}, max {c['max']:.1f}; {c['flows']:,} flows) | {target} | {meets} |")
table = "\n".join(rows)
start, end = "<!-- results:relay:start -->", "<!-- results:relay:end -->"
text = open(readme).read()
if start in text and end in text:
    text = text[: text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
else:
    text += ("\n## relay results\n\n`relay_bench` (bench/relay/): see [relay/README.md](relay/README.md) for what "
             "each number includes.\n\n" + f"{start}\n{table}\n{end}\n")
open(readme, "w").write(text)
print(table)
