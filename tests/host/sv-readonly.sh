#!/bin/bash
# SPDX-License-Identifier: MIT
# A read_only container gets the mount points its image lacks (a volume
# target, /etc/resolv.conf), as with Docker, and its root stays read-only
# while its volumes keep their own mode. A setup failure before the bridge's
# go signal is reported as the child's own error.
. "$(dirname "$0")/sv-common"
sv_init readonly
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    read_only: true
    volumes: ["www:/srv/www", "tmpfs:/run/scratch:size=1m"]
    command:
      - /bin/sh
      - -c
      - |
        echo page >/srv/www/index.html && echo volume-writable
        touch /run/scratch/x && echo tmpfs-writable
        touch /new 2>/dev/null && echo root-writable || echo root-read-only
        grep -q 192.0.2.53 /etc/resolv.conf && echo has-resolv-conf
        exec sleep 1000
    stop_grace_period: 200ms
  broken:
    image: dir:busybox
    volumes: ["tmpfs:/ro:ro", "sub:/ro/sub"]
    command: ["/bin/true"]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^web: has-resolv-conf$' 8 ||
	fail "expected web to run and see the host's resolv.conf within 8 s, got: $(grep -E 'container web|^web:' "$OUT" | tail -n 3 | tr '\n' '|')"
grep -q '^web: volume-writable$' "$OUT" || fail "expected the volume at /srv/www (not in the image) to be writable"
[ "$(cat "$WORK/volumes/www/index.html" 2>/dev/null)" = page ] ||
	fail "expected volumes/www/index.html on the host to hold page"
grep -q '^web: tmpfs-writable$' "$OUT" || fail "expected the tmpfs at /run/scratch to be writable"
grep -q '^web: root-read-only$' "$OUT" ||
	fail "expected the root to be read-only, got: $(grep '^web: root-' "$OUT")"
sv_wait_for '^supervisor: container broken: .*not restarting' 5 ||
	fail "expected broken to fail its setup within 5 s, got: $(grep 'container broken' "$OUT" | tr '\n' '|')"
grep -q '^supervisor: container broken: volume target /ro/sub: Read-only file system' "$OUT" ||
	fail "expected broken's failure to name its volume target, got: $(grep 'container broken' "$OUT" | tr '\n' '|')"
grep -q 'container broken: go pipe' "$OUT" &&
	fail "expected no go pipe error for a child that failed on its own, got: $(grep 'go pipe' "$OUT")"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
