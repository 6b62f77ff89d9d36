#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time on seeds recorded from a real match
# (written fresh by ferrum-fuzz-seeds; nothing binary is committed), keeps what each
# run learned in <build>/corpus/<target>, and fails if any target finds a crash.
# Usage: scripts/fuzz.sh <fuzz-build-dir> <seconds-per-target>
set -euo pipefail
build=${1:?fuzz build dir}
seconds=${2:?seconds per target}
out=out/fuzz
mkdir -p "$out" "$build/crashes"

rm -rf "$build/seeds"
"$build/tests/fuzz/ferrum-fuzz-seeds" "$build/seeds" > /dev/null

status=0
for target in state_packet reliable connect; do
  seeds=$build/seeds/${target%_packet}
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  log=$out/$target.log
  # -rss_limit_mb/-timeout: a slow or hungry input is a finding too.
  if ! "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$build/crashes/$target-" "$corpus" "$seeds" > "$log" 2>&1; then
    echo "fuzz: $target FAILED (see $log and $build/crashes/)" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$log" >&2 || true
    status=1
    continue
  fi
  done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1)
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  echo "fuzz: $target ${seconds}s: ${execs} exec/s, ${done_line#*DONE }"
done
exit $status
