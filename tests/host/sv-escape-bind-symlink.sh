#!/bin/bash
# SPDX-License-Identifier: MIT
# A container that can write a bind directory plants a symlink there to a
# host path (as berth's own state); a later container whose bind source is
# below that directory must fail to start, saying a symlink is in the path,
# and never see or touch the host path.
. "$(dirname "$0")/sv-common"
sv_init escape-bind-symlink
secret="$WORK/state-of-berth"
mkdir -p "$secret" && echo host-only >"$secret/host.yaml"
cat >"$WORK/plant.yaml" <<YAML
version: 1
containers:
  planter:
    image: dir:busybox
    network_mode: none
    volumes: ["./shared:/shared"]
    command: ["/bin/sh", "-c", "ln -s $secret /shared/sub && ln -s $secret /shared/mid && echo planted"]
YAML
sv_start "$WORK/plant.yaml"
sv_wait_for '^supervisor: container planter: exited with status 0' 8 ||
	fail "expected planter to plant its symlinks and exit 0, got: $(grep 'planter' "$OUT" | tail -n 2 | tr '\n' '|')"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
[ -L "$WORK/data/shared/sub" ] || fail "expected the planted symlink data/shared/sub on the host"

# The operator's next manifest binds a directory below the planted link, and
# one through it (./shared/mid/deeper): both must be refused at start.
cat >"$WORK/victim.yaml" <<'YAML'
version: 1
containers:
  victim:
    image: dir:busybox
    network_mode: none
    volumes: ["./shared/sub:/mnt"]
    command: ["/bin/sh", "-c", "echo victim-ran; ls /mnt; echo pwned >/mnt/owned"]
  deeper:
    image: dir:busybox
    network_mode: none
    volumes: ["./shared/mid/deeper:/mnt"]
    command: ["/bin/sh", "-c", "echo deeper-ran; ls /mnt"]
YAML
sv_start "$WORK/victim.yaml"
want='container victim: volume ./shared/sub: a symlink in the path \(refused\)'
sv_wait_for "$want" 8 ||
	fail "expected \"$want\", got: $(grep 'container victim' "$OUT" | head -n 2 | tr '\n' '|')"
want='container deeper: volume ./shared/mid/deeper: a symlink in the path \(refused\)'
sv_wait_for "$want" 8 ||
	fail "expected \"$want\", got: $(grep 'container deeper' "$OUT" | head -n 2 | tr '\n' '|')"
sv_stop 5 || fail "expected the supervisor to exit on SIGTERM within 5 s"
grep -qE '^(victim|deeper): ' "$OUT" &&
	fail "expected no victim command to run, got: $(grep -E '^(victim|deeper): ' "$OUT" | head -n 3 | tr '\n' '|')"
[ -e "$secret/owned" ] && fail "expected nothing written into the host path, got $secret/owned"
[ -e "$secret/deeper" ] && fail "expected no directory made through the symlink, got $secret/deeper"
[ "$(ls "$secret")" = host.yaml ] || fail "expected the host path untouched, got: $(ls "$secret" | tr '\n' ' ')"
pass
