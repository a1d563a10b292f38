#!/bin/bash
# SPDX-License-Identifier: MIT
# A command that cannot be executed is reported with its path and reason.
. "$(dirname "$0")/sv-common"
sv_init exec-failure
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/usr/bin/no-such-server", "-f"]
YAML
sv_start "$WORK/m.yaml"
want='container web: exec /usr/bin/no-such-server: No such file or directory'
if ! sv_wait_for "$want" 5; then
	fail "expected \"$want\", got: $(grep 'container web' "$OUT" | head -n 1)"
fi
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
