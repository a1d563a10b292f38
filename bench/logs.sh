#!/bin/bash
# SPDX-License-Identifier: MIT
# Log forwarding throughput: one container printing N lines as fast as it
# can, forwarded by the supervisor over TCP (octet counting) to a private
# rsyslogd on 127.0.0.1, beside the raw pipe rate of the same generator
# (the upper bound), what that rsyslogd takes at most (the messages sent by
# cat), and rsyslog's own file-to-TCP forwarding of the same lines
# (imfile -> omfwd -> rsyslog: the peer); and the supervisor's CPU time per
# 10 000 lines. Runs as the host tier does (root, the supervisor in
# throwaway namespaces). Prints figures, asserts nothing.
. "$TOP/tests/host/sv-common"
. "$TOP/tests/host/log-common"
sv_init logs
N=${BENCH_LOG_LINES:-300000}
# About 90 bytes a line, numbered so the receiver's count is checkable.
GEN="awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf \"%08d the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrstuvwxyz\\n\", i }'"

. "$TOP/bench/logs-common"
command -v rsyslogd >/dev/null || skip "needs rsyslog"
trap bench_cleanup EXIT
RECV='module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="PORT")
template(name="raw" type="string" string="%rawmsg%\n")
action(type="omfile" file="FILE" template="raw")'

# 1. The supervisor.
gen_manifest 'url: "tcp://127.0.0.1:5514"'
sv_start "$WORK/m.yaml"
sleep 0.5
rs_start recv "$(echo "$RECV" | sed "s|PORT|5514|; s|FILE|$WORK/berth.out|")" 5514
cpu0=$(cpu_ticks "$SV_PID")
count_until "$WORK/berth.out" "$N" 120 || fail "expected $N lines at the receiver within 120 s, got $(wc -l <"$WORK/berth.out")"
cpu1=$(cpu_ticks "$SV_PID")
berth=$(rate "$GOT" "$T_FIRST" "$T_LAST") berth_dropped=$DROPPED
hz=$(getconf CLK_TCK)
cpu=$(awk -v d=$((cpu1 - cpu0)) -v hz="$hz" -v n="$N" 'BEGIN { printf "%.1f", d / hz * 1000 / n * 10000 }')
rs_stop_all
sv_stop 5 || true

# 2. The raw pipe: the same generator (the image's busybox sh and awk,
# which writes a line at a time), into cat.
t0=$(now)
chroot "$BUILD/images/busybox" /bin/sh -c "$GEN" | cat >/dev/null
t1=$(now)
pipe=$(rate "$N" "$t0" "$t1")

# 3. The receiver's own ceiling: the messages berth sent, framed again, in
# one stream from a file (bash's /dev/tcp) into a fresh rsyslog.
grep 'the quick' "$WORK/berth.out" | LC_ALL=C awk '{ printf "%d %s", length($0), $0 }' >"$WORK/frames"
# A supervisor for its network namespace only: nothing logs there.
cat >"$WORK/idle.yaml" <<YAML
version: 1
containers:
  idle: {image: "dir:busybox", network_mode: none, command: ["/bin/sleep", "600"]}
YAML
sv_start "$WORK/idle.yaml"
rs_start ceil-recv "$(echo "$RECV" | sed "s|PORT|5517|; s|FILE|$WORK/ceil.out|")" 5517
nsenter --net="/proc/$SV_PID/ns/net" bash -c 'cat "$1" >/dev/tcp/127.0.0.1/5517' ceil "$WORK/frames" &
CAT_PID=$!
count_until "$WORK/ceil.out" "$(tail -n 1 "$WORK/berth.out" | grep -oE '[0-9]{8} the quick' | cut -c1-8 | sed 's/^0*//')" 120 ||
	fail "expected the messages at the receiver from cat within 120 s, got $(wc -l <"$WORK/ceil.out")"
ceil=$(rate "$GOT" "$T_FIRST" "$T_LAST")
wait "$CAT_PID"
rs_stop_all

# 4. rsyslog forwarding the same lines from a file over TCP to rsyslog.
sh -c "$GEN" >"$WORK/peer.in"
rs_start peer-recv "$(echo "$RECV" | sed "s|PORT|5516|; s|FILE|$WORK/peer.out|")" 5516
rs_start peer-fwd "module(load=\"imfile\")
input(type=\"imfile\" file=\"$WORK/peer.in\" tag=\"gen\" ruleset=\"fwd\")
ruleset(name=\"fwd\") {
	action(type=\"omfwd\" target=\"127.0.0.1\" port=\"5516\" protocol=\"tcp\"
	       tcp_framing=\"octet-counted\" template=\"RSYSLOG_SyslogProtocol23Format\")
}"
count_until "$WORK/peer.out" "$N" 120 || fail "expected $N lines through rsyslog within 120 s, got $(wc -l <"$WORK/peer.out")"
peer=$(rate "$GOT" "$T_FIRST" "$T_LAST") peer_got=$GOT

echo "figure: logs-forward-tcp: $berth lines/s (supervisor, one container, $N lines of 90 bytes, TCP to rsyslog on 127.0.0.1, file kept too; $berth_dropped dropped by a full queue)"
echo "peer: logs-forward-tcp: $pipe lines/s (raw pipe: the same generator, busybox awk in the image, into cat >/dev/null)"
echo "peer: logs-forward-tcp: $ceil lines/s (receiver ceiling: the same messages from a file by cat into the same rsyslog)"
echo "peer: logs-forward-tcp: $peer lines/s (rsyslog $(rsyslogd -v | awk 'NR==1 {print $2}'): imfile -> omfwd TCP octet-counted -> rsyslog; $peer_got of $N arrived)"
echo "figure: logs-supervisor-cpu: $cpu ms per 10000 lines (supervisor utime+stime: read, file, format, TCP send)"
