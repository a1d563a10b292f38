#!/bin/bash
# SPDX-License-Identifier: MIT
# A pull by tag with the right password from a real registry (TLS, htpasswd):
# the unpacked tree is the image (busybox runs, whiteouts and an opaque
# directory applied, owners, modes, a hard link, a device, a file
# capability kept), its config has the image's run defaults in the
# supervisor's format, ls lists it and verify finds it intact.
. "$(dirname "$0")/pull-common"
pull_init pull-tag
reg_ready
bctl pull $(pull_opts) "$REG/team/web:1.4" || fail "expected the pull to succeed, got exit $?"
want=$(reg_digest 1.4)
[ -n "$want" ] || fail "the registry gave no digest for team/web:1.4"
[ "$(grep -c '^blob sha256:[0-9a-f]\{12\} [0-9.]* [KM]iB$' "$WORK/err")" = 5 ] ||
	fail "expected one progress line per blob (5) off a terminal, got: $(cat "$WORK/err")"
grep -q "^$REG/team/web:1.4 $want\$" "$WORK/out" ||
	fail "expected \"$REG/team/web:1.4 $want\" on stdout, got: $(cat "$WORK/out")"
t=$STORE/unpacked/${want#sha256:}
r=$t/rootfs
[ -d "$r" ] || fail "expected the tree in unpacked/${want#sha256:}, got: $(ls "$STORE/unpacked")"
cmp -s "$r/bin/busybox" /bin/busybox || fail "expected bin/busybox to be /bin/busybox"
[ "$(readlink "$r/bin/sh")" = /bin/busybox ] || fail "expected bin/sh -> /bin/busybox"
out=$(chroot "$r" /bin/busybox echo hello 2>&1) && [ "$out" = hello ] ||
	fail "expected busybox to run in the tree, got: $out"
[ ! -e "$r/data/gone" ] || fail "expected the whiteout to remove /data/gone"
[ ! -e "$r/data/old/stale" ] || fail "expected the opaque /data/old to hide old/stale"
[ -f "$r/data/old/new" ] || fail "expected /data/old/new from the opaque layer"
[ "$(stat -c '%u:%g %a' "$r/data/a")" = "1000:1000 640" ] ||
	fail "expected data/a owned 1000:1000 mode 640, got $(stat -c '%u:%g %a' "$r/data/a")"
[ "$(stat -c %i "$r/data/a")" = "$(stat -c %i "$r/data/b")" ] ||
	fail "expected data/b to be a hard link of data/a"
[ -c "$r/data/null" ] || fail "expected the char device data/null"
getcap "$r/data/cap" | grep -q cap_net_bind_service ||
	fail "expected the file capability on data/cap, got: $(getcap "$r/data/cap")"
[ "$(getfattr --only-values -n user.berth "$r/data/a" 2>/dev/null)" = hello ] ||
	fail "expected the xattr user.berth=hello on data/a"
c=$t/config
grep -qx "digest $want" "$c" || fail "expected \"digest $want\" in the config: $(cat "$c")"
for l in 'entrypoint /bin/sh' 'entrypoint -c' 'env IMG_A=from-image' 'workdir /data' \
	'user 1000:1000'; do
	grep -qx "$l" "$c" || fail "expected the config line \"$l\", got: $(cat "$c")"
done
bctl ls || fail "image ls failed"
grep -q "^$REG/team/web:1.4 .*sha256:${want:7:12}" "$WORK/out" ||
	fail "expected ls to list the image, got: $(cat "$WORK/out")"
bctl ls --json || fail "image ls --json failed"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["digest"] == sys.argv[2]' \
	"$WORK/out" "$want" || fail "expected ls --json to give the digest: $(cat "$WORK/out")"
bctl verify "$REG/team/web:1.4" || fail "expected verify to pass: $(cat "$WORK/err")"
[ -z "$(ls -A "$STORE/tmp")" ] || fail "expected tmp/ empty after the pull: $(ls "$STORE/tmp")"
pass
