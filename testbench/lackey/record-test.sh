#!/usr/bin/env bash
# record-test.sh RECORD_SH LACKEY2MM MMUSIM
# Records `echo a b | cat` with scripts/record.sh (valgrind lackey), checks the trace's header
# and processes, replays it under `mmusim --check`; then the recorder's errors: a failing
# command (exit 1, nothing written) and a bad output name (exit 2 before recording).
set -u
record=$1 l2m=$2 mmusim=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
export LACKEY2MM=$l2m
bash "$record" --quiet --mmt --streams s --keep-logs logs -o p.mmb.zst -- sh -c 'echo a b | cat' >out 2>err ||
    { cat err; fail "record.sh failed"; }
[ "$(cat out)" = "a b" ] || fail "the command's output is missing"
[ "$(sed -n 2p p.mmt)" = "#source sh -c 'echo a b | cat'" ] || fail "#source: $(sed -n 2p p.mmt)"
# the outer sh, the inner sh, and the two children of the pipeline
[ "$(grep -c '^fork ' p.mmt)" = 3 ] || fail "expected 3 forks, got $(grep -c '^fork ' p.mmt)"
[ "$(grep -c '^exec ' p.mmt)" -ge 2 ] || fail "expected at least 2 execs (sh, cat)"
[ "$(ls s | wc -l)" = 4 ] || fail "expected 4 streams, got $(ls s)"
ls logs/lk.* >/dev/null 2>&1 || fail "--keep-logs kept no log"
"$mmusim" --check-every 1000 p.mmb.zst >stats 2>err || { cat err; fail "the trace does not replay"; }
grep -Eq '^  os\.fault\.av +0 ' stats || fail "access violations in the replay"
"$mmusim" --check-every 1000 s/*.mmb.zst >stats 2>err || { cat err; fail "the streams do not replay"; }
# without --source, lackey2mm finds the command inside record.sh's `sh -c 'CMD; exit $?'`
[ "$("$l2m" -q -o - --format mmt logs | sed -n 2p)" = "#source sh -c 'echo a b | cat'" ] || fail "default #source"
bash "$record" --quiet -o f.mmt -- false >out 2>err
[ $? = 1 ] || fail "a failing command: exit status $?, expected 1"
[ "$(cat err)" = "record.sh: the command failed (exit status 1): false" ] || fail "message: $(cat err)"
[ ! -e f.mmt ] || fail "a failing command left a trace"
bash "$record" --quiet -o f.txt -- true 2>err
[ $? = 2 ] || fail "a bad output name: expected exit status 2"
[ "$(cat err)" = "record.sh: f.txt: the output name must end in .mmt or .mmb, optionally followed by .zst or .gz" ] || fail "message: $(cat err)"
exit 0
