#!/usr/bin/env bash
# readme-example.sh MMUSIM README
# The example trace in traces/README.md (the indented block under "## N. Example") must run
# with every expectation holding, so that the spec's own example stays true.
set -u
mmusim=$1 readme=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n '/^## [0-9]*\. Example/,/^More in/p' "$readme" | sed -n 's/^    //p' >"$tmp/example.mmt"
[ -s "$tmp/example.mmt" ] || { echo "FAIL: no example found in $readme"; exit 1; }
"$mmusim" "$tmp/example.mmt" >/dev/null 2>"$tmp/err"
rc=$?
printf 'expectations: 3 passed, 0 failed\n' >"$tmp/want"
status=0
[ $rc = 0 ] || { echo "FAIL: exit status $rc"; status=1; }
cmp -s "$tmp/want" "$tmp/err" || { echo "FAIL: standard error:"; cat "$tmp/err"; status=1; }
exit $status
