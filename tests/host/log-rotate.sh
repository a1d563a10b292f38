#!/bin/bash
# SPDX-License-Identifier: MIT
# Log files rotate by logging.local.max_size: at most max_files files
# (web.log, web.log.1, web.log.2), none over max_size, and together they
# hold the newest lines, in order, without a gap.
. "$(dirname "$0")/sv-common"
sv_init log-rotate
N=2000
cat >"$WORK/m.yaml" <<YAML
version: 1
logging:
  local: {max_size: 4k, max_files: 3}
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container web: exited' 10 || fail "expected web to exit within 10 s, got no exit line"
L="$WORK/log"
files=$(cd "$L" && ls | grep "^web\." | sort | tr '\n' ' ')
[ "$files" = "web.log web.log.1 web.log.2 " ] || fail "expected web.log web.log.1 web.log.2, got \"$files\""
for f in "$L"/web.log*; do
	size=$(stat -c %s "$f")
	[ "$size" -le 4096 ] || fail "expected $(basename "$f") at most 4096 bytes, got $size"
done
got=$(cat "$L/web.log.2" "$L/web.log.1" "$L/web.log" | cut -d' ' -f4)
first=$(echo "$got" | head -n 1)
[ "$first" -gt 1 ] || fail "expected the oldest lines rotated away, got line $first kept"
want=$(seq "$first" $N)
[ "$got" = "$want" ] || fail "expected lines $first..$N in order, first difference: $(diff <(echo "$want") <(echo "$got") | sed -n 2p)"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
