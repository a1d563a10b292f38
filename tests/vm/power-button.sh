#!/bin/bash
# SPDX-License-Identifier: MIT
# An ACPI power-button press (QEMU's system_powerdown) makes init power off
# in order: it says so, remounts /var read-only, and the machine turns off
# (QEMU exits by itself). The data partition is left clean: no journal to
# replay, e2fsck finds nothing, and a file written just before, never
# synced by hand, is on it.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

token="power-$$-$RANDOM$RANDOM"
vm_start "$vm_dir"
vm_wait_console power-button-boot 120
out=$(vm_run "echo $token >/var/power-button-test && cat /var/power-button-test")
if ! grep -qx "$token" <<<"$out"; then
	fail power-button-write "/var/power-button-test written" "'$out'"
	exit 1
fi

vm_mark
vm_monitor system_powerdown >/dev/null 2>&1
while read -r name line; do
	if vm_wait_for "^berth-init: $line" 60 >/dev/null; then
		pass "power-button-$name"
	else
		got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
		fail "power-button-$name" "'berth-init: ${line//\\/}' within 60 s of the button" \
			"${got:-no line from berth-init}"
	fi
done <<'EOF'
shutdown-line shutting down \(poweroff\)
var-readonly-line /var remounted read-only
EOF
if vm_wait_exit 60; then
	pass power-button-poweroff
else
	fail power-button-poweroff "QEMU to exit by itself within 60 s of the button" "still running"
	vm_kill
fi

# The data partition, out of the disk image.
data=$vm_dir/data-after.img
span=$(sfdisk -J "$vm_dir/disk.img" | jq -r '.partitiontable as $t |
	$t.partitions[] | select(.name == "berth-data") |
	"\(.start * ($t.sectorsize // 512)) \(.size * ($t.sectorsize // 512))"')
read -r start size <<<"$span"
if [ -z "$start" ]; then
	fail power-button-data-partition "a partition named berth-data" "none"
	exit 1
fi
dd if="$vm_dir/disk.img" of="$data" bs=1M iflag=skip_bytes,count_bytes \
	skip="$start" count="$size" conv=sparse status=none
head=$(dumpe2fs -h "$data" 2>&1)
state=$(sed -n 's/^Filesystem state: *//p' <<<"$head")
features=$(sed -n 's/^Filesystem features: *//p' <<<"$head")
if [ "$state" = clean ] && ! grep -qw needs_recovery <<<"$features"; then
	pass power-button-data-clean
else
	fail power-button-data-clean "state clean and no needs_recovery" \
		"state '${state:-none}', features '$features'"
fi
if fsck=$(e2fsck -fn "$data" 2>&1); then
	pass power-button-data-fsck
else
	fail power-button-data-fsck "e2fsck -fn to pass" "exit $?: $(tail -n 3 <<<"$fsck" | paste -sd ' ')"
fi
got=$(debugfs -R 'cat /power-button-test' "$data" 2>/dev/null)
if [ "$got" = "$token" ]; then
	pass power-button-data-written
else
	fail power-button-data-written "'$token' in /power-button-test on berth-data" "'$got'"
fi
rm -f "$data"
