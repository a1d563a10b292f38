#!/bin/bash
# SPDX-License-Identifier: MIT
# rsyslog stopped for 10 s while a container prints 100000 numbered lines,
# then started again: no line is lost and the lines arrive in order. The
# guarantee is at least once: after a connection dies, what the receiver
# may not have read is sent again, byte for byte the same message (same
# TIMESTAMP and seq), so dropping repeated messages gives every line exactly
# once, in order, with a gapless seq.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-outage
N=100000
# 1000 lines, then a pause of 0.15 s: about 20 s in all.
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  counter:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; [ \$((i % 1000)) = 0 ] && usleep 150000; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
log_rsyslog_start
F="$WORK/tcp.log"
log_wait_lines "$F" 20000 30 || fail "expected 20000 messages within 30 s, got $(wc -l <"$F" 2>/dev/null)"
kill "$RS_PID"
wait "$RS_PID" 2>/dev/null
RS_PID=
stopped_at=$(wc -l <"$F")
sv_wait_for 'log forward tcp://127.0.0.1:5514: connection: .*; retrying$' 5 ||
	fail "expected the lost connection reported within 5 s, got none"
sleep 10
S="$WORK/spool/tcp___127.0.0.1_5514"
spooled=$(cat "$S"/*.seg 2>/dev/null | wc -c)
[ "$spooled" -gt 0 ] || fail "expected lines spooled on disk during the outage, got none in $S"
log_rsyslog_start
log_wait_lines "$F" $N 60 || fail "expected at least $N messages within 60 s of the restart, got $(wc -l <"$F")"
sv_wait_for '^supervisor: container counter: exited' 60 || fail "expected counter to exit, got no exit line"
sleep 1
total=$(wc -l <"$F")
awk '!seen[$0]++' "$F" >"$WORK/unique"
got=$(grep ' counter [0-9]* stdout ' "$WORK/unique" | awk '{print $NF}')
[ "$got" = "$(seq 1 $N)" ] || fail "expected lines 1..$N, each at least once and in order, got $(echo "$got" | wc -l) distinct, first difference: $(diff <(seq 1 $N) <(echo "$got") | sed -n 2p)"
seqs=$(grep ' counter [0-9]* stdout ' "$WORK/unique" | sed -E 's/.*seq="([0-9]+)".*/\1/')
[ "$seqs" = "$(seq 1 $N)" ] || fail "expected seq 1..$N without gaps once repeats are dropped"
dups=$((total - $(wc -l <"$WORK/unique")))
sv_wait_for 'log forward tcp://127.0.0.1:5514: connected' 1 || fail "expected the reconnect reported, got none"
echo "# figures: rsyslog down 10 s after $stopped_at lines; $spooled bytes spooled; $N lines all arrived in order, $dups sent twice"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
