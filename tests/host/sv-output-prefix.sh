#!/bin/bash
# SPDX-License-Identifier: MIT
# A container's stdout and stderr reach the supervisor's stdout, each line
# prefixed with the container's name, a last line without newline included.
. "$(dirname "$0")/sv-common"
sv_init output-prefix
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  chatty:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo to stdout; echo to stderr >&2; printf 'no newline'"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container chatty: exited' 5 || fail "expected chatty to exit within 5 s, got no exit line"
for want in 'chatty: to stdout' 'chatty: to stderr' 'chatty: no newline'; do
	grep -qx "$want" "$OUT" || fail "expected a line \"$want\", got none"
done
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
