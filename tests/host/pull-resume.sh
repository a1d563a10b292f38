#!/bin/bash
# SPDX-License-Identifier: MIT
# A partial download left in tmp/HEX.part is continued with a Range
# request (the registry answers 206), not fetched again, and the result is
# verified as a whole.
. "$(dirname "$0")/pull-common"
pull_init pull-resume
reg_ready
f=$(find "$WORK/reg/docker/registry/v2/blobs" -name data -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
hex=$(basename "$(dirname "$f")")
size=$(stat -c %s "$f")
half=$((size / 2))
mkdir -p "$STORE/tmp"
head -c "$half" "$f" >"$STORE/tmp/$hex.part"
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected the resumed pull to succeed"
grep -q "resuming blob sha256:${hex:0:12} at $half of $size bytes" "$WORK/err" ||
	fail "expected the resume noted, got: $(cat "$WORK/err")"
grep -q "\"GET /v2/team/web/blobs/sha256:$hex HTTP/[0-9.]*\" 206 $((size - half)) " "$WORK/registry.log" ||
	fail "expected a 206 of the blob's last $((size - half)) bytes in the registry's log"
cmp -s "$f" "$STORE/blobs/sha256/$hex" || fail "expected the stored blob to be the registry's"
[ "$(store_count tmp)" = 0 ] || fail "expected tmp/ empty: $(ls "$STORE/tmp")"
# A part that does not begin like the blob makes a wrong whole: refused.
bctl rm "$REG/team/web:1.4" && bctl prune || fail "rm and prune failed"
head -c "$half" /dev/zero >"$STORE/tmp/$hex.part"
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected a corrupt part to fail the digest check"
grep -q "blob sha256:$hex: digest mismatch" "$WORK/err" || fail "expected a digest mismatch: $(cat "$WORK/err")"
[ "$(store_count tmp)" = 0 ] || fail "expected the bad part removed: $(ls "$STORE/tmp")"
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected a fresh pull after that to succeed"
pass
