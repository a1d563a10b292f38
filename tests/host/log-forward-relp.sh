#!/bin/bash
# SPDX-License-Identifier: MIT
# RELP to a real rsyslog (imrelp) that is SIGKILLed and started again twice
# while a container prints 100000 numbered lines, and a supervisor that is
# SIGKILLed once (init's stand-in starts it again, and it adopts the
# container): every record of the container's log file arrives, seq never
# goes back but for exact repeats and has no gap, and the container's one
# run is received from line 1 to line N without gaps.
# berth-test: minutes 2
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-restart-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-relp
N=100000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "relp://127.0.0.1:5516"}]
containers:
  counter:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; [ \$((i % 2000)) = 0 ] && sleep 0.2; i=\$((i+1)); done"]
YAML
rs_init_wrapper
sv_start "$WORK/m.yaml"
sv_wait_for '^init: supervisor run 1$' 5 || fail "expected the stand-in for init to start the supervisor"
log_relp_start
R="$WORK/relp.log"
count() { log_app "$R" counter | wc -l; }
log_wait_app "$R" counter 10000 60 || fail "expected 10000 messages within 60 s, got $(count)"
log_relp_kill
sleep 1
log_relp_start
log_wait_app "$R" counter 30000 60 || fail "expected 30000 messages after the first receiver kill, got $(count)"
rs_kill_supervisor
sv_wait_for '^init: supervisor run 2$' 10 || fail "expected the supervisor started again after its SIGKILL"
log_wait_app "$R" counter $(($(count) + 10000)) 60 || fail "expected 10000 more messages after the supervisor's restart, got $(count)"
log_relp_kill
sleep 1
log_relp_start
sv_wait_for 'container counter: exited with status 0' 120 || fail "expected the container to finish its $N lines"
for i in $(seq 60); do
	result=$("$TOP/tests/host/log-relp-check" "$WORK/log/counter.log" "$R" counter $N) && break
	sleep 1
done
case $result in ok*) ;; *) fail "$result" ;; esac
echo "# figures: $result"
last=$(log_app "$R" counter | tail -n 1 | awk '{print $NF}')
[ "$last" = $N ] || fail "expected line $N last, got line $last"
pass
