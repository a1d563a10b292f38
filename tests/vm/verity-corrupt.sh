#!/bin/bash
# SPDX-License-Identifier: MIT
# One flipped byte in slot a's root partition is caught by dm-verity: the
# boot stops with one "boot failed" line naming verity, never reaches the
# root, and reboots (QEMU runs with -no-reboot, so it exits). Two places,
# both read by every boot: the top block of the hash tree (at hashoffset),
# and the erofs superblock in the first data block. The unmodified image,
# booted first, must get past the same point.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"
. "$vm_dir/image.env"

# part_span IMG LABEL: the offset and size in bytes of the GPT partition
# named LABEL.
part_span() {
	sfdisk -J "$1" | jq -r --arg name "$2" '.partitiontable as $t |
		$t.partitions[] | select(.name == $name) |
		"\(.start * ($t.sectorsize // 512)) \(.size * ($t.sectorsize // 512))"'
}

# flip_byte FILE OFFSET: inverts every bit of one byte in place.
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((b ^ 0xff)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# corrupt_copy NAME OFFSET: a directory NAME beside the image with the same
# kernel, initramfs and command line, and a copy of the disk with the byte
# at OFFSET (from the start of berth-root-a) flipped.
corrupt_copy() {
	local d=$vm_dir/$1 f
	rm -rf "$d"
	mkdir -p "$d"
	for f in bzImage initramfs.img cmdline-a; do
		ln -s "../$f" "$d/$f"
	done
	cp --sparse=always "$vm_dir/disk.img" "$d/disk.img"
	flip_byte "$d/disk.img" $((root_start + $2))
	cmp -s "$vm_dir/disk.img" "$d/disk.img" && return 1
	echo "$d"
}

read -r root_start _ <<<"$(part_span "$vm_dir/disk.img" berth-root-a)"
if [ -z "$root_start" ]; then
	fail verity-corrupt-partition "a partition named berth-root-a in disk.img" \
		"'$(sfdisk -J "$vm_dir/disk.img" | jq -c '[.partitiontable.partitions[].name]')'"
	exit 1
fi

vm_start "$vm_dir" -- -no-reboot
if vm_wait_for '^berth-init: root mounted .*verity ok' 120 >/dev/null; then
	pass verity-corrupt-intact-boots
else
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail verity-corrupt-intact-boots "'root mounted ... verity ok' from the intact image" \
		"${got:-no line from berth-init}"
fi
vm_kill

# NAME OFFSET: the cases, by where the flipped byte is.
while read -r name offset; do
	d=$(corrupt_copy "$name" "$offset") || {
		fail "verity-corrupt-$name" "a copy with one byte changed" "an identical copy"
		continue
	}
	vm_start "$d" -- -no-reboot
	line=$(vm_wait_for '^berth-init: (boot failed|root mounted|stage 2 start)' 120)
	case $line in
	"berth-init: boot failed: "*berth-root-a*verity*)
		pass "verity-corrupt-$name-detected" ;;
	*)
		fail "verity-corrupt-$name-detected" \
			"'berth-init: boot failed: berth-root-a ... verity ...' within 120 s" \
			"'${line:-$(vm_console | grep -E '^berth-init: ' | tail -n 1)}'"
		vm_kill
		continue ;;
	esac
	# The line says it reboots in a few seconds; then QEMU exits.
	if vm_wait_exit 30; then
		pass "verity-corrupt-$name-reboots"
	else
		fail "verity-corrupt-$name-reboots" "QEMU to exit (guest reboot) within 30 s of '$line'" \
			"still running"
		vm_kill
	fi
	got=$(vm_console | grep -E '^berth-init: (root mounted|stage 2 start|debug console)')
	if [ -z "$got" ]; then
		pass "verity-corrupt-$name-no-root"
	else
		fail "verity-corrupt-$name-no-root" "no root mounted and no shell" "'${got%%$'\n'*}'"
	fi
done <<EOF
hash-tree $hashoffset
erofs-superblock 1024
EOF
vm_kill
