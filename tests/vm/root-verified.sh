#!/bin/bash
# SPDX-License-Identifier: MIT
# The root is the erofs image, mounted read-only from the dm-verity device
# berth-root over slot a's partition, and nothing under /usr or /etc can be
# written: touch fails with EROFS. /var, the data partition, stays writable.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"
. "$vm_dir/image.env"

vm_start "$vm_dir"
vm_wait_console root-verified-boot 120

# / as the kernel sees it: the last mount on / is the one in effect.
vm_mark
line=$(vm_run "grep '^[^ ]* / ' /proc/mounts" | grep -E '^[^ ]+ / ' | tail -n 1)
read -r dev _ fstype opts _ <<<"$line"
if [ "$dev $fstype" = "/dev/mapper/berth-root erofs" ] && [[ ,$opts, == ,ro,* ]]; then
	pass root-erofs-ro-on-berth-root
else
	fail root-erofs-ro-on-berth-root "'/dev/mapper/berth-root / erofs ro,...' in /proc/mounts" \
		"'${line:-no line for /}'"
fi

# The device-mapper device named berth-root is the one / is mounted from
# (same major:minor), and it sits on the partition berth-root-a.
# (No tabs in what is typed: the debug shell would complete on them.)
vm_mark
out=$(vm_run 'for d in /sys/block/dm-*; do
echo "dm $(cat $d/dm/name) $(cat $d/dev) $(cat $d/size) $(ls $d/slaves)"
done
for s in /sys/block/dm-*/slaves/*; do
echo "slave $(basename $s) $(sed -n "s/^PARTNAME=//p" $s/uevent)"
done
echo "rootdev $(sed -n "s/^[0-9]* [0-9]* \([0-9:]*\) \/ \/ .*/\1/p" /proc/self/mountinfo | tail -n 1)"')
dm=$(grep -E '^dm berth-root ' <<<"$out" | head -n 1)
read -r _ _ dm_dev dm_sectors dm_slave <<<"$dm"
root_dev=$(sed -n 's/^rootdev //p' <<<"$out")
if [ -n "$dm" ] && [ "$dm_dev" = "$root_dev" ]; then
	pass root-dm-name-berth-root
else
	fail root-dm-name-berth-root "/ on a dm device named berth-root" \
		"dm devices '$(grep '^dm ' <<<"$out" | paste -sd ';')', / on '${root_dev}'"
fi
slave_label=$(sed -n "s/^slave ${dm_slave:-none} //p" <<<"$out")
if [ "$slave_label" = berth-root-a ]; then
	pass root-dm-on-berth-root-a
else
	fail root-dm-on-berth-root-a "berth-root under the partition berth-root-a" \
		"'${dm_slave:-no slave}' named '${slave_label}'"
fi

# A verity target was made (the kernel says so when it builds one), and the
# device shows only the data area: hashoffset bytes, the hash tree after it
# hidden, as a verity target over that data does.
vm_mark
log=$(vm_run 'dmesg | grep "device-mapper: verity"')
if grep -q 'device-mapper: verity' <<<"$log"; then
	pass root-verity-target
else
	fail root-verity-target "'device-mapper: verity' in the kernel log" "none"
fi
if [ -n "$dm_sectors" ] && [ $((dm_sectors * 512)) = "$hashoffset" ]; then
	pass root-verity-data-size
else
	fail root-verity-data-size "berth-root of $hashoffset bytes (the data area)" \
		"$((${dm_sectors:-0} * 512)) bytes"
fi

# touch DIR/FILE: fails with EROFS under the root, works under /var.
try_touch() {
	vm_run "touch $1 2>&1; echo \"touch-rc=\$?\""
}
for dir in /usr /etc; do
	vm_mark
	out=$(try_touch "$dir/berth-write-test")
	rc=$(sed -n 's/^touch-rc=//p' <<<"$out")
	msg=$(grep -E '^touch: ' <<<"$out")
	if [ "${rc:-0}" != 0 ] && grep -q 'Read-only file system' <<<"$msg"; then
		pass "root-readonly-${dir#/}"
	else
		fail "root-readonly-${dir#/}" "touch $dir/berth-write-test to fail with EROFS" \
			"exit ${rc:-none}, '${msg:-no message}'"
	fi
done
vm_mark
out=$(vm_run 'echo x >>/etc/os-release 2>&1; echo "append-rc=$?"')
rc=$(sed -n 's/^append-rc=//p' <<<"$out")
if [ "${rc:-0}" != 0 ]; then
	pass root-readonly-etc-existing-file
else
	fail root-readonly-etc-existing-file "appending to /etc/os-release to fail" "success"
fi
vm_mark
out=$(try_touch /var/berth-write-test)
rc=$(sed -n 's/^touch-rc=//p' <<<"$out")
if [ "$rc" = 0 ]; then
	pass root-var-writable
else
	fail root-var-writable "touch /var/berth-write-test to work" \
		"exit ${rc:-none}, '$(grep -E '^touch: ' <<<"$out")'"
fi
vm_kill
