#!/usr/bin/env bash
# run-fuzz.sh <fuzzer> <seed corpus> <seconds>: a bounded libFuzzer run from
# the committed seeds, on a scratch copy so the repo corpus stays small.
# Any crash, leak or sanitizer report fails the test and keeps the input.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
[[ -x $fuzzer ]] || { echo "run-fuzz: $fuzzer not built (make build-fuzz)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
artifacts=$(dirname "$0")/../tests/fuzz/artifacts
mkdir -p "$artifacts"
"$fuzzer" -max_total_time="$seconds" -max_len=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$(basename "$fuzzer")-" "$work"
