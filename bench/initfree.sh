#!/bin/bash
# SPDX-License-Identifier: MIT
# What init_on_free=1 (the kernel config's default, KSPP) costs at boot: the
# kernel zeroes every page it frees, and at boot it frees all of RAM. Builds
# two images of a debug host, one as shipped and one with host.init_on_free:
# false, and boots each one's kernel directly (-kernel/-initrd/-append with
# the image's slot-a command line, as tests/vm/lib.sh does) at each RAM size
# of BENCH_INITFREE_MIB (default "512 2048"), BENCH_RUNS times (default 2);
# the figure is host wall clock from QEMU's start to init's "stage 1 start"
# console line (guest uptime can read 0 through that phase), the least of
# the runs: on a shared machine other load only ever adds time. Prints
# figure: lines (bench/run); asserts nothing. Files in $BUILD/bench/initfree.
set -u
dir=$BUILD/bench/initfree
sizes=${BENCH_INITFREE_MIB:-512 2048}
runs=${BENCH_RUNS:-2}
command -v qemu-system-x86_64 >/dev/null || { echo "skip: initfree: no qemu-system-x86_64"; exit 0; }
mkdir -p "$dir"

for v in on off; do
	m=$dir/$v.yaml
	printf 'version: 1\nhost:\n  hostname: bench\n  debug_console: true\n' >"$m"
	[ $v = off ] && printf '  init_on_free: false\n' >>"$m"
	"$TOP/image/mkimage" -i "$BUILD" "$m" "$dir/$v" >"$dir/$v.log" 2>&1 ||
		{ echo "skip: initfree: mkimage of $m failed (log: $dir/$v.log)"; exit 1; }
	echo "cmdline $v: $(cat "$dir/$v/cmdline-a")"
done

# boot IMAGE MIB: seconds from QEMU's start to "stage 1 start" on the console.
boot() {
	local out=$1 log=$dir/console.log pid t0 t1=''
	: >"$log"
	t0=$(date +%s.%N)
	qemu-system-x86_64 -accel tcg -machine q35 -m "$2" -smp 1 \
		-nodefaults -display none -no-user-config -no-reboot \
		-kernel "$out/bzImage" -initrd "$out/initramfs.img" -append "$(cat "$out/cmdline-a")" \
		-serial "file:$log" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 1 1200); do
		if grep -q 'stage 1 start' "$log"; then
			t1=$(date +%s.%N)
			break
		fi
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	[ -n "$t1" ] && awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

for mib in $sizes; do
	for v in on off; do
		all=''
		for _ in $(seq 1 "$runs"); do
			s=$(boot "$dir/$v" "$mib")
			[ -n "$s" ] || { echo "skip: initfree: no 'stage 1 start' within 60 s ($v, $mib MiB)"; exit 1; }
			all="$all $s"
		done
		least=$(echo "$all" | tr ' ' '\n' | sed '/^$/d' | sort -g | head -n 1)
		echo "figure: initfree-$v-${mib}m: $least s (QEMU start to stage 1 start, TCG, init_on_free $v, least of:$all)"
		eval "least_${v}_$mib=$least"
	done
done
# The cost per GiB of RAM: on minus off, over the RAM, at each size.
for mib in $sizes; do
	on=$(eval echo "\$least_on_$mib") off=$(eval echo "\$least_off_$mib")
	echo "figure: initfree-cost-${mib}m: $(awk -v a="$on" -v b="$off" -v m="$mib" \
		'BEGIN { printf "%.2f s/GiB (%.2f s at %d MiB)", (a - b) * 1024 / m, a - b, m }')"
done
