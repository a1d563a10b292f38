#!/bin/bash
# SPDX-License-Identifier: MIT
# Boot phases of berth hosts under QEMU TCG (-smp 1, 1 GiB, the kernel
# booted directly as tests/vm/lib.sh does), BOOTS boots each (default 3),
# medians, for two hosts:
#   - demo: examples/demo.yaml (static address, bridge, two containers);
#   - dhcp: a DHCP host with one container on the bridge and one with
#     network_mode none; the DHCP lease itself is printed apart.
# Phases: kernel = host wall clock from QEMU's start to init's "stage 1
# start" (QEMU, the kernel; guest uptime can read 0 through it, so the wall
# clock, from tests/tools/console-reader's stamps); stage 1 = stage 1 start
# to stage 2 start; supervisor = stage 1 start to "supervisor started";
# netsetup = stage 2 start to "netsetup finished" (guest uptime, from init's
# lines); first exec = stage 1 start to the first "container X: started"
# (wall clock); ready = stage 1 start to "supervisor ready" (uptime).
# Peer: Debian 12 (debootstrap minbase + systemd-sysv and udev, cached in
# $BERTH_CACHE) booting systemd to multi-user.target with the same kernel
# and QEMU flags, from QEMU's start to a unit ordered after
# multi-user.target writing to the console (wall clock). Asserts nothing.
set -u
: "${BUILD:?run through bench/run}" "${TOP:?run through bench/run}"
BOOTS=${BOOTS:-3}
cache=${BERTH_CACHE:-/var/cache/berth}
. "$TOP/tests/vm/lib.sh"
skip() { echo "skip: boot: $2"; }
vm_require
dir=$BUILD/bench/boot
mkdir -p "$dir"

median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1;
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d\n", m }'
}
ms() { awk -v t="${1%s}" 'BEGIN { printf "%d", t * 1000 + 0.5 }'; }

cat >"$dir/dhcp.yaml" <<'YAML'
version: 1
host: {hostname: bench-dhcp, debug_console: true}
network:
  interfaces: [{name: eth0, dhcp: true}]
containers:
  web:
    image: dir:build/images/busybox
    command: ["httpd", "-f", "-p", "8080", "-h", "/"]
  ticker:
    image: dir:build/images/busybox
    command: ["sh", "-c", "while true; do date; sleep 60; done"]
    network_mode: none
YAML

# boot_host NAME MANIFEST: BOOTS boots; figure lines of the medians.
boot_host() {
	local name=$1 out=$dir/$1 i s1 s2 sup net rdy w1 wexec lease
	vm_build_container_image "$2" "$out" >/dev/null || { echo "skip: boot: no image of $2"; return; }
	: >"$dir/$name.kernel" >"$dir/$name.stage1" >"$dir/$name.sup" >"$dir/$name.net"
	: >"$dir/$name.exec" >"$dir/$name.ready" >"$dir/$name.lease"
	for i in $(seq "$BOOTS"); do
		vm_start "$out"
		if ! vm_wait_for '^berth-init: supervisor ready at ' 120 >/dev/null ||
			! vm_wait_for '^supervisor: container [a-z]+: started' 30 >/dev/null; then
			echo "skip: boot: $name: no ready supervisor and started container within 150 s"
			vm_kill
			return
		fi
		lease=
		if [ "$name" = dhcp ] && vm_wait_console "boot-$name" 60; then
			# The lease's lines go to the kernel log (netsetup/keeper.c).
			for _ in $(seq 30); do
				lease=$(vm_run 'dmesg | sed -n "s/^\[ *\([0-9.]*\)\] netsetup: eth0: added .*/\1/p" | head -n 1' 30)
				[ -n "$lease" ] && break
				sleep 1
			done
		fi
		vm_kill
		s1=$(ms "$(vm_uptime 'stage 1 start')") s2=$(ms "$(vm_uptime 'stage 2 start')")
		sup=$(ms "$(vm_uptime 'supervisor started')") net=$(ms "$(vm_uptime 'netsetup finished')")
		rdy=$(ms "$(vm_uptime 'supervisor ready')")
		w1=$(ms "$(vm_wall '^berth-init: stage 1 start at ')")
		wexec=$(ms "$(vm_wall '^supervisor: container [a-z]+: started')")
		echo "$w1" >>"$dir/$name.kernel"
		echo $((s2 - s1)) >>"$dir/$name.stage1"
		echo $((sup - s1)) >>"$dir/$name.sup"
		echo $((net - s2)) >>"$dir/$name.net"
		echo $((wexec - w1)) >>"$dir/$name.exec"
		echo $((rdy - s1)) >>"$dir/$name.ready"
		[ -n "$lease" ] && echo $(($(ms "$lease") - net)) >>"$dir/$name.lease"
		echo "boot $i of $name: $(vm_console | grep -E '^berth-init: ' | tr '\n' ' ')"
	done
	echo "figure: boot-$name-kernel: $(median <"$dir/$name.kernel") ms (QEMU start to stage 1 start, wall clock, median of $BOOTS)"
	echo "figure: boot-$name-stage1: $(median <"$dir/$name.stage1") ms (stage 1 start to stage 2 start, guest uptime)"
	echo "figure: boot-$name-supervisor: $(median <"$dir/$name.sup") ms (stage 1 start to supervisor started; target 150)"
	echo "figure: boot-$name-netsetup: $(median <"$dir/$name.net") ms (stage 2 start to netsetup finished, beside the supervisor)"
	echo "figure: boot-$name-first-exec: $(median <"$dir/$name.exec") ms (stage 1 start to the first container started, wall clock; target 300)"
	echo "figure: boot-$name-ready: $(median <"$dir/$name.ready") ms (stage 1 start to supervisor ready: every container started)"
	[ -s "$dir/$name.lease" ] &&
		echo "figure: boot-$name-dhcp-lease: $(median <"$dir/$name.lease") ms (netsetup finished to the lease's address added, guest uptime; netsetup does not wait for it, so it is in no phase above)"
	echo "figure: boot-$name-total: $(( $(median <"$dir/$name.kernel") + $(median <"$dir/$name.exec") )) ms (QEMU start to the first container started)"
}

boot_host demo "$TOP/examples/demo.yaml"
boot_host dhcp "$dir/dhcp.yaml"

# ---- the peer: Debian 12 with systemd, same kernel, same QEMU flags ----
peer() {
	local tree=$cache/debian-bookworm-systemd img=$dir/debian.img i w
	MKDEBIAN_INCLUDE=systemd-sysv,udev "$TOP/tests/images/mkdebian" "$tree" >"$dir/mkdebian.log" 2>&1 ||
		{ echo "skip: boot: peer: no Debian tree: $(tail -n 1 "$dir/mkdebian.log")"; return; }
	if [ ! -f "$img" ] || [ "$tree/.mkdebian" -nt "$img" ] || [ "$0" -nt "$img" ]; then
		rm -rf "$dir/debian.tree"
		cp -a "$tree" "$dir/debian.tree" || return
		# The mark: a oneshot after multi-user.target, on the console.
		cat >"$dir/debian.tree/etc/systemd/system/bench-mark.service" <<'EOF'
[Unit]
Description=boot bench mark
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "bench-mark: multi-user.target at $(cut -d" " -f1 /proc/uptime)" >/dev/ttyS0'
[Install]
WantedBy=multi-user.target
EOF
		mkdir -p "$dir/debian.tree/etc/systemd/system/multi-user.target.wants"
		ln -sf ../bench-mark.service "$dir/debian.tree/etc/systemd/system/multi-user.target.wants/"
		echo bench-debian >"$dir/debian.tree/etc/hostname"
		rm -f "$img"
		mkfs.ext4 -q -d "$dir/debian.tree" -L debian "$img" 2G >"$dir/mkfs.log" 2>&1 ||
			{ echo "skip: boot: peer: mkfs.ext4 -d failed: $(tail -n 1 "$dir/mkfs.log")"; return; }
		rm -rf "$dir/debian.tree"
	fi
	mkdir -p "$dir/debian"
	cp "$dir/demo/bzImage" "$dir/debian/bzImage"
	: >"$dir/peer.ms"
	for i in $(seq "$BOOTS"); do
		cp --sparse=always "$img" "$dir/debian/disk.img"
		vm_start "$dir/debian" --cmdline "console=ttyS0 root=/dev/vda rw quiet panic=5"
		if ! vm_wait_for '^bench-mark: multi-user.target at ' 180 >/dev/null; then
			echo "skip: boot: peer: Debian did not reach multi-user.target within 180 s: $(vm_console | tail -n 2 | tr '\n' ' ')"
			vm_kill
			return
		fi
		w=$(vm_wall '^bench-mark: multi-user.target at ')
		vm_kill
		echo "peer boot $i: $w s wall, $(vm_console | grep -m 1 '^bench-mark:')"
		ms "$w" >>"$dir/peer.ms"
		echo >>"$dir/peer.ms"
	done
	echo "peer: boot-total: $(median <"$dir/peer.ms") ms (Debian 12, systemd to multi-user.target, QEMU start to a unit after it, same kernel and QEMU flags, median of $BOOTS)"
}
peer
