#!/bin/bash
# SPDX-License-Identifier: MIT
# verify finds a flipped byte in an unpacked file and a changed mode; rm
# forgets a reference, and prune then removes the blobs and the tree no
# reference needs while keeping another image's.
. "$(dirname "$0")/pull-common"
pull_init pull-verify
reg_ready
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected the pull to succeed"
d=$(reg_digest 1.4)
r=$STORE/unpacked/${d#sha256:}/rootfs
bctl verify "$REG/team/web:1.4" || fail "expected verify to pass on a fresh tree: $(cat "$WORK/err")"
flip_byte "$r/bin/busybox" 5000
bctl verify "$REG/team/web:1.4"
[ $? = 1 ] || fail "expected verify to fail (exit 1) after a flipped byte"
grep -q "the tree has changed: its hash is sha256:" "$WORK/err" ||
	fail "expected \"the tree has changed\", got: $(cat "$WORK/err")"
# A second image sharing the layers, another config.
cp -a "$WORK/oci" "$WORK/oci2"
umoci --log error config --image "$WORK/oci2:test" --config.cmd other || fail "umoci config failed"
reg_push 2.0 "$WORK/oci2:test"
bctl pull $(pull_opts) "$REG/team/web:2.0" || fail "expected the second pull to succeed"
d2=$(reg_digest 2.0)
bctl rm "$REG/team/web:1.4" || fail "expected rm to succeed: $(cat "$WORK/err")"
[ ! -e "$STORE/refs/$REG+team+web:1.4" ] || fail "expected the reference removed"
bctl prune || fail "expected prune to succeed: $(cat "$WORK/err")"
[ ! -e "$STORE/unpacked/${d#sha256:}" ] || fail "expected the first tree pruned"
[ ! -e "$STORE/blobs/sha256/${d#sha256:}" ] || fail "expected the first manifest pruned"
[ -d "$STORE/unpacked/${d2#sha256:}/rootfs" ] || fail "expected the second tree kept"
bctl verify "$REG/team/web:2.0" || fail "expected the second image intact: $(cat "$WORK/err")"
# Its layers are still there: a pull of 1.4 now fetches only its manifest and config.
n=$(grep -c 'GET /v2/team/web/blobs/' "$WORK/registry.log")
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected the pull again to succeed"
[ $(($(grep -c 'GET /v2/team/web/blobs/' "$WORK/registry.log") - n)) = 1 ] ||
	fail "expected one blob (the config) fetched again, the shared layers kept"
bctl rm "sha256:${d2:7:12}" || fail "expected rm by digest prefix to succeed"
bctl rm "$REG/team/web:2.0" && fail "expected rm of a removed reference to fail"
grep -q "no image $REG/team/web:2.0" "$WORK/err" || fail "expected \"no image\", got: $(cat "$WORK/err")"
pass
