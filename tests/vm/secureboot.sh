#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 7
# Secure Boot from a new machine on: OVMF's Secure Boot build with an empty
# variable store (setup mode) boots the image, systemd-boot enrolls the
# image's PK, KEK and db from the ESP and resets, and the next start runs
# the signed systemd-boot and the signed kernel image of slot a with
# Secure Boot on (the SecureBoot variable reads 1 in the guest). Then,
# with the keys enrolled, the ESP is changed behind the host's back, as
# someone with the disk in hand could: slot b's kernel image with one byte
# of its command line (the verity root hash) changed, and then slot b's
# kernel image replaced by the plain unsigned kernel, each made the entry
# systemd-boot tries first (a counted entry of the newest generation).
# The firmware refuses to load either (systemd-boot says "Error loading
# \berth\0.1.0-b\berth.efi: Access Denied", OVMF's answer for an image
# db does not allow; then the firmware tries its other boot options, the
# network, which leads nowhere), nothing of berth starts, and since
# systemd-boot counted the try before it failed, the next start (a reset)
# boots slot a again.
. "$(dirname "$0")/lib.sh"
vm_require
[ -f /usr/share/OVMF/OVMF_CODE_4M.secboot.fd ] ||
	{ skip secureboot "no OVMF_CODE_4M.secboot.fd (package ovmf)"; exit 0; }
[ -f "$BUILD/keys/sb-db.auth" ] ||
	{ skip secureboot "no Secure Boot keys in $BUILD/keys (make keys)"; exit 0; }
command -v mcopy >/dev/null || { skip secureboot "mtools is not installed"; exit 0; }
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"
grep -q 'kernel image (UKI, each slot).*, signed' "$vm_dir/mkimage.log" &&
	pass secureboot-images-signed ||
	fail secureboot-images-signed "signed kernel images in the build report" \
		"'$(grep 'kernel image' "$vm_dir/mkimage.log")'"

# wall: seconds since QEMU started.
wall() {
	awk -v a="$vm_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# sb_state: the SecureBoot and SetupMode variables' values as the guest's
# kernel reads them (efivarfs: 4 bytes of attributes, then the one-byte
# value).
sb_state() {
	vm_run 'mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null
for v in SecureBoot SetupMode; do
	printf "%s=%s " $v "$(tail -c 1 /sys/firmware/efi/efivars/$v-8be4df61-93ca-11d2-aa0d-00e098032b8c | od -An -tu1 | tr -d " ")"
done; echo' | grep -a '^SecureBoot=' | tail -n 1
}

vm_start "$vm_dir" --secureboot
if ! vm_wait_for '^berth-init: stage 2 start' 400 >/dev/null; then
	fail secureboot-first-boot "stage 2 after enrolling the keys" \
		"$(vm_console | grep -aE 'berth-init: |Enrolling|Security' | tail -n 1)"
	exit 1
fi
first=$(wall)
vm_console | grep -aq 'Enrolling secure boot keys from directory: \\loader\\keys\\auto' &&
	pass secureboot-enrolls ||
	fail secureboot-enrolls "systemd-boot's line about enrolling loader/keys/auto" "none"
vm_wait_console secureboot-console 120
got=$(sb_state)
[ "$got" = "SecureBoot=1 SetupMode=0 " ] && pass secureboot-on ||
	fail secureboot-on "SecureBoot=1 SetupMode=0" "'$got'"
got=$(vm_run 'dmesg | grep -c "secureboot: Secure boot enabled"' | tail -n 1)
[ "$got" = 1 ] && pass secureboot-kernel-says-on ||
	fail secureboot-kernel-says-on "the kernel's 'Secure boot enabled'" "$got lines"
vm_kill
cp "$vm_dir/run/ovmf-vars.fd" "$vm_dir/enrolled-vars.fd"

# The same disk again, keys enrolled: the boot time with Secure Boot on.
VM_SB_VARS=$vm_dir/enrolled-vars.fd vm_start "$vm_dir" --secureboot
vm_wait_for '^berth-init: stage 2 start' 300 >/dev/null &&
	echo "# figures: to stage 2: $first s wall with enrolling (two starts of the firmware)," \
		"$(wall) s wall enrolled; guest uptime $(vm_uptime 'stage 2 start')"
vm_kill

v=$(sed -n 's/^version=//p' "$vm_dir/image.env")

# esp_of DISK: the ESP's offset in bytes, for mtools' IMAGE@@OFFSET.
esp_of() {
	echo $(($(partx -g -n 1 -o START "$1") * 512))
}

# tamper NAME HOW: a copy of the disk whose slot b entry is tried first and
# whose slot b kernel image HOW (a function: FILE) changed.
tamper() {
	local disk=$vm_dir/$1/disk.img esp
	mkdir -p "$vm_dir/$1"
	cp --sparse=always "$vm_dir/disk.img" "$disk"
	esp="$disk@@$(esp_of "$disk")"
	mcopy -n -i "$esp" "::/berth/$v-b/berth.efi" "$vm_dir/$1/berth.efi"
	"$2" "$vm_dir/$1/berth.efi" || return 1
	mcopy -o -i "$esp" "$vm_dir/$1/berth.efi" "::/berth/$v-b/berth.efi"
	printf 'title berth %s (slot b)\nsort-key berth\nversion 2\nefi /berth/%s-b/berth.efi\n' \
		"$v" "$v" >"$vm_dir/$1/entry"
	mdel -i "$esp" "::/loader/entries/berth-$v-b+0.conf"
	mcopy -i "$esp" "$vm_dir/$1/entry" "::/loader/entries/berth-$v-b+1.conf"
	# What vm_start boots from the directory.
	cp "$vm_dir/image.env" "$vm_dir/$1/"
}

# One hex digit of the verity root hash on slot b's signed command line.
flip_cmdline() {
	local at sec
	at=$(grep -obUa 'berth.roothash=' "$1" | head -n 1 | cut -d: -f1)
	sec=$(objdump -h "$1" | awk '$2 == ".cmdline" { print $6 }')
	[ -n "$at" ] && [ -n "$sec" ] && [ "$at" -ge $((0x$sec)) ] || {
		echo "secureboot: no berth.roothash= in the .cmdline section of $1" >&2
		return 1
	}
	at=$((at + 15))
	c=$(dd if="$1" bs=1 skip="$at" count=1 status=none)
	[ "$c" = 0 ] && c=1 || c=0
	printf %s "$c" | dd of="$1" bs=1 seek="$at" conv=notrunc status=none
}

# The kernel the image was built with, with no signature at all.
unsigned_kernel() {
	cp "$vm_dir/bzImage" "$1"
}

# refused NAME: boots NAME's disk; the firmware must refuse slot b's image,
# and after a reset slot a must boot.
refused() {
	VM_SB_VARS=$vm_dir/enrolled-vars.fd vm_start "$vm_dir/$1" --secureboot
	got=$(vm_wait_for 'Error loading .*berth\.efi: |^berth-init: stage 1' 300 | tr -d '\r')
	case $got in
	*"$v-b\\berth.efi: Access Denied"* | *"$v-b\\berth.efi: Security Violation"*)
		pass "secureboot-refuses-$1" ;;
	*) fail "secureboot-refuses-$1" "systemd-boot's 'Error loading \\berth\\$v-b\\berth.efi: Access Denied'" \
		"'${got:-nothing within 300 s}'" ;;
	esac
	# Nothing else boots by itself: whatever the firmware does after
	# systemd-boot gave up, berth's init must not start.
	sleep 20
	if vm_console | grep -aq '^berth-init: '; then
		fail "secureboot-$1-nothing-boots" "no berth-init line" \
			"'$(vm_console | grep -a '^berth-init: ' | head -n 1)'"
	else
		pass "secureboot-$1-nothing-boots"
	fi
	vm_mark
	vm_monitor system_reset >/dev/null
	if vm_wait_for '^berth-init: debug console on ' 300 >/dev/null; then
		got=$(vm_run 'cat /proc/cmdline')
		case " $got " in
		*" berth.slot=a "*) pass "secureboot-$1-then-slot-a" ;;
		*) fail "secureboot-$1-then-slot-a" "berth.slot=a after a reset" "'$got'" ;;
		esac
	else
		fail "secureboot-$1-then-slot-a" "slot a's debug console after a reset" \
			"$(vm_console | grep -aE 'berth-init: |Security' | tail -n 1)"
	fi
	vm_kill
}

if tamper cmdline flip_cmdline; then
	refused cmdline
else
	fail secureboot-refuses-cmdline "a changed kernel image" "none could be made"
fi
if tamper unsigned unsigned_kernel; then
	refused unsigned
else
	fail secureboot-refuses-unsigned "an unsigned kernel on the ESP" "none could be made"
fi
