#!/bin/bash
# SPDX-License-Identifier: MIT
# A user the image does not know is reported as the reason the container did
# not start; a known one (nobody) runs the command with its uid and gid.
. "$(dirname "$0")/sv-common"
sv_init bad-user
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  ghost:
    image: dir:busybox
    command: ["id"]
    user: nosuchuser
  nobody:
    image: dir:busybox
    command: ["id"]
    user: nobody
YAML
sv_start "$WORK/m.yaml"
want="container ghost: user or group not in the image's /etc/passwd, /etc/group: nosuchuser"
sv_wait_for "$want" 5 || fail "expected \"$want\", got: $(grep 'container ghost' "$OUT" | head -n 1)"
sv_wait_for '^nobody: uid=65534\(nobody\) gid=65534\(nogroup\)' 5 ||
	fail "expected nobody to run as 65534:65534, got: $(grep '^nobody:' "$OUT" | head -n 1)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
