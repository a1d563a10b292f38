#!/bin/bash
# SPDX-License-Identifier: MIT
# A full disk under the spool while the TCP target is down: the error is
# told once, what could not be written is counted, and once rsyslog listens
# the spooled lines arrive in order, then a notice whose count is exactly
# the gaps a receiver sees in seq (the container's and the supervisor's).
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-forward-spool-full
full_cleanup() {
	if [ -n "${SV_PID:-}" ]; then kill -KILL "$SV_PID" 2>/dev/null; fi
	[ -n "${UNSHARE_PID:-}" ] && wait "$UNSHARE_PID" 2>/dev/null
	umount "$WORK/spool" 2>/dev/null
	log_cleanup
}
mkdir -p "$WORK/spool"
mount -t tmpfs -o size=128k tmpfs "$WORK/spool" || skip "cannot mount a tmpfs"
trap full_cleanup EXIT
N=5000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  filler:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for "^supervisor: log forward tcp://127.0.0.1:5514: spool $WORK/spool/tcp___127.0.0.1_5514: No space left on device \(dropped messages are counted\)$" 10 ||
	fail "expected the full disk told within 10 s, got nothing"
sv_wait_for '^supervisor: container filler: exited' 10 || fail "expected filler to exit within 10 s, got no exit line"
n=$(grep -c 'No space left on device' "$OUT")
[ "$n" = 1 ] || fail "expected the full disk told once, got $n times"
log_rsyslog_start
trap full_cleanup EXIT # again: log_rsyslog_start sets its own
F="$WORK/tcp.log"
for _ in $(seq 100); do grep -q ' dropped \[berth@32473' "$F" 2>/dev/null && break; sleep 0.1; done
sleep 0.5
notice=$(grep -n ' dropped \[berth@32473' "$F")
[ "$(echo "$notice" | grep -c .)" = 1 ] || fail "expected one dropped-messages notice, got: $notice"
line=${notice%%:*}
dropped=$(echo "$notice" | sed -E 's/.*\] ([0-9]+) messages dropped .*/\1/')
kept=$(head -n "$line" "$F" | grep -c ' filler [0-9]* stdout ')
got=$(log_app "$F" filler | awk '{print $NF}')
[ "$kept" -gt 100 ] && [ "$kept" -lt $N ] || fail "expected some but not all of $N lines kept, got $kept"
[ "$got" = "$(seq 1 "$kept")" ] || fail "expected the kept lines 1..$kept in order, before the notice"
# The supervisor's lines lost to the full disk: the gaps in their seq
# before the first one after the notice.
sup=$(head -n "$line" "$F" | log_app /dev/stdin berth-supervisor | wc -l)
next=$(tail -n +"$line" "$F" | log_app /dev/stdin berth-supervisor | head -n 1 | sed -E 's/.*seq="([0-9]+)".*/\1/')
[ -n "$next" ] || fail "expected a supervisor message after the notice, got none"
want=$((N - kept + next - 1 - sup))
[ "$dropped" = "$want" ] || fail "expected the notice to count $want ($((N - kept)) lines, $((next - 1 - sup)) of the supervisor's), got $dropped"
echo "# figures: a 128 KiB disk under the spool kept $kept of $N lines; $dropped dropped, counted exactly"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
