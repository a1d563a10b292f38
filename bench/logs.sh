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

now() { date +%s.%N; }
# count_until FILE N SECS: waits until FILE holds generator line N, or the
# supervisor's "messages dropped" notice (its queue overflowed: the notice
# comes last), and has not grown for half a second; sets T_FIRST (when the
# file had a generator line), T_LAST (when it last grew), GOT (generator lines in it)
# and DROPPED (the notices' sum). Only the file's end and size are read
# while it grows, so that polling costs next to nothing.
count_until() {
	local file=$1 n=$2 end=$(($(date +%s) + $3)) size=0 new still=0 done=
	T_FIRST=
	while [ "$(date +%s)" -le $end ]; do
		new=$(stat -c %s "$file" 2>/dev/null || echo 0)
		if [ "$new" != "$size" ]; then
			size=$new still=0 T_LAST=$(now)
			# The first generator line starts the clock, not the
			# supervisor's own messages that may come before it.
			[ -z "$T_FIRST" ] && grep -q 'the quick' "$file" && T_FIRST=$T_LAST
			tail -c 2000 "$file" | grep -qE "(^|[^0-9])0*$n the quick|messages dropped while" && done=1
		else
			still=$((still + 1))
			[ -n "$done" ] && [ $still -ge 25 ] && break
			if [ -n "$T_FIRST" ] && [ $still -ge 150 ]; then
				echo "$file: no line $n, and no growth for 3 s: $(tail -n 1 "$file" | cut -c1-120)"
				done=1
				break
			fi
		fi
		sleep 0.02
	done
	[ -n "$done" ] || return 1
	GOT=$(grep -c 'the quick' "$file")
	DROPPED=$(sed -nE 's/.* ([0-9]+) messages dropped while .*/\1/p' "$file" | awk '{s += $1} END {print s + 0}')
	echo "$file: $GOT generator lines, $DROPPED dropped"
}
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
in_ns() { nsenter --net="/proc/$SV_PID/ns/net" "$@"; }

# rs_start NAME CONF-BODY: a private rsyslogd in the supervisor's network
# namespace; waits for PORT (3rd argument) to listen when given.
rs_start() {
	local name=$1 body=$2 port=${3:-} i
	mkdir -p "$WORK/$name"
	printf 'global(workDirectory="%s")\n%s\n' "$WORK/$name" "$body" >"$WORK/$name.conf"
	# nsenter itself (not a function) in the background, so that $! is
	# the rsyslogd it becomes and the cleanup can stop it.
	nsenter --net="/proc/$SV_PID/ns/net" rsyslogd -n -f "$WORK/$name.conf" \
		-i "$WORK/$name/pid" >"$WORK/$name/out" 2>&1 &
	RS_PIDS="${RS_PIDS:-} $!"
	[ -n "$port" ] || return 0
	for i in $(seq 50); do
		in_ns ss -Hltn "sport = $port" | grep -q . && return 0
		sleep 0.02
	done
	fail "rsyslogd $name did not listen on $port: $(head -c 300 "$WORK/$name/out")"
}
rs_stop_all() {
	local p
	for p in ${RS_PIDS:-}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	RS_PIDS=
}
bench_cleanup() {
	rs_stop_all
	sv_cleanup
}
command -v rsyslogd >/dev/null || skip "needs rsyslog"
trap bench_cleanup EXIT
RECV='module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="PORT")
template(name="raw" type="string" string="%rawmsg%\n")
action(type="omfile" file="FILE" template="raw")'

# 1. The supervisor: the container waits 3 s so that the receiver is up and
# the CPU baseline taken before its first line.
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  gen:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "sleep 3; exec $(echo "$GEN" | sed 's/\\/\\\\/g; s/"/\\"/g')"]
YAML
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
