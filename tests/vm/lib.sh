# SPDX-License-Identifier: MIT
# The helper library of the VM tests (tests/vm/*.sh source it): build a test
# image, boot it under QEMU (TCG), wait for console lines, run commands in
# the debug console, stop or kill the VM, report results. tests/run exports
# BUILD and TOP. One VM per test at a time; it is always killed on exit.
#
#   . "$(dirname "$0")/lib.sh"
#   vm_require
#   vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"
#   vm_start "$vm_dir" [--uefi|--secureboot] [--net OPTS] [--logwrites LOG] [-- QEMU-ARGS...]
#   vm_wait_for 'berth-init: stage 2 start' 60 || fail NAME "stage 2" "nothing"
#   vm_wait_console NAME-boot 120
#   out=$(vm_run 'cat /proc/mounts')
#   vm_stop
#
# The network is QEMU user networking with restrict=on: the guest reaches
# nothing; forwards that a test adds (hostfwd, guestfwd) use 127.0.0.1 only.

set -u
: "${BUILD:?tests/run exports BUILD}" "${TOP:?tests/run exports TOP}"
export LC_ALL=C

vm_test=$(basename "$0" .sh)
# The test's own directory: its image and logs stay there after the run.
vm_dir=$BUILD/vm/$vm_test
vm_pid=
vm_reader=
vm_sock=
vm_log=
vm_from=0

# Results, in the protocol of tests/run. fail also shows where the guest was.
pass() {
	echo "pass: $1"
}
skip() {
	echo "skip: $1: $2"
}
fail() {
	echo "fail: $1: expected $2, got $3"
	vm_dump
}

# vm_dump [LINES]: the end of the console log, for a failure's context.
vm_dump() {
	[ -n "$vm_log" ] && [ -f "$vm_log" ] || return 0
	echo "---- last ${1:-30} console lines ($vm_log)"
	tr -d '\r' <"$vm_log" | tail -n "${1:-30}"
	echo "----"
}

# vm_require: skips the whole test (exit 0) when what it needs is not built.
vm_require() {
	local k
	command -v qemu-system-x86_64 >/dev/null ||
		{ skip "$vm_test" "qemu-system-x86_64 is not installed"; exit 0; }
	[ -f "$BUILD/init" ] || { skip "$vm_test" "no $BUILD/init (make all)"; exit 0; }
	[ -f "$BUILD/berthctl" ] || { skip "$vm_test" "no $BUILD/berthctl (make all)"; exit 0; }
	k=$(ls "$BUILD/bzImage" /var/cache/berth/kernel-*/bzImage 2>/dev/null | head -n 1)
	[ -n "$k" ] || { skip "$vm_test" "no kernel (make kernel)"; exit 0; }
}

# vm_build_image MANIFEST OUTDIR: builds a disk image of MANIFEST from the
# programs and kernel already in $BUILD. The build log is OUTDIR/mkimage.log.
vm_build_image() {
	mkdir -p "$2"
	if ! "$TOP/image/mkimage" -i "$BUILD" "$1" "$2" >"$2/mkimage.log" 2>&1; then
		echo "fail: $vm_test: expected an image of $1, got a failed build:"
		tail -n 20 "$2/mkimage.log"
		exit 1
	fi
}

# vm_build_container_image MANIFEST OUTDIR: vm_build_image for a manifest
# whose containers use images under dir:build/images/. It makes the busybox
# image from Debian's busybox-static, then runs mkimage from a directory
# whose build/ is $BUILD, since mkimage resolves dir: paths against where it
# runs.
vm_build_container_image() {
	mkdir -p "$2/top"
	if ! "$TOP/tests/images/mkbusybox" "$BUILD/images/busybox" >"$2/mkbusybox.log" 2>&1; then
		echo "fail: $vm_test: expected the busybox image, got: $(tail -n 1 "$2/mkbusybox.log")"
		exit 1
	fi
	ln -sfn "$BUILD" "$2/top/build"
	(cd "$2/top" && vm_build_image "$1" "$2") || exit 1
}

# vm_start OUTDIR [--uefi|--secureboot|--cmdline LINE] [--net OPTS] [--logwrites LOG] [-- QEMU-ARGS...]: boots OUTDIR's
# image in the background. By default the kernel is booted directly (fast:
# no firmware) with the initramfs and the command line of slot a; --uefi
# boots the disk the way a machine does, OVMF then systemd-boot.
# --secureboot does the same with the Secure Boot build of OVMF and an
# empty variable store (setup mode, no keys: the image's systemd-boot
# enrolls its own), kept in OUTDIR/run/ovmf-vars.fd across reboots of
# this QEMU; VM_SB_VARS=FILE starts from a copy of FILE instead. --cmdline
# LINE boots OUTDIR/bzImage with LINE and no initramfs (another system on
# OUTDIR/disk.img: bench/boot.sh's peer). --net adds
# OPTS to the user network (e.g. hostfwd=tcp:127.0.0.1:18080-:80; only ever
# 127.0.0.1). --logwrites serves the disk through QEMU's blklogwrites
# driver, which appends every write and flush the guest issues to LOG
# (emptied first; tests/tools/logwrites.c reads it). The console goes to
# OUTDIR/run/console.log; QEMU-ARGS are added as they are (e.g. -no-reboot).
vm_start() {
	local out=$1 uefi=0 net='' logw='' boot disk run machine=q35 cmdline=''
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--cmdline) cmdline=$2; shift ;;
		--uefi) uefi=1 ;;
		--secureboot) uefi=2 ;;
		--net) net=",$2"; shift ;;
		--logwrites) logw=$2; shift ;;
		--) shift; break ;;
		*) echo "vm_start: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	[ -z "$vm_pid" ] || vm_kill
	run=$out/run
	rm -rf "$run"
	mkdir -p "$run"
	# Sockets and FIFOs live under /tmp: a unix socket path is limited to
	# 108 bytes, and $BUILD may be deep.
	vm_sock=$(mktemp -d /tmp/berth-vm.XXXXXX)
	mkfifo "$vm_sock/console.in" "$vm_sock/console.out"
	vm_log=$run/console.log
	: >"$vm_log"
	: >"$run/console.times"
	vm_from=0
	"$TOP/tests/tools/console-reader" "$vm_sock/console.out" "$vm_log" "$run/console.times" &
	vm_reader=$!
	if [ $uefi = 1 ]; then
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$run/ovmf-vars.fd"
		boot=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
			-drive "if=pflash,format=raw,unit=1,file=$run/ovmf-vars.fd")
	elif [ $uefi = 2 ]; then
		# The Secure Boot build keeps its variables behind SMM, so that
		# only the firmware can write them: QEMU must emulate SMM and
		# protect the variable flash.
		cp "${VM_SB_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}" "$run/ovmf-vars.fd"
		machine=q35,smm=on
		boot=(-global driver=cfi.pflash01,property=secure,value=on
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
			-drive "if=pflash,format=raw,unit=1,file=$run/ovmf-vars.fd")
	elif [ -n "$cmdline" ]; then
		boot=(-kernel "$out/bzImage" -append "$cmdline")
	else
		boot=(-kernel "$out/bzImage" -initrd "$out/initramfs.img"
			-append "$(cat "$out/cmdline-a")")
	fi
	disk=(-drive "if=virtio,format=raw,file=$out/disk.img")
	if [ -n "$logw" ]; then
		: >"$logw"
		disk=(-drive "if=virtio,driver=blklogwrites,file.driver=file,file.filename=$out/disk.img,log.driver=file,log.filename=$logw,log-sector-size=512")
	fi
	# Wall-clock start, for boot time figures.
	vm_started=$(date +%s.%N)
	qemu-system-x86_64 -accel tcg -machine "$machine" -m 1024 -smp 1 \
		-nodefaults -display none -no-user-config \
		"${boot[@]}" \
		"${disk[@]}" \
		-netdev "user,id=net0,restrict=on$net" \
		-device virtio-net-pci,netdev=net0,romfile= \
		-device virtio-rng-pci \
		-serial "pipe:$vm_sock/console" \
		-monitor "unix:$vm_sock/monitor.sock,server=on,wait=off" \
		"$@" >"$run/qemu.log" 2>&1 &
	vm_pid=$!
}

# vm_running: whether QEMU is still there.
vm_running() {
	[ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null
}

# vm_mark: later vm_wait_for calls only look at console output from here on
# (after a reboot, the lines of the first boot must not count).
vm_mark() {
	vm_from=$(stat -c %s "$vm_log")
}

# vm_console: the console output since the mark, without carriage returns
# and without the debug shell's idle prompt ("/ # " and the cursor query
# ESC[6n that busybox ash sends after it) where a line of init's or the
# supervisor's was printed right after it: a prompt has no newline.
vm_console() {
	tail -c +$((vm_from + 1)) "$vm_log" | tr -d '\r' | sed -E 's@^/ # (\x1b\[6n)?@@'
}

# vm_wait_for REGEX [TIMEOUT]: waits until a console line (since the mark)
# matches the extended REGEX; prints it. Fails on timeout or QEMU's exit.
vm_wait_for() {
	local re=$1 end=$((SECONDS + ${2:-60})) line
	while :; do
		line=$(vm_console | grep -E -m 1 -- "$re") && { echo "$line"; return 0; }
		vm_running || { echo "QEMU exited" >&2; return 1; }
		[ $SECONDS -lt $end ] || { echo "timeout" >&2; return 1; }
		sleep 0.2
	done
}

# vm_wait_console NAME [TIMEOUT]: waits for the debug console (a boot up to
# its prompt); else fails NAME with the last line of init's and ends the test.
vm_wait_console() {
	local got
	vm_wait_for '^berth-init: debug console on ' "${2:-120}" >/dev/null && return 0
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail "$1" "the debug console within ${2:-120} s" "${got:-no line from berth-init}"
	exit 1
}

# vm_run CMD [TIMEOUT]: runs CMD in the guest's debug shell and prints its
# output; returns its exit status, or 124 on timeout. The markers are split
# by quotes in what is typed, so the shell's echo of the typed line never
# matches them, only what the shell prints.
vm_run() {
	local cmd=$1 t=${2:-30} n end out rc
	# The counter lives in a file: callers use $(vm_run ...), a subshell,
	# where a shell variable would not advance.
	n=$(($(cat "$vm_sock/seq" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$vm_sock/seq"
	printf '%s\n' "echo '==vm-b''egin-$n=='; { $cmd
} </dev/null; echo \"==vm-e\"\"nd-$n=\$?==\"" >"$vm_sock/console.in"
	end=$(vm_wait_for "^==vm-end-$n=[0-9]+==\$" "$t") || return 124
	rc=${end#"==vm-end-$n="}
	rc=${rc%==}
	out=$(vm_console | sed -n "/^==vm-begin-$n==\$/,/^==vm-end-$n=/p")
	printf '%s\n' "$out" | sed '1d;$d'
	return "$rc"
}

# vm_monitor CMD: one command to the QEMU monitor (HMP), e.g.
# system_powerdown, quit, info status.
vm_monitor() {
	python3 - "$vm_sock/monitor.sock" "$1" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.sendall(sys.argv[2].encode() + b"\n")
# Wait for the prompt after the command, so that QEMU has run it.
buf, end = b"", time.time() + 5
while buf.count(b"(qemu)") < 2 and time.time() < end:
    try:
        data = s.recv(4096)
    except OSError:
        break
    if not data:
        break
    buf += data
EOF
}

# vm_wait_exit [TIMEOUT]: waits for QEMU to end by itself (poweroff, or a
# reboot with -no-reboot). Fails if it is still running after TIMEOUT.
vm_wait_exit() {
	local end=$((SECONDS + ${1:-60}))
	while vm_running; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
	vm__reap
}

# vm_stop [TIMEOUT]: an ACPI power-button press, then waits for the guest
# to power off; kills QEMU if it does not within TIMEOUT (and fails).
vm_stop() {
	vm_running || { vm__reap; return 0; }
	vm_monitor system_powerdown >/dev/null 2>&1
	vm_wait_exit "${1:-60}" && return 0
	vm_kill
	return 1
}

# vm_kill: SIGKILL to QEMU, a power cut for the guest.
vm_kill() {
	[ -n "$vm_pid" ] && kill -KILL "$vm_pid" 2>/dev/null
	vm__reap
}

vm__reap() {
	local fd
	[ -n "$vm_pid" ] && wait "$vm_pid" 2>/dev/null
	vm_pid=
	# The reader ends at EOF, when the last writer of the FIFO is gone. If
	# QEMU never opened it, the reader still waits in open(): open and close
	# it as a writer (read-write, which never blocks) to let it go.
	if [ -n "$vm_reader" ]; then
		exec {fd}<>"$vm_sock/console.out"
		exec {fd}>&-
		wait "$vm_reader" 2>/dev/null
	fi
	vm_reader=
	[ -n "$vm_sock" ] && rm -rf "$vm_sock"
	vm_sock=
	return 0
}

# vm_wall REGEX: seconds of the host's wall clock from QEMU's start
# (vm_start) to the arrival of the first console line matching the
# extended REGEX (since the mark), e.g. 1.873; empty if there is none.
# From console-reader's stamps: a line's time is that of the read that
# completed it.
vm_wall() {
	local LC_ALL=C line off text
	line=$(tail -c +$((vm_from + 1)) "$vm_log" | grep -a -E -b -m 1 -- "$1") || return 0
	off=${line%%:*} text=${line#*:}
	# The line's end in the raw log (its newline included).
	off=$((vm_from + off + ${#text} + 1))
	awk -v end="$off" -v t0="$vm_started" '$1 >= end { printf "%.3f\n", $2 - t0; exit }' \
		"$(dirname "$vm_log")/console.times"
}

# vm_uptime WHAT: the guest uptime init printed for a timeline line
# ("stage 1 start", "root mounted", "stage 2 start"), e.g. 0.412s.
vm_uptime() {
	vm_console | sed -n "s/^berth-init: $1 at \([0-9.]*s\).*/\1/p" | head -n 1
}

trap 'vm_kill' EXIT
