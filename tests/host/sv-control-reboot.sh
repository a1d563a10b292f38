#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl reboot stops every container in reverse dependency order, then
# sends init SIGTERM, and the supervisor waits for init's own SIGTERM.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-reboot fake-init
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  db:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
  app:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'sleep 0.5; exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
    depends_on: [db]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^app: up' 5 || fail "expected app to print up within 5 s, got nothing"
msg=$(bctl reboot) || fail "expected reboot to exit 0, got $?: $msg"
for i in $(seq 50); do
	[ -s "$INIT_LOG" ] && break
	sleep 0.1
done
[ "$(cat "$INIT_LOG" 2>/dev/null)" = TERM ] || fail "expected init to get SIGTERM once within 5 s, got \"$(cat "$INIT_LOG" 2>/dev/null)\""
a=$(sv_line 'container app: stopped')
d=$(sv_line 'container db: stopping')
[ "$a" -gt 0 ] && [ "$d" -gt "$a" ] || fail "expected db to be stopped after app had stopped, got lines app-stopped $a, db-stopping $d"
kill -0 "$SV_PID" 2>/dev/null || fail "expected the supervisor to wait for init's SIGTERM, got it gone"
msg=$(bctl start app 2>&1) && fail "expected start during a reboot to fail, got: $msg"
echo "$msg" | grep -q 'shutting down (reboot)' || fail "expected \"shutting down (reboot)\", got: $msg"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
[ "$SV_STATUS" = 0 ] || fail "expected exit status 0, got $SV_STATUS"
pass
