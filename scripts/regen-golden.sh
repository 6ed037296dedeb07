#!/usr/bin/env bash
# regen-golden.sh [BUILD_DIR]
# Rewrites testbench/cli/golden/* from the mmusim in BUILD_DIR (default: build), for every
# case in testbench/cli/golden.list. Run it only on purpose (a new counter, knob or output
# format), then read `git diff testbench/cli/golden` before committing: the goldens are the
# reviewed record of what mmusim prints.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mmusim=$(cd "$build" && pwd)/mmusim
[ -x "$mmusim" ] || { echo "regen-golden.sh: no mmusim in $build (build it first)" >&2; exit 2; }
cli=$top/testbench/cli
mkdir -p "$cli/golden"
rm -f "$cli"/golden/*.out "$cli"/golden/*.err
n=0
while read -r name args; do
    case $name in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2086 # ARGs are words by design (golden.list)
    bash "$cli/run-golden.sh" --regen "$mmusim" "$name" $args
    n=$((n + 1))
done <"$cli/golden.list"
echo "regen-golden.sh: rewrote $n goldens in testbench/cli/golden; review them with git diff"
