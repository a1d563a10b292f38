#!/bin/bash
# SPDX-License-Identifier: MIT
# An image's symlinks at volume targets resolve inside the container's root:
# /data -> ../../.. (its root) and /pdata -> /proc are refused with the
# target named, and /up -> ../../../.. with a target below it stays in the
# container (the volume is seen there; nothing is made on the host).
. "$(dirname "$0")/sv-common"
sv_init escape-target-symlink
img="$WORK/img"
cp -a "$IMAGES/busybox" "$img" || fail "cannot copy the busybox image"
ln -s ../../.. "$img/data"
ln -s /proc "$img/pdata"
ln -s ../../../.. "$img/up"
name="berth-escape-test-$$"
mkdir -p "$WORK/data/site" && echo from-site >"$WORK/data/site/marker"
cat >"$WORK/m.yaml" <<YAML
version: 1
containers:
  rooted:
    image: "dir:$img"
    network_mode: none
    volumes: ["./site:/data"]
    command: ["/bin/sh", "-c", "echo rooted-ran"]
  proc:
    image: "dir:$img"
    network_mode: none
    volumes: ["tmpfs:/pdata"]
    command: ["/bin/sh", "-c", "echo proc-ran"]
  inside:
    image: "dir:$img"
    network_mode: none
    volumes: ["./site:/up/$name"]
    command: ["/bin/sh", "-c", "cat /$name/marker"]
YAML
sv_start "$WORK/m.yaml"
for c in rooted:/data proc:/pdata; do
	want="container ${c%%:*}: volume target ${c#*:}: leads to the container's /, /proc or /sys \\(refused\\)"
	sv_wait_for "$want" 8 ||
		fail "expected \"$want\", got: $(grep "container ${c%%:*}" "$OUT" | head -n 2 | tr '\n' '|')"
done
sv_wait_for '^inside: from-site$' 8 ||
	fail "expected inside to see the bind at /$name through /up, got: $(grep 'inside' "$OUT" | head -n 3 | tr '\n' '|')"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
grep -qE '^(rooted|proc): ' "$OUT" && fail "expected the refused commands never to run, got: $(grep -E '^(rooted|proc): ' "$OUT" | tr '\n' '|')"
for p in "/$name" "$img/$name" "$WORK/$name" "/tmp/$name"; do
	[ -e "$p" ] && fail "expected nothing made outside the container, got $p"
done
pass
