#!/usr/bin/env bash
# Runs every libFuzzer target on seeds recorded from a real match (written fresh by
# ferrum-fuzz-seeds) plus the minimized corpus kept in tests/fuzz/corpus/<target>,
# keeps what each run learned in <build>/corpus/<target>, and fails if any target
# finds a crash (or, with a run count, falls short of it).
# Usage: scripts/fuzz.sh <fuzz-build-dir> <seconds-per-target> [executions-per-target]
#   seconds: a time budget per target (make fuzz, the smoke in make test);
#   executions: run each target exactly this many inputs instead (make fuzz-long),
#   however long it takes. FUZZ_TARGETS="reliable connect" picks targets.
set -euo pipefail
build=${1:?fuzz build dir}
seconds=${2:?seconds per target}
runs=${3:-0}
targets=${FUZZ_TARGETS:-state_packet reliable connect field_delta}
case "$seconds$runs" in *[!0-9]*) echo "fuzz.sh: seconds and executions are whole numbers" >&2; exit 2 ;; esac
repo=$(cd "$(dirname "$0")/.." && pwd)
out=out/fuzz
mkdir -p "$out" "$build/crashes"

rm -rf "$build/seeds"
"$build/tests/fuzz/ferrum-fuzz-seeds" "$build/seeds" > /dev/null

status=0
for target in $targets; do
  seeds=$build/seeds/${target%_packet}
  kept=$repo/tests/fuzz/corpus/$target
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  log=$out/$target.log
  if [ "$runs" -gt 0 ]; then budget=(-runs="$runs"); else budget=(-max_total_time="$seconds"); fi
  # The longest input that can still mean something: a connect input reads at most
  # 128 operations of 5 bytes after its mode byte; every edge the kept reliable corpus
  # reaches, its first 1 024 bytes reach too (3 897 of 3 898 edges, docs/reliability.md),
  # and longer inputs only cost more per run. The others keep libFuzzer's default.
  case $target in
    reliable) budget+=(-max_len=1024) ;;
    connect) budget+=(-max_len=641) ;;
  esac
  # -rss_limit_mb/-timeout: a slow or hungry input is a finding too. New inputs go to
  # the first directory only: the kept corpus changes only by a deliberate merge.
  # -entropic_feature_frequency_threshold=16 (255 by default): libFuzzer keeps a list
  # of "rare" features and searches it linearly for every feature of every input; it
  # prunes the list only of features seen more often than this threshold, so with the
  # default the list stays thousands long and the search was a third of the reliable
  # target's time. At 16 the schedule still favours inputs with rare features.
  if ! "$build/tests/fuzz/fuzz_$target" "${budget[@]}" -entropic_feature_frequency_threshold=16 \
      -print_final_stats=1 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$build/crashes/$target-" "$corpus" "$seeds" $( [ -d "$kept" ] && echo "$kept" ) \
      > "$log" 2>&1; then
    echo "fuzz: $target FAILED (see $log and $build/crashes/)" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$log" >&2 || true
    status=1
    continue
  fi
  done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1)
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $target: ${units} inputs, ${execs} exec/s, ${done_line#*DONE }"
  if [ "$runs" -gt 0 ] && [ "${units:-0}" -lt "$runs" ]; then
    echo "fuzz: $target ran ${units:-0} of $runs inputs" >&2
    status=1
  fi
done
exit $status
