#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version's essential container never gets healthy:
# its supervisor gives up after health_deadline, notes why and reboots; after
# its tries the previous version boots again, and says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_require
upd_image 0.1.0 "$TOP/tests/vm/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/tests/vm/manifests/update-v2-unhealthy.yaml" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"
upd_boot "$vm_dir" "$vm_dir/v2.bundle"
upd_apply_reboot
upd_expect_rollback 'not confirmed within 20 s of boot: essential container web not healthy'
n=$(vm_console | grep -ac 'supervisor: update: giving up on this boot')
[ "$n" = 2 ] && pass update-rollback-unhealthy-gave-up ||
	fail update-rollback-unhealthy-gave-up "2 'giving up' lines" "$n"
vm_kill
