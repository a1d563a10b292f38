#!/bin/bash
# SPDX-License-Identifier: MIT
# restart: on-failure:2 restarts a failing container twice, then gives up
# and says so; a clean exit is never restarted under on-failure.
. "$(dirname "$0")/sv-common"
sv_init on-failure-limit
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  twice:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo run; exit 7"]
    restart: on-failure:2
  clean:
    image: dir:busybox
    command: ["/bin/true"]
    restart: on-failure
YAML
sv_start "$WORK/m.yaml"
sv_wait_for 'container twice: exited with status 7; restart policy on-failure: not restarting' 8 ||
	fail "expected twice to be given up within 8 s, got: $(grep 'container twice' "$OUT" | tail -n 1)"
runs=$(grep -c '^twice: run' "$OUT")
[ "$runs" = 3 ] || fail "expected 3 runs (1 + 2 restarts), got $runs"
grep -q 'container clean: exited with status 0; restart policy on-failure: not restarting' "$OUT" ||
	fail "expected clean not restarted after status 0, got: $(grep 'container clean' "$OUT" | tail -n 1)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
