#!/usr/bin/env bash
# Benchmark the paging unit: translations per second on one core (pinned with taskset) for a
# TLB-hit-dominated stream and a walk-heavy stream, for the modern and p6 presets. Each figure
# is the median of 3 runs of mmubench (testbench/bench/mmubench.c describes the streams).
# Usage: scripts/bench.sh [MILLIONS]   (translations per run, default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
millions=${1:-50}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target mmubench >/dev/null

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
