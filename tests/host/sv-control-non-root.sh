#!/bin/bash
# SPDX-License-Identifier: MIT
# A non-root peer is refused by its credentials (SO_PEERCRED), not only by
# the socket's mode: with the mode opened up, uid 65534 still gets
# "permission denied: root only" and exit 1, and nothing happens.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-non-root
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
ctl_start_web
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$BERTHCTL" "$@" --socket "$SOCK"; }
# With the mode as made, the file system refuses first.
msg=$(nobody status 2>&1)
rc=$?
[ $rc = 111 ] && echo "$msg" | grep -q 'Permission denied' ||
	fail "expected exit 111 with Permission denied on the 0600 socket, got $rc: $msg"
# Open the way: the directories and the socket itself.
chmod 755 "$WORK" && chmod 666 "$SOCK" || fail "chmod failed"
msg=$(nobody stop web 2>&1)
rc=$?
[ $rc = 1 ] || fail "expected exit 1 for uid 65534, got $rc: $msg"
[ "$msg" = "berthctl: stop web: permission denied: root only" ] ||
	fail "expected \"berthctl: stop web: permission denied: root only\", got \"$msg\""
sv_wait_for 'control: refused a connection from uid 65534' 2 ||
	fail "expected the supervisor to log the refusal, got nothing"
[ "$(ctl_field web .state)" = running ] || fail "expected web still running, got $(ctl_field web .state)"
pass
