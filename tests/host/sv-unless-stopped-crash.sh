#!/bin/bash
# SPDX-License-Identifier: MIT
# restart: unless-stopped across a supervisor crash: after `berthctl stop`
# of an unless-stopped and of an always container, the supervisor is
# killed and started again (as init does): the unless-stopped one stays
# stopped, the always one runs again (Compose's rule). `berthctl start`
# ends the hold: after the next crash it runs again.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/sv-restart-common"
ctl_init unless-stopped-crash
rs_init_wrapper

cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  held:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
    restart: unless-stopped
  back:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
    restart: always
YAML
state=$WORK/state/stopped

# Waits (bounded) until $OUT has N lines matching RE.
wait_count() {
	local i
	for i in $(seq 100); do
		[ "$(rs_count "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

sv_start "$WORK/m.yaml"
wait_count '^held: up' 1 && wait_count '^back: up' 1 || fail "expected held and back up within 10 s"
bctl stop held >/dev/null || fail "berthctl stop held failed"
bctl stop back >/dev/null || fail "berthctl stop back failed"
ctl_wait_state held stopped 5 && ctl_wait_state back stopped 5 ||
	fail "expected held and back stopped, got $(ctl_field held .state) and $(ctl_field back .state)"
grep -qx held "$state" 2>/dev/null || fail "expected $state to list held, got '$(cat "$state" 2>&1 | paste -sd'|')'"
grep -qx back "$state" && fail "expected $state not to list back (restart: always), it does"

rs_kill_supervisor
sv_wait_for '^init: supervisor run 2' 5 || fail "expected the stand-in for init to start the supervisor again"
wait_count '^back: up' 2 || fail "expected back (always) up again after the supervisor's restart"
sv_wait_for '^supervisor: container held: stays stopped: stopped with berthctl stop' 5 ||
	fail "expected 'container held: stays stopped: stopped with berthctl stop ...'"
ctl_wait_state back running 5 || fail "expected back running, got $(ctl_field back .state)"
st=$(ctl_field held '.state + " / " + .last_exit')
[ "$st" = "stopped / stopped with berthctl stop (restart: unless-stopped)" ] ||
	fail "expected held 'stopped / stopped with berthctl stop (restart: unless-stopped)', got '$st'"
sleep 1
n=$(rs_count '^held: up')
[ "$n" = 1 ] || fail "expected held to have run once (before the crash), it printed up $n times"

bctl start held >/dev/null || fail "berthctl start held failed"
wait_count '^held: up' 2 || fail "expected held up after berthctl start"
grep -qx held "$state" && fail "expected berthctl start to remove held from $state, it is still there"
rs_kill_supervisor
sv_wait_for '^init: supervisor run 3' 5 || fail "expected the supervisor started a third time"
wait_count '^held: up' 3 || fail "expected held up after the second restart, now that it was started"
pass
