#!/bin/bash
# SPDX-License-Identifier: MIT
# A download cut in the middle resumes: the first check downloads at
# --rate 200000 B/s and is killed after 2 s, leaving a .part file; the next
# check asks for the rest (nginx logs a 206 for a Range from the part's
# size) and the bundle is whole and checked.
. "$(dirname "$0")/channel-common" channel-resume
ch_bundle 0.2.0 1500000
ch_publish add "$T/0.2.0.bundle"
ch_nginx
size=$(stat -c %s "$T/0.2.0.bundle")
(timeout -s KILL 2 "$CTL" update check --channel "$URL" --ca "$T/tls/ca.pem" \
	--download "$T/dl" --rate 200000 >"$T/out" 2>&1) 2>/dev/null
part=$(stat -c %s "$T/dl/berth-0.2.0.bundle.part" 2>/dev/null || echo 0)
[ "$part" -gt 0 ] && [ "$part" -lt "$size" ] && pass "cut after $part of $size bytes" ||
	fail "the part holds $part of $size bytes"
ch_check --download "$T/dl"
expect_in "resumed and checked" '^downloaded: .*berth-0\.2\.0\.bundle \([0-9]+ bytes, sha256 ok, resumed\)$' "$T/out"
expect_in "nginx sent the rest: 206 for bytes=$part-" \
	"^GET /bundles/[0-9a-f]+\.bundle HTTP/1.1 206 $((size - part)) range=\"bytes=$part-\"" "$T/access.log"
cmp -s "$T/0.2.0.bundle" "$T/dl/berth-0.2.0.bundle" && pass "the bundle is whole" ||
	fail "the resumed bundle differs"
echo "# figures: cut at $part of $size bytes (--rate 200000, 2 s), resumed with $((size - part)) bytes"
ch_done
