#!/usr/bin/env bash
# expect-fail.sh [--stdin FILE] [--stdout FILE] STATUS MESSAGE COMMAND [ARG]...
# Runs COMMAND and checks that it exits with STATUS and that its standard error is exactly the
# one line MESSAGE. --stdin feeds FILE to the command; --stdout sends its standard output to
# FILE (e.g. /dev/full) instead of checking that it is empty.
set -u
stdin=/dev/null stdout=
while :; do
    case $1 in
    --stdin) stdin=$2; shift 2 ;;
    --stdout) stdout=$2; shift 2 ;;
    *) break ;;
    esac
done
want_rc=$1 want=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$@" <"$stdin" >"${stdout:-$tmp/out}" 2>"$tmp/err"
rc=$?
printf '%s\n' "$want" >"$tmp/want"
status=0
if [ "$rc" -ne "$want_rc" ]; then echo "FAIL: exit status $rc, expected $want_rc"; status=1; fi
if [ -z "$stdout" ] && [ -s "$tmp/out" ]; then
    echo "FAIL: unexpected standard output:"; cat "$tmp/out"; status=1
fi
if ! cmp -s "$tmp/want" "$tmp/err"; then
    echo "FAIL: standard error differs (want, then got):"
    cat "$tmp/want" "$tmp/err"
    status=1
fi
exit $status
