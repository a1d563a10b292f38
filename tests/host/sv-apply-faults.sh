#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl apply under faults: berthctl killed while it follows an apply
# (the supervisor finishes it), the supervisor killed while it stops the
# containers an apply replaces (the old manifest stays in force, every
# container of it runs, the next apply works), and a trial whose new
# essential container turns unhealthy (rolled back at once).
# berth-test: minutes 2
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/sv-restart-common"
ctl_init apply-faults
rs_init_wrapper

export BERTH_UPDATE_ROOT=$WORK/upd
mkdir -p "$BERTH_UPDATE_ROOT/esp" "$BERTH_UPDATE_ROOT/state"
echo "console=ttyS0 berth.slot=a" >"$BERTH_UPDATE_ROOT/cmdline"
OVR=$WORK/override.yaml
SV_ARGS="--override $OVR --netsetup none"
sha() { sha256sum <"$1" | cut -d' ' -f1; }
in_force() { bctl status --json 2>/dev/null | jq -r .manifest.sha256; }
wait_in_force() {
	local i
	for i in $(seq $((${2:-10} * 5))); do
		[ "$(in_force)" = "$(sha "$1")" ] && return 0
		sleep 0.2
	done
	return 1
}

# slow: takes 3 s to stop (its grace), so the apply can be cut meanwhile.
manifest() { # FILE VERSION [EXTRA]
	cat >"$1" <<YAML
version: 1
containers:
  steady:
    image: dir:busybox
    command: ["sh", "-c", "echo steady: up; exec sleep 100000"]
    network_mode: none
  slow:
    image: dir:busybox
    command: ["sh", "-c", "trap '' TERM; echo slow: $2; while :; do sleep 1; done"]
    network_mode: none
    stop_grace_period: 3s
${3:-}
YAML
}
manifest "$WORK/m.yaml" v1
manifest "$WORK/v2.yaml" v2
manifest "$WORK/v3.yaml" v3
sv_start "$WORK/m.yaml"
ctl_wait_state steady running 10 && ctl_wait_state slow running 10 || fail "expected both running"
pid_steady=$(ctl_field steady .pid)

# The supervisor killed while slow stops: nothing written, all run again.
"$BERTHCTL" apply --socket "$SOCK" "$WORK/v2.yaml" >"$WORK/a1.out" 2>&1 &
ctl_pid=$!
sv_wait_for 'container slow: stopping with SIGTERM' 10 || fail "expected the apply to stop slow"
rs_kill_supervisor
kill "$ctl_pid" 2>/dev/null
wait "$ctl_pid" 2>/dev/null
sv_wait_for '^init: supervisor run 2$' 5 || fail "expected the supervisor started again"
[ ! -e "$OVR" ] || fail "expected no override: the apply was cut before it wrote one"
wait_in_force "$WORK/m.yaml" || fail "expected the image's manifest still in force, got $(in_force)"
ctl_wait_state slow running 10 || fail "expected slow running (adopted or started again)"
[ "$(ctl_field steady .pid)" = "$pid_steady" ] || fail "expected steady untouched by the cut apply"

# berthctl killed while it follows: the supervisor finishes the apply.
"$BERTHCTL" apply --socket "$SOCK" "$WORK/v2.yaml" >"$WORK/a2.out" 2>&1 &
ctl_pid=$!
sv_wait_for 'container slow: stopping with SIGTERM' 10 || fail "expected the second apply to stop slow"
kill -KILL "$ctl_pid"
wait "$ctl_pid" 2>/dev/null
wait_in_force "$WORK/v2.yaml" 15 || fail "expected v2 in force without berthctl, got $(in_force)"
ctl_wait_state slow running 10 || fail "expected slow running v2"
grep -q '^slow: slow: v2' "$OUT" || fail "expected slow's v2 run"
[ "$(ctl_field steady .pid)" = "$pid_steady" ] || fail "expected steady untouched by the apply"

# A trial whose new essential container fails its check: rolled back at once.
manifest "$WORK/v3.yaml" v3 '  guard:
    image: dir:busybox
    command: ["sleep", "100000"]
    network_mode: none
    essential: true
    stop_grace_period: 1s
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1'
"$BERTHCTL" apply --socket "$SOCK" --try 10m "$WORK/v3.yaml" >"$WORK/a3.out" 2>&1
sv_wait_for 'apply: rolling back the trial: essential container guard is unhealthy' 20 ||
	fail "expected the trial rolled back when guard turned unhealthy"
wait_in_force "$WORK/v2.yaml" 20 || fail "expected v2 in force again after the rollback, got $(in_force)"
for i in $(seq 50); do
	[ -z "$(ctl_field guard .name 2>/dev/null)" ] && break
	sleep 0.2
done
[ -z "$(ctl_field guard .name)" ] || fail "expected guard gone after the rollback"
[ "$(bctl status --json | jq -r .manifest.trial_until)" = null ] || fail "expected no trial after the rollback"
[ "$(ctl_field steady .pid)" = "$pid_steady" ] || fail "expected steady untouched by it all"
pass
