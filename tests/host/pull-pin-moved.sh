#!/bin/bash
# SPDX-License-Identifier: MIT
# A reference that pins a digest (team/web:1.4@sha256:OLD) is refused once
# the tag has moved to another image, naming both digests, and nothing is
# stored.
. "$(dirname "$0")/pull-common"
pull_init pull-pin-moved
reg_ready
old=$(reg_digest 1.4)
# Another image: the same layers, another command.
cp -a "$WORK/oci" "$WORK/oci2"
umoci --log error config --image "$WORK/oci2:test" --config.cmd moved ||
	fail "umoci config failed"
reg_push 1.4 "$WORK/oci2:test"
new=$(reg_digest 1.4)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "expected the tag to move ($old -> $new)"
bctl pull $(pull_opts) "$REG/team/web:1.4@$old" && fail "expected the moved tag refused"
grep -q "digest mismatch: the registry's manifest is $new, the reference pins $old" "$WORK/err" ||
	fail "expected both digests named, got: $(cat "$WORK/err")"
[ "$(store_count refs)" = 0 ] && [ "$(store_count unpacked)" = 0 ] ||
	fail "expected nothing stored: refs $(ls "$STORE/refs"), unpacked $(ls "$STORE/unpacked")"
bctl pull $(pull_opts) "$REG/team/web:1.4@$new" || fail "expected the current pin to pull"
pass
