#!/bin/bash
# SPDX-License-Identifier: MIT
# The running kernel has berth's hardening: every baseline sysctl of PID 1
# (docs/init.md) reads its value, the loader entry's command line carries
# page_alloc.shuffle=1, a manifest's host.nosmt puts nosmt there, and
# without host.init_on_free the kernel zeroes freed pages (the config's
# init_on_free=1; bench/initfree.sh boots with it off). (What
# nosmt does is the kernel's: under QEMU's TCG the kernel sees no SMT at
# all, /sys/devices/system/cpu/smt/control reads notsupported.)
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/hardening.yaml" "$vm_dir"

vm_start "$vm_dir"
if ! vm_wait_for '^berth-init: debug console on ' 120 >/dev/null; then
	fail kernel-hardening-boot "the debug console within 120 s" "nothing"
	exit 1
fi

# NAME VALUE pairs, as init sets them (the optional ones this kernel has).
want='kernel/kptr_restrict 2
kernel/dmesg_restrict 1
kernel/randomize_va_space 2
kernel/panic 10
kernel/panic_on_oops 1
fs/protected_symlinks 1
fs/protected_hardlinks 1
fs/protected_fifos 2
fs/protected_regular 2
fs/suid_dumpable 0
kernel/yama/ptrace_scope 3
kernel/unprivileged_userns_clone 0
dev/tty/ldisc_autoload 0'
keys=$(cut -d' ' -f1 <<<"$want" | tr '\n' ' ')
got=$(vm_run "for k in $keys; do echo \"\$k \$(cat /proc/sys/\$k 2>&1)\"; done" 60)
while read -r k v; do
	g=$(grep -E "^$k " <<<"$got" | cut -d' ' -f2-)
	[ "$g" = "$v" ] && pass "kernel-hardening-sysctl-${k//\//.}" ||
		fail "kernel-hardening-sysctl-${k//\//.}" "$v" "'$g'"
done <<<"$want"

cmdline=$(vm_run 'cat /proc/cmdline')
case " $cmdline " in
*" page_alloc.shuffle=1 "*) pass kernel-hardening-shuffle ;;
*) fail kernel-hardening-shuffle "page_alloc.shuffle=1 on the command line" "'$cmdline'" ;;
esac
case " $cmdline " in
*" nosmt "*) pass kernel-hardening-nosmt-cmdline ;;
*) fail kernel-hardening-nosmt-cmdline "nosmt on the command line" "'$cmdline'" ;;
esac
case " $cmdline " in
*" init_on_free=0 "*) fail kernel-hardening-init-on-free-cmdline "no init_on_free=0" "'$cmdline'" ;;
*) pass kernel-hardening-init-on-free-cmdline ;;
esac
autoinit=$(vm_run 'dmesg | grep -m 1 "mem auto-init"')
case $autoinit in
*"heap free:on"*) pass kernel-hardening-init-on-free ;;
*) fail kernel-hardening-init-on-free "mem auto-init: ... heap free:on" "'$autoinit'" ;;
esac
vm_kill
