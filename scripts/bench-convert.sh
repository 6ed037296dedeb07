#!/usr/bin/env bash
# bench-convert.sh [--logs DIR] [--runs N] [--build DIR]
#
# Conversion speed of lackey2mm (M accesses per second) on one core (taskset -c 0), on a large
# lackey recording. Without --logs, the recording is made once with scripts/record.sh
# --keep-logs (gzip of the first 150 KB of /usr/bin/cmake: 30 million accesses, 430 MB of log,
# under a minute of valgrind) into $TMPDIR/mmusim-bench-lackey, outside the repository, and
# reused by later runs. Each row gives the fastest and the median of N runs (default 5) in
# wall-clock time (on a machine shared with other work, other work only ever slows a run
# down: the fastest run is the nearest to a quiet machine), and the median CPU time (user +
# system):
#   mmb      conversion to MMB written to /dev/null: both passes over the logs, the
#            address-space bookkeeping and the MMB encoding; no disk and no compression
#   mmb.zst  conversion to a .mmb.zst file in $TMPDIR, zstd level 3 (the default output)
#   mmb.zst --threads 1
#            the same with compression in a libzstd worker thread, on two cores (taskset -c
#            0,1): the wall time is what overlapping the two buys; the CPU time counts both
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
logs='' runs=5 build=$top/build
while [ $# -gt 0 ]; do
    case $1 in
    --logs) logs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: bench-convert.sh [--logs DIR] [--runs N] [--build DIR]" >&2; exit 2 ;;
    esac
done
l2m=$build/lackey2mm
[ -x "$l2m" ] || { echo "bench-convert.sh: no $l2m (build first, or give --build DIR)" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}
if [ -z "$logs" ]; then
    logs=$tmp/mmusim-bench-lackey
    if ! ls "$logs"/lk.* >/dev/null 2>&1; then
        echo "bench-convert.sh: recording the benchmark log into $logs (about a minute)" >&2
        rm -rf "$logs" "$tmp/mmusim-bench-in"
        mkdir -p "$tmp/mmusim-bench-in"
        head -c 150000 /usr/bin/cmake >"$tmp/mmusim-bench-in/in.bin"
        LACKEY2MM=$l2m bash "$top/scripts/record.sh" --quiet --keep-logs "$logs" -o "$tmp/mmusim-bench.mmb.zst" \
            -- gzip -c "$tmp/mmusim-bench-in/in.bin" >/dev/null
        rm -f "$tmp/mmusim-bench.mmb.zst"
    fi
fi
bytes=$(cat "$logs"/lk.* | wc -c)
accesses=$("$l2m" -o /dev/null --format mmb "$logs" 2>&1 | sed -n 's/.* processes, \([0-9]*\) accesses.*/\1/p')
[ -n "$accesses" ] || { echo "bench-convert.sh: lackey2mm failed on $logs" >&2; exit 2; }

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fastest() { sort -g | head -1; }
# measure FORMAT CORES [OPTION]...: "FASTEST MEDIAN CPU" over $runs conversions: wall-clock
# seconds, the fastest and the median, and the median CPU seconds (user + system)
measure() {
    local i out fmt=$1 cores=$2
    shift 2
    : >"$tmp/mmusim-bench-times"
    for ((i = 0; i < runs; i++)); do
        if [ "$fmt" = mmb ]; then out=(-o /dev/null --format mmb); else out=(-o "$tmp/mmusim-bench-out.$fmt"); fi
        # bash's time to the millisecond (GNU time has 10 ms steps, 3% of a 0.3 s run)
        { TIMEFORMAT='%3R %3U %3S' && time taskset -c "$cores" "$l2m" -q "$@" "${out[@]}" "$logs"; } 2>>"$tmp/mmusim-bench-times"
    done
    local wall
    wall=$(awk '{ print $1 }' "$tmp/mmusim-bench-times")
    echo "$(fastest <<<"$wall") $(median <<<"$wall") $(awk '{ print $2 + $3 }' "$tmp/mmusim-bench-times" | median)"
}

echo "lackey2mm conversion speed, one core (taskset -c 0) unless said, $runs runs each"
echo "log: $logs ($((bytes / 1000000)) MB, $accesses accesses, $(ls "$logs"/lk.* | wc -l) logs)"
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-30s %9s %9s %9s %17s %16s\n' output fastest-s median-s cpu-s "M acc/s (fastest)" "M acc/s (median)"
for row in "mmb 0" "mmb.zst 0" "mmb.zst 0,1 --threads 1"; do
    read -r f cores opts <<<"$row"
    # shellcheck disable=SC2086 # opts: words
    read -r best med cpu <<<"$(measure "$f" "$cores" $opts)"
    label=$f
    [ -z "$opts" ] || label="$f $opts (2 cores)"
    printf '%-30s %9s %9s %9s %17s %16s\n' "$label" "$best" "$med" "$cpu" \
        "$(awk -v a="$accesses" -v s="$best" 'BEGIN { printf "%.1f", a / s / 1e6 }')" \
        "$(awk -v a="$accesses" -v s="$med" 'BEGIN { printf "%.1f", a / s / 1e6 }')"
done
rm -f "$tmp"/mmusim-bench-out.* "$tmp/mmusim-bench-times"
