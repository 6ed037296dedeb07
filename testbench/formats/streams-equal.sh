#!/usr/bin/env bash
# streams-equal.sh MMUSIM DIR: the per-process streams parent.mmt and child.mmt, interleaved by
# mmusim with --quantum=2, must give exactly the statistics and expectation results of
# merged.mmt, the same interleaving written out by hand.
set -u
strip() { grep -v '^trace \|^  xxh3 \|^  #\|^quantum '; }
a=$("$1" --quantum=2 "$2/parent.mmt" "$2/child.mmt" 2>&1 >/dev/null; "$1" --quantum=2 "$2/parent.mmt" "$2/child.mmt" 2>/dev/null | strip)
b=$("$1" "$2/merged.mmt" 2>&1 >/dev/null; "$1" "$2/merged.mmt" 2>/dev/null | strip)
if [ "$a" != "$b" ]; then echo "FAIL: interleaved streams differ from merged.mmt"; diff <(echo "$a") <(echo "$b"); exit 1; fi
grep -q "expectations: 2 passed, 0 failed" <<<"$a" || { echo "FAIL: expectations"; exit 1; }
echo "streams interleaved as merged.mmt"
