#!/bin/bash
# SPDX-License-Identifier: MIT
# More than the spool holds while the TLS receiver is down: the spool on
# disk stays within logging.spool_size, and once the receiver listens the
# kept lines arrive in order, then one notice counting exactly how many
# were dropped (one, not one per line that found the spool full).
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
. "$(dirname "$0")/tls-common"
sv_init log-forward-tls-overflow
tls_certs
N=20000 # about 130 bytes a message: 2.6 MB, over the 256 KiB spool
log_flood "url: \"tls://127.0.0.1:6514\", ca: $C/ca.pem" $N
sleep 1.5 # the gathered messages appended, the spool synced
log_spooled "$WORK/spool/tls___127.0.0.1_6514"
bytes=$BYTES spooled=$SPOOLED
[ "$bytes" -gt 200000 ] && [ "$bytes" -le $((262144 + 65536)) ] ||
	fail "expected the spool filled up to its 262144-byte bound, got $bytes bytes"
tls_rsyslog_start server anon
F="$WORK/tls.log"
for i in $(seq 100); do
	grep -q ' dropped \[berth@32473' "$F" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
notices=$(grep -c ' dropped \[berth@32473' "$F")
[ "$notices" = 1 ] || fail "expected one dropped-messages notice, got $notices"
kept=$(grep -c ' flood [0-9]* stdout ' "$F")
[ "$kept" = "$spooled" ] || fail "expected all $spooled spooled lines sent, got $kept"
dropped=$(grep ' dropped \[berth@32473' "$F" | sed -E 's/.*\] ([0-9]+) messages dropped .*/\1/')
[ "$dropped" = $((N - kept)) ] || fail "expected the notice to count $((N - kept)) dropped ($N - $kept arrived), got \"$dropped\""
got=$(grep ' flood [0-9]* stdout ' "$F" | awk '{print $NF}')
[ "$got" = "$(seq 1 "$kept")" ] || fail "expected the kept lines to be 1..$kept in order, first difference: $(diff <(seq 1 "$kept") <(echo "$got") | sed -n 2p)"
lost=$(grep -c 'log forward tls://127.0.0.1:6514: [0-9]* messages lost' "$WORK/log/host.log")
[ "$lost" = 1 ] || fail "expected host.log to tell the loss once, got $lost lines"
echo "# figures: spool of 256 KiB kept $kept of $N lines, dropped $dropped, counted exactly"
pass
