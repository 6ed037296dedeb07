#!/usr/bin/env bash
# run-malformed.sh MMUSIM TRACE
# A malformed trace must make mmusim exit with status 2, print nothing on stdout, and print
# exactly one line on stderr: the message in the trace's "# expect-error: " comment (the first
# such line). mmusim runs in the trace's directory with the bare file name, so the message
# reads "NAME.mmt:LINE: ...".
set -u
mmusim=$1 trace=$2
want=$(grep -a -m1 '^# expect-error: ' "$trace" | sed 's/^# expect-error: //; s/\r$//')
if [ -z "$want" ]; then
    echo "FAIL: $trace has no '# expect-error: ' line"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$trace")" || exit 1
"$mmusim" "$(basename "$trace")" >"$tmp/out" 2>"$tmp/err"
rc=$?
printf '%s\n' "$want" >"$tmp/want"
status=0
if [ "$rc" -ne 2 ]; then echo "FAIL: exit status $rc, expected 2"; status=1; fi
if [ -s "$tmp/out" ]; then echo "FAIL: unexpected standard output:"; cat "$tmp/out"; status=1; fi
if ! cmp -s "$tmp/want" "$tmp/err"; then
    echo "FAIL: standard error differs (want, then got):"
    cat "$tmp/want" "$tmp/err"
    status=1
fi
exit $status
