#!/bin/bash
# SPDX-License-Identifier: MIT
# Log forwarding over TLS against plain TCP: one container printing N lines
# as fast as it can, forwarded by the supervisor to a private rsyslogd on
# 127.0.0.1, once over tcp:// (imtcp) and once over tls:// (imtcp with
# GnuTLS, the same rsyslog otherwise); and the CPU time of the supervisor
# and its TLS sender per 10 000 lines. Runs as the host tier does. Prints
# figures, asserts nothing.
. "$TOP/tests/host/sv-common"
. "$TOP/tests/host/log-common"
. "$TOP/tests/host/tls-common"
sv_init logs-tls
N=${BENCH_LOG_LINES:-300000}
# About 90 bytes a line, numbered so the receiver's count is checkable.
GEN="awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf \"%08d the quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrstuvwxyz\\n\", i }'"
. "$TOP/bench/logs-common"
command -v rsyslogd >/dev/null || skip "needs rsyslog"
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] || skip "needs rsyslog-gnutls"
make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/tls-send" >"$WORK/build-tls" 2>&1 ||
	fail "build: $(tail -n 3 "$WORK/build-tls" | tr '\n' ' ')"
tls_certs
trap 'rs_stop_all; sv_cleanup; rm -rf "$C"' EXIT
PLAIN='module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="5514")'
TLS="global(defaultNetstreamDriverCAFile=\"$C/ca.pem\"
	defaultNetstreamDriverCertFile=\"$C/server.pem\"
	defaultNetstreamDriverKeyFile=\"$C/server.key\")
module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\")
input(type=\"imtcp\" address=\"127.0.0.1\" port=\"5514\")"

# run SCHEME TARGET-EXTRA RECEIVER: RATE and CPU (ms per 10 000 lines of
# the supervisor and its sender) of one run.
run() {
	gen_manifest "url: \"$1://127.0.0.1:5514\"$2"
	sv_start "$WORK/m.yaml"
	sleep 0.5
	rs_start "recv-$1" "$3
template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")
action(type=\"omfile\" file=\"$WORK/$1.out\" template=\"raw\")" 5514
	sleep 1
	local sender pids p cpu0=0 cpu1=0
	sender=$(pgrep -P "$SV_PID" -x tls-send)
	pids="$SV_PID $sender"
	for p in $pids; do cpu0=$((cpu0 + $(cpu_ticks "$p"))); done
	count_until "$WORK/$1.out" "$N" 120 || fail "expected $N lines over $1 within 120 s, got $(wc -l <"$WORK/$1.out")"
	for p in $pids; do cpu1=$((cpu1 + $(cpu_ticks "$p"))); done
	RATE=$(rate "$GOT" "$T_FIRST" "$T_LAST")
	CPU=$(awk -v d=$((cpu1 - cpu0)) -v hz="$(getconf CLK_TCK)" -v n="$N" 'BEGIN { printf "%.1f", d / hz * 1000 / n * 10000 }')
	rs_stop_all
	sv_stop 5 || true
}
run tcp "" "$PLAIN"
tcp=$RATE tcp_cpu=$CPU tcp_dropped=$DROPPED
run tls ", ca: $C/ca.pem" "$TLS"
echo "figure: logs-forward-tls: $RATE lines/s (supervisor and tls-send, one container, $N lines of 90 bytes, TLS to rsyslog gtls on 127.0.0.1; $DROPPED dropped)"
echo "peer: logs-forward-tls: $tcp lines/s (the same over tcp:// to the same rsyslog without TLS; $tcp_dropped dropped)"
echo "figure: logs-tls-cpu: $CPU ms per 10000 lines (supervisor + tls-send utime+stime; over tcp:// the supervisor alone: $tcp_cpu)"
