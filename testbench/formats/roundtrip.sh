#!/usr/bin/env bash
# roundtrip.sh MMUSIM MMCONVERT TRACE...
# For each MMT trace: convert it to every output form (MMB and MMT, plain, zstd and gzip) and
# back, and check that
#  - the MMB written from the round-tripped text is byte-identical to the first MMB (one
#    canonical spelling per record);
#  - mmusim prints the same statistics and expectation tally for every form, read from a file
#    and from standard input, as for the original text;
#  - the hash in the results is that of the uncompressed bytes: equal for NAME.mmb and
#    NAME.mmb.zst/.gz.
set -u
mmusim=$1 conv=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# The report without its input lines (name and hash), and the expectation tally (a failed
# expectation's own message names a line or a byte offset, which differ between formats).
body() { { "$@" 2>&1 1>&3 | grep '^expectations: '; } 3>&1 | grep -v '^trace \|^  xxh3 '; }
hash_of() { "$mmusim" "$1" 2>/dev/null | sed -n 's/^  xxh3 //p'; }
for trace in "$@"; do
    name=$(basename "$trace" .mmt)
    dir=$(dirname "$trace")
    want=$(cd "$dir" && body "$mmusim" "$(basename "$trace")")
    for form in mmb mmb.zst mmb.gz mmt.zst mmt.gz; do
        out=$tmp/$name.$form
        if ! "$conv" "$trace" "$out"; then echo "FAIL: $name: convert to $form"; fail=1; continue; fi
        got=$(cd "$dir" && body "$mmusim" "$out")
        [ "$got" == "$want" ] || { echo "FAIL: $name.$form: statistics differ"; diff <(echo "$want") <(echo "$got") | head -5; fail=1; }
        got=$(cd "$dir" && body "$mmusim" - <"$out")
        [ "$got" == "$want" ] || { echo "FAIL: $name.$form from stdin: statistics differ"; fail=1; }
    done
    "$conv" "$tmp/$name.mmb.zst" "$tmp/$name.back.mmt" && "$conv" "$tmp/$name.back.mmt" "$tmp/$name.again.mmb" ||
        { echo "FAIL: $name: converting back"; fail=1; }
    cmp -s "$tmp/$name.mmb" "$tmp/$name.again.mmb" || { echo "FAIL: $name: MMB not identical after MMT round trip"; fail=1; }
    h=$(hash_of "$tmp/$name.mmb")
    for c in zst gz; do
        [ "$(hash_of "$tmp/$name.mmb.$c")" == "$h" ] || { echo "FAIL: $name.mmb.$c: hash differs from $name.mmb"; fail=1; }
    done
done
[ $fail -eq 0 ] && echo "round trips: $# traces, 5 forms each, all equal"
exit $fail
