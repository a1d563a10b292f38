#!/bin/bash
# SPDX-License-Identifier: MIT
# The supervisor's figures, measured in a QEMU (TCG) guest booted from a
# debug test image (docs/supervisor.md, Performance):
#  (a) start latency of a container running /bin/true, median of 100: from
#      the supervisor's decision to start it to the supervisor seeing its
#      exec (the close-on-exec error pipe closing), as it prints in
#      "started, pid N (start took X ms)". The 100 containers form a
#      depends_on chain (service_completed_successfully), so each start is
#      decided by the supervisor itself, with nothing else running. Peer, in
#      the same guest: Debian's crun on the same image directory with the
#      same namespaces, capabilities, masked paths and syscall deny list,
#      "crun create" + "crun start" (the same span: to the container's
#      release to exec), and "crun run" (to its exit and removal).
#  (b) 200 containers declared (sleeps): time until all run, as the
#      supervisor prints it; its Pss (smaps_rollup); its CPU time over 10 s
#      with everything running and nothing happening.
#  (c) (a)'s chain on the build host itself, without VM, for scale.
#   bench/supervisor.sh [latency|many|host]    (default: all three)
# crun is not part of any berth image: it, the libraries it loads and the
# OCI bundle come in on a second virtio disk that only this bench attaches.
# Prints figure:/peer: lines (bench/run); asserts nothing.
set -u
: "${BUILD:?run through bench/run}" "${TOP:?run through bench/run}"
. "$TOP/tests/vm/lib.sh"
vm_require

dir=$BUILD/bench/supervisor
mkdir -p "$dir"
images=/usr/share/berth/images/build/images/busybox

# median: of the numbers on stdin, one a line.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "none"; exit }
		if (NR % 2) printf "%.3f\n", v[(NR + 1) / 2]
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# manifest_chain N: N containers running /bin/true, each started once the
# one before has exited 0.
manifest_chain() {
	printf 'version: 1\nhost:\n  hostname: bench\n  debug_console: true\ncontainers:\n'
	local i prev=
	for i in $(seq -f %03g "$1"); do
		printf '  t%s:\n    image: dir:build/images/busybox\n' "$i"
		printf '    command: ["/bin/true"]\n    network_mode: none\n    read_only: true\n'
		[ -n "$prev" ] && printf '    depends_on: {t%s: {condition: service_completed_successfully}}\n' "$prev"
		prev=$i
	done
}

# manifest_many N: N long-running containers, all startable at once.
manifest_many() {
	printf 'version: 1\nhost:\n  hostname: bench\n  debug_console: true\ncontainers:\n'
	local i
	for i in $(seq -f %03g "$1"); do
		printf '  c%s:\n    image: dir:build/images/busybox\n' "$i"
		printf '    command: ["/bin/sleep", "1000000"]\n    network_mode: none\n'
	done
}

# crun_config ROOT: an OCI runtime config as close to a berth container
# with network_mode none and read_only as crun allows: the same
# namespaces, default capabilities, masked and read-only paths, /dev
# mounts, pids limit and the syscalls berth's default profile refuses
# (by name; berth's argument checks on clone and personality are left out).
crun_config() {
	local caps denied
	caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID",
		"CAP_SETUID","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"]'
	denied="acct add_key bpf clock_adjtime clock_settime create_module delete_module
		finit_module fsconfig fsmount fsopen fspick get_kernel_syms get_mempolicy
		init_module ioperm iopl kcmp kexec_file_load kexec_load keyctl lookup_dcookie
		mbind mount mount_setattr move_mount move_pages name_to_handle_at nfsservctl
		open_by_handle_at open_tree perf_event_open pidfd_getfd pivot_root
		process_vm_readv process_vm_writev ptrace query_module quotactl quotactl_fd
		reboot request_key set_mempolicy setns settimeofday stime swapoff swapon sysfs
		_sysctl syslog umount umount2 unshare uselib userfaultfd ustat vhangup vm86
		vm86old io_uring_setup io_uring_enter io_uring_register"
	jq -n --arg root "$1" --argjson caps "$caps" --arg denied "$denied" '{
	ociVersion: "1.0.2",
	process: {terminal: false, user: {uid: 0, gid: 0}, args: ["/bin/true"],
		env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		cwd: "/", noNewPrivileges: true,
		capabilities: {bounding: $caps, effective: $caps, permitted: $caps}},
	root: {path: $root, readonly: true},
	hostname: "bench",
	mounts: [
		{destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
		{destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "mode=755", "size=64k"]},
		{destination: "/dev/pts", type: "devpts", source: "devpts",
			options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
		{destination: "/dev/shm", type: "tmpfs", source: "shm",
			options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
		{destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]}],
	linux: {
		namespaces: [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"},
			{type: "mount"}, {type: "cgroup"}],
		cgroupsPath: "/berth-bench-crun",
		resources: {pids: {limit: 4096}},
		maskedPaths: ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
			"/sys/firmware"],
		readonlyPaths: ["/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"],
		seccomp: {defaultAction: "SCMP_ACT_ALLOW",
			architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
			syscalls: [{names: [$denied | splits("\\s+") | select(length > 0)], action: "SCMP_ACT_ERRNO", errnoRet: 1},
				{names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38}]}}}'
}

# crun_disk IMG: an ext4 image with crun, the libraries it loads, the
# timing helper (bench/crun-bench.c, static) and the bundle.
crun_disk() {
	local stage=$dir/crun-disk crun lib
	crun=$(command -v crun) || return 1
	rm -rf "$stage"
	mkdir -p "$stage/lib" "$stage/bundle"
	cp "$crun" "$stage/crun"
	for lib in $(ldd "$crun" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		cp -L "$lib" "$stage/lib/"
	done
	cc -O2 -Wall -Wextra -Werror -static -o "$stage/crun-bench" "$TOP/bench/crun-bench.c" || return 1
	crun_config "$images" >"$stage/bundle/config.json" || return 1
	rm -f "$1"
	truncate -s 64M "$1"
	mkfs.ext4 -q -F -d "$stage" "$1"
}

# The supervisor's PID in the guest, and what a shell there needs to find it.
find_sv='for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = supervisor ] && s=${p#/proc/}; done'

bench_latency() {
	local n=100 lat out crun_ok=1
	manifest_chain $n >"$dir/chain.yaml"
	vm_build_container_image "$dir/chain.yaml" "$dir/chain"
	if ! command -v crun >/dev/null; then
		echo "skip: crun: not installed (apt-get install crun; scripts/packages)"
		crun_ok=0
	elif ! crun_disk "$dir/crun.img" >"$dir/crun-disk.log" 2>&1; then
		echo "skip: crun: the bench disk could not be made: $(tail -n 1 "$dir/crun-disk.log")"
		crun_ok=0
	fi
	if [ $crun_ok = 1 ]; then
		vm_start "$dir/chain" -- -drive "if=virtio,format=raw,readonly=on,file=$dir/crun.img"
	else
		vm_start "$dir/chain"
	fi
	if ! vm_wait_for "container t$n: exited with status 0" 900 >/dev/null; then
		echo "skip: start-latency: the chain of $n did not finish within 900 s"
		vm_dump 5
		vm_kill
		return
	fi
	lat=$(vm_console | sed -n 's/.*container t[0-9]*: started, pid [0-9]* (start took \([0-9.]*\) ms).*/\1/p')
	echo "figure: start-latency: $(median <<<"$lat") ms (median of $(wc -l <<<"$lat"): decision to start -> exec seen, /bin/true, QEMU TCG guest)"
	echo "figure: start-latency-min: $(sort -n <<<"$lat" | head -n 1) ms (fastest of the same $(wc -l <<<"$lat"))"
	if [ $crun_ok = 1 ]; then
		out=$(vm_run "mkdir -p /tmp/b && mount -t ext4 -o ro /dev/vdb /tmp/b &&
			LD_LIBRARY_PATH=/tmp/b/lib /tmp/b/crun-bench $n /tmp/b/crun /tmp/b/bundle" 1800)
		printf '%s\n' "$out" >"$dir/crun.out"
		if [ "$(grep -c '^create+start ' <<<"$out")" = $n ]; then
			echo "peer: start-latency: $(sed -n 's/^create+start //p' <<<"$out" | median) ms (crun 1.8 create + start, median of $n, same guest, image and namespaces)"
			echo "peer: start-latency-run: $(sed -n 's/^run //p' <<<"$out" | median) ms (crun run: to /bin/true's exit and removal, median of $(grep -c '^run ' <<<"$out"))"
			echo "peer: start-latency-crun-exec: $(sed -n 's/^version //p' <<<"$out" | median) ms (crun --version: what starting the crun program costs of the above, median of $(grep -c '^version ' <<<"$out"))"
		else
			echo "skip: crun: crun-bench did not finish: $(grep -v '^create+start \|^run \|^version ' <<<"$out" | tail -n 2 | paste -sd' ')"
		fi
	fi
	vm_kill
}

bench_many() {
	local n=200 line out pss cpu
	manifest_many $n >"$dir/many.yaml"
	vm_build_container_image "$dir/many.yaml" "$dir/many"
	vm_start "$dir/many"
	if ! line=$(vm_wait_for "all $n containers running, [0-9]+ ms after" 1200); then
		echo "skip: $n-containers: not all running within 1200 s: $(vm_console | grep -E 'supervisor: ' | tail -n 1)"
		vm_kill
		return
	fi
	echo "figure: $n-containers-all-running: $(sed 's/.*running, \([0-9]*\) ms after.*/\1/' <<<"$line") ms (from the supervisor's start to the last exec, as it prints)"
	out=$(vm_run "$find_sv
echo \"pss \$(sed -n 's/^Pss: *\([0-9]*\) kB/\1/p' /proc/\$s/smaps_rollup)\"
echo \"rss \$(sed -n 's/^Rss: *\([0-9]*\) kB/\1/p' /proc/\$s/smaps_rollup)\"
echo \"fds \$(ls /proc/\$s/fd | wc -l)\"
set -- \$(cut -d' ' -f14,15 /proc/\$s/stat); a=\$((\$1 + \$2))
sleep 10
set -- \$(cut -d' ' -f14,15 /proc/\$s/stat); echo \"cpu \$((\$1 + \$2 - a))\"
echo \"memavail \$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)\"
echo \"memtotal \$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)\"" 120)
	printf '%s\n' "$out" >"$dir/many.out"
	pss=$(sed -n 's/^pss //p' <<<"$out")
	cpu=$(sed -n 's/^cpu //p' <<<"$out")
	echo "figure: $n-containers-supervisor-pss: ${pss:-?} kB (smaps_rollup; Rss $(sed -n 's/^rss //p' <<<"$out") kB, $(sed -n 's/^fds //p' <<<"$out") fds)"
	echo "figure: $n-containers-idle-cpu: $((${cpu:-0} * 10)) ms (supervisor utime+stime over 10 s idle, in 10 ms ticks)"
	echo "figure: $n-containers-guest-memory-used: $(( ($(sed -n 's/^memtotal //p' <<<"$out") - $(sed -n 's/^memavail //p' <<<"$out")) / 1024 )) MiB (MemTotal - MemAvailable, whole guest)"
	vm_kill
}

# The same chain on the build host itself, no VM, through the host tests'
# harness (tests/host/sv-common: root, the supervisor in its own
# namespaces): what the start costs without TCG. No crun beside it: the
# build host's hybrid cgroup layout is one crun refuses.
bench_host() {
	(
		. "$TOP/tests/host/sv-common"
		sv_init bench-chain >/dev/null
		manifest_chain 100 | sed 's|dir:build/images/busybox|dir:busybox|; /debug_console/d' >"$WORK/m.yaml"
		sv_start "$WORK/m.yaml"
		sv_wait_for 'container t100: exited' 120 || skip "the chain did not finish within 120 s"
		lat=$(sed -n 's/.*container t[0-9]*: started, pid [0-9]* (start took \([0-9.]*\) ms).*/\1/p' "$OUT")
		echo "figure: start-latency-host: $(median <<<"$lat") ms (median of $(wc -l <<<"$lat"), the same chain on the build host, no VM)"
	) | grep -E '^(figure|skip): '
}

case "${1:-all}" in
latency) bench_latency ;;
many) bench_many ;;
host) bench_host ;;
*) bench_host; bench_latency; bench_many ;;
esac
