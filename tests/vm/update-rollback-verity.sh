#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version's root fails verification: the bundle is
# signed and whole, but its root image was changed after the verity tree
# was made (the superblock block), so stage 1 cannot mount it and reboots;
# after its tries the previous version boots again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
# One byte of the root image changed after its verity tree was made.
spoil_root() {
	printf 'X' | dd of="$vm_dir/v2/root.img" bs=1 seek=1100 conv=notrunc status=none
}
upd_trial "$TOP/tests/vm/manifests/update-v2.yaml" spoil_root
upd_expect_rollback 'used its 2 tries without being confirmed'
n=$(vm_console | grep -ac 'slot b, berth-root-b, verity ok')
[ "$n" = 0 ] && pass update-rollback-verity-never-mounted ||
	fail update-rollback-verity-never-mounted "no verified mount of slot b" "$n"
vm_kill
