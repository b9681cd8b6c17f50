#!/usr/bin/env bash
# test_dashboards.sh [flows-relay binary]: every PromQL expression in
# charts/flows/dashboards/*.json parses with Prometheus' own parser
# (promtool check rules, Grafana's $__rate_interval and $__interval as 5m and
# 1m), and every metric named there is one flows exports. flowd's names
# are the families docs/metrics.md documents (prefix "flows"); flows-relay's
# are read from the running binary's /metrics when one is given.
# Evaluating the panels against a Prometheus scraping the demo cluster is
# issue 14's next step; this test keeps them parseable and named right.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
relay=${1:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v promtool >/dev/null || fail "no promtool (Debian: prometheus)"
work=$(mktemp -d)
relay_pid=
trap '[[ -n $relay_pid ]] && kill "$relay_pid" 2>/dev/null; rm -rf "$work"' EXIT

# The dashboards' expressions as recording rules, one group per dashboard.
node --input-type=module -e '
  import { readFileSync, readdirSync } from "node:fs";
  const dir = process.argv[1];
  let out = "groups:\n";
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    const d = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
    if (!d.uid || !d.title || !Array.isArray(d.panels) || !d.panels.length) throw new Error(`${f}: not a dashboard`);
    const board = f.replace(/\.json$/, "").replace(/[^a-z0-9]/g, "_");
    out += `  - name: ${JSON.stringify(f)}\n    rules:\n`;
    for (const p of d.panels) for (const t of p.targets ?? []) {
      const expr = t.expr.replaceAll("$__rate_interval", "5m").replaceAll("$__interval", "1m");
      out += `      - record: dashboard:${board}_panel_${p.id}:${t.refId.toLowerCase()}\n        expr: ${JSON.stringify(expr)}\n`;
    }
  }
  process.stdout.write(out);
' "$root/charts/flows/dashboards" >"$work/rules.yaml" || fail "reading the dashboards"
promtool check rules "$work/rules.yaml" || fail "a dashboard expression does not parse"

# Metric names used: identifiers followed by "{", "[" or ")" ... that start
# with flows_ (label names never do).
grep -ohE 'flows_[a-z_]+' "$root"/charts/flows/dashboards/*.json | sort -u >"$work/used"

# flowd's families with the default prefix, as docs/metrics.md lists them
# (tests/flowd/metrics/metrics_doc_test.cc holds the doc to the code);
# histograms add _bucket/_sum/_count.
"$root/tests/support/metrics_doc.sh" "$root/docs/metrics.md" flowd |
  awk '{print $1} $2 == "histogram" {print $1 "_bucket"; print $1 "_sum"; print $1 "_count"}' >"$work/known"
[[ -s $work/known ]] || fail "no flowd families read from docs/metrics.md"
if [[ -n $relay ]]; then
  [[ -x $relay ]] || fail "no flows-relay at $relay"
  # A peer that refuses (loopback port 1) makes the per-peer family appear.
  "$relay" --listen-address 127.0.0.1:0 --metrics-address 127.0.0.1:0 --peer 127.0.0.1:1 \
    >"$work/relay.out" 2>"$work/relay.log" &
  relay_pid=$!
  for _ in $(seq 100); do grep -q '^listening' "$work/relay.out" && break; sleep 0.1; done
  port=$(awk '/^listening/ {print $4}' "$work/relay.out")
  [[ -n $port && $port != 0 ]] || { cat "$work/relay.log" >&2; fail "flows-relay did not start"; }
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/metrics" | grep -q flows_relay_peer_connected && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/metrics" | sed -nE 's/^# TYPE (flows_relay_[a-z_]+) .*/\1/p' >>"$work/known"
  grep -q flows_relay_ "$work/known" || fail "flows-relay's /metrics has no flows_relay_ family"
else
  grep -v '^flows_relay_' "$work/used" >"$work/used.flowd"
  mv "$work/used.flowd" "$work/used"
  echo "note: no flows-relay binary given; relay metric names not checked"
fi
missing=$(comm -23 "$work/used" <(sort -u "$work/known"))
[[ -z $missing ]] || fail "dashboards use metrics flows does not export: $missing"
echo "PASS $(grep -c 'record:' "$work/rules.yaml") expressions parse; $(wc -l <"$work/used") metric names all exported"
