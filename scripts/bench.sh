#!/usr/bin/env bash
# Benchmark the paging unit: translations per second on one core (pinned with taskset) for a
# TLB-hit-dominated stream and a walk-heavy stream, for the modern and p6 presets. Each figure
# is the median of 3 runs of mmubench (testbench/bench/mmubench.c describes the streams).
# Then the memory manager: accesses per second through the executor (build/osbench, the path
# mmusim runs) for a bare-mode and a resident OS-mode TLB-hit stream and a fault-heavy OS-mode
# stream (testbench/bench/osbench.c describes them), modern preset, median of 3.
# Usage: scripts/bench.sh [MILLIONS]   (translations per run, default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
millions=${1:-50}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target mmubench osbench >/dev/null

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; mmusim $(git describe --always --dirty 2>/dev/null || echo unknown)"
printf "%-7s %-7s %12s %14s\n" stream preset "M transl/s" "walks/access"
for stream in hits walks; do
  for preset in modern p6; do
    rates=()
    for run in 1 2 3; do
      line=$("${pin[@]}" build/mmubench "$stream" "$preset" "$millions")
      rates+=("$(awk '{for (i = 1; i <= NF; i++) if ($i == "M/s") print $(i - 1)}' <<<"$line")")
      walks=$(awk '{print $NF}' <<<"$line")
    done
    median=$(printf "%s\n" "${rates[@]}" | sort -n | sed -n 2p)
    printf "%-7s %-7s %12s %14s\n" "$stream" "$preset" "$median" "$walks"
  done
done

# median RATE-COLUMN-LABEL CMD...: run CMD 3 times, print the median of the number before "M/s"
# and the last field of the last run.
median() {
  local rates=() line
  for run in 1 2 3; do
    line=$("${pin[@]}" "$@")
    rates+=("$(awk '{for (i = 1; i <= NF; i++) if ($i == "M/s") print $(i - 1)}' <<<"$line")")
  done
  printf "%s %s\n" "$(printf "%s\n" "${rates[@]}" | sort -n | sed -n 2p)" "$(awk '{print $NF}' <<<"$line")"
}
echo
printf "%-9s %-7s %12s %14s\n" stream preset "M access/s" "faults/access"
for stream in bare resident faults; do
  n=$((millions * 1000))
  [ "$stream" = faults ] && n=$((millions * 50)) # a fault costs microseconds
  read -r rate faults < <(median build/osbench "$stream" modern "$n")
  printf "%-9s %-7s %12s %14s\n" "$stream" modern "$rate" "$faults"
done
