#!/usr/bin/env bash
# output-file.sh MMUSIM
# With --output FILE the log stays on standard output and the report goes to FILE: the two
# together must equal the golden log followed by the golden JSON report.
set -u
mmusim=$1
cd "$(dirname "$0")" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mmusim" --log --stats json --output "$tmp/report.json" small.mmt >"$tmp/log" 2>/dev/null
rc=$?
status=0
[ $rc = 0 ] || { echo "FAIL: exit status $rc"; status=1; }
# The golden log run prints the log, then the text report starting at the "mmusim" line.
sed '/^mmusim /,$d' golden/log.out >"$tmp/want-log"
cmp -s "$tmp/want-log" "$tmp/log" || { echo "FAIL: standard output is not the log alone"; status=1; }
cmp -s golden/json.out "$tmp/report.json" || { echo "FAIL: --output file differs from golden/json.out"; status=1; }
exit $status
