#!/bin/bash
# SPDX-License-Identifier: MIT
# oci: and docker-archive: images are baked with their layers applied and
# every file as the image has it: whiteouts (plain and opaque) remove what
# lower layers had, a hard link stays one inode, owners, modes, a user xattr,
# a file capability and a device node come through; the image config's run
# defaults are written beside the rootfs, and each image is baked where
# `berthctl show --json` (the supervisor's rule) says, once.
. "$(dirname "$0")/img-common"
img_defs import-tree
img_init
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  layout:
    image: oci:oci:test
  same:
    image: oci:./oci/:test
  archive:
    image: docker-archive:image.tar
YAML
img_stage "$WORK/m.yaml" "$WORK/root" || fail "expected the images to bake, got: $(tail -n 1 "$WORK/stage.out")"

# check_tree KIND ROOTFS: the files of tests/images/mkoci, as it made them.
check_tree() {
	local k=$1 r=$2
	[ -x "$r/bin/busybox" ] || fail "$k: expected bin/busybox from the first layer in $r"
	[ ! -e "$r/data/gone" ] || fail "$k: expected the whiteout to remove data/gone"
	[ ! -e "$r/data/old/stale" ] || fail "$k: expected the opaque layer to hide data/old/stale"
	[ "$(cat "$r/data/old/new" 2>/dev/null)" = new ] ||
		fail "$k: expected data/old/new from the opaque layer"
	[ "$(stat -c '%u:%g %a %h' "$r/data/a")" = "1000:1000 640 2" ] ||
		fail "$k: expected data/a owned 1000:1000, mode 640, 2 links, got $(stat -c '%u:%g %a %h' "$r/data/a")"
	[ "$(stat -c %i "$r/data/a")" = "$(stat -c %i "$r/data/b")" ] ||
		fail "$k: expected data/b to be a hard link of data/a (one inode)"
	[ "$(getfattr --only-values -n user.berth "$r/data/a" 2>/dev/null)" = hello ] ||
		fail "$k: expected the xattr user.berth=hello on data/a"
	getcap "$r/data/cap" | grep -q 'cap_net_bind_service[=+]ep' ||
		fail "$k: expected the file capability cap_net_bind_service+ep on data/cap, got: $(getcap "$r/data/cap")"
	[ "$(stat -c '%F %t:%T' "$r/data/null")" = "character special file 1:3" ] ||
		fail "$k: expected data/null to be the character device 1:3, got $(stat -c '%F %t:%T' "$r/data/null")"
	local cfg=${r%/rootfs}/config
	grep -qx 'entrypoint -c' "$cfg" && grep -qx 'env IMG_A=from-image' "$cfg" &&
		grep -qx 'workdir /data' "$cfg" && grep -qx 'user 1000:1000' "$cfg" ||
		fail "$k: expected the image config's defaults in $cfg, got: $(tr '\n' '|' <"$cfg")"
}

oci=$(img_rootfs layout)
archive=$(img_rootfs archive)
[ "$oci" = "$WORK/root/usr/share/berth/images/oci/oci@test/rootfs" ] ||
	fail "expected oci:oci:test at images/oci/oci@test/rootfs, the JSON says $oci"
[ "$(img_rootfs same)" = "$oci" ] || fail "expected oci:./oci/:test to be the same image as oci:oci:test"
[ "$(grep -c 'image oci:' "$WORK/stage.out")" = 1 ] ||
	fail "expected one import for the two references of one layout, got: $(grep 'image oci:' "$WORK/stage.out" | tr '\n' '|')"
check_tree oci "$oci"
check_tree docker-archive "$archive"
# Every file carries the build's time, not the import's.
newer=$(find "$WORK/root/usr/share/berth/images" -newermt @1700000001 | head -n 1)
[ -z "$newer" ] || fail "expected every baked file to carry SOURCE_DATE_EPOCH, $newer is newer"
pass
