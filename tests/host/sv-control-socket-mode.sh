#!/bin/bash
# SPDX-License-Identifier: MIT
# The control socket is made root-owned with mode 0600, and replaces a
# stale socket left at its path.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-socket-mode
ctl_web_manifest
# A regular file at the path stands for what a killed supervisor leaves.
echo stale >"$SOCK"
sv_start "$WORK/m.yaml"
sv_wait_for '^web: up' 5 || fail "expected web to print up within 5 s, got nothing"
got=$(stat -c '%F %a %u' "$SOCK")
[ "$got" = "socket 600 0" ] || fail "expected \"socket 600 0\" (type, mode, owner), got \"$got\""
ls "$WORK" | grep -q "control.sock.*tmp" && fail "expected no temporary socket left, got $(ls "$WORK")"
bctl status >/dev/null || fail "expected status through the socket to exit 0, got $?"
sv_stop 5 || fail "expected the supervisor to exit within 5 s of SIGTERM"
[ ! -e "$SOCK" ] || fail "expected the socket removed at exit, got $(stat -c %F "$SOCK")"
pass
