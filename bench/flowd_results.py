#!/usr/bin/env python3
"""flowd_results.py <flowd_bench json> <results dir> <README.md>

Writes results/flowd.json and the flowd table in bench/README.md (between
the results:flowd markers) from one flowd_bench run."""
import datetime
import json
import sys

raw, results_dir, readme = sys.argv[1:4]
d = json.load(open(raw))
d["date"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
json.dump(d, open(f"{results_dir}/flowd.json", "w"), indent=2)

ing, rss, fol = d["ingest_records_per_s"], d["rss_mib_full_ring"], d["follow_clients_10_records_per_s"]
yes = lambda ok: "yes" if ok else "**NO**"
rows = [
    f"Measured {d['date']}. Raw data: `results/flowd.json`. Rates are per CPU-second of the ingest thread.",
    "",
    "| metric | measured | target | meets target |",
    "|---|---|---|---|",
    f"| ingest_records_per_s (decode, enrich, metrics, store; one core) | {ing['median']:,.0f} "
    f"(min {ing['min']:,.0f}, max {ing['max']:,.0f}) | ≥ 1,000,000 | {yes(ing['median'] >= 1e6)} |",
    f"| follow_clients_10_records_per_s (ingest with 10 filtered follow clients) | {fol['ingest_records_per_s']:,.0f}; "
    f"clients got {fol['delivered_to_clients']:,} flows and {fol['lost_reported_to_clients']:,} LostEvent-counted | — | — |",
    f"| rss_mib_full_ring ({rss['flows_held']:,} flows held) | {rss['value']:.0f} MiB | ≤ 150 MiB | {yes(rss['value'] <= 150)} |",
]
table = "\n".join(rows)
start, end = "<!-- results:flowd:start -->", "<!-- results:flowd:end -->"
text = open(readme).read()
if start in text and end in text:
    text = text[: text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
else:
    text += f"\n## flowd results\n\n`flowd_bench` (bench/flowd_bench.cc): synthetic ring records (a mix of TCP events, HTTP requests and responses, DNS queries) through the real decoder, converter, metrics and store.\n\n{start}\n{table}\n{end}\n"
open(readme, "w").write(text)
print(table)
