#!/bin/bash
# SPDX-License-Identifier: MIT
# A store on a 1 MiB tmpfs cannot hold the busybox image: the pull fails
# saying the disk is full, and the store is left consistent (no reference,
# no tree, nothing in tmp/); so with room for the blobs but not the tree;
# after the disk grows the same pull works.
. "$(dirname "$0")/pull-common"
pull_init pull-disk-full
reg_ready
mkdir -p "$STORE"
mount -t tmpfs -o size=1m tmpfs "$STORE" || skip "cannot mount a tmpfs"
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected the pull onto a full disk to fail"
grep -q "the disk is full (No space left on device)" "$WORK/err" ||
	fail "expected \"the disk is full\", got: $(cat "$WORK/err")"
expect_empty "after the failed download" refs unpacked tmp
for b in "$STORE"/blobs/sha256/*; do
	[ -e "$b" ] || continue
	[ "$(sha256sum <"$b" | cut -d' ' -f1)" = "$(basename "$b")" ] ||
		fail "expected only whole, verified blobs, got $(basename "$b")"
done
# Room for the blobs (1.1 MB) but not the tree (2 MB): the unpack fails,
# and its half-made tree goes.
mount -o remount,size=1600k "$STORE" || fail "cannot grow the tmpfs"
bctl pull $(pull_opts) "$REG/team/web:1.4" && fail "expected the unpack onto a full disk to fail"
grep -q "the disk is full (No space left on device): unpacking layer" "$WORK/err" ||
	fail "expected the unpack to say the disk is full, got: $(cat "$WORK/err")"
expect_empty "after the failed unpack" refs unpacked tmp
mount -o remount,size=16m "$STORE" || fail "cannot grow the tmpfs"
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected the pull to work with room"
pass
