#!/usr/bin/env bash
# End-to-end replay speed and memory on real traces: reader + OS model + paging unit +
# statistics, one core (taskset -c 0), median of 3 runs of `mmusim --quiet`.
#
# The workload is recorded here (valgrind, scripts/record.sh) into build/bench-traces/ on the
# first run and reused after: gzip of the GPL-3 text once (gzip1), and the same gzip ten times
# in one shell (gzip10, about 10x the accesses). Both are TLB-hit-heavy, as real programs are.
# The figures: M accesses/s replaying each from .mmb.zst and gzip10 from plain MMT text, and the
# peak resident memory of mmusim on each (GNU time), which shows that the memory does not grow
# with the trace length. gzip10's simulated machine is bigger than gzip1's (12 processes instead
# of 3), so the last two traces show the same thing with one footprint: loop1 and loop10 are one
# process sweeping the same 8 MiB of memory 128 and 1280 times (32 accesses per 4 KiB page, a
# store every fourth), generated here and converted to .mmb.zst by mmconvert.
# Usage: scripts/bench-replay.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target mmusim mmconvert lackey2mm >/dev/null
dir=build/bench-traces
mkdir -p "$dir"
text=/usr/share/common-licenses/GPL-3
[ -s "$dir/gzip1.mmb.zst" ] ||
  scripts/record.sh -o "$dir/gzip1.mmb.zst" -- sh -c "gzip -c $text >/dev/null"
[ -s "$dir/gzip10.mmb.zst" ] ||
  scripts/record.sh -o "$dir/gzip10.mmb.zst" -- sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do gzip -c $text >/dev/null; done"
[ -s "$dir/gzip10.mmt" ] || build/mmconvert --quiet "$dir/gzip10.mmb.zst" "$dir/gzip10.mmt"
# sweep PASSES: the OS-mode trace of one process sweeping 8 MiB PASSES times.
sweep() {
  awk -v passes="$1" 'BEGIN {
    print "#mmt 1"; print "proc 1"; print "switch 1"; print "alloc 1 00400000 800000 RW"
    for (p = 0; p < passes; p++)
      for (page = 0; page < 2048; page++)
        for (k = 0; k < 32; k++)
          printf "%s %08x 4\n", (k % 4 == 3) ? "S" : "L", 4194304 + page * 4096 + k * 128
  }'
}
[ -s "$dir/loop1.mmb.zst" ] || sweep 128 | build/mmconvert --quiet - "$dir/loop1.mmb.zst"
[ -s "$dir/loop10.mmb.zst" ] || sweep 1280 | build/mmconvert --quiet - "$dir/loop10.mmb.zst"

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
accesses() { build/mmusim --quiet "$1" | awk '$1 == "trace.accesses" { print $2 }'; }
# rate FILE: median of 3 wall-clock runs, in M accesses/s.
rate() {
  local n t rates=()
  n=$(accesses "$1")
  for run in 1 2 3; do
    t=$( { /usr/bin/time -f %e "${pin[@]}" build/mmusim --quiet "$1" >/dev/null; } 2>&1 )
    rates+=("$(awk -v n="$n" -v t="$t" 'BEGIN { printf "%.1f", n / t / 1e6 }')")
  done
  printf "%s\n" "${rates[@]}" | sort -n | sed -n 2p
}
peak() { { /usr/bin/time -f %M build/mmusim --quiet "$1" >/dev/null; } 2>&1; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; mmusim $(git describe --always --dirty 2>/dev/null || echo unknown)"
printf "%-22s %14s %10s %12s %12s\n" trace accesses MB "M acc/s" "peak RSS KiB"
for f in "$dir/gzip1.mmb.zst" "$dir/gzip10.mmb.zst" "$dir/gzip10.mmt" "$dir/loop1.mmb.zst" "$dir/loop10.mmb.zst"; do
  printf "%-22s %14s %10.1f %12s %12s\n" "$(basename "$f")" "$(accesses "$f")" \
    "$(awk -v b="$(stat -c %s "$f")" 'BEGIN { print b / 1048576 }')" "$(rate "$f")" "$(peak "$f")"
done
