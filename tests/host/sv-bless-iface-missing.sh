#!/bin/bash
# SPDX-License-Identifier: MIT
# A boot on trial whose required interface is not there (a wrong NIC
# driver, a renamed card) is not confirmed, however healthy its containers.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/bless-common"
ctl_init bless-iface-missing fake-init
bless_host yes
bless_manifest true
sed -i 's/interfaces: \[{name: lo, required: true}\]/interfaces: [{name: lo, required: true}, {name: eth9, dhcp: true}]/' "$WORK/m.yaml"
sv_start "$WORK/m.yaml"
sv_wait_for 'update: giving up on this boot' 15 || fail "expected the supervisor to give up within 15 s"
note=$(cat "$BERTH_UPDATE_ROOT/state/trial-failure" 2>/dev/null)
[ "$note" = "0.2.0 b not confirmed within 4 s of boot: required interface eth9 is missing" ] ||
	fail "expected the failure note to name eth9, got '$note'"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
pass
