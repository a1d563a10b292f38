#!/bin/bash
# SPDX-License-Identifier: MIT
# Targets by host name: "localhost" (from /etc/hosts) is resolved through
# the host's resolver in a child process at connect time, and TCP and UDP
# lines arrive; a name that does not resolve is told and retried, and does
# not hold the other targets back.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-name
getent hosts localhost >/dev/null || skip "localhost does not resolve on this host"
N=1000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward:
    - {url: "tcp://no-such-host.invalid:5514"}
    - {url: "tcp://localhost:5514"}
    - {url: "udp://localhost:5515"}
containers:
  named:
    image: dir:busybox
    command: ["/bin/sh", "-c", "sleep 1; i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); [ \$((i % 100)) = 0 ] && usleep 10000; done"]
YAML
sv_start "$WORK/m.yaml"
log_rsyslog_start
log_wait_lines "$WORK/tcp.log" $N 20 || fail "expected $N messages over TCP to localhost within 20 s, got $(wc -l <"$WORK/tcp.log" 2>/dev/null)"
sleep 0.5
got=$(grep ' named [0-9]* stdout ' "$WORK/tcp.log" | awk '{print $NF}')
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N over TCP to localhost, first difference: $(diff <(seq 1 $N) <(echo "$got") | sed -n 2p)"
udp=$(grep -c ' named [0-9]* stdout ' "$WORK/udp.log" 2>/dev/null)
[ "${udp:-0}" -ge $((N * 9 / 10)) ] || fail "expected about $N messages over UDP to localhost, got ${udp:-0}"
sv_wait_for '^supervisor: log forward tcp://no-such-host.invalid:5514: no-such-host.invalid: .*; retrying$' 5 ||
	fail "expected the unresolvable name told, got none"
n=$(grep -c 'no-such-host.invalid' "$OUT")
[ "$n" = 1 ] || fail "expected the unresolvable name told once, got $n times"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
