#!/bin/bash
# SPDX-License-Identifier: MIT
# Health checks run inside the container (they see its files): starting ->
# unhealthy after `retries` failures -> healthy -> unhealthy, each transition
# printed with the last output (none when it printed nothing); a check over its timeout fails; a container
# depending on service_healthy starts only once its dependency is healthy.
. "$(dirname "$0")/sv-common"
sv_init health
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  app:
    image: dir:busybox
    network_mode: none
    stop_grace_period: 200ms
    command: ["/bin/sh", "-c", "sleep 1.5; touch /tmp/ok; sleep 1.5; rm /tmp/ok; exec sleep 1000"]
    healthcheck:
      test: "test -f /tmp/ok && echo fine || { echo not yet; exit 1; }"
      interval: 200ms
      retries: 2
  after:
    image: dir:busybox
    network_mode: none
    stop_grace_period: 200ms
    command: ["/bin/sh", "-c", "echo up; exec sleep 1000"]
    depends_on: {app: {condition: service_healthy}}
  quiet:
    image: dir:busybox
    network_mode: none
    stop_grace_period: 200ms
    command: ["/bin/sleep", "1000"]
    healthcheck: {test: ["CMD", "/bin/true"], interval: 200ms}
  slow:
    image: dir:busybox
    network_mode: none
    stop_grace_period: 200ms
    command: ["/bin/sleep", "1000"]
    healthcheck: {test: ["CMD", "/bin/sleep", "5"], interval: 200ms, timeout: 300ms, retries: 1}
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container app: healthy' 6 || fail "expected app to become healthy within 6 s, got: $(grep 'container app' "$OUT" | tail -n 1)"
# The second unhealthy comes once /tmp/ok is gone again (1.5 s later).
for i in $(seq 40); do
	[ "$(grep -c 'container app: unhealthy' "$OUT")" -ge 2 ] && break
	sleep 0.1
done
lines=$(grep -E '^supervisor: container app: (health|healthy|unhealthy)' "$OUT" | sed 's/^supervisor: container app: //')
want='health starting
unhealthy after 2 failed checks; last check: status 1, "not yet"
healthy; last check: "fine"
unhealthy after 2 failed checks; last check: status 1, "not yet"'
[ "$lines" = "$want" ] || fail "expected app's transitions: $(echo $want | tr '\n' '|'), got: $(echo "$lines" | tr '\n' '|')"
healthy=$(sv_line 'container app: healthy') up=$(sv_line '^after: up')
[ "$up" -gt "$healthy" ] || fail "expected after to start once app was healthy (line $healthy), got its output at line $up"
sv_wait_for '^supervisor: container slow: unhealthy' 3 || fail "expected slow to be unhealthy within 3 s"
grep -q 'container slow: unhealthy after 1 failed checks; last check: status 124, "timed out after 300 ms"' "$OUT" ||
	fail "expected slow's check to time out, got: $(grep 'container slow: unhealthy' "$OUT")"
# A check that prints nothing adds no empty quotes.
got=$(grep -E '^supervisor: container quiet: healthy' "$OUT")
[ "$got" = "supervisor: container quiet: healthy" ] ||
	fail "expected 'supervisor: container quiet: healthy' alone, got: '$got'"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
