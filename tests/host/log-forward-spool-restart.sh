#!/bin/bash
# SPDX-License-Identifier: MIT
# The spool outlives the supervisor: lines spooled while the TCP target was
# down are still on disk after the supervisor stops, and the next
# supervisor sends them, before its own lines, once the target listens.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-spool-restart
N=500
manifest() {
	cat <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  c:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo $1 \$i; i=\$((i+1)); done"]
YAML
}
manifest first >"$WORK/m1.yaml"
manifest second >"$WORK/m2.yaml"
sv_start "$WORK/m1.yaml"
sv_wait_for '^supervisor: container c: exited' 10 || fail "expected c to exit within 10 s, got no exit line"
sv_stop 5 || fail "expected the first supervisor to exit on SIGTERM within 5 s"
S="$WORK/spool/tcp___127.0.0.1_5514"
n=$(cat "$S"/*.seg 2>/dev/null | grep -o '\] first ' | wc -l)
[ "$n" = $N ] || fail "expected $N lines in the spool after the first supervisor, got $n"
mv "$OUT" "$WORK/out1"
sv_start "$WORK/m2.yaml"
sv_wait_for '^supervisor: log forward tcp://127.0.0.1:5514: [0-9]+ bytes spooled by an earlier run, to be sent$' 5 ||
	fail "expected the earlier run's spool reported, got none"
sv_wait_for '^supervisor: container c: exited' 10 || fail "expected c to exit within 10 s, got no exit line"
log_rsyslog_start
log_wait_lines "$WORK/tcp.log" $((2 * N)) 10 || fail "expected $((2 * N)) messages within 10 s, got $(wc -l <"$WORK/tcp.log")"
sleep 0.5
got=$(grep ' c [0-9]* stdout ' "$WORK/tcp.log" | awk '{print $(NF-1), $NF}')
want=$( (seq 1 $N | sed 's/^/first /'; seq 1 $N | sed 's/^/second /'))
[ "$got" = "$want" ] || fail "expected first 1..$N then second 1..$N, first difference: $(diff <(echo "$want") <(echo "$got") | sed -n 2p)"
sv_stop 5 || fail "expected the second supervisor to exit on SIGTERM within 5 s"
pass
