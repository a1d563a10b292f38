#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl status shows a running container with its real pid and state,
# and its settings, both as JSON and as a table.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-status
cat >"$WORK/m.yaml" <<'YAML'
version: 1
containers:
  web:
    image: dir:busybox
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; echo up; sleep 1000 & wait"]
    read_only: true
    network_mode: none
    cap_drop: [CHOWN]
YAML
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
pid=$(sed -n 's/.*container web: started, pid \([0-9]*\).*/\1/p' "$OUT")
bctl status --json >"$WORK/status.json" || fail "expected status --json to exit 0, got $?"
jq -e . "$WORK/status.json" >/dev/null || fail "expected valid JSON, got: $(head -c 200 "$WORK/status.json")"
got=$(jq -r '.containers[] | select(.name == "web") |
	"\(.state) \(.pid) \(.restarts) \(.read_only) \(.network_mode) \(.seccomp) \(.limits.pids)"' "$WORK/status.json")
want="running $pid 0 true none default 4096"
[ "$got" = "$want" ] || fail "expected web \"$want\" (state pid restarts read_only net seccomp pids), got \"$got\""
caps=$(jq -r '.containers[0].capabilities | join(",")' "$WORK/status.json")
case ",$caps," in
*,CHOWN,*) fail "expected CHOWN dropped from capabilities, got $caps" ;;
*,KILL,*) ;;
*) fail "expected KILL among capabilities, got $caps" ;;
esac
table=$(bctl status) || fail "expected status to exit 0, got $?"
echo "$table" | grep -qE "^web +running +$pid " ||
	fail "expected a table row \"web running $pid\", got: $(echo "$table" | tr '\n' '|')"
echo "$table" | grep -qE "^manifest: the image's, sha256 [0-9a-f]{12}$" ||
	fail "expected the manifest in force, got: $(echo "$table" | head -n 2 | paste -sd'|')"
pass
