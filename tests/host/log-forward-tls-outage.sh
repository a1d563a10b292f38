#!/bin/bash
# SPDX-License-Identifier: MIT
# Over TLS to a real rsyslog that is SIGKILLed while a container prints
# 30000 numbered lines and started again 3 s later: every line arrives,
# those after the restart included, and a line received twice is an exact
# repeat (same seq, same bytes), never a different message.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-outage
tls_certs
N=30000
tls_start "url: \"tls://localhost:6514\", ca: $C/ca.pem" $N 1000
tls_rsyslog_start server anon
F="$WORK/tls.log"
count() { log_app "$F" counter | wc -l; }
log_wait_app "$F" counter 5000 30 || fail "expected 5000 messages within 30 s, got $(count)"
tls_rsyslog_kill
before=$(count)
sleep 3
tls_rsyslog_start server anon
sv_wait_for "counter: line $N\$" 40 || fail "expected the container to print its $N lines"
for i in $(seq 100); do
	[ "$(log_app "$F" counter | awk '{print $NF}' | sort -nu | wc -l)" -ge $N ] && break
	sleep 0.1
done
log_app "$F" counter >"$WORK/counter.log"
missing=$(comm -23 <(seq 1 $N | sort) <(awk '{print $NF}' "$WORK/counter.log" | sort -u) | sort -n)
[ -z "$missing" ] || fail "expected every line 1..$N, $(echo "$missing" | wc -l) missing, first $(echo "$missing" | head -n 1); $before had arrived at the kill"
# A repeat is the same message: as many distinct messages as lines.
distinct=$(sort -u "$WORK/counter.log" | wc -l)
[ "$distinct" = $N ] || fail "expected $N distinct messages (repeats exact), got $distinct"
grep -q 'log forward tls://localhost:6514: connected' "$WORK/log/host.log" ||
	fail "expected host.log to say the target was connected again, got: $(grep tls:// "$WORK/log/host.log" | tail -n 3)"
echo "# figures: $(wc -l <"$WORK/counter.log") messages for $N lines, $before before the kill"
grep tls:// "$WORK/log/host.log" | sed "s/^/# /"
pass
