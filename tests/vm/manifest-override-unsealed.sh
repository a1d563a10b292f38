#!/bin/bash
# SPDX-License-Identifier: MIT
# A manifest on /var that berth did not write is not run (issue 13): what a
# container that got out onto /var would leave there, an unsealed
# /var/lib/berth/host.yaml naming another hostname, is written from the
# debug console; after `berthctl reboot` the supervisor says on the console
# and in host.log that it ignores it and why, and the host runs the baked
# manifest: netsetup set the baked hostname.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

override=/var/lib/berth/host.yaml
said="supervisor: manifest: ignoring $override: no seal line \(berth did not write it\); running the image's manifest /usr/share/berth/host.yaml"

vm_start "$vm_dir"
vm_wait_console manifest-override-boot 120
out=$(vm_run "mkdir -p /var/lib/berth && printf 'version: 1\nhost:\n  hostname: berth-evil\n  debug_console: true\n' >$override && sync && cat /proc/sys/kernel/hostname")
if [ "$(tail -n 1 <<<"$out")" != berth-test ]; then
	fail manifest-override-write "$override written, hostname berth-test" "'$out'"
	exit 1
fi

# From here on only the second boot's lines count.
vm_mark
vm_run '(sleep 1; berthctl reboot) >/dev/null 2>&1 &' >/dev/null
if ! vm_wait_for '^berth-init: stage 1 start' 120 >/dev/null ||
	! vm_wait_for '^berth-init: debug console on ' 120 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail manifest-override-reboot "a second boot to the debug console within 240 s" \
		"${got:-no line from berth-init after berthctl reboot}"
	exit 1
fi
if vm_wait_for "^$said\$" 60 >/dev/null; then
	pass manifest-override-said
else
	fail manifest-override-said "'${said//\\/}' on the console" \
		"'$(vm_console | grep -E '^supervisor: ' | head -n 3 | paste -sd '|')'"
fi

out=$(vm_run "cat /proc/sys/kernel/hostname; grep -c 'manifest: ignoring $override: no seal line' /var/log/berth/host.log")
if [ "$(paste -sd ' ' <<<"$out")" = "berth-test 1" ]; then
	pass manifest-override-baked
else
	fail manifest-override-baked "hostname berth-test (baked) and the reason once in host.log" \
		"'$(paste -sd '|' <<<"$out")'"
fi
vm_kill
