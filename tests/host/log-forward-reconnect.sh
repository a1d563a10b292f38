#!/bin/bash
# SPDX-License-Identifier: MIT
# A TCP target that is down at first: the supervisor reports it once, keeps
# the lines in its queue, reconnects with backoff once rsyslog listens, and
# every line arrives exactly once and in order.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-reconnect
N=2000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  early:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: log forward tcp://127.0.0.1:5514: connect: Connection refused; retrying$' 5 ||
	fail "expected the refused connect reported within 5 s, got none"
sv_wait_for '^supervisor: container early: exited' 10 || fail "expected early to exit within 10 s, got no exit line"
sleep 1
n=$(grep -c 'retrying$' "$OUT")
[ "$n" = 1 ] || fail "expected the outage reported once, got $n reports"
log_rsyslog_start
log_wait_app "$WORK/tcp.log" early $N 10 || fail "expected $N messages within 10 s of rsyslog starting, got $(log_app "$WORK/tcp.log" early | wc -l)"
sleep 0.5
got=$(log_app "$WORK/tcp.log" early | awk '{print $NF}')
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N exactly once and in order, got $(echo "$got" | wc -l) lines, first difference: $(diff <(seq 1 $N) <(echo "$got") | sed -n 2p)"
sv_wait_for '^supervisor: log forward tcp://127.0.0.1:5514: connected$' 1 || fail "expected the reconnect reported, got none"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
