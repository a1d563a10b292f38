#!/bin/bash
# SPDX-License-Identifier: MIT
# berthctl's exit codes: an unknown container is 1 with the supervisor's
# message, a usage error 2, a socket nobody serves 111 naming the path.
. "$(dirname "$0")/sv-common"
. "$(dirname "$0")/sv-control-common"
ctl_init control-errors
ctl_start_web
check() { # WANT-STATUS WANT-MESSAGE-RE ARGS...
	local want=$1 re=$2 got msg
	shift 2
	msg=$("$@" 2>&1)
	got=$?
	[ "$got" = "$want" ] || fail "expected $* to exit $want, got $got: $msg"
	echo "$msg" | grep -qE -- "$re" || fail "expected $* to say /$re/, got: $msg"
}
check 1 '^berthctl: stop nope: no container named "nope"$' bctl stop nope
check 1 'no container named "nope"' bctl restart nope
check 2 'stop: expected a container name' bctl stop
check 2 'unknown option "--bogus"' bctl status --bogus
check 111 "cannot reach the supervisor at $WORK/none.sock: connect: No such file or directory" \
	"$BERTHCTL" status --socket "$WORK/none.sock"
[ "$(ctl_field web .state)" = running ] || fail "expected web still running, got $(ctl_field web .state)"
pass
