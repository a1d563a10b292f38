#!/bin/bash
# SPDX-License-Identifier: MIT
# The host's messages: the kernel's log (the build host's /dev/kmsg, read
# from its oldest record) and the supervisor's own lines go to host.log, in
# the containers' file format with the app-name as the stream, and to the
# forward targets with the host's app-names: "kernel" for the kernel, the
# name a program gives itself for what it writes to /dev/kmsg, and
# "berth-supervisor". A second supervisor of the same boot does not send
# the same kernel records again.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/log-common"
sv_init log-host
[ -w /dev/kmsg ] || skip "needs a writable /dev/kmsg"
token=berth-host-$$-$RANDOM$RANDOM
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  forward: [{url: "tcp://127.0.0.1:5514"}]
containers:
  idle:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
YAML
export SV_KMSG=/dev/kmsg
sv_start "$WORK/m.yaml"
log_rsyslog_start
# Facility user (1), severity notice (5): <13>.
echo "<13>berthtest[4242]: $token one" >/dev/kmsg
F="$WORK/tcp.log"
log_wait_app "$F" berthtest 1 10 || fail "expected the /dev/kmsg line from berthtest within 10 s, got none"
re="^<13>1 [0-9T:.Z-]+ berth berthtest 4242 - \[berth@32473 seq=\"[0-9]+\" boot=\"[0-9a-f-]{36}\"\] $token one\$"
log_app "$F" berthtest | grep -qE "$re" || fail "expected \"$re\", got $(log_app "$F" berthtest | head -n 1)"
k=$(log_app "$F" kernel | head -n 1)
[[ $k =~ ^\<[0-7]\>1\ [^\ ]+\ berth\ kernel\ -\ -\ \[berth@32473\ seq=\"[0-9]+\"\ boot=\"[0-9a-f-]{36}\"\]\  ]] ||
	fail "expected the kernel's records with app-name kernel and facility kern, got '${k:0:160}'"
log_wait_app "$F" berth-supervisor 1 5 || fail "expected the supervisor's own messages, got none"
log_app "$F" berth-supervisor | grep -q '\] supervisor 0\.[0-9.]*: 1 containers$' ||
	fail "expected the supervisor's start message, got $(log_app "$F" berth-supervisor | head -n 1)"
H="$WORK/log/host.log"
hre="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z berthtest $token one\$"
grep -qE "$hre" "$H" || fail "expected \"$hre\" in host.log, got $(grep -F "$token" "$H")"
grep -qE '^[0-9T:.Z-]+ kernel ' "$H" || fail "expected kernel lines in host.log, got none"
# An app-name of 48 bytes, the most syslog allows, still gets its line.
long=berthtest-a-program-with-a-long-name-0123456789
echo "<13>$long: $token long" >/dev/kmsg
for _ in $(seq 50); do grep -q "$token long" "$H" && break; sleep 0.1; done
grep -qE "^[0-9T:.Z-]+ $long $token long\$" "$H" ||
	fail "expected the line of $long in host.log, got $(grep -F "$token long" "$H")"
grep -qE '^[0-9T:.Z-]+ berth-supervisor supervisor 0\.[0-9.]*: 1 containers$' "$H" ||
	fail "expected the supervisor's lines in host.log, got none"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
# The same boot, a new supervisor: only the new record is taken.
mv "$OUT" "$WORK/out1"
sv_start "$WORK/m.yaml"
echo "<13>berthtest[4242]: $token two" >/dev/kmsg
for _ in $(seq 50); do grep -q "$token two" "$H" && break; sleep 0.1; done
grep -q "$token two" "$H" || fail "expected the second supervisor to read the new record, got none"
n=$(grep -c "$token one" "$H")
[ "$n" = 1 ] || fail "expected the first record in host.log once, got it $n times"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
