#!/usr/bin/env bash
# malformed-binary.sh MMUSIM MMCONVERT GOOD_TRACE
# Damaged binary and compressed inputs, built here byte by byte: each must stop mmusim with
# exit status 2, nothing on standard output, and exactly the expected message (naming the file
# and the byte offset) on standard error.
set -u
mmusim=$1 conv=$2 good=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0 n=0

# w64 HEX: one little-endian 64-bit word.
w64() {
    local h
    h=$(printf '%016x' "$1")
    for i in 14 12 10 8 6 4 2 0; do printf "\\x${h:$i:2}"; done
}
header() { printf 'MMTRACE\0'; w64 1; }   # version 1, flags 0
# str TEXT: an event's string: length word, bytes, zero padding to 8.
str() {
    local len=${#1}
    w64 "$len"
    printf '%s' "$1"
    local pad=$(((8 - len % 8) % 8))
    ((pad)) && head -c "$pad" /dev/zero
    return 0
}
# event CODE ARG TEXT
event() {
    local words=$((1 + (${#3} + 7) / 8))
    w64 $(((words << 40) | ($1 << 32) | $2))
    str "$3"
}
access() { w64 $((($3 << 40) | ($1 << 32) | $2)); }   # access KIND ADDR SIZE

# check NAME MESSAGE: run mmusim on file NAME.
check() {
    n=$((n + 1))
    "$mmusim" "$1" >out 2>err
    local rc=$?
    printf '%s\n' "$2" >want
    if [ $rc -ne 2 ] || [ -s out ] || ! cmp -s want err; then
        echo "FAIL: $1 (exit $rc), want then got:"; cat want err; fail=1
    fi
}

proc='proc 1 p'
{ header; } | head -c 10 >short-header.mmb
check short-header.mmb "short-header.mmb: byte 0: truncated MMB header (10 of 16 bytes)"
{ printf 'MMTRACE\0'; w64 2; } >version.mmb
check version.mmb "version.mmb: byte 8: unsupported MMB version 2 (this reader knows 1)"
{ printf 'MMTRACE\0'; w64 $((1 | 4 << 32)); } >flags.mmb
check flags.mmb "flags.mmb: byte 12: unknown MMB header flags 00000004"
{ header; event 0x80 1 "$proc"; w64 0 | head -c 5; } >short-word.mmb
check short-word.mmb "short-word.mmb: byte 40: truncated word: the stream ends 5 bytes into it"
{ header; event 0x80 1 "$proc"; w64 $((1 << 50 | 4 << 40 | 0x1000)); } >reserved.mmb
check reserved.mmb "reserved.mmb: byte 40: access word 0004040000001000 has reserved bits set"
{ header; event 0x80 1 "$proc"; access 1 0x1000 0; } >size0.mmb
check size0.mmb "size0.mmb: byte 40: access size 0 (writers must give the size, 1..4096)"
{ header; event 0x80 1 "$proc"; w64 $((255 << 40 | 1 << 32 | 0x1000)); w64 100; } >sizeword.mmb
check sizeword.mmb "sizeword.mmb: byte 48: size word 100 is out of range (255..4096; smaller sizes go in the access word)"
{ header; event 0x80 1 "$proc"; w64 $((255 << 40 | 1 << 32 | 0x1000)); } >sizecut.mmb
check sizecut.mmb "sizecut.mmb: byte 40: truncated access: needs 16 bytes, the stream ends after 8"
{ header; event 0x80 1 "$proc"; w64 $((1 << 49 | 4 << 40 | 0x1000)); w64 5; } >fetchvalue.mmb
check fetchvalue.mmb "fetchvalue.mmb: byte 40: '=VALUE' is allowed only on L and S accesses"
{ header; event 0x80 1 "$proc"; w64 $((1 << 49 | 2 << 40 | 1 << 32 | 0x1000)); w64 0x10000; } >valuewide.mmb
check valuewide.mmb "valuewide.mmb: byte 40: value '10000' does not fit in 2 bytes"
{ header; event 0xd0 1 "$proc"; } >code.mmb
check code.mmb "code.mmb: byte 16: unknown event code d0"
{ header; w64 $((2 << 40 | 0x80 << 32 | 1)); w64 20; printf 'proc 1 p'; } >strlen.mmb
check strlen.mmb "strlen.mmb: byte 24: string length 20 does not match the event's 2 words"
{ header; event 0x80 1 "$proc" | head -c 20; } >eventcut.mmb
check eventcut.mmb "eventcut.mmb: byte 16: truncated event: needs 24 bytes, the stream ends after 20"
{ header; event 0x87 0 'alloc 0 10000 1000 RW'; } >badtext.mmb
check badtext.mmb "badtext.mmb: byte 16: pid 0 is out of range (1..4294967295)"
{ header; event 0x87 2 'alloc 1 10000 1000 RW'; } >mismatch.mmb
check mismatch.mmb "mismatch.mmb: byte 16: event word (code 87, argument 2) does not match its text 'alloc 1 10000 1000 RW'"
{ header; event 0x80 1 'L 1000 4'; } >accevent.mmb
check accevent.mmb "accevent.mmb: byte 16: event 'L 1000 4' is an access: accesses are access words"

# Compressed streams: cut short, and damaged.
"$conv" "$good" good.mmb.zst && "$conv" "$good" good.mmb.gz || { echo "FAIL: converting $good"; exit 1; }
size=$(stat -c %s good.mmb.zst)
head -c $((size - 7)) good.mmb.zst >cut.mmb.zst
check cut.mmb.zst "cut.mmb.zst: truncated zstd stream (compressed input ends at byte $((size - 7)))"
size=$(stat -c %s good.mmb.gz)
head -c $((size - 3)) good.mmb.gz >cut.mmb.gz
check cut.mmb.gz "cut.mmb.gz: truncated gzip stream (compressed input ends at byte $((size - 3)))"
# The gzip trailer's CRC-32 replaced by zeros: the data decompresses, the check fails.
{ head -c $((size - 8)) good.mmb.gz; printf '\0\0\0\0'; tail -c 4 good.mmb.gz; } >crc.mmb.gz
check crc.mmb.gz "crc.mmb.gz: corrupt gzip stream: incorrect data check (near compressed byte $((size - 4)))"
# A zstd frame whose block header is destroyed.
{ head -c 12 good.mmb.zst; printf '\377\377\377'; tail -c +16 good.mmb.zst; } >bad.mmb.zst
"$mmusim" bad.mmb.zst >/dev/null 2>err
if [ $? -ne 2 ] || ! grep -q '^bad.mmb.zst: corrupt zstd stream: ' err; then echo "FAIL: bad.mmb.zst"; cat err; fail=1; fi
n=$((n + 1))
[ $fail -eq 0 ] && echo "malformed binary inputs: $n cases, each rejected with its message"
exit $fail
