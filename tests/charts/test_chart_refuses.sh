#!/usr/bin/env bash
# test_chart_refuses.sh <bad values file>: helm must refuse the file through
# values.schema.json (not a template error, not a pass), with the message
# named on the file's first line: "# refused: <text>".
source "$(dirname "$0")/lib.sh"
values=${1:?usage: test_chart_refuses.sh <bad values file>}
read -r first <"$values"
[[ $first == "# refused: "* ]] || fail "$values: first line must be '# refused: <expected message>'"
expected=${first#\# refused: }

if "$HELM" template flows "$CHART" -f "$values" >"$WORK/out" 2>&1; then
  fail "$(basename "$values") was accepted"
fi
grep -q "don't meet the specifications of the schema" "$WORK/out" || { cat "$WORK/out" >&2; fail "refused, but not by the schema"; }
grep -qF -- "$expected" "$WORK/out" || { cat "$WORK/out" >&2; fail "refused without '$expected'"; }
echo "PASS $(basename "$values") refused: $expected"
