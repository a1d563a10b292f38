#!/bin/bash
# SPDX-License-Identifier: MIT
# A container with the defaults is confined: the probe (tests/images/probe.c)
# run in it sees CapEff equal to the default set, NoNewPrivs 1, Seccomp 2
# (filter), and mount, unshare(CLONE_NEWUSER), ptrace of the container's
# PID 1, keyctl, bpf, init_module, reboot and io_uring_setup are refused
# with EPERM, the errno of the supervisor's seccomp profile
# (docs/supervisor.md, Seccomp): ENOSYS for bpf or io_uring would mean the
# kernel, not the filter, refused them. add_key and an AF_VSOCK socket get
# EPERM too; process_madvise (a call the allow list does not name), a call
# no kernel has (1000) and clone3 get the profile's default, ENOSYS.
. "$(dirname "$0")/lib.sh"
vm_require

mkdir -p "$vm_dir"
if ! "$TOP/tests/images/mkprobe" "$BUILD/images/probe" >"$vm_dir/mkprobe.log" 2>&1; then
	echo "fail: $vm_test: expected the probe image, got: $(tail -n 1 "$vm_dir/mkprobe.log")"
	exit 1
fi

# The expected mask, from the names cap_default_set() ORs in lib/manifest/cap.c and
# their numbers in the kernel headers.
want=0
names=$(sed -n '/^cap_default_set(void)/,/^}/p' "$TOP/lib/manifest/cap.c" | grep -oE 'CAP_BIT\(CAP_[A-Z_]+\)' |
	sed 's/CAP_BIT(\(.*\))/\1/')
for n in $names; do
	bit=$(sed -n "s/^#define $n[[:space:]]\+\([0-9]\+\).*/\1/p" /usr/include/linux/capability.h)
	[ -n "$bit" ] || { fail sv-isolation-caps-known "a number for $n in linux/capability.h" "none"; exit 1; }
	want=$((want | (1 << bit)))
done
want=$(printf '%016x' "$want")
[ "$(wc -w <<<"$names")" -ge 5 ] ||
	{ fail sv-isolation-caps-known "the default set's names in lib/manifest/cap.c" "'$names'"; exit 1; }

# The manifest names its image dir:build/images/probe, made above.
vm_build_container_image "$TOP/tests/vm/manifests/sv-isolation.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: supervisor started' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail sv-isolation-supervisor-started "the supervisor within 120 s" "${got:-no line from berth-init}"
	exit 1
fi
if ! vm_wait_for 'probe: probe: done$' 60 >/dev/null; then
	got=$(vm_console | grep -E 'supervisor: container probe|probe: ' | tail -n 2 | paste -sd '|')
	fail sv-isolation-probe-ran "'probe: probe: done' within 60 s" "'${got:-nothing from the probe}'"
	exit 1
fi
# Forwarded lines are "probe: probe: ..." (container name, then the probe's).
out=$(vm_console | sed -n 's/.*probe: probe: //p')

field() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }
check_field() {
	local got
	got=$(field "$2")
	if [ "$got" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "$2=$3" "$2=${got:-nothing}"
	fi
}
check_field sv-isolation-capeff CapEff "$want"
check_field sv-isolation-no-new-privs NoNewPrivs 1
check_field sv-isolation-seccomp Seccomp 2

check_op() {
	local got
	got=$(grep -E "^$1 (denied|ALLOWED)" <<<"$out" | head -n 1)
	if [ "$got" = "$1 denied ($2)" ]; then
		pass "sv-isolation-$1"
	else
		fail "sv-isolation-$1" "'$1 denied ($2)'" "'${got:-no line}'"
	fi
}
for op in mount unshare-user ptrace-pid1 keyctl bpf init_module reboot io_uring_setup add_key \
	socket-vsock; do
	check_op "$op" EPERM
done
for op in process_madvise syscall-1000 clone3; do
	check_op "$op" ENOSYS
done
vm_kill
