#!/bin/bash
# SPDX-License-Identifier: MIT
# Over TLS (RFC 5425) to a real rsyslog (imtcp with GnuTLS), its
# certificate checked against the target's CA: every line of a container
# printing 50000 numbered lines arrives exactly once and in order, as
# RFC 5424 with a gapless sequence number.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls
tls_certs
N=50000
tls_start "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem" $N
tls_rsyslog_start server anon
F="$WORK/tls.log"
log_wait_app "$F" counter $N 40 || fail "expected $N messages within 40 s, got $(log_app "$F" counter | wc -l); host.log: $(grep tls:// "$WORK/log/host.log" | tail -n 2)"
sleep 0.5
log_app "$F" counter >"$WORK/counter.log"
log_once_in_order "$WORK/counter.log" $N
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
