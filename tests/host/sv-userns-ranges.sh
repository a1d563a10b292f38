#!/bin/bash
# SPDX-License-Identifier: MIT
# The ranges file: a new name gets the lowest index no other name has (here
# 1, between 0 and 2), appended to the file; a malformed file stops the
# start of a container that needs a range, with the file, the line and the
# reason, rather than guess a range (a userns: host container still runs).
. "$(dirname "$0")/sv-common"
sv_init userns-ranges
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  newcomer:
    image: dir:busybox
    network_mode: none
    command: ["/bin/sh", "-c", "echo map: $(cat /proc/self/uid_map)"]
YAML
mkdir -p "$WORK/state"
printf '# kept\n0 old-a\n2 old-b\n' >"$WORK/state/userns-ranges"
sv_start "$WORK/m.yaml"
sv_wait_for '^newcomer: map: ' 8 || fail "expected newcomer to say its uid_map within 8 s"
got=$(sed -n 's/^newcomer: map: //p' "$OUT" | head -n 1)
[ "$got" = "0 $((0x80000 + 65536)) 65536" ] ||
	fail "expected the lowest free index, 1 ('0 $((0x80000 + 65536)) 65536'), got: $got"
[ "$(tail -n 1 "$WORK/state/userns-ranges")" = "1 newcomer" ] ||
	fail "expected '1 newcomer' appended to the file, got: $(tail -n 1 "$WORK/state/userns-ranges")"
grep -q '^0 old-a$' "$WORK/state/userns-ranges" && grep -q '^2 old-b$' "$WORK/state/userns-ranges" ||
	fail "expected the other names kept, got: $(cat "$WORK/state/userns-ranges")"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"

cat >>"$WORK/m.yaml" <<'YAML'
  hostusers:
    image: dir:busybox
    network_mode: none
    userns: host
    command: ["/bin/sh", "-c", "echo hostusers ran"]
YAML
printf '0 old-a\nzero newcomer\n' >"$WORK/state/userns-ranges"
mv "$OUT" "$OUT.1"
sv_start "$WORK/m.yaml"
want="container newcomer: $WORK/state/userns-ranges: line 2: not \"index name\""
sv_wait_for "$want" 8 || fail "expected '$want...', got: $(grep 'newcomer' "$OUT" | head -n 2)"
grep -q '^newcomer: map: ' "$OUT" && fail "expected newcomer not to run with a malformed ranges file"
sv_wait_for '^hostusers: hostusers ran' 8 || fail "expected the userns: host container to run anyway"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
