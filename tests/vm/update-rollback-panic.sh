#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version's kernel panics: its initramfs holds an
# /init that cannot run, the kernel panics and reboots (panic=5); after its
# tries the previous version boots again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
# An initramfs whose /init is no program: the kernel panics.
spoil_initrd() {
	rm -rf "$vm_dir/bad-initrd" && mkdir -p "$vm_dir/bad-initrd"
	echo 'not a program' >"$vm_dir/bad-initrd/init"
	chmod 0755 "$vm_dir/bad-initrd/init"
	(cd "$vm_dir/bad-initrd" && echo init | cpio -o -H newc --quiet) | gzip -n >"$vm_dir/v2/initramfs.img"
	upd_remake_ukis "$vm_dir/v2"
}
upd_trial "$TOP/tests/vm/manifests/update-v2.yaml" spoil_initrd
upd_expect_rollback 'used its 2 tries without being confirmed'
n=$(vm_console | grep -ac 'Kernel panic')
[ "$n" = 2 ] && pass update-rollback-panic-panicked || fail update-rollback-panic-panicked "2 kernel panics" "$n"
vm_kill
