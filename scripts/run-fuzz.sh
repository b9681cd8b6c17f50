#!/usr/bin/env bash
# run-fuzz.sh <fuzzer> <seed corpus> <seconds>: a bounded libFuzzer run from
# the committed seeds, on a scratch copy so the repo corpus stays small.
# The budget, <seconds> of fuzzing, is split over one process per core that
# share the corpus: the same work in less wall time (ctest runs the tests one
# at a time, so a single fuzzer would leave the other cores idle). Any crash, leak or sanitizer report fails the test
# and keeps the input.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
workers=${FUZZ_WORKERS:-$(nproc)}
[[ -x $fuzzer ]] || { echo "run-fuzz: $fuzzer not built (make build-fuzz)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
artifacts=$(dirname "$0")/../tests/fuzz/artifacts
mkdir -p "$artifacts"
per_worker=$(( (seconds + workers - 1) / workers ))
pids=()
for ((i = 0; i < workers; i++)); do
  "$fuzzer" -max_total_time="$per_worker" -max_len=2048 -print_final_stats=1 -seed=$((i + 1)) \
    -artifact_prefix="$artifacts/$(basename "$fuzzer")-" "$work" >"$work.$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then status=1; fi
  echo "== worker $i"; tail -n 30 "$work.$i.log"; rm -f "$work.$i.log"
done
exit $status
