#!/bin/bash
# SPDX-License-Identifier: MIT
# More than the TCP queue holds while the target is down: the oldest lines
# are kept in order, what did not fit is counted, and once rsyslog listens
# a message saying exactly how many were dropped arrives after them.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-overflow
N=60000 # about 130 bytes a message: 7.8 MB, over the 4 MiB queue
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  flood:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container flood: exited' 30 || fail "expected flood to exit within 30 s, got no exit line"
log_rsyslog_start
sv_wait_for 'messages dropped while tcp://127.0.0.1:5514 was down$' 10 || fail "expected a dropped-messages report within 10 s, got none"
F="$WORK/tcp.log"
for i in $(seq 50); do
	grep -q 'berth - dropped\|berth [0-9]* dropped' "$F" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
notice=$(grep -n ' dropped \[berth@32473' "$F")
[ -n "$notice" ] || fail "expected the dropped-messages notice at rsyslog, got none"
kept=$(grep -c ' flood [0-9]* stdout ' "$F")
dropped=$(echo "$notice" | sed -E 's/.*\] ([0-9]+) messages dropped .*/\1/')
[ "$dropped" = $((N - kept)) ] || fail "expected the notice to count $((N - kept)) dropped ($N - $kept arrived), got \"$dropped\""
[ "$kept" -gt 1000 ] && [ "$kept" -lt $N ] || fail "expected some but not all of $N lines kept, got $kept"
got=$(grep ' flood [0-9]* stdout ' "$F" | awk '{print $NF}')
[ "$got" = "$(seq 1 "$kept")" ] || fail "expected the kept lines to be 1..$kept in order, first difference: $(diff <(seq 1 "$kept") <(echo "$got") | sed -n 2p)"
line=${notice%%:*}
[ "$line" = $((kept + 1)) ] || fail "expected the notice right after the kept lines (line $((kept + 1))), got line $line"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
