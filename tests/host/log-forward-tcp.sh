#!/bin/bash
# SPDX-License-Identifier: MIT
# Over TCP (octet counting) to a real rsyslog: every line of a container
# printing 100000 numbered lines arrives exactly once and in order, as
# RFC 5424 with the container's name, stream and a gapless sequence number.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-tcp
N=100000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  counter:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
log_rsyslog_start
log_wait_app "$WORK/tcp.log" counter $N 30 || fail "expected $N messages within 30 s, got $(log_app "$WORK/tcp.log" counter | wc -l)"
sleep 0.5
log_app "$WORK/tcp.log" counter >"$WORK/counter.log"
F="$WORK/counter.log"
re='^<14>1 [0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z berth counter [0-9]+ stdout \[berth@32473 seq="[0-9]+" boot="[0-9a-f-]{36}" restarts="0" image="busybox"\] line [0-9]+$'
bad=$(grep -cvE "$re" "$F")
[ "$bad" = 0 ] || fail "expected every message as RFC 5424 from counter, got $bad others, e.g. $(grep -vE "$re" "$F" | head -n 1 | cut -c1-160)"
log_once_in_order "$F" $N
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
