#!/bin/bash
# SPDX-License-Identifier: MIT
# A/B update figures, in a QEMU guest booted the UEFI way (OVMF, then
# systemd-boot), with a root payload made large by incompressible files in
# the container image (BENCH_UPDATE_MIB, default 64):
#  - apply throughput: root payload bytes / time of `berthctl update apply`
#    of a bundle on a virtio disk, beside a plain dd of the same bytes (from
#    a third virtio disk) to the same inactive slot partition, in the same
#    guest; page cache dropped before each; median of BENCH_RUNS (3);
#  - from `berthctl update apply --reboot` to the new version's container
#    running: host wall clock, and the guest's uptime in the new boot; the
#    runs go 0.1.0 -> 0.2.0, back with --allow-downgrade, and up again;
#  - the same apply and dd on the build host itself, into files (no TCG):
#    what the apply costs where the CPU is not emulated.
# bench/run exports BUILD and TOP. The VM's files stay in $BUILD/bench/update-vm.
. "$TOP/tests/vm/lib.sh"
. "$TOP/tests/vm/update-common"
vm_dir=$BUILD/bench/update-vm
mib=${BENCH_UPDATE_MIB:-64}
runs=${BENCH_RUNS:-3}
upd_require

# bench_stop WHY: nothing more can be measured.
bench_stop() {
	echo "skip: update: $1"
	vm_dump 40
	exit 1
}

# median: the middle of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# big_image: build/images/bench-update, busybox plus $mib MiB of
# pseudo-random files (seeded: the same bytes on every build).
big_image() {
	local img=$BUILD/images/bench-update stamp
	"$TOP/tests/images/mkbusybox" "$BUILD/images/busybox" || bench_stop "mkbusybox failed"
	stamp="$mib MiB, $(cat "$BUILD/images/busybox/.mkbusybox")"
	[ "$(cat "$img/.bench-update" 2>/dev/null)" = "$stamp" ] && return 0
	rm -rf "$img.tmp"
	cp -a "$BUILD/images/busybox" "$img.tmp"
	mkdir "$img.tmp/payload"
	python3 - "$img.tmp/payload" "$mib" <<'EOF' || bench_stop "writing the payload files failed"
import random, sys
r = random.Random(20261122)
for i in range(0, int(sys.argv[2]), 4):
    with open(f"{sys.argv[1]}/blob{i // 4:03d}", "wb") as f:
        f.write(r.randbytes(4 << 20))
EOF
	echo "$stamp" >"$img.tmp/.bench-update"
	rm -rf "$img"
	mv "$img.tmp" "$img"
}

big_image
rm -rf "$vm_dir"
upd_image 0.1.0 "$TOP/bench/manifests/update-v1.yaml" "$vm_dir"
upd_image 0.2.0 "$TOP/bench/manifests/update-v2.yaml" "$vm_dir/v2"
upd_bundle "$vm_dir/v2" "$vm_dir/v2.bundle"
upd_bundle "$vm_dir" "$vm_dir/v1.bundle"
root_bytes=$(stat -c %s "$vm_dir/v2/root.img")
echo "root payload of 0.2.0: $root_bytes bytes; bundle $(stat -c %s "$vm_dir/v2.bundle") bytes"

# /dev/vdb: the 0.2.0 bundle, /dev/vdc: the 0.1.0 bundle, /dev/vdd: the
# 0.2.0 root image alone, for dd.
ro=if=virtio,format=raw,readonly=on
vm_start "$vm_dir" --uefi -- -drive "$ro,file=$vm_dir/v2.bundle" \
	-drive "$ro,file=$vm_dir/v1.bundle" -drive "$ro,file=$vm_dir/v2/root.img"
upd_wait_console "first boot"
# Measure once the boot has settled: its container runs.
vm_wait_for '^web: berth-bench: v1 web up' 300 >/dev/null || bench_stop "the v1 container never ran"
[ "$(upd_booted)" = "a 0.1.0" ] || bench_stop "expected slot a, 0.1.0; got $(upd_booted)"

# The inactive slot's partition, by its GPT name (the console may mix other
# lines into the output: take only the path).
part=$(vm_run 'grep -l "^PARTNAME=berth-root-b$" /sys/class/block/*/uevent' |
	grep -o '^/sys/class/block/[a-z0-9]*/uevent$' | head -n 1)
part=${part%/uevent}
part=${part##*/}
[ -n "$part" ] || bench_stop "no partition named berth-root-b in the guest"
part=/dev/$part
echo "slot b is $part"

# Everything in the guest is timed by its /proc/uptime (10 ms steps), from
# a cold page cache. Each output line of the timed command gets the uptime
# it came at, so that the apply's two passes (verify, then write) show.
cold='sync; echo 3 >/proc/sys/vm/drop_caches; read a _ </proc/uptime; echo "at $a start"'
stamp='2>&1 | while read -r l; do read u _ </proc/uptime; echo "at $u $l"; done'
# took FILE: seconds from the start line to the last line of FILE.
took() {
	awk '/^at [0-9.]+ / { if (!t0) t0 = $2; t = $2 } END { print t - t0 }' "$1"
}
for i in $(seq "$runs"); do
	vm_run "$cold; busybox dd if=/dev/vdd of=$part bs=1M conv=fsync $stamp" 600 >"$vm_dir/dd-$i.out"
	took "$vm_dir/dd-$i.out" >>"$vm_dir/dd.s"
	vm_run "$cold; berthctl update apply /dev/vdb $stamp" 600 >"$vm_dir/apply-$i.out"
	grep -q 'is in slot b' "$vm_dir/apply-$i.out" ||
		bench_stop "apply run $i failed: $(tail -n 3 "$vm_dir/apply-$i.out")"
	took "$vm_dir/apply-$i.out" >>"$vm_dir/apply.s"
	# The first pass ends with the last "verified" line.
	awk '/^at [0-9.]+ / { if (!t0) t0 = $2 } / verified$/ { v = $2 } END { print v - t0 }' \
		"$vm_dir/apply-$i.out" >>"$vm_dir/verify.s"
	echo "run $i: dd $(tail -n 1 "$vm_dir/dd.s") s, apply $(tail -n 1 "$vm_dir/apply.s") s" \
		"(verify pass $(tail -n 1 "$vm_dir/verify.s") s)"
done
# What the apply is made of: reading the bundle, and SHA-256 in the guest.
vm_run "$cold; { cat /dev/vdd >/dev/null; echo read; } $stamp" 600 >"$vm_dir/read.out"
vm_run "cat /dev/vdd >/dev/null; read a _ </proc/uptime; echo \"at \$a start\"; sha256sum /dev/vdd $stamp" 600 >"$vm_dir/sha.out"

dd_s=$(median <"$vm_dir/dd.s")
apply_s=$(median <"$vm_dir/apply.s")
verify_s=$(median <"$vm_dir/verify.s")
mbs() { awk -v b="$root_bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
echo "figure: update-apply-root: $(mbs "$apply_s") MB/s (berthctl update apply, root payload of $((root_bytes / 1000000)) MB over the whole apply, $apply_s s, from a virtio disk, QEMU TCG, median of $runs)"
echo "peer: update-apply-root: $(mbs "$dd_s") MB/s (dd bs=1M conv=fsync of the same bytes to the same partition, $dd_s s)"
echo "figure: update-apply-vs-dd: $(awk -v a="$apply_s" -v d="$dd_s" 'BEGIN { printf "%.0f", 100 * d / a }') % (apply throughput over dd's; target >= 80)"
echo "figure: update-apply-verify-pass: $verify_s s (of the $apply_s s: reading and hashing the whole bundle before a byte is written; the rest writes, hashing again only a bundle others than root could change)"
echo "figure: update-guest-read: $(mbs "$(took "$vm_dir/read.out")") MB/s (cat of the root payload's disk to /dev/null, cold cache)"
echo "figure: update-guest-sha256: $(mbs "$(took "$vm_dir/sha.out")") MB/s (busybox sha256sum of the root payload from the page cache)"

# From apply --reboot to the new version's container: typed into the debug
# shell as is (the shell never returns: the guest reboots).
# reboot_run CMD VERSION: one run; appends wall and uptime figures.
reboot_run() {
	local t0 t1 t2 line up
	vm_mark
	t0=$(date +%s.%N)
	printf '%s\n' "$1" >"$vm_sock/console.in"
	vm_wait_for 'reboot: Restarting system' 900 >/dev/null ||
		bench_stop "no reboot after: $1"
	t1=$(date +%s.%N)
	line=$(vm_wait_for "^web: berth-bench: v$2 web up at [0-9.]+ s" 600) ||
		bench_stop "no v$2 container after: $1"
	t2=$(date +%s.%N)
	up=$(sed -n 's/.* up at \([0-9.]*\) s.*/\1/p' <<<"$line")
	echo "reboot run to v$2: apply and shutdown $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s," \
		"boot to container $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s, uptime $up s"
	awk -v a="$t0" -v b="$t2" 'BEGIN { printf "%.1f\n", b - a }' >>"$vm_dir/reboot-wall.s"
	awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f\n", b - a }' >>"$vm_dir/reboot-boot.s"
	echo "$up" >>"$vm_dir/reboot-uptime.s"
	upd_wait_console "boot of v$2"
	upd_wait_status '.booted.state' confirmed 180 >/dev/null ||
		bench_stop "the boot of v$2 was not confirmed"
}
for i in $(seq "$runs"); do
	if [ $((i % 2)) = 1 ]; then
		reboot_run 'berthctl update apply --reboot /dev/vdb' 2
	else
		reboot_run 'berthctl update apply --allow-downgrade --reboot /dev/vdc' 1
	fi
done
echo "figure: update-apply-reboot-running: $(median <"$vm_dir/reboot-wall.s") s (host wall clock from berthctl update apply --reboot to the new version's container line: apply, shutdown, OVMF, systemd-boot, boot; QEMU TCG, median of $runs)"
echo "figure: update-reboot-running: $(median <"$vm_dir/reboot-boot.s") s (host wall clock from the kernel's reboot line to the new version's container line: OVMF, systemd-boot, boot)"
echo "figure: update-new-boot-uptime: $(median <"$vm_dir/reboot-uptime.s") s (guest uptime in the new boot when its container starts)"
vm_kill

# The same apply on the build host, natively: BERTH_UPDATE_ROOT (see
# lib/update/slots.h) lays a host out in files, slot b a file as large as a slot;
# beside dd of the same bytes to that file. Both read a bundle that is in
# the page cache (the host's cache is not ours to drop).
host=$BUILD/bench/update-host
host_run() {
	local a b
	rm -rf "$host"
	mkdir -p "$host/esp/loader/entries" "$host/state"
	echo "console=ttyS0 berth.slot=a" >"$host/cmdline"
	echo "VERSION_ID=0.1.0" >"$host/os-release"
	printf 'title a\nsort-key berth\nversion 1\n' >"$host/esp/loader/entries/berth-0.1.0-a.conf"
	cp "$BUILD/keys/update.pub" "$host/update.pub"
	truncate -s 256M "$host/root-a" "$host/root-b"
	cat "$vm_dir/v2.bundle" "$vm_dir/v2/root.img" >/dev/null
	a=$(date +%s.%N)
	dd if="$vm_dir/v2/root.img" of="$host/root-b" bs=1M conv=fsync,notrunc status=none
	b=$(date +%s.%N)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b - a }' >>"$vm_dir/host-dd.s"
	a=$(date +%s.%N)
	BERTH_UPDATE_ROOT=$host "$BUILD/berthctl" update apply "$vm_dir/v2.bundle" >"$host.log" 2>&1 ||
		bench_stop "apply on the build host failed: $(tail -n 1 "$host.log")"
	b=$(date +%s.%N)
	awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", b - a }' >>"$vm_dir/host-apply.s"
}
for i in $(seq "$runs"); do
	host_run
done
rm -rf "$host"
dd_s=$(median <"$vm_dir/host-dd.s")
apply_s=$(median <"$vm_dir/host-apply.s")
echo "figure: update-apply-root-native: $(mbs "$apply_s") MB/s (the same apply on the build host into a file standing for slot b, bundle in the page cache, $apply_s s, median of $runs)"
echo "peer: update-apply-root-native: $(mbs "$dd_s") MB/s (dd bs=1M conv=fsync of the same bytes to that file, $dd_s s)"
echo "figure: update-apply-vs-dd-native: $(awk -v a="$apply_s" -v d="$dd_s" 'BEGIN { printf "%.0f", 100 * d / a }') % (apply over dd on the build host)"
