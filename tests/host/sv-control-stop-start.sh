#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl stop stops a container and restart: always does not bring it
# back; berthctl start runs it again with a new pid.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-stop-start
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    restart: always
    network_mode: none
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
pid1=$(ctl_field web .pid)
msg=$(bctl stop web) || fail "expected stop to exit 0, got $?: $msg"
ctl_wait_state web stopped 5 || fail "expected web stopped within 5 s, got $(ctl_field web .state)"
# restart: always would restart an exited container after 1 s.
sleep 1.5
st=$(ctl_field web '"\(.state) \(.pid)"')
[ "$st" = "stopped null" ] || fail "expected web to stay stopped with no pid, got \"$st\""
msg=$(bctl start web) || fail "expected start to exit 0, got $?: $msg"
ctl_wait_state web running 5 || fail "expected web running within 5 s of start, got $(ctl_field web .state)"
pid2=$(ctl_field web .pid)
[ -n "$pid2" ] && [ "$pid2" != null ] && [ "$pid2" != "$pid1" ] ||
	fail "expected a new pid after start (was $pid1), got $pid2"
pass
