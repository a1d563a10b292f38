#!/bin/bash
# SPDX-License-Identifier: MIT
# Arbitrary package and endless data: the channel's bundle file replaced by
# other bytes of the same size is downloaded, found not to match the signed
# SHA-256, deleted and refused; one longer than the signed size is cut at
# that size and refused. No bundle is left in the download directory. And
# the publisher refuses to sign again a release.json changed in the
# channel behind its back.
. "$(dirname "$0")/channel-common" channel-bad-bundle
ch_bundle 0.2.0 300000
ch_publish add "$T/0.2.0.bundle"
ch_nginx
b=$(ls "$CH"/bundles/*.bundle)
size=$(stat -c %s "$b")
head -c "$size" /dev/urandom >"$b"
ch_check --download "$T/dl"
[ "$RC" = 1 ] && pass "other bytes refused" || fail "exit $RC: $(cat "$T/out")"
expect_in "says the hash does not match and the file is deleted" \
	'SHA-256 does not match release.json: deleted the download' "$T/out"
[ -z "$(ls "$T/dl")" ] && pass "nothing left in the download directory" ||
	fail "left behind: $(ls "$T/dl")"
cat "$T/0.2.0.bundle" /dev/zero | head -c $((size + 5000000)) >"$b"
ch_check --download "$T/dl"
[ "$RC" = 1 ] && pass "a longer body refused" || fail "exit $RC: $(cat "$T/out")"
expect_in "says it is longer than signed" "longer than the $size bytes expected: refused" "$T/out"
[ ! -e "$T/dl/berth-0.2.0.bundle" ] && pass "no bundle kept" || fail "a bundle was kept"
part=$(stat -c %s "$T/dl/berth-0.2.0.bundle.part" 2>/dev/null || echo 0)
[ "$part" -le "$size" ] && pass "at most the signed size written ($part of $size)" ||
	fail "$part bytes written, more than the signed $size"
sed -i 's/"percent": 100/"percent": 99/' "$CH/release.json"
if "$PUB" refresh "$CH" --release-key "$K/channel-release.key" >"$T/publish.out" 2>&1; then
	fail "publish refresh signed a changed release.json"
else
	expect_in "publish refuses a changed release.json" 'bad signature by key .*not signing it again' "$T/publish.out"
fi
ch_done
