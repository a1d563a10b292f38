#!/bin/bash
# SPDX-License-Identifier: MIT
# A client that connects and never finishes its request neither blocks the
# supervisor (status answers at once) nor stays: it is dropped after 5 s.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-stuck-client
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo up; sleep 1000"]
    network_mode: none
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
# Two bytes of a four-byte header, then silence; prints when it sees EOF.
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
	syswrite($s, "\0\0"); sysread($s, my $b, 1); print "closed\n";' "$SOCK" >"$WORK/stuck" 2>&1 &
STUCK=$!
sleep 0.3
t0=$(date +%s%N)
timeout 2 "$BERTHCTL" status --socket "$SOCK" >/dev/null || fail "expected status to answer beside a stuck client, got $?"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 1000 ] || fail "expected status within 1 s, got $ms ms"
sv_wait_for 'control: a connection took more than 5000 ms: dropped' 7 ||
	fail "expected the stuck connection dropped within 7 s, got nothing"
for i in $(seq 20); do kill -0 $STUCK 2>/dev/null || break; sleep 0.1; done
[ "$(cat "$WORK/stuck")" = closed ] || fail "expected the stuck client to see its connection closed, got $(cat "$WORK/stuck")"
pass
