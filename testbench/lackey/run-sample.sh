#!/usr/bin/env bash
# run-sample.sh [--regen] MMUSIM NAME
# Replays traces/samples/NAME.mmb.zst under the invariant checker (`--check-every 1000`, and
# at the end) and compares the statistics (from the "stats" line on) with
# golden/samples/NAME.stats; exit status 0 and no access violation. With --regen the golden is
# rewritten instead (regen.sh).
set -u
regen=0
if [ "$1" = --regen ]; then regen=1; shift; fi
mmusim=$1 name=$2
here=$(cd "$(dirname "$0")" && pwd)
trace=$here/../../traces/samples/$name.mmb.zst
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mmusim" --check-every 1000 "$trace" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; echo "FAIL: $name: replay failed"; exit 1; }
sed -n '/^stats$/,$p' "$tmp/out" >"$tmp/stats"
grep -Eq '^  os\.fault\.av +0 ' "$tmp/stats" || { echo "FAIL: $name: access violations"; exit 1; }
if [ $regen = 1 ]; then cp "$tmp/stats" "$here/golden/samples/$name.stats"; exit 0; fi
cmp -s "$here/golden/samples/$name.stats" "$tmp/stats" || {
    diff "$here/golden/samples/$name.stats" "$tmp/stats" | head -30
    echo "FAIL: $name: statistics differ from golden/samples/$name.stats"
    exit 1
}
