#!/bin/bash
# SPDX-License-Identifier: MIT
# Two builds of the same inputs with the same SOURCE_DATE_EPOCH give the same
# bytes: the root image and the whole disk image. The second build runs
# later, in another directory, with another umask and time zone, so that
# none of these can leak into the image.
. "$(dirname "$0")/lib.sh"
vm_require

manifest=$TOP/tests/vm/manifests/debug.yaml
export SOURCE_DATE_EPOCH=1700000000
rm -rf "$vm_dir"
vm_build_image "$manifest" "$vm_dir/one"
sleep 1
(umask 077 && TZ=Pacific/Chatham vm_build_image "$manifest" "$vm_dir/second-build")
one=$vm_dir/one two=$vm_dir/second-build

# differs FILE...: the parts that differ between the builds, by name.
differs() {
	local f d=
	for f in "$@"; do
		cmp -s "$one/$f" "$two/$f" || d="$d $f"
	done
	echo "${d# }"
}

# tree_list DIR: every entry under DIR with its type, mode, owner, time,
# size, link target and content hash, one per line.
tree_list() {
	(cd "$1" && find . -printf '%p %M %U:%G %T@ %s %l\n' | sort) |
		while read -r p rest; do
			h=
			[ -f "$1/$p" ] && [ ! -L "$1/$p" ] && h=$(sha256sum <"$1/$p" | cut -c1-16)
			echo "$p $rest $h"
		done
}

d=$(differs root.img)
if [ -z "$d" ]; then
	pass reproducible-root
else
	# Name the staged files that differ (content, mode, owner, time), the
	# likely cause; if none does, mkfs.erofs or veritysetup is.
	files=$(diff <(tree_list "$one/rootfs") <(tree_list "$two/rootfs") |
		sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u | head -n 5 | paste -sd ' ')
	fail reproducible-root "identical root.img" \
		"different root.img (differing staged files: ${files:-none, so mkroot})"
fi

d=$(differs disk.img)
if [ -z "$d" ]; then
	pass reproducible-disk
else
	parts=$(differs esp.img root.img data.img initramfs.img)
	fail reproducible-disk "identical disk.img" \
		"different disk.img (differing parts: ${parts:-none, so the partition table})"
fi
