#!/usr/bin/env bash
# help-knobs.sh MMUSIM LIST_KNOBS
# Every knob returned by knob_get() (printed by LIST_KNOBS) must appear in `mmusim --help` as
# an option "--NAME=DEFAULT", and --help must exit 0.
set -u
mmusim=$1 list_knobs=$2
help=$("$mmusim" --help) || { echo "FAIL: mmusim --help exited $?"; exit 1; }
knobs=$("$list_knobs") || { echo "FAIL: $list_knobs failed"; exit 1; }
[ -n "$knobs" ] || { echo "FAIL: no knobs listed"; exit 1; }
status=0 n=0
while read -r k; do
    n=$((n + 1))
    if ! grep -qF -- "  --$k=" <<<"$help"; then
        echo "FAIL: --help does not mention knob '$k'"
        status=1
    fi
done <<<"$knobs"
[ $status = 0 ] && echo "ok: --help mentions all $n knobs"
exit $status
