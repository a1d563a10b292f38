#!/bin/bash
# SPDX-License-Identifier: MIT
# A boot on trial whose essential container is healthy for confirm_after is
# confirmed: its loader entry loses the boot counter, and nothing reboots.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/bless-common"
ctl_init bless-confirm fake-init
bless_host yes
bless_manifest true
sv_start "$WORK/m.yaml"
sv_wait_for 'is on trial, 1 tries left' 5 || fail "expected the trial to be noticed, got nothing"
sv_wait_for 'update: berth 0.2.0 \(slot b\) confirmed' 15 ||
	fail "expected the boot confirmed within 15 s, got entries $(bless_entries)"
[ "$(bless_entries)" = "berth-0.1.0-a.conf berth-0.2.0-b.conf " ] ||
	fail "expected berth-0.2.0-b.conf without counter, got $(bless_entries)"
sleep 5
[ ! -s "$INIT_LOG" ] || fail "expected no reboot, init got $(cat "$INIT_LOG")"
[ ! -e "$BERTH_UPDATE_ROOT/state/trial-failure" ] || fail "expected no failure note"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
pass
