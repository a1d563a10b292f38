#!/bin/bash
# SPDX-License-Identifier: MIT
# A supervisor killed with SIGKILL and started again (by init) leaves no
# orphan and no duplicate: the old containers live on after the kill, the
# new supervisor kills them all before it starts anything, and then each
# container runs exactly once, with exactly its own processes.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-restart-common"
sv_init supervisor-restart
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

rs_kill_supervisor
# Without the stand-in's restart they would be orphans: they must outlive
# the supervisor, or this test proves nothing.
sleep 0.3
for p in $old; do
	kill -0 "$p" 2>/dev/null || fail "expected pid $p of the first run to outlive the supervisor's SIGKILL"
done
sv_wait_for '^init: supervisor run 2' 5 || fail "expected the stand-in for init to start the supervisor again"
sv_wait_for "killed 4 processes an earlier run left in 2 cgroups: (one two|two one)\$" 10 ||
	fail "expected 'killed 4 processes an earlier run left in 2 cgroups: one two'"
for i in $(seq 100); do
	[ "$(rs_count '^(one|two): up')" -ge 4 ] && break
	sleep 0.1
done
after=$(settled)
[ "$(shape "$after")" = "$want" ] ||
	fail "expected the second run's sleeps '$(paste -sd, <<<"$want")', got '$(shape "$after" | paste -sd,)'"
for p in $old; do
	[ -e "/proc/$p" ] && fail "expected pid $p of the first run gone, it is still there"
done
# Every process in the containers' cgroups is one of the new run's.
n=$(cat "$CG"/one/cgroup.procs "$CG"/two/cgroup.procs | wc -l)
[ "$n" = 4 ] || fail "expected 4 processes in the cgroups one and two, got $n"
kill_line=$(sv_line 'killed 4 processes')
start_line=$(grep -nE 'container (one|two): started' "$OUT" | sed -n 3p | cut -d: -f1)
[ "$kill_line" -gt 0 ] && [ "${start_line:-0}" -gt "$kill_line" ] ||
	fail "expected the old processes killed (line $kill_line) before the second run's first start (line ${start_line:-none})"
echo "# sleeps before: $(paste -sd' ' <<<"$before"); after: $(paste -sd' ' <<<"$after")"
pass
