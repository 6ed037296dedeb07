#!/usr/bin/env bash
# run-error.sh LACKEY2MM MESSAGE ARG...
# Runs LACKEY2MM -o OUT --streams DIR ARG... in errors/ and checks that it exits with status 2,
# that its standard error is exactly the one line MESSAGE, and that it left no output file
# behind (neither OUT nor a stream).
set -u
l2m=$1 want=$2
shift 2
cd "$(dirname "$0")/errors" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/s"
"$l2m" -q -o "$tmp/out.mmb.zst" --streams "$tmp/s" "$@" >"$tmp/stdout" 2>"$tmp/err"
rc=$?
printf '%s\n' "$want" >"$tmp/want"
status=0
if [ $rc -ne 2 ]; then echo "FAIL: exit status $rc, expected 2"; status=1; fi
if ! cmp -s "$tmp/want" "$tmp/err"; then
    echo "FAIL: standard error differs (want, then got):"; cat "$tmp/want" "$tmp/err"; status=1
fi
if [ -s "$tmp/stdout" ]; then echo "FAIL: unexpected standard output"; status=1; fi
if [ -e "$tmp/out.mmb.zst" ] || [ -n "$(ls "$tmp/s")" ]; then
    echo "FAIL: a failed conversion left output behind"; status=1
fi
exit $status
