#!/usr/bin/env bash
# run-expect.sh MMUSIM TRACE
# The trace's failed expectations are deliberate: mmusim must exit 1 and print on standard
# error exactly the trace's "# expect-stderr: " lines, in order.
set -u
mmusim=$1 trace=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -a '^# expect-stderr: ' "$trace" | sed 's/^# expect-stderr: //' >"$tmp/want"
if [ ! -s "$tmp/want" ]; then echo "FAIL: $trace has no '# expect-stderr: ' lines"; exit 1; fi
cd "$(dirname "$trace")" || exit 1
"$mmusim" "$(basename "$trace")" >"$tmp/out" 2>"$tmp/err"
rc=$?
status=0
if [ "$rc" -ne 1 ]; then echo "FAIL: exit status $rc, expected 1"; status=1; fi
if ! cmp -s "$tmp/want" "$tmp/err"; then
    echo "FAIL: standard error differs:"
    diff "$tmp/want" "$tmp/err"
    status=1
fi
exit $status
