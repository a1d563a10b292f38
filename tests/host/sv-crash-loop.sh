#!/bin/bash
# SPDX-License-Identifier: MIT
# A container that keeps failing right after its start reaches the
# crash-loop state, which is reported, and is still retried: the container
# itself counts its runs in a volume.
. "$(dirname "$0")/sv-common"
sv_init crash-loop
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  crashy:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo run >>/runs/runs; exit 1"]
    volumes: ["runs:/runs"]
    network_mode: none
    restart: on-failure
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container crashy: exited with status 1; crash-loop: 3 quick failures in a row, restart 3 in 4000 ms' 8 ||
	fail "expected the crash-loop state within 8 s, got: $(grep 'container crashy' "$OUT" | tail -n 1)"
runs=$WORK/volumes/runs/runs
at_loop=$(wc -l <"$runs")
[ "$at_loop" -ge 3 ] || fail "expected at least 3 runs of crashy at the crash-loop state, got $at_loop"
# Still retried, with backoff: more runs come.
for i in $(seq 100); do [ "$(wc -l <"$runs")" -gt "$at_loop" ] && break; sleep 0.1; done
[ "$(wc -l <"$runs")" -gt "$at_loop" ] || fail "expected crashy to run again after the crash-loop state, got $at_loop runs in all"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
grep -q 'container crashy: .*not restarting' "$OUT" && fail "expected crashy to keep being retried, got it given up"
pass
