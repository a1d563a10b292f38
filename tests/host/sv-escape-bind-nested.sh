#!/bin/bash
# SPDX-License-Identifier: MIT
# Bind sources inside one another (in one container, which could plant a
# symlink and restart, or across two) are refused with the manifest's
# FILE:LINE:COL before any container starts or any directory is made.
. "$(dirname "$0")/sv-common"
sv_init escape-bind-nested
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  one:
    image: dir:busybox
    restart: always
    volumes: ["./shared:/shared", "./shared/sub:/sub"]
    command: ["/bin/sh", "-c", "echo ran"]
  other:
    image: dir:busybox
    volumes: ["./shared/other:/other"]
    command: ["/bin/sh", "-c", "echo ran"]
YAML
timeout 10 unshare --net --mount --pid --fork --mount-proc \
	"$SUPERVISOR" --manifest "$WORK/m.yaml" --images "$IMAGES" --cgroup-root "$CG" \
	--run-dir "$WORK/run" --volumes "$WORK/volumes" --data-dir "$WORK/data" >"$OUT" 2>&1
status=$?
[ "$status" = 1 ] || fail "expected exit status 1, got $status"
for want in \
	"supervisor: $WORK/m.yaml:6:35: volumes: bind source ./shared/sub is inside bind source ./shared (container one, 6:15)" \
	"supervisor: $WORK/m.yaml:10:15: volumes: bind source ./shared/other is inside bind source ./shared (container one, 6:15)"; do
	grep -qF "$want" "$OUT" || fail "expected a line starting \"$want\", got: $(head -n 2 "$OUT" | tr '\n' '|')"
done
grep -q 'started\|^one:\|^other:' "$OUT" && fail "expected no container started, got: $(grep 'started\|^one:\|^other:' "$OUT")"
[ -e "$WORK/data/shared" ] && fail "expected no bind directory made, got data/shared"
pass
