#!/bin/bash
# SPDX-License-Identifier: MIT
# Sixteen connections that never send a request (the most the supervisor
# keeps) do not lock root out: the next connection pushes out the oldest
# idle one, and status answers at once.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-idle-clients
ctl_web_manifest
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
# Each idle client prints "closed" when the supervisor closes it.
pids=
for i in $(seq 16); do
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		sysread($s, my $b, 1); print "closed\n";' "$SOCK" >"$WORK/idle-$i" 2>&1 &
	pids="$pids $!"
	sleep 0.05
done
sleep 0.3
t0=$(date +%s%N)
timeout 3 "$BERTHCTL" status --socket "$SOCK" >"$WORK/status" 2>&1 ||
	fail "expected status to answer beside 16 idle connections, got: $(cat "$WORK/status")"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 1000 ] || fail "expected status within 1 s, got $ms ms"
grep -q '^web ' "$WORK/status" || fail "expected web in the status table, got: $(cat "$WORK/status")"
sv_wait_for 'control: 16 connections open: dropped the oldest one' 2 ||
	fail "expected the supervisor to say it dropped an idle connection"
for i in $(seq 20); do [ -s "$WORK/idle-1" ] && break; sleep 0.1; done
[ "$(cat "$WORK/idle-1")" = closed ] ||
	fail "expected the oldest idle connection closed, got '$(cat "$WORK/idle-1")'"
[ ! -s "$WORK/idle-16" ] || fail "expected the newest idle connection kept, got '$(cat "$WORK/idle-16")'"
kill $pids 2>/dev/null
pass
