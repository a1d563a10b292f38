#!/bin/bash
# SPDX-License-Identifier: MIT
# A pull by digest alone (repo@sha256:...) fetches the manifest by its
# digest and records that digest; the reference in the store is the pinned
# form.
. "$(dirname "$0")/pull-common"
pull_init pull-digest
reg_ready
d=$(reg_digest 1.4)
[ -n "$d" ] || fail "the registry gave no digest for team/web:1.4"
bctl pull $(pull_opts) --json "$REG/team/web@$d" || fail "expected the pull by digest to succeed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["digest"] == sys.argv[2], d' \
	"$WORK/out" "$d" || fail "expected --json to name $d, got: $(cat "$WORK/out")"
[ -x "$STORE/unpacked/${d#sha256:}/rootfs/bin/busybox" ] || fail "expected the tree unpacked"
[ -f "$STORE/refs/$REG+team+web@$d" ] ||
	fail "expected the reference $REG/team/web@$d in refs/, got: $(ls "$STORE/refs")"
grep -q "/v2/team/web/manifests/$d " "$WORK/registry.log" ||
	fail "expected the manifest fetched by its digest"
pass
