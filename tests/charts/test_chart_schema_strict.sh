#!/usr/bin/env bash
# test_chart_schema_strict.sh: values.schema.json closes every object and
# allows only keys values.yaml documents (check_schema_strict.mjs).
source "$(dirname "$0")/lib.sh"
node "$CHARTS_TESTS/check_schema_strict.mjs" "$TOOLS" "$CHART" || fail "values.schema.json is not strict"
