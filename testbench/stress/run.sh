#!/bin/sh
# run.sh MMSTRESS MMUSIM TRACE "GENARGS" [MMUSIM-OPTION...]
# Writes the mmstress trace to TRACE, replays it with mmusim, and exits with mmusim's status
# (0: every expectation held). The trace is deleted on success and kept on failure, with the
# command that reproduces the failure.
gen=$1 sim=$2 trace=$3 genargs=$4
shift 4
# shellcheck disable=SC2086 # GENARGS is a list of words
if ! "$gen" $genargs > "$trace"; then
    echo "run.sh: mmstress $genargs failed" >&2
    exit 2
fi
"$sim" "$@" "$trace" > /dev/null
rc=$?
if [ "$rc" -eq 0 ]; then
    rm -f "$trace"
else
    echo "run.sh: mmusim exited $rc; trace kept: $trace" >&2
    echo "run.sh: reproduce: $gen $genargs | $sim $* -" >&2
fi
exit "$rc"
