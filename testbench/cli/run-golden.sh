#!/usr/bin/env bash
# run-golden.sh [--regen] MMUSIM NAME [ARG]...
# Runs MMUSIM ARG... in this directory and compares its standard output and standard error
# with golden/NAME.out and golden/NAME.err; the exit status must be 0. An ARG "<FILE" is fed
# on standard input. With --regen the goldens are rewritten instead (scripts/regen-golden.sh).
set -u
regen=0
if [ "$1" = --regen ]; then regen=1; shift; fi
mmusim=$1 name=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1
stdin=/dev/null
args=()
for a in "$@"; do
    case $a in
    '<'*) stdin=${a#<} ;;
    *) args+=("$a") ;;
    esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$mmusim" "${args[@]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "FAIL: $name: exit status $rc, expected 0"; cat "$tmp/err"; exit 1
fi
if [ $regen = 1 ]; then
    cp "$tmp/out" "golden/$name.out" && cp "$tmp/err" "golden/$name.err"
    exit
fi
status=0
for s in out err; do
    if ! cmp -s "golden/$name.$s" "$tmp/$s"; then
        echo "FAIL: $name: $s differs from golden/$name.$s:"
        diff "golden/$name.$s" "$tmp/$s" | head -40
        status=1
    fi
done
exit $status
