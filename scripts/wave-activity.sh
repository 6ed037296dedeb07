#!/usr/bin/env bash
# Switching activity of a waveform: how many value changes a dump holds and how many bits they
# write (each change of a signal writes its whole width: changes x width, not the bits that
# flipped), and the signals that write the most. This is what a dump costs to write (the FST
# writer's work grows with both), so it is how the RTL's operand isolation and untraced signals
# were judged (rtl/README.md section 5).
# Usage: scripts/wave-activity.sh DUMP.fst|DUMP.vcd [TOP]   (TOP signals listed, default 20)
# An FST is converted with GTKWave's fst2vcd first.
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: wave-activity.sh DUMP.fst|DUMP.vcd [TOP]" >&2; exit 2; }
dump=$1 top=${2:-20}
[ -r "$dump" ] || { echo "wave-activity.sh: $dump: cannot read it" >&2; exit 2; }
case $top in '' | *[!0-9]*) echo "wave-activity.sh: TOP: expected a number, got '$top'" >&2; exit 2 ;; esac
reader=(cat "$dump")
case $dump in *.fst) reader=(fst2vcd -f "$dump") ;; esac
"${reader[@]}" | awk -v top="$top" '
  $1 == "$scope" { scope[++depth] = $3; next }
  $1 == "$upscope" { depth--; next }
  $1 == "$var" {
    path = ""
    for (i = 1; i <= depth; i++) path = path scope[i] "."
    if (!($4 in name)) { name[$4] = path $5; width[$4] = $3 }   # aliases share one code
    next
  }
  $1 == "$enddefinitions" { body = 1; next }
  !body || /^[#$]/ || NF == 0 { next }
  { id = ($1 ~ /^[bBrR]/) ? $2 : substr($1, 2); changes[id]++ }
  END {
    for (id in changes) { n += changes[id]; bits[id] = changes[id] * width[id]; b += bits[id] }
    printf "%d value changes, %d bits written, %d signals\n", n, b, length(name)
    printf "%12s %10s %6s  %s\n", "bits", "changes", "width", "signal"
    for (k = 0; k < top; k++) {
      best = ""
      for (id in bits)   # most bits first; equal counts by name, so the list is deterministic
        if (best == "" || bits[id] > bits[best] || (bits[id] == bits[best] && name[id] < name[best]))
          best = id
      if (best == "") break
      printf "%12d %10d %6d  %s\n", bits[best], changes[best], width[best], name[best]
      delete bits[best]
    }
  }'
