# SPDX-License-Identifier: MIT
# Shared by tests/host/net-*.sh: a network namespace "host" with eth0, a veth
# into a namespace "peer" (192.0.2.1, 2001:db8::1), and a process holding
# private UTS and mount namespaces there, with a test-owned directory on
# /run, so that netsetup's hostname and /run/berth never touch the build host.
# Only documentation addresses; nothing leaves the two namespaces.
#   . "$TOP/tests/host/lib/net.sh"; net_init NAME
#   net_run ARGS...     netsetup ARGS in the host namespace; output in $out, status in $rc
#   net_in CMD...       any command there
#   net_containers A..  more namespaces (containers), removed on exit
#   net_sv_start FILE   the supervisor there (after sv-common's sv_init)
#   pass/fail/skip      result lines
set -u

pass() { echo "pass: $*"; }
fail() { echo "fail: $*"; failed=1; }
skip() { echo "skip: $*"; exit 0; }
failed=0

net_cleanup() {
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	ip netns del "$peer" 2>/dev/null
	rm -rf "$tmp"
}

# net_init NAME: builds netsetup and the two namespaces; skips without root.
net_init() {
	name=$1
	[ "$(id -u)" = 0 ] || skip "$name: needs root"
	for t in ip jq nft nsenter unshare busybox; do
		command -v "$t" >/dev/null || skip "$name: $t is not installed"
	done
	if ! make --no-print-directory -s -C "$TOP" BUILD="$BUILD" "$BUILD/netsetup" >/dev/null 2>&1; then
		echo "fail: $name: make $BUILD/netsetup failed"
		exit 1
	fi
	tmp=$(mktemp -d)
	ns=berth-$name-$$
	peer=berth-$name-peer-$$
	trap net_cleanup EXIT
	ip netns add "$ns" && ip netns add "$peer" &&
		ip link add eth0 netns "$ns" type veth peer name peer0 netns "$peer" &&
		ip -n "$peer" link set lo up &&
		ip -n "$peer" addr add 192.0.2.1/24 dev peer0 &&
		ip -n "$peer" addr add 2001:db8::1/64 dev peer0 nodad &&
		ip -n "$peer" link set peer0 up || {
		echo "fail: $name: could not create the test namespaces"
		exit 1
	}
	mkdir -p "$tmp/run"
	ip netns exec "$ns" unshare -u -m --propagation private \
		sh -c 'mount --bind "$0" /run && hostname test-before && exec sleep 300' "$tmp/run" &
	holder=$!
	for _ in $(seq 50); do
		[ "$(cat /proc/$holder/comm 2>/dev/null)" = sleep ] && return 0
		sleep 0.1
	done
	echo "fail: $name: the namespace holder did not start"
	exit 1
}

net_in() {
	nsenter -t "$holder" -n -u -m "$@"
}

net_run() {
	out=$(net_in "$BUILD/netsetup" "$@" 2>&1)
	rc=$?
}

# expect WHAT EXPECTED GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$name: $1"; else fail "$name: $1: expected $2, got $3"; fi
}

# net_containers NAME...: namespaces for containers, removed with the rest.
net_containers() {
	containers=("$@")
	trap 'for c in "${containers[@]}"; do ip netns del "$c" 2>/dev/null; done; net_cleanup' EXIT
	for c in "$@"; do
		ip netns add "$c" || {
			echo "fail: $name: could not create the container namespaces"
			exit 1
		}
	done
}

# net_sv_start MANIFEST: the supervisor of tests/host/sv-common (sourced,
# sv_init done) in the host namespace, in its own mount and pid namespaces
# (nsenter, not ip netns exec, which would mount a /sys without cgroups).
# Sets UNSHARE_PID and SV_PID; its output goes to $OUT, its control socket
# is $WORK/control.sock. Status 1 when it did not start.
net_sv_start() {
	mkdir -p "$WORK/data"
	echo "nameserver 192.0.2.53" >"$WORK/resolv.conf"
	nsenter --net="/run/netns/$ns" unshare --mount --pid --fork --mount-proc --kill-child \
		"$SUPERVISOR" --manifest "$1" --images "$IMAGES" \
		--cgroup-root "$CG" --run-dir "$WORK/run" --volumes "$WORK/volumes" \
		--data-dir "$WORK/data" --resolv-conf "$WORK/resolv.conf" --log-dir "$WORK/log" \
		--control "$WORK/control.sock" >"$OUT" 2>&1 &
	UNSHARE_PID=$!
	for _ in $(seq 50); do
		SV_PID=$(awk '{print $1}' "/proc/$UNSHARE_PID/task/$UNSHARE_PID/children" 2>/dev/null)
		[ -n "$SV_PID" ] && return 0
		sleep 0.1
	done
	return 1
}
