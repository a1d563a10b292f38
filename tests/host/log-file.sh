#!/bin/bash
# SPDX-License-Identifier: MIT
# A container's output is kept in <log dir>/<name>.log: every line once, in
# order, as "TIMESTAMP STREAM TEXT"; a line over 16 KiB split into marked
# pieces; a last line without newline kept too. The console copy stays.
. "$(dirname "$0")/sv-common"
sv_init log-file
N=3000
cat >"$WORK/m.yaml" <<YAML
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "i=1; while [ \$i -le $N ]; do echo line \$i; i=\$((i+1)); done; echo oops >&2; head -c 40000 /dev/zero | tr '\\\\0' x; echo; printf 'no newline'"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container web: exited' 10 || fail "expected web to exit within 10 s, got no exit line"
F="$WORK/log/web.log"
[ -f "$F" ] || fail "expected $F, got no file"
ts='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z'
bad=$(grep -cvE "^$ts (stdout|stderr)\+? " "$F")
[ "$bad" = 0 ] || fail "expected every line as TIMESTAMP STREAM TEXT, got $bad others, e.g. $(grep -vE "^$ts (stdout|stderr)\+? " "$F" | head -n 1 | cut -c1-80)"
got=$(grep -E "^$ts stdout line " "$F" | cut -d' ' -f4)
want=$(seq 1 $N)
[ "$got" = "$want" ] || fail "expected lines 1..$N once and in order, got $(echo "$got" | wc -l) lines, first difference: $(diff <(echo "$want") <(echo "$got") | sed -n 2p)"
grep -qE "^$ts stderr oops$" "$F" || fail "expected the stderr line \"oops\", got none"
pieces=$(grep -E "^$ts stdout\+? x" "$F" | cut -d' ' -f2 | tr '\n' ' ')
[ "$pieces" = "stdout+ stdout+ stdout " ] || fail "expected a 40000-byte line as 3 pieces (stdout+ stdout+ stdout), got \"$pieces\""
len=$(grep -E "^$ts stdout\+? x" "$F" | cut -d' ' -f3 | tr -d '\n' | wc -c)
[ "$len" = 40000 ] || fail "expected the pieces to hold 40000 bytes, got $len"
tail -n 1 "$F" | grep -qE "^$ts stdout no newline$" || fail "expected the last line \"no newline\", got \"$(tail -n 1 "$F" | cut -c1-80)\""
grep -qx "web: line $N" "$OUT" || fail "expected the console copy \"web: line $N\", got none"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
