#!/bin/bash
# SPDX-License-Identifier: MIT
# The host keeps its clock right: the guest boots with its RTC a year
# behind, netsetup runs chronyd with network.ntp, chronyd steps the clock
# to the server's, and berthctl status says it is synchronised.
#
# QEMU's user networking with restrict=on drops every UDP datagram the
# guest sends but DHCP and TFTP (guestfwd is TCP only; the replies of a
# hostfwd=udp are dropped too), and NTP is UDP. So the server is reached
# through a second NIC: a tap in a network namespace of the test's own,
# where a private chronyd (-x: it never touches the build host's clock)
# serves its clock on 10.77.0.1. Nothing leaves that namespace.
. "$(dirname "$0")/lib.sh"
vm_require

command -v chronyd >/dev/null || { skip "$vm_test" "chrony is not installed"; exit 0; }
vm_build_image "$TOP/tests/vm/manifests/ntp.yaml" "$vm_dir"

ns=berth-ntp-$$
srv=$vm_dir/chronyd
rm -rf "$srv"
mkdir -p "$srv"
chmod 0755 "$srv"
cleanup() {
	vm_kill
	[ -f "$srv/chronyd.pid" ] && kill "$(cat "$srv/chronyd.pid")" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev ntp0 mode tap
ip -n "$ns" addr add 10.77.0.1/24 dev ntp0
ip -n "$ns" link set ntp0 up
cat >"$srv/chrony.conf" <<CONF
local stratum 3
allow 10.77.0.0/24
bindaddress 10.77.0.1
cmdport 0
bindcmdaddress /
pidfile $srv/chronyd.pid
CONF
# -x: serve the build host's clock, never adjust it; -u root: the pid file
# is in the test's directory.
ip netns exec "$ns" chronyd -x -u root -f "$srv/chrony.conf" -L 0 -l "$srv/chronyd.log"
for _ in $(seq 50); do
	ip netns exec "$ns" ss -Hlun "sport = 123" | grep -q . && break
	sleep 0.1
done
if ! ip netns exec "$ns" ss -Hlun "sport = 123" | grep -q .; then
	fail ntp-sync-server "chronyd serving on 10.77.0.1:123" "$(tail -n 3 "$srv/chronyd.log" 2>/dev/null)"
	exit 1
fi

# QEMU runs in the namespace, where the tap is; vm_start calls it by name.
qemu-system-x86_64() {
	exec ip netns exec "$ns" qemu-system-x86_64 "$@"
}
vm_start "$vm_dir" -- -rtc base="$(date -u -d '-1 year' +%Y-%m-%dT%H:%M:%S)" \
	-netdev tap,id=ntp,ifname=ntp0,script=no,downscript=no \
	-device virtio-net-pci,netdev=ntp,mac=52:54:00:b3:17:02,romfile=
vm_wait_console ntp-sync-boot 180

# The guest's clock starts a year behind the host's.
guest=$(vm_run 'date +%s')
if [ -n "$guest" ] && [ $(($(date +%s) - guest)) -gt 86400 ]; then
	pass ntp-sync-starts-off
else
	fail ntp-sync-starts-off "a guest clock a year behind" "$guest against $(date +%s)"
fi

# chronyd steps it: within a second of the host's. busybox date has no
# %N: a guest second g means a time in [g, g+1). vm_run takes a while under
# TCG, so the host's time is taken on both sides of the guest's.
ok=0
for _ in $(seq 60); do
	t0=$(date +%s.%N)
	guest=$(vm_run 'date +%s' 2>/dev/null)
	t1=$(date +%s.%N)
	if [ -n "$guest" ] && awk -v a="$t0" -v g="$guest" -v b="$t1" \
		'BEGIN { exit !(g + 1 > a - 1 && g < b + 1) }'; then
		ok=1
		break
	fi
	sleep 2
done
if [ $ok = 1 ]; then
	pass ntp-sync-stepped
else
	fail ntp-sync-stepped "the guest clock within 1 s of the host's" \
		"guest $guest, host $t0..$t1; chronyd: $(vm_console | grep -i chronyd | tail -n 2)"
fi

# Stepped, not slewed: chronyd's own line, which the keeper sends to the
# kernel log.
if vm_run 'dmesg' | grep -q 'System clock wrong by'; then
	pass ntp-sync-step-logged
else
	fail ntp-sync-step-logged "chronyd's 'System clock wrong by' in the kernel log" \
		"'$(vm_run 'dmesg' | grep -iE 'chronyd|clock|step' | tail -n 2)'"
fi

# berthctl status reads the kernel's sync state, which chronyd sets.
st=
for _ in $(seq 60); do
	st=$(vm_run 'berthctl status' 2>/dev/null | grep '^clock: ')
	case $st in "clock: synchronised"*) break ;; esac
	sleep 2
done
case $st in
"clock: synchronised, offset within "*) pass ntp-sync-status ;;
*) fail ntp-sync-status "'clock: synchronised, offset within ...' in berthctl status" "'$st'" ;;
esac

# chronyd (and the helper it forks) runs unprivileged, and its configuration is the generated one.
user=$(vm_run 'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = chronyd ] && stat -c %U $p; done | sort -u')
if [ "$user" = _chrony ]; then
	pass ntp-sync-unprivileged
else
	fail ntp-sync-unprivileged "chronyd running as _chrony" "'$user'"
fi
conf=$(vm_run 'cat /run/berth/chrony/chrony.conf')
if printf '%s\n' "$conf" | grep -qx 'server 10.77.0.1 iburst' &&
	printf '%s\n' "$conf" | grep -qx 'makestep 1 3'; then
	pass ntp-sync-config
else
	fail ntp-sync-config "server 10.77.0.1 and makestep in /run/berth/chrony/chrony.conf" "$conf"
fi
vm_stop
