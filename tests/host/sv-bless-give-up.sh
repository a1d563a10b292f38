#!/bin/bash
# SPDX-License-Identifier: MIT
# A boot on trial whose essential container never gets healthy: after
# health_deadline the supervisor notes why, stops the containers and asks
# init to reboot; the entry keeps its counter for systemd-boot.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/bless-common"
ctl_init bless-give-up fake-init
bless_host yes
bless_manifest false
sv_start "$WORK/m.yaml"
sv_wait_for 'update: giving up on this boot' 15 || fail "expected the supervisor to give up within 15 s"
for i in $(seq 50); do
	[ -s "$INIT_LOG" ] && break
	sleep 0.1
done
[ "$(cat "$INIT_LOG" 2>/dev/null)" = TERM ] || fail "expected init to get SIGTERM (reboot), got \"$(cat "$INIT_LOG" 2>/dev/null)\""
note=$(cat "$BERTH_UPDATE_ROOT/state/trial-failure" 2>/dev/null)
case $note in
"0.2.0 b not confirmed within 4 s of boot: essential container web not healthy (state running, health unhealthy"*) ;;
*) fail "expected the failure note, got '$note'" ;;
esac
[ "$(bless_entries)" = "berth-0.1.0-a.conf berth-0.2.0-b+1-1.conf " ] ||
	fail "expected the entries unchanged, got $(bless_entries)"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
pass
