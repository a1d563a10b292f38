#!/bin/bash
# SPDX-License-Identifier: MIT
# A full log file system is not fatal: the error is told once, the lost
# lines are counted, and once there is room again the count is told and
# the container's later lines are kept.
. "$(dirname "$0")/sv-common"
sv_init log-file-full
full_cleanup() {
	if [ -n "${SV_PID:-}" ]; then kill -KILL "$SV_PID" 2>/dev/null; fi
	[ -n "${UNSHARE_PID:-}" ] && wait "$UNSHARE_PID" 2>/dev/null
	umount "$WORK/log" 2>/dev/null
	sv_cleanup
}
trap full_cleanup EXIT
mkdir -p "$WORK/log"
mount -t tmpfs -o size=64k tmpfs "$WORK/log" || skip "cannot mount a tmpfs"
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ $i -le 3000 ]; do echo filler $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; sleep 3; echo after the disk was full"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for "^supervisor: container web: log file $WORK/log/web.log: No space left on device \(lost lines are counted\)$" 10 ||
	fail "expected the full disk told within 10 s, got nothing"
sleep 0.5
n=$(grep -c 'No space left on device' "$OUT")
[ "$n" = 1 ] || fail "expected the error told once, got $n times"
# The 3000 filler lines are all printed within the 3 s sleep: whole lines
# kept before the room is made, plus the count lost, must be all of them.
sleep 1
x=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
kept=$(grep -c " stdout filler [0-9]* $x\$" "$WORK/log/web.log")
: >"$WORK/log/web.log"
sv_wait_for '^supervisor: container web: exited' 10 || fail "expected web to exit within 10 s, got no exit line"
sv_wait_for "^supervisor: container web: log file $WORK/log/web.log: writing again, [1-9][0-9]* lines lost$" 1 ||
	fail "expected the lost lines counted once writing works, got nothing"
lost=$(sed -n 's/.*: writing again, \([0-9]*\) lines lost$/\1/p' "$OUT")
after=$(grep -c " stdout filler [0-9]* $x\$" "$WORK/log/web.log")
[ $((kept + lost + after)) = 3000 ] ||
	fail "expected kept ($kept) + lost ($lost) + written after ($after) filler lines to be 3000"
grep -qE ' stdout after the disk was full$' "$WORK/log/web.log" || fail "expected the line after the disk had room again in the file, got none"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
