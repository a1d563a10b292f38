#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl poweroff stops the containers, then sends init SIGUSR2.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-poweroff fake-init
ctl_start_web
msg=$(bctl poweroff) || fail "expected poweroff to exit 0, got $?: $msg"
for i in $(seq 50); do
	[ -s "$INIT_LOG" ] && break
	sleep 0.1
done
[ "$(cat "$INIT_LOG" 2>/dev/null)" = USR2 ] || fail "expected init to get SIGUSR2 within 5 s, got \"$(cat "$INIT_LOG" 2>/dev/null)\""
[ "$(sv_line 'container web: stopped')" -gt 0 ] || fail "expected web stopped before, got no stop"
[ "$(ctl_field web .state)" = stopped ] || fail "expected web stopped, got $(ctl_field web .state)"
pass
