#!/bin/bash
# SPDX-License-Identifier: MIT
# A host already on the channel's newest version: the first check says
# nothing new; the second asks with the stored validators, nginx answers
# 304, and the check says so, re-verifies the stored copy, and says
# nothing new again with fewer bytes on the wire. A new release.json
# (publish refresh) is fetched in full again.
. "$(dirname "$0")/channel-common" channel-not-modified
echo "VERSION_ID=0.2.0" >"$T/host/os-release"
ch_bundle 0.2.0
ch_publish add "$T/0.2.0.bundle"
ch_nginx
wire() { sed -n 's/^wire: \([0-9]*\) bytes.*/\1/p' "$T/out"; }
ch_check
expect_in "first check: nothing new" '^nothing new \(running 0\.2\.0\)$' "$T/out"
first=$(wire)
ch_check
expect_in "second check: 304" '^release: version 1 \(not modified: 304\)$' "$T/out"
expect_in "second check: nothing new" '^nothing new' "$T/out"
second=$(wire)
expect_in "nginx answered 304 to If-None-Match" '^GET /release.json HTTP/1.1 304 0 range="-" inm="[^-]' "$T/access.log"
[ "$second" -lt "$first" ] && pass "304 costs fewer bytes ($second < $first)" ||
	fail "304 check took $second bytes, the first $first"
# nginx's ETag is the file's mtime in seconds and its size: a refresh in
# the same second, of the same size, would carry the same ETag.
sleep 1
ch_publish refresh
ch_check
expect_in "after refresh: release 2 fetched" '^release: version 2$' "$T/out"
echo "# figures: bytes on the wire (HTTP, both ways): first check $first, not modified (304) $second"
ch_done
