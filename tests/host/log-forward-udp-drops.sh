#!/bin/bash
# SPDX-License-Identifier: MIT
# UDP drops are told as TCP's are: lines sent while nothing listens are
# counted (the kernel refuses them once the port is known closed), and
# once datagrams go through again the receiver gets a notice with the
# count where the gap is, and host.log the same count.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-udp-drops
cat >"$WORK/m.yaml" <<'YAML'
version: 1
logging:
  forward: [{url: "udp://127.0.0.1:5515"}]
containers:
  dgram:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo early $i; sleep 0.1; done; sleep 4; for i in 1 2 3; do echo late $i; done"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^dgram: early 10' 10 || fail "expected dgram's early lines within 10 s"
log_rsyslog_start
log_wait_app "$WORK/udp.log" dgram 3 10 || fail "expected dgram's 3 late lines within 10 s, got $(log_app "$WORK/udp.log" dgram | wc -l)"
said=$(sed -n 's|^supervisor: log forward udp://127.0.0.1:5515: \([0-9]*\) messages lost; the target got a notice where they are missing$|\1|p' "$OUT" | head -n 1)
[ -n "$said" ] && [ "$said" -ge 1 ] || fail "expected host.log to count the lost datagrams, got: $(grep 'log forward' "$OUT" | head -n 3)"
notice=$(log_app "$WORK/udp.log" berth | grep -o '[0-9]* messages dropped while udp://127.0.0.1:5515 was down or slow' | head -n 1)
[ "$notice" = "$said messages dropped while udp://127.0.0.1:5515 was down or slow" ] ||
	fail "expected the receiver to get a notice of $said dropped messages, got '$notice'"
# The notice comes before the late lines: where the gap is.
first_late=$(grep -n ' late 1$' "$WORK/udp.log" | head -n 1 | cut -d: -f1)
at=$(grep -n 'messages dropped while' "$WORK/udp.log" | head -n 1 | cut -d: -f1)
[ "$at" -lt "$first_late" ] || fail "expected the notice (line $at) before the late lines (line $first_late)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
