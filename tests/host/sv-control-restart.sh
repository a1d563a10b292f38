#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl restart stops a container and starts it again: a new pid, one
# more restart, the stop through its stop signal.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-restart
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'echo bye; exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
before=$(ctl_field web '"\(.pid) \(.restarts)"')
msg=$(bctl restart web) || fail "expected restart to exit 0, got $?: $msg"
for i in $(seq 50); do
	after=$(ctl_field web '"\(.state) \(.pid) \(.restarts)"')
	case "$after" in "running "*" 1") break ;; esac
	sleep 0.1
done
set -- $before
[ "${after% *}" != "running $1" ] && [ "${after##* }" = 1 ] ||
	fail "expected running with a pid other than $1 and restarts 1 within 5 s, got \"$after\""
grep -q '^web: bye' "$OUT" || fail "expected the stop signal's trap to print bye, got nothing"
pass
