#!/bin/bash
# SPDX-License-Identifier: MIT
# berth-test: minutes 4
# Rollback when the new version cuts the host off: its network section puts
# eth0 in another subnet, behind a gateway that never answers. netsetup
# succeeds and the essential container is healthy, yet the boot is never
# confirmed; after its tries the previous version boots again, and says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/update-common"
upd_trial "$TOP/tests/vm/manifests/update-v2-network.yaml"
upd_expect_rollback 'not confirmed within 20 s of boot: the default gateway 10.0.9.2 has not answered'
n=$(vm_console | grep -ac 'supervisor: update: not confirming this boot yet: the default gateway 10.0.9.2 has not answered an ICMP echo yet')
[ "$n" -ge 1 ] && pass update-rollback-network-said-why ||
	fail update-rollback-network-said-why "the supervisor saying it waits for the gateway" "$n lines"
n=$(vm_console | grep -ac 'supervisor: container web: healthy')
[ "$n" -ge 2 ] && pass update-rollback-network-healthy-anyway ||
	fail update-rollback-network-healthy-anyway "web healthy in both tries" "$n"
vm_kill
