# shellcheck shell=bash
# lib.sh: what every chart test shares. Sourcing it installs the pinned tools
# (scripts/install-chart-tools.sh, idempotent) or fails the test: a chart
# test never skips.
set -euo pipefail
CHARTS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$CHARTS_ROOT/charts/flows
CHARTS_TESTS=$CHARTS_ROOT/tests/charts

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

TOOLS=$("$CHARTS_ROOT/scripts/install-chart-tools.sh") || fail "could not install helm and the validators (scripts/install-chart-tools.sh)"
HELM=$TOOLS/bin/helm
[[ -x $HELM ]] || fail "no helm at $HELM"

# helm keeps caches and config under $HOME: a private, throwaway one.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export HELM_CACHE_HOME=$WORK/helm-cache HELM_CONFIG_HOME=$WORK/helm-config HELM_DATA_HOME=$WORK/helm-data

# render <out.yaml> [helm template args...]
render() {
  local out=$1
  shift
  "$HELM" template flows "$CHART" --namespace flows-system "$@" >"$out"
}

# args_of <rendered.yaml> <kind> <container>: the container's args, one a line.
args_of() {
  node --input-type=module -e '
    import { createRequire } from "node:module";
    import { readFileSync } from "node:fs";
    const [tools, file, kind, name] = process.argv.slice(1);
    const yaml = createRequire(tools + "/node_modules/_")("js-yaml");
    const obj = yaml.loadAll(readFileSync(file, "utf8")).find((d) => d?.kind === kind);
    const c = obj?.spec.template.spec.containers.find((x) => x.name === name);
    if (!c) { console.error(`no ${kind} container ${name}`); process.exit(1); }
    for (const a of c.args ?? []) console.log(a);
  ' "$TOOLS" "$1" "$2" "$3"
}
