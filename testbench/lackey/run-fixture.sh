#!/usr/bin/env bash
# run-fixture.sh [--regen] LACKEY2MM MMUSIM NAME [streams]
# Converts the hand-made lackey logs in fixtures/NAME and checks:
#  - the merged MMT output equals golden/NAME.mmt byte for byte;
#  - with "streams": each per-process stream equals golden/NAME.streams/PID.mmt, and the
#    streams replay under `mmusim --check` (interleaved by the simulator, so their statistics
#    are not the merged trace's) without an access violation;
#  - the .mmb.zst output replays under `mmusim --check` (exit 0, no access violation), with
#    the same statistics as the MMT output;
#  - a second conversion gives byte-identical .mmb.zst output (determinism); a conversion
#    whose pass 1 reads no access line (--scan-bytes 0: pass 2 restarts) gives the same MMT.
# With --regen the goldens are rewritten instead (testbench/lackey/regen.sh).
set -u
regen=0
if [ "$1" = --regen ]; then regen=1; shift; fi
l2m=$1 mmusim=$2 name=$3 streams=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/fixtures" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $name: $*"; exit 1; }
stats() { "$mmusim" --check "$@" 2>"$tmp/replay.err" | sed -n '/^stats$/,$p'; }

"$l2m" -q -o - --format mmt "$name" >"$tmp/out.mmt" 2>"$tmp/err" || { cat "$tmp/err"; fail "conversion failed"; }
if [ -n "$streams" ]; then
    mkdir "$tmp/s"
    "$l2m" -q --streams "$tmp/s" --ext mmt "$name" 2>"$tmp/err" || { cat "$tmp/err"; fail "streams conversion failed"; }
fi
if [ $regen = 1 ]; then
    cp "$tmp/out.mmt" "$here/golden/$name.mmt"
    if [ -n "$streams" ]; then rm -rf "$here/golden/$name.streams"; cp -r "$tmp/s" "$here/golden/$name.streams"; fi
    exit 0
fi
cmp -s "$here/golden/$name.mmt" "$tmp/out.mmt" || { diff "$here/golden/$name.mmt" "$tmp/out.mmt" | head -30; fail "output differs from golden/$name.mmt"; }
stats "$tmp/out.mmt" >"$tmp/stats.mmt" || { cat "$tmp/replay.err"; fail "the MMT trace does not replay"; }
grep -Eq '^  os\.fault\.av +0 ' "$tmp/stats.mmt" || fail "access violations in the replay"
if [ -n "$streams" ]; then
    diff -r "$here/golden/$name.streams" "$tmp/s" >/dev/null || { diff -r "$here/golden/$name.streams" "$tmp/s" | head -30; fail "streams differ from golden/$name.streams"; }
    stats "$tmp"/s/*.mmt >"$tmp/stats.streams" || { cat "$tmp/replay.err"; fail "the streams do not replay"; }
    grep -Eq '^  os\.fault\.av +0 ' "$tmp/stats.streams" || fail "access violations in the replay of the streams"
fi
"$l2m" -q -o "$tmp/a.mmb.zst" "$name" && "$l2m" -q -o "$tmp/b.mmb.zst" "$name" || fail "mmb.zst conversion failed"
"$l2m" -q --scan-bytes 0 -o "$tmp/c.mmt" "$name" || fail "conversion with --scan-bytes 0 failed"
cmp -s "$tmp/c.mmt" "$tmp/out.mmt" || fail "--scan-bytes 0 (both passes run twice) changed the output"
cmp -s "$tmp/a.mmb.zst" "$tmp/b.mmb.zst" || fail "two conversions differ (not deterministic)"
stats "$tmp/a.mmb.zst" >"$tmp/stats.mmb" || { cat "$tmp/replay.err"; fail "the .mmb.zst trace does not replay"; }
cmp -s "$tmp/stats.mmt" "$tmp/stats.mmb" || { diff "$tmp/stats.mmt" "$tmp/stats.mmb" | head; fail ".mmt and .mmb.zst differ in statistics"; }
exit 0
