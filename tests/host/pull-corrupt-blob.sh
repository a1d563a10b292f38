#!/bin/bash
# SPDX-License-Identifier: MIT
# A blob whose bytes changed in the registry's storage (one byte flipped)
# is refused with both digests named; no part of it stays in the store.
. "$(dirname "$0")/pull-common"
pull_init pull-corrupt-blob
reg_ready
# The largest blob: the busybox layer.
f=$(find "$WORK/reg/docker/registry/v2/blobs" -name data -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2)
hex=$(basename "$(dirname "$f")")
flip_byte "$f" 1000
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected the corrupted blob refused"
grep -q "blob sha256:$hex: digest mismatch: the registry sent content whose digest is sha256:" "$WORK/err" ||
	fail "expected a digest mismatch naming sha256:$hex, got: $(cat "$WORK/err")"
[ ! -e "$STORE/blobs/sha256/$hex" ] || fail "expected the bad blob not stored"
[ "$(store_count tmp)" = 0 ] || fail "expected no partial in tmp/: $(ls "$STORE/tmp")"
[ "$(store_count refs)" = 0 ] && [ "$(store_count unpacked)" = 0 ] || fail "expected no image stored"
pass
