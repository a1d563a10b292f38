#!/bin/bash
# SPDX-License-Identifier: MIT
# restart: unless-stopped across a supervisor crash: after `berthctl stop`
# of an unless-stopped and of an always container, the supervisor is
# killed and started again (as init does): the unless-stopped one stays
# stopped, the always one runs again (Compose's rule). `berthctl start`
# ends the hold: after the next crash it is adopted, still running.
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

sv_start "$WORK/m.yaml"
rs_wait_count '^held: up' 1 && rs_wait_count '^back: up' 1 || fail "expected held and back up within 10 s"
bctl stop held >/dev/null || fail "berthctl stop held failed"
bctl stop back >/dev/null || fail "berthctl stop back failed"
ctl_wait_state held stopped 5 && ctl_wait_state back stopped 5 ||
	fail "expected held and back stopped, got $(ctl_field held .state) and $(ctl_field back .state)"
grep -qx held "$state" 2>/dev/null || fail "expected $state to list held, got '$(cat "$state" 2>&1 | paste -sd'|')'"
grep -qx back "$state" && fail "expected $state not to list back (restart: always), it does"

rs_kill_supervisor
sv_wait_for '^init: supervisor run 2' 5 || fail "expected the stand-in for init to start the supervisor again"
rs_wait_count '^back: up' 2 || fail "expected back (always) up again after the supervisor's restart"
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
rs_wait_count '^held: up' 2 || fail "expected held up after berthctl start"
grep -qx held "$state" && fail "expected berthctl start to remove held from $state, it is still there"
rs_kill_supervisor
sv_wait_for '^init: supervisor run 3' 5 || fail "expected the supervisor started a third time"
# Live restore: held runs on through the crash, adopted, not started again.
sv_wait_for '^supervisor: container held: adopted from the earlier supervisor run' 5 ||
	fail "expected held adopted by the third run, now that it was started"
ctl_wait_state held running 5 || fail "expected held running, got $(ctl_field held .state)"
[ "$(rs_count '^held: up')" = 2 ] || fail "expected held not started again by the third run"
pass
