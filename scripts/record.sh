#!/usr/bin/env bash
# record.sh [-o OUT] [--mmt] [--streams DIR] [--keep-logs DIR] [--level N] [--threads N] [--quiet] -- CMD [ARG]...
#
# Records CMD and every process it starts with valgrind's lackey tool (accesses and system
# calls, spec/traces.md section 4) and converts the logs with lackey2mm into an mmusim OS-mode
# trace:
#   -o OUT           the trace (default: NAME.mmb.zst in the current directory, NAME being
#                    CMD's base name); its format comes from its name (.mmt or .mmb, then
#                    optionally .zst or .gz)
#   --mmt            also write the trace as MMT text, next to OUT (OUT with its ending
#                    replaced by .mmt)
#   --streams DIR    also (or, without -o, only) one trace per process in DIR (DIR/PID.mmb.zst)
#   --keep-logs DIR  valgrind writes its logs into DIR (which must hold no lk.* files) and they
#                    are kept; otherwise they go to a temporary directory that is removed
#   --level N        compression level of the .zst (1..19, default 3) or .gz (1..9) outputs
#   --threads N      compress .zst outputs in N worker threads (lackey2mm --threads, 0..64)
#   --quiet          no progress messages (lackey2mm -q: no progress display, no summary)
#
# The command runs as `sh -c 'CMD; exit $?'` under `valgrind --tool=(lackey, see below)
# --trace-mem=yes --trace-syscalls=yes --trace-children=yes --log-file=DIR/lk.%p.%n`: the
# shell stays the first process, and its exit status is CMD's, so a failing command is
# reported instead of recorded. lackey slows a program down about 50 times and writes about 14
# bytes of log per access: keep recordings to a few hundred million accesses.
#
# One log per process image: valgrind's %n restarts at every exec, so each image after an
# exec writes DIR/lk.PID.1 and would overwrite the log of the pid's previous image. valgrind's
# launcher starts the tool LIBDIR/TOOL-PLATFORM (LIBDIR: /usr/libexec/valgrind on Debian) in
# the process of each image, the recorded command's and every exec'd one's; record.sh gives
# --tool=../(...)/HOOK/lk (one ../ per level of LIBDIR, HOOK a temporary directory), so the
# launcher starts HOOK/lk-PLATFORM, a perl script written here for each LIBDIR/lackey-PLATFORM.
# It renames the logs the pid's earlier images left (DIR/lk.PID.N) to DIR/lk.PID.0.K, K = 1, 2,
# ... in the order the images ran, and then execs LIBDIR/lackey-PLATFORM with the same
# arguments and environment (perl keeps only the first of two variables of the same name). If
# it cannot, the image does not run and record.sh fails. lackey2mm orders a pid's logs by
# their numbers (lk.PID.0.1, ..., lk.PID.0.10, ..., lk.PID.1), the order the images ran.
#
# Exit status: 0 the trace was written; 1 CMD failed (nothing converted); 2 usage, valgrind,
# hook or conversion error.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "record.sh: $*" >&2; exit 2; }
usage() { echo "usage: $(sed -n '2s/^# //p' "$0")" >&2; exit 2; }

out='' mmt=0 streams='' keep='' quiet=0 level='' threads=
while [ $# -gt 0 ]; do
    case $1 in
    -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --mmt) mmt=1; shift ;;
    --streams) [ $# -ge 2 ] || usage; streams=$2; shift 2 ;;
    --keep-logs) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
    --level) [ $# -ge 2 ] || usage; level=$2; shift 2 ;;
    --threads) [ $# -ge 2 ] || usage; threads=$2; shift 2 ;;
    --quiet) quiet=1; shift ;;
    --) shift; break ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "record.sh: unknown argument '$1' (the command follows --)" >&2; usage ;;
    esac
done
[ $# -ge 1 ] || usage
# checked before the (long) recording; lackey2mm checks the rest
[ -z "$level" ] || { [[ $level =~ ^[0-9]+$ ]] && [ "$level" -ge 1 ] && [ "$level" -le 19 ]; } ||
    die "--level: N must be 1..19 (zstd) or 1..9 (gzip)"
[ -z "$threads" ] || { [[ $threads =~ ^[0-9]+$ ]] && [ "$threads" -le 64 ]; } || die "--threads: N must be 0..64"
say() { [ $quiet = 1 ] || echo "record.sh: $*" >&2; }
exists() { [ -e "$1" ]; } # exists PATTERN: the pattern matched a file

command -v valgrind >/dev/null 2>&1 ||
    die "valgrind is not installed (Debian: apt-get install valgrind)"
lackey2mm=${LACKEY2MM:-}
if [ -z "$lackey2mm" ]; then
    for b in "$top/build" "$top"/build-*; do
        if [ -x "$b/lackey2mm" ]; then lackey2mm=$b/lackey2mm; break; fi
    done
fi
[ -n "$lackey2mm" ] && [ -x "$lackey2mm" ] ||
    die "no lackey2mm: build the project first (cmake -S . -B build && cmake --build build), or set LACKEY2MM"

# The command as one sh -c string: words that need no quoting stay as they are.
quote() {
    case $1 in
    '' | *[!A-Za-z0-9_./=:,+@%^-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
    esac
}
cmd='' name=$(basename -- "$1")
for a in "$@"; do cmd="$cmd${cmd:+ }$(quote "$a")"; done

if [ -z "$out" ] && { [ -z "$streams" ] || [ $mmt = 1 ]; }; then out=$name.mmb.zst; fi
if [ -n "$out" ]; then
    case $out in
    *.mmt | *.mmb | *.mmt.zst | *.mmb.zst | *.mmt.gz | *.mmb.gz) ;;
    *) die "$out: the output name must end in .mmt or .mmb, optionally followed by .zst or .gz" ;;
    esac
fi
if [ -n "$streams" ]; then mkdir -p -- "$streams" || die "cannot create $streams"; fi

command -v perl >/dev/null 2>&1 || die "perl is not installed (Debian: apt-get install perl-base)"
# LIBDIR, where valgrind's launcher finds lackey-PLATFORM: its debug log names the file
libdir=$(valgrind -d --tool=lackey --version 2>&1 |
    sed -n 's|^--[0-9]*:[0-9]*: *launcher launching \(/.*\)/lackey-[^/]*$|\1|p' | head -1)
[ -n "$libdir" ] && exists "$libdir"/lackey-* ||
    die "cannot find valgrind's lackey tool ('valgrind -d --tool=lackey --version' names none)"
vglib=$(cd "$libdir" && pwd -P) || die "cannot enter $libdir"

hook='' logs=''
cleanup() {
    [ -z "$hook" ] || rm -rf "$hook"
    [ -n "$keep" ] || [ -z "$logs" ] || rm -rf "$logs"
}
trap cleanup EXIT
if [ -n "$keep" ]; then
    mkdir -p -- "$keep" || die "cannot create $keep"
    logs=$(cd "$keep" && pwd)
    exists "$logs"/lk.* && die "$keep already holds lk.* logs (of another recording?)"
else
    logs=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX") || die "cannot create a temporary directory"
fi
hook=$(mktemp -d "${TMPDIR:-/tmp}/record-hook.XXXXXX") || die "cannot create a temporary directory"
hook=$(cd "$hook" && pwd -P)

# The hook (see the header): HOOK/lk-PLATFORM for each LIBDIR/lackey-PLATFORM.
plq() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; } # a perl '...' string
hook_text() {
    printf '#!%s\n' "$(command -v perl)"
    printf '# %s\n' \
        "Written by scripts/record.sh for one recording: valgrind's launcher starts this" \
        "instead of lackey for each process image, in the image's process, before the image's" \
        "lackey writes LOGS/lk.PID.1. The logs the pid's earlier images left (LOGS/lk.PID.N)" \
        "become LOGS/lk.PID.0.K, K = 1, 2, ... in the order the images ran; then lackey runs" \
        "with the same arguments and environment."
    printf 'my ($logs, $tool, $failed) = (%s, %s, %s);\n' \
        "$(plq "$logs")" "$(plq "$1")" "$(plq "$hook/failed")"
    cat <<'EOF'
sub fail {
    my $m = "record.sh: process $$: $_[0]\n";
    print STDERR $m;
    if (open(my $f, '>>', $failed)) { print $f $m; close $f; }
    exit 126;
}
my $p = $$;
opendir(my $d, $logs) or fail("cannot read $logs: $!");
my ($k, @old) = (0);
for (readdir $d) {
    if (/^lk\.\Q$p\E\.0\.[0-9]+\z/) { $k++ }
    elsif (/^lk\.\Q$p\E\.([0-9]+)\z/) { push @old, $1 }
}
closedir $d;
for my $n (sort { $a <=> $b } @old) {
    $k++;
    rename("$logs/lk.$p.$n", "$logs/lk.$p.0.$k") or fail("cannot rename $logs/lk.$p.$n: $!");
}
exec { $tool } $ENV{VALGRIND_LAUNCHER} // $tool, @ARGV;
fail("cannot run $tool: $!");
EOF
}
for t in "$vglib"/lackey-*; do
    h=$hook/lk-${t##*/lackey-}
    { hook_text "$t" >"$h" && chmod +x "$h"; } || die "cannot write $h"
done
# LIBDIR/TOOL-PLATFORM is HOOK/lk-PLATFORM with TOOL = one ../ per level of LIBDIR, then HOOK
up=$(printf '%s' "$vglib" | tr -cd / | sed 's|/|../|g')

say "recording: $cmd"
valgrind --tool="$up${hook#/}/lk" --trace-mem=yes --trace-syscalls=yes --trace-children=yes \
    --log-file="$logs/lk.%p.%n" sh -c "$cmd; exit \$?" </dev/null 2>"$logs/valgrind.err"
rc=$?
if [ -s "$hook/failed" ]; then
    cat "$hook/failed" >&2
    die "the hook in front of lackey failed (above): no trace written"
fi
if ! exists "$logs"/lk.* || ! [ -s "$(ls "$logs"/lk.* | head -1)" ]; then
    cat "$logs/valgrind.err" >&2
    die "valgrind wrote no log (exit status $rc)"
fi
if [ $rc -ne 0 ]; then
    tail -5 "$logs/valgrind.err" >&2
    echo "record.sh: the command failed (exit status $rc): $cmd" >&2
    exit 1
fi

say "converting $(ls "$logs"/lk.* | wc -l) logs ($(du -sh "$logs" | cut -f1))"
args=(--source "$cmd")
[ -n "$level" ] && args+=(--level "$level")
[ -n "$threads" ] && args+=(--threads "$threads")
[ $quiet = 1 ] && args+=(-q)
[ -n "$out" ] && args+=(-o "$out")
[ -n "$streams" ] && args+=(--streams "$streams")
"$lackey2mm" "${args[@]}" "$logs" || exit 2
if [ $mmt = 1 ]; then
    base=${out%.zst}; base=${base%.gz}; base=${base%.mmb}; base=${base%.mmt}
    [ "$base.mmt" = "$out" ] || "$lackey2mm" -q --source "$cmd" -o "$base.mmt" "$logs" || exit 2
fi
if [ -n "$out" ] && [ -n "$streams" ]; then say "wrote $out and the streams in $streams"
elif [ -n "$out" ]; then say "wrote $out"
else say "wrote the streams in $streams"; fi
