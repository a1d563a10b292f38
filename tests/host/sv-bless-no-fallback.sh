#!/bin/bash
# SPDX-License-Identifier: MIT
# A boot on trial that cannot get healthy, but the other slot has nothing
# confirmed to fall back to: the supervisor says so and does not reboot
# (rebooting would only boot this version again, for ever).
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/bless-common"
ctl_init bless-no-fallback fake-init
bless_host no
bless_manifest false
sv_start "$WORK/m.yaml"
sv_wait_for 'no confirmed version to fall back to, so this boot stays' 15 ||
	fail "expected the supervisor to stay for want of a fallback within 15 s"
sleep 2
[ ! -s "$INIT_LOG" ] || fail "expected no reboot, init got $(cat "$INIT_LOG")"
[ ! -e "$BERTH_UPDATE_ROOT/state/trial-failure" ] || fail "expected no failure note"
[ "$(sv_line 'container web: stopping')" = 0 ] || fail "expected web to keep running, got it stopped"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
pass
