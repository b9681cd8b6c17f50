#!/usr/bin/env bash
# test_chart_render.sh <values file>: helm lint --strict and helm template
# with one case of the matrix (tests/charts/values/*.yaml; a first line
# "# helm-args: ..." adds template flags), then every rendered object
# validated against its Kubernetes schema (validate_k8s.mjs) and the chart's
# promises checked (check_policy.mjs).
source "$(dirname "$0")/lib.sh"
values=${1:?usage: test_chart_render.sh <values file>}
[[ -f $values ]] || fail "no values file $values"
extra=()
if read -r first <"$values" && [[ $first == "# helm-args:"* ]]; then
  read -ra extra <<<"${first#\# helm-args:}"
fi

"$HELM" lint --strict "$CHART" -f "$values" || fail "helm lint $(basename "$values")"
render "$WORK/rendered.yaml" -f "$values" "${extra[@]}" || fail "helm template $(basename "$values")"
node "$CHARTS_TESTS/validate_k8s.mjs" "$TOOLS" "$WORK/rendered.yaml" || fail "schema validation ($(basename "$values"))"
node "$CHARTS_TESTS/check_policy.mjs" "$TOOLS" "$WORK/rendered.yaml" || fail "chart policy ($(basename "$values"))"
echo "PASS $(basename "$values")"
