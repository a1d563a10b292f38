#!/bin/bash
# SPDX-License-Identifier: MIT
# An invalid manifest: each error printed once as FILE:LINE:COL: message, exit
# status 1, and no container started.
. "$(dirname "$0")/sv-common"
sv_init manifest-error
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  good:
    image: dir:busybox
    command: ["/bin/sh", "-c", "echo ran"]
  typo:
    imgae: dir:busybox
    command: ["true"]
YAML
# It exits at once: run it in the foreground, in the same kind of sandbox.
timeout 10 unshare --net --mount --pid --fork --mount-proc \
	"$SUPERVISOR" --manifest "$WORK/m.yaml" --images "$IMAGES" --cgroup-root "$CG" \
	--run-dir "$WORK/run" --volumes "$WORK/volumes" --data-dir "$WORK/data" >"$OUT" 2>&1
status=$?
[ "$status" = 1 ] || fail "expected exit status 1, got $status"
want="supervisor: $WORK/m.yaml:7:5: unknown key \"imgae\""
n=$(grep -cF "$want" "$OUT")
[ "$n" = 1 ] || fail "expected one line starting \"$want\", got $n: $(head -n 1 "$OUT")"
grep -q 'started\|^good:' "$OUT" && fail "expected no container started, got: $(grep 'started\|^good:' "$OUT")"
pass
