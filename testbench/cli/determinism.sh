#!/usr/bin/env bash
# determinism.sh MMUSIM
# Two runs of the same command must give byte-identical output (no time, no addresses, no
# unseeded randomness): checked for the log with every format, with random replacement.
set -u
mmusim=$1
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for fmt in text json csv; do
    for run in 1 2; do
        "$mmusim" --log --stats "$fmt" --l1d.policy=random --l2.policy=random --l2.4k=2x2 \
            small.mmt >"$tmp/$fmt.$run" 2>&1
    done
    if [ ! -s "$tmp/$fmt.1" ] || ! cmp "$tmp/$fmt.1" "$tmp/$fmt.2"; then
        echo "FAIL: two runs with --stats $fmt differ (or are empty)"
        status=1
    fi
done
exit $status
