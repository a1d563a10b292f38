#!/bin/bash
# SPDX-License-Identifier: MIT
# Root of a container (its own user namespace, the default) is refused by
# the control socket's peer check even when it reaches the socket: berthctl
# run as uid 0 of the container's user namespace (nsenter --user, the host's
# files otherwise) is host uid BASE to SO_PEERCRED, gets "permission
# denied: root only", and nothing happens.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init userns-control
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
ctl_start_web
base=$(ctl_field web .uid_base)
[ -n "$base" ] && [ "$base" != null ] && [ "$base" -ge $((0x80000)) ] ||
	fail "expected status --json to give web a uid_base of 524288 or more, got: ${base:-nothing}"
[ "$(ctl_field web .userns)" = private ] || fail "expected userns private in status, got: $(ctl_field web .userns)"
pid=$(head -n 1 "$CG/web/cgroup.procs" 2>/dev/null)
[ -n "$pid" ] || fail "expected web's process in $CG/web/cgroup.procs"
# Open the way: the directories, the socket, and berthctl itself.
chmod 755 "$WORK" && chmod 666 "$SOCK" || fail "chmod failed"
msg=$(nsenter --user --target "$pid" "$BERTHCTL" stop web --socket "$SOCK" 2>&1)
rc=$?
[ $rc = 1 ] || fail "expected exit 1 for the container's root, got $rc: $msg"
[ "$msg" = "berthctl: stop web: permission denied: root only" ] ||
	fail "expected \"berthctl: stop web: permission denied: root only\", got \"$msg\""
sv_wait_for "control: refused a connection from uid $base " 2 ||
	fail "expected the supervisor to log the refusal of uid $base, got nothing"
[ "$(ctl_field web .state)" = running ] || fail "expected web still running, got $(ctl_field web .state)"
pass
