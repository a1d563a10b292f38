#!/bin/bash
# SPDX-License-Identifier: MIT
# Over UDP to a real rsyslog: one datagram per line, RFC 5424 without
# framing; on loopback a handful of lines all arrive.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-udp
cat >"$WORK/m.yaml" <<'YAML'
version: 1
logging:
  forward: [{url: "udp://127.0.0.1:5515"}]
containers:
  dgram:
    image: dir:busybox
    command: ["/bin/sh", "-c", "sleep 3; for i in 1 2 3 4 5; do echo udp \"$i\" >&2; done"]
YAML
sv_start "$WORK/m.yaml"
log_rsyslog_start
sv_wait_for '^supervisor: container dgram: exited' 10 || fail "expected dgram to exit within 10 s, got no exit line"
log_wait_app "$WORK/udp.log" dgram 5 5 || fail "expected 5 datagrams within 5 s, got $(log_app "$WORK/udp.log" dgram | wc -l)"
log_app "$WORK/udp.log" dgram >"$WORK/dgram.log"
re='^<11>1 [0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z berth dgram [0-9]+ stderr \[berth@32473 seq="([1-5])" boot="[0-9a-f-]{36}" restarts="0" image="busybox"\] udp \1$'
bad=$(grep -cvE "$re" "$WORK/dgram.log")
[ "$bad" = 0 ] || fail "expected RFC 5424 datagrams from dgram, got $bad others, e.g. $(grep -vE "$re" "$WORK/dgram.log" | head -n 1)"
got=$(awk '{print $NF}' "$WORK/dgram.log" | tr '\n' ' ')
[ "$got" = "1 2 3 4 5 " ] || fail "expected lines 1..5, got \"$got\""
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
