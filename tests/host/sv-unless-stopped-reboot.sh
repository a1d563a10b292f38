#!/bin/bash
# SPDX-License-Identifier: MIT
# restart: unless-stopped across a power cut: the operator's stop is on
# disk (fsynced) when `berthctl stop` answers, so after everything is
# killed at once and the supervisor starts afresh on the same data, the
# container stays stopped and status says why; its neighbour starts. Once
# the manifest makes it restart: always, it starts and the record goes.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init unless-stopped-reboot

cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  held:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
    restart: unless-stopped
  other:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    network_mode: none
    restart: unless-stopped
YAML

sv_start "$WORK/m.yaml"
sv_wait_for '^held: up' 5 && sv_wait_for '^other: up' 5 || fail "expected held and other up within 5 s"
bctl stop held >/dev/null || fail "berthctl stop held failed"
ctl_wait_state held stopped 5 || fail "expected held stopped, got $(ctl_field held .state)"

# The power cut: the whole namespace dies at once, the supervisor first.
power_cut() {
	kill -KILL "$SV_PID"
	wait "$UNSHARE_PID" 2>/dev/null
	SV_PID= UNSHARE_PID=
	cp "$OUT" "$WORK/out.$1"
}
power_cut 1

sv_start "$WORK/m.yaml"
sv_wait_for '^other: up' 5 || fail "expected other up after the restart"
sv_wait_for '^supervisor: container held: stays stopped' 5 ||
	fail "expected 'container held: stays stopped: ...' after the restart"
st=$(ctl_field held '.state + " / " + .last_exit')
[ "$st" = "stopped / stopped with berthctl stop (restart: unless-stopped)" ] ||
	fail "expected held 'stopped / stopped with berthctl stop (restart: unless-stopped)', got '$st'"
sleep 1
grep -q '^held: up' "$OUT" && fail "expected held not to run after the restart, it printed up"
# The file holds exactly the one name, under a comment header.
names=$(grep -v '^#' "$WORK/state/stopped" | paste -sd,)
[ "$names" = held ] || fail "expected $WORK/state/stopped to name held only, got '$names'"

# A manifest that makes it restart: always forgets the hold (Compose's
# always starts with the daemon whatever was stopped), and drops the name.
power_cut 2
sed '0,/unless-stopped/s//always/' "$WORK/m.yaml" >"$WORK/m2.yaml"
sv_start "$WORK/m2.yaml"
sv_wait_for '^held: up' 5 || fail "expected held (now restart: always) up after the restart"
names=$(grep -v '^#' "$WORK/state/stopped" | paste -sd,)
[ -z "$names" ] || fail "expected no name left in $WORK/state/stopped, got '$names'"
pass
