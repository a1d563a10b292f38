#!/bin/bash
# SPDX-License-Identifier: MIT
# Live restore under fire: the supervisor is killed with SIGKILL 20 times
# while two containers write numbered lines to stdout and stderr. Each
# new run adopts them: no container is restarted (same pid, one start
# each), and their log files hold every line exactly once, in order: the
# pipes stay open in init's fd store and what a dead run had read but not
# logged is in the memfd it left there.
# berth-test: minutes 2
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
. "$(dirname "$0")/sv-restart-common"
ctl_init live-restore
rs_init_wrapper

KILLS=20
N=40000
# 50 lines each 20 ms: about 16 s of output, over the kills' time; the
# pipes fill while no supervisor runs and the writers wait, as they would.
writer='i=0; while [ $i -lt '$N' ]; do i=$((i + 1)); echo "line $i"; echo "err $i" >&2;
	[ $((i % 50)) = 0 ] && usleep 20000; done; echo done; exec sleep 100000'
cat >"$WORK/m.yaml" <<YAML
version: 1
containers:
  a:
    image: dir:busybox
    command: ["sh", "-c", '$writer']
    network_mode: none
    restart: always
  b:
    image: dir:busybox
    command: ["sh", "-c", '$writer']
    network_mode: bridge
    restart: always
YAML

sv_start "$WORK/m.yaml"
sv_wait_for 'container a: started' 10 && sv_wait_for 'container b: started' 10 ||
	fail "expected a and b started"
pid_a=$(ctl_field a .pid) pid_b=$(ctl_field b .pid)
RANDOM=7
for k in $(seq $KILLS); do
	sleep "0.$((RANDOM % 5))$((RANDOM % 10))"
	rs_kill_supervisor
	run=$((k + 1))
	sv_wait_for "^init: supervisor run $run\$" 5 || fail "expected supervisor run $run after kill $k"
	for n in a b; do
		rs_wait_count "container $n: adopted from the earlier supervisor run" "$k" ||
			fail "expected $n adopted by run $run, it was adopted $(rs_count "container $n: adopted") times"
	done
done
for n in a b; do
	for i in $(seq 300); do
		grep -q "stdout done$" "$WORK/log/$n.log" 2>/dev/null && break
		sleep 0.1
	done
done
sleep 0.5

starts=$(rs_count 'container (a|b): started')
[ "$starts" = 2 ] || fail "expected 2 starts in all (no container restarted), got $starts"
[ "$(ctl_field a .pid)" = "$pid_a" ] && [ "$(ctl_field b .pid)" = "$pid_b" ] ||
	fail "expected pids $pid_a and $pid_b after the kills, got $(ctl_field a .pid) and $(ctl_field b .pid)"
[ "$(ctl_field a .restarts)" = 0 ] || fail "expected a's restarts 0, got $(ctl_field a .restarts)"
for n in a b; do
	for s in stdout:line stderr:err; do
		got=$(awk -v s="${s%%:*}" -v w="${s#*:}" '$2 == s && $3 == w {print $4}' "$WORK/log/$n.log")
		count=$(wc -l <<<"$got")
		[ "$count" = "$N" ] || fail "expected $N ${s%%:*} lines of $n, got $count"
		[ "$got" = "$(seq $N)" ] ||
			fail "expected ${s%%:*} of $n to hold 1..$N once each in order; first difference: $(diff <(seq $N) - <<<"$got" | sed -n 2p)"
	done
done
echo "# figures: $KILLS supervisor kills, $((4 * N)) lines, none lost or repeated"
pass
