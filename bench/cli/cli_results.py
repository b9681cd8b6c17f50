#!/usr/bin/env python3
"""cli_results.py <cli_bench json> <results dir> <README.md>

Writes results/cli.json and the CLI table in bench/README.md (between the
results:cli markers) from one cli_bench run."""
import datetime
import json
import os
import platform
import re
import sys

raw, results_dir, readme = sys.argv[1:4]
d = json.load(open(raw))
d["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
d["machine"] = {"kernel": platform.release(), "cpu_model": cpu.group(1) if cpu else "?", "nproc": os.cpu_count(),
                "loadavg": open("/proc/loadavg").read().split()[:3], "pinning": "taskset -c 1 (bench, server and flows)"}

TARGETS = {"filter_eval_flows_per_s": 5_000_000, "compact_format_flows_per_s": 1_000_000}
FIRST_FLOW_TARGET_MS = 100
for name, target in TARGETS.items():
    d[name]["target"] = target
    d[name]["meets_target"] = d[name]["median"] >= target
for case in ("default", "filtered_http_5xx"):
    d["first_flow_ms"][case]["target"] = FIRST_FLOW_TARGET_MS
    d["first_flow_ms"][case]["meets_target"] = d["first_flow_ms"][case]["median"] <= FIRST_FLOW_TARGET_MS
with open(os.path.join(results_dir, "cli.json"), "w") as f:
    json.dump(d, f, indent=2)
    f.write("\n")

yes = lambda ok: "yes" if ok else "**NO**"
fe, cf, jf, ff = (d[k] for k in ("filter_eval_flows_per_s", "compact_format_flows_per_s", "json_format_flows_per_s",
                                 "first_flow_ms"))
rate = lambda m: f"{m['median']:,.0f} (min {m['min']:,.0f}, max {m['max']:,.0f})"
ms = lambda m: f"{m['median']:.1f} ms (min {m['min']:.1f}, max {m['max']:.1f})"
rows = [
    f"Measured {d['date']} ({d['mode']} mode) on {d['machine']['cpu_model']}, {d['machine']['nproc']} CPUs, "
    f"load average {' '.join(d['machine']['loadavg'])}; everything pinned to CPU 1. Raw data: `results/cli.json`.",
    "",
    "| metric | measured | target | meets target |",
    "|---|---|---|---|",
    f"| filter_eval_flows_per_s (`{fe['flags']}`, {fe['matched_fraction']:.0%} match; one core) | {rate(fe)} "
    f"| ≥ 5,000,000 | {yes(fe['meets_target'])} |",
    f"| compact_format_flows_per_s (one core, {cf['bytes_per_flow']:.0f} B/line) | {rate(cf)} | ≥ 1,000,000 "
    f"| {yes(cf['meets_target'])} |",
    f"| json_format_flows_per_s (one core, for comparison) | {rate(jf)} | — | — |",
    f"| first_flow_ms, `{ff['default']['command']}` ({ff['store_flows']:,} flows held) | {ms(ff['default'])} "
    f"| ≤ 100 ms | {yes(ff['default']['meets_target'])} |",
    f"| first_flow_ms, `{ff['filtered_http_5xx']['command']}` | {ms(ff['filtered_http_5xx'])} | ≤ 100 ms "
    f"| {yes(ff['filtered_http_5xx']['meets_target'])} |",
]
table = "\n".join(rows)
start, end = "<!-- results:cli:start -->", "<!-- results:cli:end -->"
text = open(readme).read()
if start in text and end in text:
    text = text[:text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
else:
    text += ("\n## CLI results\n\n`cli_bench` (bench/cli/cli_bench.cc): the `flows` CLI's per-flow costs and its "
             "time to the first flow.\n\n" + start + "\n" + table + "\n" + end + "\n")
open(readme, "w").write(text)
print(table)
