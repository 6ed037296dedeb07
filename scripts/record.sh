#!/usr/bin/env bash
# record.sh [-o OUT] [--mmt] [--streams DIR] [--keep-logs DIR] [--level N] [--quiet] -- CMD [ARG]...
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
#   --quiet          no progress messages
#
# The command runs as `sh -c 'CMD; exit $?'` under `valgrind --tool=lackey --trace-mem=yes
# --trace-syscalls=yes --trace-children=yes --log-file=DIR/lk.%p.%n`: the shell stays the
# first process (an exec would overwrite its log), and its exit status is CMD's, so a failing
# command is reported instead of recorded. lackey slows a program down about 50 times and
# writes about 14 bytes of log per access: keep recordings to a few hundred million accesses.
#
# Exit status: 0 the trace was written; 1 CMD failed (nothing converted); 2 usage, valgrind or
# conversion error.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

die() { echo "record.sh: $*" >&2; exit 2; }
usage() { echo "usage: $(sed -n '2s/^# //p' "$0")" >&2; exit 2; }

out='' mmt=0 streams='' keep='' quiet=0 level=
while [ $# -gt 0 ]; do
    case $1 in
    -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --mmt) mmt=1; shift ;;
    --streams) [ $# -ge 2 ] || usage; streams=$2; shift 2 ;;
    --keep-logs) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
    --level) [ $# -ge 2 ] || usage; level=$2; shift 2 ;;
    --quiet) quiet=1; shift ;;
    --) shift; break ;;
    -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "record.sh: unknown argument '$1' (the command follows --)" >&2; usage ;;
    esac
done
[ $# -ge 1 ] || usage
say() { [ $quiet = 1 ] || echo "record.sh: $*" >&2; }

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

if [ -n "$keep" ]; then
    mkdir -p -- "$keep" || die "cannot create $keep"
    logs=$(cd "$keep" && pwd)
    compgen -G "$logs/lk.*" >/dev/null && die "$keep already holds lk.* logs (of another recording?)"
else
    logs=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX") || die "cannot create a temporary directory"
    trap 'rm -rf "$logs"' EXIT
fi

say "recording: $cmd"
valgrind --tool=lackey --trace-mem=yes --trace-syscalls=yes --trace-children=yes \
    --log-file="$logs/lk.%p.%n" sh -c "$cmd; exit \$?" </dev/null 2>"$logs/valgrind.err"
rc=$?
if ! compgen -G "$logs/lk.*" >/dev/null || ! [ -s "$(ls "$logs"/lk.* | head -1)" ]; then
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
