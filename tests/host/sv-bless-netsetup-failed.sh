#!/bin/bash
# SPDX-License-Identifier: MIT
# A boot on trial whose netsetup failed is not confirmed, however healthy
# its containers: after health_deadline the supervisor gives up and says
# why, so that boot counting falls back to the version that had a network.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/bless-common"
ctl_init bless-netsetup-failed fake-init
bless_host yes
echo "failed: exit status 1" >"$BERTH_UPDATE_ROOT/netsetup"
bless_manifest true
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container web: healthy' 10 || fail "expected web healthy within 10 s"
sv_wait_for 'update: not confirming this boot yet: netsetup failed: exit status 1$' 5 ||
	fail "expected the supervisor to say it waits for the network, got: $(grep 'update:' "$OUT" | tail -n 2)"
sv_wait_for 'update: giving up on this boot' 15 || fail "expected the supervisor to give up within 15 s"
note=$(cat "$BERTH_UPDATE_ROOT/state/trial-failure" 2>/dev/null)
[ "$note" = "0.2.0 b not confirmed within 4 s of boot: netsetup failed: exit status 1" ] ||
	fail "expected the failure note to name netsetup, got '$note'"
[ "$(bless_entries)" = "berth-0.1.0-a.conf berth-0.2.0-b+1-1.conf " ] ||
	fail "expected the entries unchanged, got $(bless_entries)"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
pass
