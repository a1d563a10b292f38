#!/bin/bash
# SPDX-License-Identifier: MIT
# A container that ignores its stop signal is killed (cgroup.kill) once its
# stop_grace_period is over, no earlier and not much later.
. "$(dirname "$0")/sv-common"
sv_init stop-grace
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  stubborn:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap '' TERM; echo ready; sleep 1000 & wait"]
    stop_grace_period: 1500ms
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^stubborn: ready' 5 || fail "expected stubborn to print ready within 5 s, got nothing"
t0=$(date +%s.%N)
sv_stop 8 || fail "expected the supervisor to exit within 8 s of SIGTERM"
t1=$(date +%s.%N)
took=$(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}')
grep -q 'container stubborn: still running after the grace period: killing' "$OUT" ||
	fail "expected a kill after the grace period, got: $(grep 'container stubborn' "$OUT" | tail -n 1)"
grep -q 'container stubborn: stopped (killed by SIGKILL)' "$OUT" ||
	fail "expected stubborn killed by SIGKILL, got: $(grep 'container stubborn' "$OUT" | tail -n 1)"
echo "$took" | awk '{exit !($1 >= 1.5 && $1 < 4)}' || fail "expected the stop to take 1.5 to 4 s, got $took s"
[ "$SV_STATUS" = 0 ] || fail "expected exit status 0, got $SV_STATUS"
pass
