#!/bin/sh
# wave-png.sh - a PNG of a time window of a waveform, rendered by GTKWave without a display.
#
#   scripts/wave-png.sh DUMP FROM TO OUT.png [SAVEFILE]
#
# DUMP is an FST or VCD file (the lockstep benches' --wave), FROM and TO the window: a number
# is in ns, or give a unit (250ns, 1us, 40000ps). SAVEFILE is a GTKWave save file, by default
# scripts/gtkwave/mmu.gtkw; its translate filter files are found next to it. The picture is
# the GTKWave window at the save file's [size] (WAVE_PNG_SIZE=WxH overrides it);
# WAVE_PNG_SKIP_TOP=N cuts its first N pixel rows (100: the title bar and the toolbar) and
# WAVE_PNG_COLORS=N reduces it to N colours (16 is plenty; a smaller file).
# Needs gtkwave, xvfb-run (package xvfb, with xauth) and ImageMagick (import, convert).
set -eu

usage() {
    echo "usage: $0 DUMP FROM TO OUT.png [SAVEFILE]  (FROM, TO in ns, or with a unit: 250ns)" >&2
    exit 2
}
[ $# -eq 4 ] || [ $# -eq 5 ] || usage
dump=$1 from=$2 to=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
save=${5:-$here/gtkwave/mmu.gtkw}

for tool in gtkwave xvfb-run import convert; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool not found" >&2; exit 2; }
done
[ -r "$dump" ] || { echo "$0: cannot read $dump" >&2; exit 2; }
[ -r "$save" ] || { echo "$0: cannot read $save" >&2; exit 2; }
with_unit() {
    case $1 in
    *[!0-9.]*) printf '%s' "$1" ;;
    *) printf '%sns' "$1" ;;
    esac
}
from=$(with_unit "$from") to=$(with_unit "$to")
case $from$to in
*[!0-9a-z.]*) echo "$0: bad time '$2' or '$3'" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
absdump=$(cd "$(dirname "$dump")" && pwd)/$(basename "$dump")
absout=$(mkdir -p "$(dirname "$out")" && cd "$(dirname "$out")" && pwd)/$(basename "$out")
savedir=$(cd "$(dirname "$save")" && pwd)

# A copy of the save file that works from anywhere: each translate filter file (^N PATH) as
# an absolute path (as written if that exists, else the file of that name next to the save
# file), no [savefile] (GTKWave would relocate the filters against it), and the window size.
size=$(sed -n 's/^\[size\] *\([0-9]*\) *\([0-9]*\).*/\1x\2/p' "$save" | head -n 1)
size=${WAVE_PNG_SIZE:-${size:-1280x720}}
case $size in
[0-9]*x[0-9]*) ;;
*) echo "$0: bad size '$size' (WAVE_PNG_SIZE=WxH)" >&2; exit 2 ;;
esac
w=${size%x*} h=${size#*x}
awk -v dir="$savedir" -v w="$w" -v h="$h" '
    /^\[savefile\]/ { next }
    /^\[size\]/ { print "[size] " w " " h; next }
    /^\^[1-9][0-9]* / {
        path = $0; sub(/^\^[0-9]+ +/, "", path)
        if (system("test -r \"" path "\"") != 0) {
            base = path; sub(/.*\//, "", base); path = dir "/" base
        }
        n = $1; print n " " path; next
    }
    { print }' "$save" > "$tmp/view.gtkw"

# The Tcl script runs once the dump and the view are loaded: zoom, take the picture, quit.
cat > "$tmp/shot.tcl" <<EOF
gtkwave::setZoomRangeTimes $from $to
exec import -window root {$absout}
gtkwave::/File/Quit
EOF
rm -f "$absout"
if ! xvfb-run -a -s "-screen 0 ${w}x${h}x24" \
        gtkwave -a "$tmp/view.gtkw" -S "$tmp/shot.tcl" "$absdump" > "$tmp/gtkwave.log" 2>&1 ||
        [ ! -s "$absout" ]; then
    cat "$tmp/gtkwave.log" >&2
    echo "$0: GTKWave did not produce $out" >&2
    exit 1
fi
skip=${WAVE_PNG_SKIP_TOP:-0} colors=${WAVE_PNG_COLORS:-0}
case $skip$colors in
*[!0-9]*) echo "$0: WAVE_PNG_SKIP_TOP and WAVE_PNG_COLORS are numbers" >&2; exit 2 ;;
esac
if [ "$skip" -gt 0 ] || [ "$colors" -gt 0 ]; then
    set -- "$absout"
    [ "$skip" -gt 0 ] && set -- "$@" -crop "${w}x$((h - skip))+0+$skip" +repage
    [ "$colors" -gt 0 ] && set -- "$@" -colors "$colors"
    convert "$@" -strip "PNG8:$tmp/out.png"
    mv "$tmp/out.png" "$absout"
fi
if grep -q "Could not open filter file" "$tmp/gtkwave.log"; then
    echo "$0: warning: a translate filter file of $save was not found" >&2
fi
echo "$out: $dump from $from to $to ($size)"
