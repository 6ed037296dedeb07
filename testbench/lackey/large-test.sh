#!/usr/bin/env bash
# large-test.sh LACKEY2MM MMCONVERT MMUSIM
# A generated lackey log large enough that the MMB output's 1 MiB buffer fills several times
# (300,000 accesses, 2.4 MB of MMB): pass 2 folds accesses straight into the MMB writer's
# buffer (tw_words_room), and the MMT output goes through tw_access_words(). The log mixes
# what the fast path hands back to lk_next(): 300 code pages (more than the 256-slot page
# cache holds), 10-digit stack addresses, two-digit sizes, page-crossing accesses and 512-byte
# accesses. Checks:
#  - the MMT output holds exactly the 300,000 accesses;
#  - the MMB output, converted to MMT by mmconvert, is the MMT output byte for byte; so is
#    the MMB output made together with per-process streams, and the MMB stream's content is
#    the MMT stream's;
#  - --progress changes no output byte, and the summary line counts the 300,000 accesses;
#  - zstd output compressed in worker threads (--threads) is the same file for 1 and 2
#    threads, and holds the same trace;
#  - the MMB output replays without an access violation;
#  - MMB to a full disk fails with the exact message and exit status 2.
set -u
l2m=$1 mmconvert=$2 mmusim=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir "$tmp/log"
awk 'BEGIN {
    print "==100== Lackey, an example Valgrind tool"
    print "==100== Command: gen"
    print "==100== Parent PID: 99"
    print "==100== "
    print "SYSCALL[100,1](9) sys_mmap ( 0x0, 4194304, 3, 34, 4294967295, 0 ) --> [pre-success] Success(0x4a30000) "
    x = 12345
    for (i = 0; i < 300000; i++) {
        x = (x * 69069 + 1) % 4294967296   # exact in a double: x * 69069 < 2^49
        r = int(x / 65536)
        k = r % 8
        off = int(r / 8) % 4096
        if (k < 4) {                       # fetches on 300 code pages, sizes 1..15
            printf "I  %08x,%d\n", (264 + r % 300) * 4096 + off % 4080, 1 + r % 15
        } else if (k == 4) {               # reads in the mapped 4 MiB, some across a page end
            printf " L %08x,8\n", 77791232 + (r % 1000) * 4096 + off
        } else if (k == 5) {               # stack writes, 10 address digits
            printf " S 1ffe%06x,8\n", 16711680 + (r % 16) * 4096 + off % 4088
        } else if (k == 6) {
            printf " M %08x,%d\n", 77791232 + (r % 7) * 4096 + off % 3584, (r % 64 == 0) ? 512 : 4
        } else {
            printf " L %08x,16\n", 77791232 + (r % 3) * 4096 + off % 4080
        }
    }
    print "SYSCALL[100,1](231) exit_group( 0 ) --> [pre-success] Success(0x0) "
    print "==100== "
    print "==100== Exit code:       0"
}' >"$tmp/log/lk.100.1" || fail "generating the log"

"$l2m" -q -o "$tmp/out.mmt" "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "MMT conversion failed"; }
"$l2m" -q -o "$tmp/out.mmb" "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "MMB conversion failed"; }
n=$(grep -c '^[ILSM] ' "$tmp/out.mmt")
[ "$n" = 300000 ] || fail "the MMT output has $n accesses, expected 300000"
[ "$(stat -c %s "$tmp/out.mmb")" -gt 2097152 ] || fail "the MMB output is smaller than two buffers"

"$mmconvert" --quiet "$tmp/out.mmb" "$tmp/back.mmt" 2>"$tmp/err" || { cat "$tmp/err"; fail "mmconvert failed"; }
cmp -s "$tmp/out.mmt" "$tmp/back.mmt" || { diff "$tmp/out.mmt" "$tmp/back.mmt" | head; fail "MMB output differs from MMT output"; }

mkdir "$tmp/sb" "$tmp/st"
"$l2m" -q -o "$tmp/both.mmb" --streams "$tmp/sb" --ext mmb "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "MMB with streams failed"; }
cmp -s "$tmp/out.mmb" "$tmp/both.mmb" || fail "the MMB output changes when streams are written too"
"$l2m" -q --streams "$tmp/st" --ext mmt "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "MMT streams failed"; }
"$mmconvert" --quiet "$tmp/sb/1.mmb" "$tmp/sb1.mmt" 2>"$tmp/err" || { cat "$tmp/err"; fail "mmconvert of the stream failed"; }
cmp -s "$tmp/st/1.mmt" "$tmp/sb1.mmt" || fail "the MMB stream differs from the MMT stream"

"$l2m" -q --threads 1 -o "$tmp/t1.mmb.zst" "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "--threads 1 failed"; }
"$l2m" -q --threads 2 -o "$tmp/t2.mmb.zst" "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "--threads 2 failed"; }
cmp -s "$tmp/t1.mmb.zst" "$tmp/t2.mmb.zst" || fail "--threads 1 and --threads 2 give different files"
"$mmconvert" --quiet "$tmp/t2.mmb.zst" "$tmp/t2.mmb" 2>"$tmp/err" || { cat "$tmp/err"; fail "mmconvert of the --threads output failed"; }
cmp -s "$tmp/out.mmb" "$tmp/t2.mmb" || fail "the --threads output holds another trace"

"$l2m" --progress -o "$tmp/p.mmb" "$tmp/log" 2>"$tmp/err" || { cat "$tmp/err"; fail "--progress failed"; }
cmp -s "$tmp/out.mmb" "$tmp/p.mmb" || fail "--progress changes the output"
[ "$(tail -1 "$tmp/err")" = "lackey2mm: 1 logs, 1 processes, 300000 accesses (0 of valgrind's own left out), 4 chunks folded" ] ||
    fail "summary line: $(tail -1 "$tmp/err")"

"$mmusim" "$tmp/out.mmb" >"$tmp/stats" 2>"$tmp/err" || { cat "$tmp/err"; fail "the MMB output does not replay"; }
grep -Eq '^  os\.fault\.av +0 ' "$tmp/stats" || fail "access violations in the replay"

"$l2m" -q -o - --format mmb "$tmp/log" >/dev/full 2>"$tmp/err"
st=$?
[ $st = 2 ] || fail "MMB to a full disk: exit $st, expected 2"
[ "$(cat "$tmp/err")" = "<stdout>: write error: No space left on device" ] || fail "MMB to a full disk: '$(cat "$tmp/err")'"
echo "ok: 300000 accesses, MMB = MMT, streams agree, --threads agree, full disk reported"
