#!/bin/bash
# SPDX-License-Identifier: MIT
# When the slot's root partition is not there, stage 1 waits
# berth.roottimeout seconds for it, prints one "boot failed: ... not found"
# line and reboots (QEMU runs with -no-reboot, so it exits); it never opens
# a shell. The image's berth-root-a is renamed, as if the slot were gone.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

disk=$vm_dir/disk.img
n=$(sfdisk -J "$disk" |
	jq -r '[.partitiontable.partitions[].name] | index("berth-root-a") // empty')
if [ -z "$n" ]; then
	fail missing-root-setup "a partition named berth-root-a in disk.img" "none"
	exit 1
fi
sfdisk -q --part-label "$disk" $((n + 1)) berth-root-gone >/dev/null 2>&1
names=$(sfdisk -J "$disk" | jq -r '[.partitiontable.partitions[].name] | join(" ")')
case " $names " in
*" berth-root-a "* | *" berth-root-gone "*" berth-root-gone "*)
	fail missing-root-setup "berth-root-a renamed" "partitions '$names'"
	exit 1 ;;
esac
# Wait 2 s instead of the default 10, to keep the test short.
echo "$(cat "$vm_dir/cmdline-a") berth.roottimeout=2" >"$vm_dir/cmdline-a"

vm_start "$vm_dir" -- -no-reboot
line=$(vm_wait_for '^berth-init: (boot failed|root mounted|stage 2 start)' 120)
start=$SECONDS
case $line in
"berth-init: boot failed: "*berth-root-a*"not found"*)
	pass missing-root-message ;;
*)
	fail missing-root-message "'berth-init: boot failed: partition berth-root-a not found ...'" \
		"'${line:-$(vm_console | grep -E '^berth-init: ' | tail -n 1)}'"
	exit 1 ;;
esac
if vm_wait_exit 30; then
	pass missing-root-reboots
	echo "# figures: QEMU exited $((SECONDS - start)) s after the boot failed line"
else
	fail missing-root-reboots "QEMU to exit (guest reboot) within 30 s of '$line'" "still running"
fi
got=$(vm_console | grep -E '^berth-init: (root mounted|stage 2 start|debug console)')
if [ -z "$got" ]; then
	pass missing-root-no-shell
else
	fail missing-root-no-shell "no root and no shell after the failure" "'${got%%$'\n'*}'"
fi
vm_kill
