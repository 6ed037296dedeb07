#!/usr/bin/env bash
# regen.sh [BUILD_DIR]
# Rewrites testbench/lackey/golden/ from the lackey2mm and mmusim in BUILD_DIR (default:
# build): the fixtures' converted traces (and streams) and the samples' statistics. Run it only
# on purpose (a change to the conversion or to the model), then read `git diff
# testbench/lackey/golden` before committing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
for n in basic libmap quirks x86 execchain; do bash "$here/run-fixture.sh" --regen "$build/lackey2mm" "$build/mmusim" $n; done
for n in tree shared; do bash "$here/run-fixture.sh" --regen "$build/lackey2mm" "$build/mmusim" $n streams; done
for t in "$here"/../../traces/samples/*.mmb.zst; do
    bash "$here/run-sample.sh" --regen "$build/mmusim" "$(basename "$t" .mmb.zst)"
done
echo "regen.sh: rewrote testbench/lackey/golden; review it with git diff"
