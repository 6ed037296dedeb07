#!/usr/bin/env bash
# Speed of the RTL lockstep benches: simulated cycles per second and translations per second of
# the C++ Verilator bench (build/rtlbench-i486) and the SystemC bench (build/rtlbench-sc-i486),
# without a waveform and with a full FST dump, on one core (taskset -c 0), the fastest of RUNS
# runs each (default 5). The machine is shared: other work only ever slows a run down, so the
# fastest run is the estimate of the bench's own speed; untraced and traced runs alternate so
# that both meet the same load.
# Each run is the whole lockstep replay: trace reader, memory manager, C model, RTL, checker.
# The cycle and translation counts come from the bench's own summary line; the time is wall
# clock, to the microsecond (bash's EPOCHREALTIME).
# Usage: scripts/bench-rtl.sh [TRACE [RUNS]]   (default traces/samples/gzip.mmb.zst, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
trace=${1:-traces/samples/gzip.mmb.zst}
runs=${2:-5}
case $runs in
'' | *[!0-9]* | 0) echo "bench-rtl.sh: RUNS must be a positive number, got '$runs'" >&2; exit 2 ;;
esac
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target rtlbench-i486 rtlbench-sc-i486 >/dev/null

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

# run BENCH WAVE: one run; prints "cycles translations seconds".
run() {
  local wave=()
  [ "$2" = fst ] && wave=(--wave "$tmp/w.fst")
  local t0=$EPOCHREALTIME
  "${pin[@]}" "build/$1" --quiet --output=/dev/null "${wave[@]}" "$trace" 2>"$tmp/err" >/dev/null
  local t1=$EPOCHREALTIME
  awk -v t0="$t0" -v t1="$t1" '/^lockstep: [0-9]+ translations/ { n = $2; c = $(NF - 4) }
       END { printf "%s %s %.6f\n", c, n, t1 - t0 }' "$tmp/err"
}

# faster ROW ROW: the row ("cycles translations seconds") with fewer seconds.
faster() { printf '%s\n%s\n' "$1" "$2" | sort -k3 -g | head -1; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; mmusim $(git describe --always --dirty 2>/dev/null || echo unknown)"
echo "trace: $trace"
printf "%-18s %-6s %12s %14s %16s %12s %8s\n" bench wave "cycles" "M cycles/s" "M transl/s" "dump MB" "cost"
for bench in rtlbench-i486 rtlbench-sc-i486; do
  # Rounds of an untraced and a traced run, so both meet the same load; the fastest of each.
  best_none=$(run "$bench" none) best_fst=$(run "$bench" fst)
  for ((r = 1; r < runs; r++)); do
    best_none=$(faster "$best_none" "$(run "$bench" none)")
    best_fst=$(faster "$best_fst" "$(run "$bench" fst)")
  done
  read -r _ _ plain <<<"$best_none"
  for wave in none fst; do
    if [ "$wave" = none ]; then row=$best_none; else row=$best_fst; fi
    read -r cycles n secs <<<"$row"
    mb=- cost=-
    if [ "$wave" = fst ]; then
      mb=$(awk -v b="$(stat -c %s "$tmp/w.fst")" 'BEGIN { printf "%.1f", b / 1048576 }')
      # what the dump costs: the traced run's time over the untraced one's
      cost=$(awk -v a="$secs" -v b="$plain" 'BEGIN { printf "%.2fx", a / b }')
    fi
    printf "%-18s %-6s %12s %14.2f %16.2f %12s %8s\n" "$bench" "$wave" "$cycles" \
      "$(awk -v c="$cycles" -v t="$secs" 'BEGIN { print c / t / 1e6 }')" \
      "$(awk -v c="$n" -v t="$secs" 'BEGIN { print c / t / 1e6 }')" "$mb" "$cost"
  done
done
