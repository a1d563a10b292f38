#!/bin/bash
# SPDX-License-Identifier: MIT
# A named volume's directory replaced by a symlink to a host path is refused
# at start, with the reason in the container's status line, and the host
# path is neither shown to the container nor written.
. "$(dirname "$0")/sv-common"
sv_init escape-volume-symlink
secret="$WORK/state-of-berth"
mkdir -p "$secret" "$WORK/volumes" && echo host-only >"$secret/host.yaml"
ln -s "$secret" "$WORK/volumes/state"
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  app:
    image: dir:busybox
    network_mode: none
    volumes: ["state:/var/state"]
    command: ["/bin/sh", "-c", "echo app-ran; ls /var/state; echo pwned >/var/state/owned"]
YAML
sv_start "$WORK/m.yaml"
want='container app: volume state: a symlink in the path \(refused\)'
sv_wait_for "$want" 8 ||
	fail "expected \"$want\", got: $(grep 'container app' "$OUT" | head -n 2 | tr '\n' '|')"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
grep -q '^app: ' "$OUT" && fail "expected the command never to run, got: $(grep '^app: ' "$OUT" | head -n 3 | tr '\n' '|')"
[ "$(ls "$secret")" = host.yaml ] || fail "expected the host path untouched, got: $(ls "$secret" | tr '\n' ' ')"
pass
