#!/bin/bash
# SPDX-License-Identifier: MIT
# A named volume keeps what one run wrote for the next run (created 0755 on
# first use); a bind comes from the data directory; :ro is read-only; a tmpfs
# mount is a tmpfs of the size asked for.
. "$(dirname "$0")/sv-common"
sv_init volumes
mkdir -p "$WORK/data/shared"
echo from-host >"$WORK/data/shared/greeting"
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  writer:
    image: dir:busybox
    network_mode: none
    restart: on-failure:1
    volumes: ["state:/var/state", "./shared:/shared:ro", "tmpfs:/scratch:size=1m"]
    command:
      - /bin/sh
      - -c
      - |
        if [ -f /var/state/run1 ]; then echo second run sees: $(cat /var/state/run1); exit 0; fi
        echo hello >/var/state/run1
        cat /shared/greeting
        touch /shared/x 2>/dev/null && echo shared-writable || echo shared-read-only
        grep ' /scratch ' /proc/mounts
        exit 1
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^supervisor: container writer: exited with status 0' 8 ||
	fail "expected writer to run twice and exit 0 within 8 s, got: $(grep 'container writer' "$OUT" | tail -n 1)"
grep -q '^writer: second run sees: hello$' "$OUT" ||
	fail "expected the second run to see the file of the first in the named volume, got: $(grep '^writer: second' "$OUT")"
mode=$(stat -c %a "$WORK/volumes/state" 2>/dev/null)
[ "$mode" = 755 ] || fail "expected the named volume created with mode 755, got: ${mode:-no directory}"
[ "$(cat "$WORK/volumes/state/run1" 2>/dev/null)" = hello ] || fail "expected volumes/state/run1 on the host to hold hello"
grep -q '^writer: from-host$' "$OUT" || fail "expected the bind ./shared to show the data directory's file"
grep -q '^writer: shared-read-only$' "$OUT" || fail "expected the :ro bind to be read-only, got: $(grep '^writer: shared-' "$OUT")"
[ -e "$WORK/data/shared/x" ] && fail "expected nothing written through the :ro bind, got data/shared/x"
tmpfs=$(grep '^writer: tmpfs /scratch ' "$OUT")
case "$tmpfs" in *size=1024k*) ;; *) fail "expected /scratch to be a 1m tmpfs, got: ${tmpfs:-no mount}" ;; esac
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
pass
