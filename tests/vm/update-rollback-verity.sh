#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version's root fails verification: the bundle is
# signed and whole, but its root image was changed after the verity tree
# was made (the superblock block), so stage 1 cannot mount it and reboots;
# after its tries the previous version boots again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_require
upd_image 0.1.0 "$TOP/tests/vm/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/tests/vm/manifests/update-v2.yaml" "$vm_dir/v2"
printf 'X' | dd of="$vm_dir/v2/root.img" bs=1 seek=1100 conv=notrunc status=none
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"
upd_boot "$vm_dir" "$vm_dir/v2.bundle"
upd_apply_reboot
upd_expect_rollback 'used its 2 tries without being confirmed'
n=$(vm_console | grep -ac 'slot b, berth-root-b, verity ok')
[ "$n" = 0 ] && pass update-rollback-verity-never-mounted ||
	fail update-rollback-verity-never-mounted "no verified mount of slot b" "$n"
vm_kill
