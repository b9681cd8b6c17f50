#!/usr/bin/env bash
# run-tests.sh <build> <asan build> <fuzz build> <fuzz seconds>
# Runs every tier through one CTest invocation so the run ends with one
# summary: unit, unit under ASan+UBSan, requires_bpf, netns, fuzz.
# Privileged tiers need root with CAP_BPF/CAP_NET_ADMIN: without them they
# fail (loudly), they do not skip.
set -euo pipefail
build=$1 asan=$2 fuzz=$3 seconds=$4

if [[ $(id -u) -ne 0 ]]; then
  echo "run-tests: the requires_bpf and netns tiers need root; they will fail" >&2
fi
cmake -S . -B "$build" -DFLOWS_ASAN_DIR="$(realpath "$asan")" -DFLOWS_FUZZ_DIR="$(realpath "$fuzz")" \
  -DFLOWS_FUZZ_SECONDS="$seconds" >/dev/null
# ASan's leak checker needs ptrace-like access some sandboxes lack; the
# sanitizers still abort on any memory or UB error.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
exec ctest --output-on-failure --timeout 900 -j1
