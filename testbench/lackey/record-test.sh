#!/usr/bin/env bash
# record-test.sh RECORD_SH LACKEY2MM MMUSIM
# Records `echo a b | cat` with scripts/record.sh (valgrind lackey), checks the trace's header
# and processes, replays it under `mmusim --check`; then processes that exec more than once:
# the recorder's shell execs a shell that forks a child, which execs a shell that execs cat
# (every image's log is kept: the trace has all three execs, in order; this recording is
# compressed with --threads 1); then the recorder's errors: a failing command (exit 1, nothing
# written), a bad output name, a bad --threads and a bad --level (exit 2 before recording).
set -u
record=$1 l2m=$2 mmusim=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail() { echo "FAIL: $*"; exit 1; }
export LACKEY2MM=$l2m
# record.sh's temporary directories go here: they must be gone afterwards
export TMPDIR=$tmp/tmpdir
mkdir "$TMPDIR" || exit 1
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
[ -z "$(ls -A "$TMPDIR")" ] || fail "record.sh left $(ls -A "$TMPDIR") in TMPDIR"

# Two processes that exec: the root (2 images) and its child (3 images: forked, sh, cat).
# valgrind's own log names (lk.PID.1 for every image after an exec) would keep only the last
# image of each: no exec of process 1 and a single one, to /bin/sh, of process 2.
echo hello >in.txt
bash "$record" --quiet --threads 1 --mmt --streams s2 --keep-logs logs2 -o e.mmb.zst -- \
    exec /bin/sh -c '/bin/sh -c "exec /bin/cat in.txt"; exit $?' >out 2>err || { cat err; fail "record.sh (exec) failed"; }
[ "$(cat out)" = hello ] || fail "exec: the command's output is missing"
[ "$(sed -n 2p e.mmt)" = "#source exec /bin/sh -c '/bin/sh -c \"exec /bin/cat in.txt\"; exit \$?'" ] ||
    fail "exec: #source: $(sed -n 2p e.mmt)"
expected='proc 1 sh
exec 1 /bin/sh
fork 1 2
exec 2 /bin/sh
exec 2 /bin/cat
exit 2
exit 1'
got=$(grep -E '^(proc|fork|exec|exit) ' e.mmt)
[ "$got" = "$expected" ] || fail "exec: the processes' records are
$got
expected
$expected"
[ "$(grep -c '^exec ' e.mmt)" = 3 ] || fail "exec: expected 3 execs, got $(grep -c '^exec ' e.mmt)"
# the kept logs: one per image, a pid's earlier images renamed to lk.PID.0.K; per pid (its
# number of logs first), each log's suffix and the image's command line
images=$(for p in $(ls logs2 | sed -n 's/^lk\.\([0-9]*\)\..*/\1/p' | sort -u); do
    n=$(ls logs2/lk.$p.* | wc -l)
    for f in $(ls -v logs2/lk.$p.*); do
        echo "$n ${f#logs2/lk.$p.}: $(sed -n 's/^==[0-9]*== Command: //p' "$f" | tr -d '\\')"
    done
done | sort -s -k1,1n)
want=$(cat <<'EOF'
2 0.1: sh -c exec /bin/sh -c '/bin/sh -c "exec /bin/cat in.txt"; exit $?'; exit $?
2 1: /bin/sh -c /bin/sh -c "exec /bin/cat in.txt"; exit $?
3 0.1: /bin/sh -c /bin/sh -c "exec /bin/cat in.txt"; exit $?
3 0.2: /bin/sh -c exec /bin/cat in.txt
3 1: /bin/cat in.txt
EOF
)
[ "$images" = "$want" ] || fail "exec: the kept logs are
$images
expected
$want"
[ "$(ls s2 | tr '\n' ' ')" = "1.mmb.zst 2.mmb.zst " ] || fail "exec: expected 2 streams, got $(ls s2)"
"$mmusim" --check-every 1000 e.mmb.zst >stats 2>err || { cat err; fail "exec: the trace does not replay"; }
grep -Eq '^  os\.fault\.av +0 ' stats || fail "exec: access violations in the replay"
"$mmusim" --check-every 1000 s2/*.mmb.zst >stats 2>err || { cat err; fail "exec: the streams do not replay"; }
[ -z "$(ls -A "$TMPDIR")" ] || fail "record.sh left $(ls -A "$TMPDIR") in TMPDIR"

bash "$record" --quiet -o f.mmt -- false >out 2>err
[ $? = 1 ] || fail "a failing command: exit status $?, expected 1"
[ "$(cat err)" = "record.sh: the command failed (exit status 1): false" ] || fail "message: $(cat err)"
[ ! -e f.mmt ] || fail "a failing command left a trace"
bash "$record" --quiet -o f.txt -- true 2>err
[ $? = 2 ] || fail "a bad output name: expected exit status 2"
[ "$(cat err)" = "record.sh: f.txt: the output name must end in .mmt or .mmb, optionally followed by .zst or .gz" ] || fail "message: $(cat err)"
bash "$record" --quiet --threads 65 -- true 2>err
[ $? = 2 ] || fail "a bad --threads: expected exit status 2"
[ "$(cat err)" = "record.sh: --threads: N must be 0..64" ] || fail "message: $(cat err)"
bash "$record" --quiet --level 20 -- true 2>err
[ $? = 2 ] || fail "a bad --level: expected exit status 2"
[ "$(cat err)" = "record.sh: --level: N must be 1..19 (zstd) or 1..9 (gzip)" ] || fail "message: $(cat err)"
exit 0
