#!/bin/bash
# SPDX-License-Identifier: MIT
# Live restore: a supervisor killed with SIGKILL and started again (by
# init) adopts the containers of the run before: the same processes keep
# running, nothing is started twice, berthctl sees them running. A
# container whose definition changed meanwhile is not adopted: its old
# processes are killed before its new run starts.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/sv-restart-common"
ctl_init supervisor-restart
rs_init_wrapper

# Sleeps with arguments of this test only, so that every one of them on
# the build host can be counted.
b=$((1000000 + $$ * 10))
cat >"$WORK/m.yaml" <<YAML
version: 1
containers:
  one:
    image: dir:busybox
    command: ["sh", "-c", "echo up; exec sleep $((b + 1))"]
    network_mode: none
    restart: always
  two:
    image: dir:busybox
    command: ["sh", "-c", "echo up; sleep $((b + 2)) & sleep $((b + 3)) & wait"]
    network_mode: none
YAML

# "PID ARG CGROUP" of every sleep of this test, sorted by ARG.
sleeps() {
	local p
	for p in $(pgrep -f "^sleep $((b / 10))"); do
		echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | awk '{print $2}')" \
			"$(sed -n 's|^0::.*/||p' "/proc/$p/cgroup" 2>/dev/null)"
	done | awk 'NF == 3' | sort -k2
}
# What sleeps says without the PIDs, once each container runs as declared.
want="$((b + 1)) one
$((b + 2)) two
$((b + 3)) two"
shape() { cut -d' ' -f2- <<<"$1"; }
# Waits (bounded) until the sleeps have the wanted shape; prints them.
settled() {
	local i out
	for i in $(seq 100); do
		out=$(sleeps)
		[ "$(shape "$out")" = "$want" ] && break
		sleep 0.1
	done
	echo "$out"
}

sv_start "$WORK/m.yaml"
before=$(settled)
[ "$(shape "$before")" = "$want" ] ||
	fail "expected the first run's sleeps '$(paste -sd, <<<"$want")', got '$(shape "$before" | paste -sd,)'"
old=$(cut -d' ' -f1 <<<"$before" | paste -sd' ')
sv_wait_for 'container two: started' 10 || fail "expected two started"
status_pid=$(ctl_field one .pid)

# Live restore: the second run adopts both containers, their processes
# untouched.
rs_kill_supervisor
sv_wait_for '^init: supervisor run 2' 5 || fail "expected the stand-in for init to start the supervisor again"
sv_wait_for 'container one: adopted from the earlier supervisor run, pid [0-9]+$' 10 ||
	fail "expected one adopted by the second run"
sv_wait_for 'container two: adopted from the earlier supervisor run, pid [0-9]+$' 10 ||
	fail "expected two adopted by the second run"
after=$(settled)
[ "$after" = "$before" ] ||
	fail "expected the same processes after the restart '$(paste -sd, <<<"$before")', got '$(paste -sd, <<<"$after")'"
grep -q 'killed .* processes an earlier run left' "$OUT" &&
	fail "expected nothing killed at the restart: $(grep 'killed' "$OUT")"
[ "$(rs_count 'container (one|two): started')" = 2 ] ||
	fail "expected 2 starts in all, got $(rs_count 'container (one|two): started')"
for n in one two; do
	ctl_wait_state "$n" running 5 ||
		fail "expected $n running in berthctl status after the restart, got '$(ctl_field "$n" .state)'"
done
got=$(ctl_field one .pid)
[ "$got" = "$status_pid" ] ||
	fail "expected berthctl status to give one's pid $status_pid as before the restart, got $got"

# A definition that changed is not adopted: two's old processes are
# killed before its new run starts; one is adopted again.
sed -i "/sleep $((b + 2)) &/s/echo up;/echo up2;/" "$WORK/m.yaml"
grep -q 'up2' "$WORK/m.yaml" || fail "test bug: the manifest edit did not apply"
rs_kill_supervisor
sv_wait_for '^init: supervisor run 3' 5 || fail "expected a third run"
sv_wait_for 'container two: its definition changed since it started: not adopted' 10 ||
	fail "expected two not adopted after its definition changed"
sv_wait_for 'killed 3 processes an earlier run left in 1 cgroups: two$' 10 ||
	fail "expected two's 3 old processes killed"
sv_wait_for '^two: up2' 10 || fail "expected two's new run to start"
one_pid=$(awk -v a="$((b + 1))" '$2 == a {print $1}' <<<"$before")
kill -0 "$one_pid" 2>/dev/null || fail "expected one's pid $one_pid still running after the third run"
for p in $(awk -v a="$((b + 2))" -v c="$((b + 3))" '$2 == a || $2 == c {print $1}' <<<"$before"); do
	[ -e "/proc/$p" ] && fail "expected two's old pid $p gone, it is still there"
done
kill_line=$(sv_line 'killed 3 processes')
start_line=$(grep -n 'container two: started' "$OUT" | sed -n 2p | cut -d: -f1)
[ "$kill_line" -gt 0 ] && [ "${start_line:-0}" -gt "$kill_line" ] ||
	fail "expected the old processes killed (line $kill_line) before two's new start (line ${start_line:-none})"
echo "# sleeps before: $(paste -sd' ' <<<"$before"); after: $(paste -sd' ' <<<"$after")"
pass
