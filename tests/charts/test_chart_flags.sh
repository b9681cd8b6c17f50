#!/usr/bin/env bash
# test_chart_flags.sh <flowd binary> <flows-relay binary>: the command lines
# the chart renders use only flags the built binaries accept (their --help),
# and flowd's carries every flag the sandbox cluster (tests/sandbox/cluster.sh)
# starts flowd with, on the same ports: the chart and the sandbox cannot drift.
source "$(dirname "$0")/lib.sh"
flowd=${1:?usage: test_chart_flags.sh <flowd> <flows-relay>}
relay=${2:?usage: test_chart_flags.sh <flowd> <flows-relay>}
[[ -x $flowd ]] || fail "no flowd binary at $flowd"
[[ -x $relay ]] || fail "no flows-relay binary at $relay"

# CLI11's help: one option a line, "  -h,--help", "  --node-name TEXT ...".
help_flags() {
  "$1" --help | sed -nE 's/^ +(-[A-Za-z], ?)?(--[a-z0-9][a-z0-9-]*).*/\2/p' | sort -u
}
# "--flag=value" / "--flag" items -> flag names.
flag_names() { sed -nE 's/^(--[a-z0-9][a-z0-9-]*).*/\1/p' | sort -u; }

help_flags "$flowd" >"$WORK/flowd.help"
help_flags "$relay" >"$WORK/relay.help"
grep -qx -- --node-name "$WORK/flowd.help" || fail "could not read flowd's flags from its --help"
grep -qx -- --peer-dns "$WORK/relay.help" || fail "could not read flows-relay's flags from its --help"

# The renderings that between them use every flag the chart can emit.
: >"$WORK/flowd.args"
: >"$WORK/relay.args"
for values in defaults tls-helm metrics-contexts; do
  render "$WORK/r.yaml" -f "$CHARTS_TESTS/values/$values.yaml" || fail "helm template $values"
  args_of "$WORK/r.yaml" DaemonSet flowd >>"$WORK/flowd.args"
  args_of "$WORK/r.yaml" Deployment relay >>"$WORK/relay.args"
done
flag_names <"$WORK/flowd.args" >"$WORK/flowd.rendered"
flag_names <"$WORK/relay.args" >"$WORK/relay.rendered"

bad=0
while read -r f; do
  grep -qx -- "$f" "$WORK/flowd.help" || { echo "flowd does not accept the chart's $f" >&2; bad=1; }
done <"$WORK/flowd.rendered"
while read -r f; do
  grep -qx -- "$f" "$WORK/relay.help" || { echo "flows-relay does not accept the chart's $f" >&2; bad=1; }
done <"$WORK/relay.rendered"

# The values too: CLI11 checks them (choices, ranges) before it answers
# --help, so a rendered line followed by --help exits 0 only if flowd would
# parse it. TLS renderings are left out: their files exist only in a pod.
for values in defaults metrics-contexts; do
  render "$WORK/r.yaml" -f "$CHARTS_TESTS/values/$values.yaml" || fail "helm template $values"
  mapfile -t args < <(args_of "$WORK/r.yaml" DaemonSet flowd)
  "$flowd" "${args[@]}" --help >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; echo "flowd refuses the $values command line" >&2; bad=1; }
  mapfile -t args < <(args_of "$WORK/r.yaml" Deployment relay)
  "$relay" "${args[@]}" --help >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; echo "flows-relay refuses the $values command line" >&2; bad=1; }
done

# Hubble's metrics list as flowd's --metrics-context: flow is
# flows_processed, httpV2 is http, drop (no family; flowd would refuse it)
# is left out, traffic is flowd's own.
render "$WORK/r.yaml" -f "$CHARTS_TESTS/values/metrics-contexts.yaml" || fail "helm template metrics-contexts"
ctx=$(args_of "$WORK/r.yaml" DaemonSet flowd | sed -n 's/^--metrics-context=//p')
want="dns:source=namespace,destination=dns;http:source=pod,destination=workload;http:destination=ip;flows_processed:source=namespace;traffic:source=workload,destination=workload"
[[ $ctx == "$want" ]] || { echo "--metrics-context rendered as '$ctx', want '$want'" >&2; bad=1; }

# The sandbox's flowd command line: cluster_flowd_start, from the spawn of
# flowd to its argument list, plus the Kubernetes flags it builds before.
sandbox=$CHARTS_ROOT/tests/sandbox/cluster.sh
sed -n '/^cluster_flowd_start()/,/^}/p' "$sandbox" >"$WORK/start.sh"
[[ -s $WORK/start.sh ]] || fail "no cluster_flowd_start in $sandbox"
{
  sed -n '/flowd\/daemon\/flowd"/,/"\${args\[@\]}"/p' "$WORK/start.sh"
  grep -E '^ *local kube=\(' "$WORK/start.sh"
} | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$WORK/sandbox.flags"
(($(wc -l <"$WORK/sandbox.flags") >= 8)) || fail "found only $(wc -l <"$WORK/sandbox.flags") flags in $sandbox: the parse is stale"
# The sandbox has no in-cluster service account: it gives flowd a kubeconfig
# where the chart says --kubernetes=in-cluster.
sandbox_only="--kubeconfig"
while read -r f; do
  [[ " $sandbox_only " == *" $f "* ]] && continue
  grep -qx -- "$f" "$WORK/flowd.rendered" || { echo "the sandbox passes $f; the chart does not render it" >&2; bad=1; }
done <"$WORK/sandbox.flags"
# Same ports: Observer API and metrics.
for flag in --listen-address --metrics-address; do
  sandbox_port=$(grep -oE -- "$flag \"[^\"]*:[0-9]+\"" "$WORK/start.sh" | grep -oE '[0-9]+"$' | tr -d '"')
  chart_port=$(grep -E -- "^$flag=" "$WORK/flowd.args" | head -1 | grep -oE '[0-9]+$')
  [[ -n $sandbox_port && $sandbox_port == "$chart_port" ]] ||
    { echo "$flag: sandbox port '$sandbox_port', chart port '$chart_port'" >&2; bad=1; }
done

((bad == 0)) || fail "the chart's command lines and the binaries/sandbox disagree"
echo "PASS flowd: $(wc -l <"$WORK/flowd.rendered") rendered flags accepted, sandbox's $(wc -l <"$WORK/sandbox.flags") flags covered; relay: $(wc -l <"$WORK/relay.rendered") accepted"
