#!/bin/bash
# SPDX-License-Identifier: MIT
# A file written under /var survives a reboot: `reboot` in the debug shell
# makes init shut down in order (sync, /var read-only, reboot(2)), QEMU
# resets the machine, the same kernel boots again and finds the file on the
# data partition. Nothing syncs by hand: init's shutdown must.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

token="persist-$$-$RANDOM$RANDOM"
file=/var/berth-persist-test

vm_start "$vm_dir"
vm_wait_console var-persists-boot 120
vm_mark
out=$(vm_run "echo $token >$file && cat $file")
if ! grep -qx "$token" <<<"$out"; then
	fail var-persists-write "$file written in the first boot" "'$out'"
	exit 1
fi

# From here on only the second boot's lines count. reboot runs a second
# later in the background, so that the shell reports the command's end
# before init stops it.
vm_mark
vm_run '(sleep 1; reboot) >/dev/null 2>&1 &' >/dev/null
for line in 'shutting down \(reboot\)' '/var remounted read-only'; do
	if ! vm_wait_for "^berth-init: $line" 60 >/dev/null; then
		got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
		fail var-persists-shutdown "'berth-init: ${line//\\/}' within 60 s" \
			"${got:-no line from berth-init}"
		exit 1
	fi
done
if vm_wait_for '^berth-init: stage 1 start' 120 >/dev/null &&
	vm_wait_for '^berth-init: debug console on ' 120 >/dev/null; then
	pass var-persists-reboot
else
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail var-persists-reboot "a second boot to the debug console within 240 s" \
		"${got:-no line from berth-init after the reboot}"
	exit 1
fi

vm_mark
out=$(vm_run "cat $file")
if grep -qx "$token" <<<"$out"; then
	pass var-persists-file
else
	fail var-persists-file "'$token' in $file after the reboot" "'$out'"
fi
vm_kill
