#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/tools/logwrites, the crash-image builder of tests/vm/power-cut-replay.sh,
# over a log written here in blklogwrites' format: a cut after a flush keeps
# every write before it, some of the writes after it (differently per seed,
# the same for the same seed, torn with -t), never a write after the next
# flush nor one the superblock does not count.
set -u
: "${BUILD:?tests/run exports BUILD}" "${TOP:?tests/run exports TOP}"
t=power-cut-logwrites
tool=$BUILD/tests/tools/logwrites
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$tool" >/dev/null 2>&1 ||
	{ echo "fail: $t: expected make $tool to work, got a failure"; exit 1; }
command -v python3 >/dev/null || { echo "skip: $t: python3 is not installed"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Entries: 0 write A to sector 0, 1 flush, 2 write B to 1, 3 write C to 2-3,
# 4 flush, 5 write D to 4 (after the count in the superblock: not logged yet).
python3 - "$work/log" <<'EOF'
import struct, sys
S = 512
def entry(sector, count, flags, data=b""):
    return struct.pack("<4Q", sector, count, flags, 0).ljust(S, b"\0") + data
log = struct.pack("<3QI", 0x6a736677736872, 1, 5, S).ljust(S, b"\0")
log += entry(0, 1, 0, b"A" * S) + entry(0, 0, 1)
log += entry(1, 1, 0, b"B" * S) + entry(2, 2, 0, b"C" * 2 * S) + entry(0, 0, 1)
log += entry(4, 1, 0, b"D" * S)
open(sys.argv[1], "wb").write(log)
EOF

# sectors DISK: the first byte of sectors 0-4, "-" for a zero one.
sectors() {
	local i c s=
	for i in 0 1 2 3 4; do
		c=$(dd if="$1" bs=512 skip=$i count=1 status=none | head -c 1 | tr '\0' -)
		s=$s${c:--}
	done
	echo "$s"
}

# cut [-t] N SEED: the sectors of a crash image after entry N.
cut() {
	truncate -s 0 "$work/disk" && truncate -s 4096 "$work/disk"
	"$tool" crash "$@" "$work/disk" >/dev/null 2>&1 || { echo error; return; }
	sectors "$work/disk"
}

got=$("$tool" list "$work/log" | tr '\n' ';')
want="0 write 0 1;1 flush 0 0;2 write 1 1;3 write 2 2;4 flush 0 0;"
[ "$got" = "$want" ] && echo "pass: $t-list" || echo "fail: $t-list: expected '$want', got '$got'"

got=$(cut "$work/log" 5 1)
[ "$got" = ABCC- ] && echo "pass: $t-all-flushed" || echo "fail: $t-all-flushed: expected ABCC-, got $got"

got=$(cut "$work/log" 0 1)
[ "$got" = error ] && echo "pass: $t-not-a-flush" || echo "fail: $t-not-a-flush: expected an error, got $got"

seen=
for seed in $(seq 1 40); do
	seen="$seen $(cut -t "$work/log" 1 "$seed")"
done
bad=$(tr ' ' '\n' <<<"$seen" | grep -v '^$' | grep -vxE 'A[-B][-C][-C]-' | head -n 1)
[ -z "$bad" ] && echo "pass: $t-kept-before-flush" ||
	echo "fail: $t-kept-before-flush: expected A, then B and C or nothing, then nothing; got $bad"
kinds=$(tr ' ' '\n' <<<"$seen" | sort -u | tr '\n' ' ')
case $kinds in
*A---*ABCC*) echo "pass: $t-subsets" ;;
*) echo "fail: $t-subsets: expected seeds that keep none and all pending writes, got: $kinds" ;;
esac
case $kinds in
*A?C-* | *A?-C*) echo "pass: $t-torn" ;;
*) echo "fail: $t-torn: expected a write to sectors 2-3 torn under -t, got: $kinds" ;;
esac
a=$(cut -t "$work/log" 1 7) b=$(cut -t "$work/log" 1 7)
[ "$a" = "$b" ] && echo "pass: $t-seeded" || echo "fail: $t-seeded: expected seed 7 twice to give one image, got $a and $b"
