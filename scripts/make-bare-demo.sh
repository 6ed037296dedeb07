#!/usr/bin/env bash
# Write traces/bare-demo.mmt, the default trace of the README's first command: a synthetic
# single-process run in bare mode (the trace owns the CPU and the page tables).
#
# Layout (32-bit paging, CR4.PSE and PGE on, CR0.WP on), page directory at 0x1000:
#   code   0x00400000-0x0040ffff  16 user pages, read-only   -> frames 0x00100000+
#   heap   0x00800000-0x0087ffff 128 user pages, read-write  -> frames 0x00200000+
#   stack  0x7ffe0000-0x7ffeffff  16 user pages, read-write  -> frames 0x00300000+
#   kernel 0x80000000-0x803fffff  one global 4 MiB supervisor page -> 0x02000000
# The program runs at CPL 3: instruction fetches walk forward through the code with short
# backward branches, data accesses stay mostly in a sliding window of heap pages and the top
# of the stack, and every 2000 accesses a "system call" enters CPL 0, touches kernel data,
# switches address space (MOV CR3: globals survive) and returns. Near the end it touches an
# unmapped heap page, maps it after the #PF and retries, like an OS would.
# Deterministic: a Park-Miller generator in awk (exact in double precision), no awk rand().
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-traces/bare-demo.mmt}
awk -v N=40000 '
function rnd() { seed = (seed * 16807) % 2147483647; return seed }
function hex(v) { return sprintf("%04x%04x", int(v / 65536), v % 65536) }
function pte(la, frame, flags) {   # poke the PTE for la
    printf "poke %s %s\n", hex(pt[int(la / 4194304)] + (int(la / 4096) % 1024) * 4), hex(frame + flags)
}
BEGIN {
    seed = 20261121
    print "#mmt 1"
    print "#source scripts/make-bare-demo.sh (synthetic single-process workload, bare mode)"
    print "mode bare"
    pt[1] = 8192; pt[2] = 12288; pt[511] = 16384          # page tables at 0x2000, 0x3000, 0x4000
    printf "poke %s %s\n", hex(4096 + 1 * 4), hex(pt[1] + 7)      # PDE 1   -> code
    printf "poke %s %s\n", hex(4096 + 2 * 4), hex(pt[2] + 7)      # PDE 2   -> heap
    printf "poke %s %s\n", hex(4096 + 511 * 4), hex(pt[511] + 7)  # PDE 511 -> stack
    printf "poke %s %s\n", hex(4096 + 512 * 4), hex(33554432 + 387) # PDE 512: 4M G|PS|RW|P
    for (i = 0; i < 16; i++) pte(4194304 + i * 4096, 1048576 + i * 4096, 5)      # code: US|P
    for (i = 0; i < 127; i++) pte(8388608 + i * 4096, 2097152 + i * 4096, 7)     # heap: US|RW|P
    for (i = 0; i < 16; i++) pte(2147352576 + i * 4096, 3145728 + i * 4096, 7)   # stack
    print "cr3 1000"
    print "cr4 90"
    print "cr0 80010001"
    print "cpl 3"
    pc = 4194304; win = 0
    for (n = 0; n < N; n++) {
        r = rnd() % 100
        if (r < 45) {                                  # instruction fetch
            printf "I %s 4\n", hex(pc)
            pc += 4 * (1 + rnd() % 3)
            if (rnd() % 16 == 0) pc -= 4 * (rnd() % 64)
            if (pc < 4194304 || pc >= 4194304 + 65536 - 16) pc = 4194304 + (rnd() % 16) * 4096
        } else if (r < 80) {                           # heap data, sliding window of 8 pages
            if (rnd() % 200 == 0) win = (win + 1) % 119
            la = 8388608 + (win + rnd() % 8) * 4096 + (rnd() % 1024) * 4
            printf "%s %s 4\n", (r < 68 ? "L" : "S"), hex(la)
        } else {                                       # stack
            la = 2147409920 + (rnd() % 2048) * 4       # top two pages: 0x7ffee000-0x7ffeffff
            printf "%s %s 4\n", (r < 90 ? "L" : "S"), hex(la)
        }
        if (n % 2000 == 1999) {                        # system call
            print "cpl 0"
            for (k = 0; k < 6; k++) printf "L %s 4\n", hex(2147483648 + (rnd() % 1048576) * 4)
            print "S 80001000 4"
            print "cr3 1000"
            print "cpl 3"
        }
    }
    print "# demand paging: heap page 127 is not mapped yet"
    print "S 0087f010 4 =0000cafe"
    print "expect pf 6                          # not present, write, user"
    pte(8388608 + 127 * 4096, 2097152 + 127 * 4096, 7)
    print "S 0087f010 4 =0000cafe"
    print "expect ok 27f010"
    print "L 0087f010 4 =0000cafe"
    print "expect mem 00002000 00100025   # code PTE 0: accessed, clean"
    print "expect mem 000031fc 0027f067   # heap PTE 127: accessed and dirty"
    print "expect mem 00001800 020001e3   # kernel 4 MiB PDE: A and D set"
}' > "$out"
echo "wrote $out ($(wc -l < "$out") lines)"
