#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version's essential container never gets healthy:
# its supervisor gives up after health_deadline, notes why and reboots; after
# its tries the previous version boots again, and says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_trial "$TOP/tests/vm/manifests/update-v2-unhealthy.yaml"
upd_expect_rollback 'not confirmed within 20 s of boot: essential container web not healthy'
n=$(vm_console | grep -ac 'supervisor: update: giving up on this boot')
[ "$n" = 2 ] && pass update-rollback-unhealthy-gave-up ||
	fail update-rollback-unhealthy-gave-up "2 'giving up' lines" "$n"
vm_kill
