#!/bin/bash
# SPDX-License-Identifier: MIT
# More than the spool holds while the TCP target is down: the spool on disk
# stays within logging.spool_size, the oldest lines are kept in order, what
# did not fit is counted, and once rsyslog listens a message saying exactly
# how many were dropped arrives right after them.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-overflow
N=20000 # about 130 bytes a message: 2.6 MB, over the 256 KiB spool
log_flood 'url: "tcp://127.0.0.1:5514"' $N
sleep 0.5
S="$WORK/spool/tcp___127.0.0.1_5514"
log_spooled "$S"
segs=$SEGS bytes=$BYTES spooled=$SPOOLED
[ "$segs" -ge 1 ] || fail "expected spool segments in $S while the target is down, got none"
# The bound, plus the slack for the supervisor's own few messages.
[ "$bytes" -gt 200000 ] && [ "$bytes" -le $((262144 + 65536)) ] ||
	fail "expected the spool filled up to its 262144-byte bound, got $bytes bytes"
log_rsyslog_start
sv_wait_for '^supervisor: log forward tcp://127.0.0.1:5514: [0-9]+ messages lost; the target gets a notice where they are missing$' 10 ||
	fail "expected a dropped-messages report within 10 s, got none"
F="$WORK/tcp.log"
for i in $(seq 50); do
	grep -q ' dropped \[berth@32473' "$F" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
notice=$(grep -n ' dropped \[berth@32473' "$F")
[ -n "$notice" ] || fail "expected the dropped-messages notice at rsyslog, got none"
kept=$(grep -c ' flood [0-9]* stdout ' "$F")
[ "$kept" = "$spooled" ] || fail "expected all $spooled spooled lines sent, got $kept"
dropped=$(echo "$notice" | sed -E 's/.*\] ([0-9]+) messages dropped .*/\1/')
[ "$dropped" = $((N - kept)) ] || fail "expected the notice to count $((N - kept)) dropped ($N - $kept arrived), got \"$dropped\""
[ "$kept" -gt 1000 ] && [ "$kept" -lt $N ] || fail "expected some but not all of $N lines kept, got $kept"
got=$(grep ' flood [0-9]* stdout ' "$F" | awk '{print $NF}')
[ "$got" = "$(seq 1 "$kept")" ] || fail "expected the kept lines to be 1..$kept in order, first difference: $(diff <(seq 1 "$kept") <(echo "$got") | sed -n 2p)"
# Right after the last kept line: only the supervisor's messages between.
line=$(grep -n ' dropped \[berth@32473' "$F" | cut -d: -f1)
last=$(grep -n ' flood [0-9]* stdout ' "$F" | tail -n 1 | cut -d: -f1)
between=$(sed -n "$((last + 1)),$((line - 1))p" "$F" | grep -cv ' berth-supervisor ')
[ "$line" -gt "$last" ] && [ "$between" = 0 ] || fail "expected the notice right after the last kept line $last, got it at line $line with $between other messages between"
left=$(ls "$S" | grep -c '\.seg$')
[ "$left" = 0 ] || fail "expected the spool empty once sent, got $left segments"
echo "# figures: spool of 256 KiB kept $kept of $N lines, dropped $dropped, counted exactly"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
