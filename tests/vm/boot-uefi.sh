#!/bin/bash
# SPDX-License-Identifier: MIT
# A machine with UEFI firmware boots the disk image: OVMF starts systemd-boot
# from the ESP, systemd-boot picks slot a's entry, and init reaches stage 2
# from the verified root. Prints the boot timeline as figures.
. "$(dirname "$0")/lib.sh"
vm_require
vm_build_image "$TOP/tests/vm/manifests/debug.yaml" "$vm_dir"

# The ESP's bytes, read from the host side: a booted host only reads its
# ESP. The guest's clock runs two days ahead of the image's dates, so that
# an access date written back (relatime) would change them on any day.
esp_sum() {
	local start size
	read -r start size < <(partx -g -n 1 -o START,SECTORS "$vm_dir/disk.img")
	dd if="$vm_dir/disk.img" bs=512 skip="$start" count="$size" status=none | sha256sum
}
esp_before=$(esp_sum)
vm_start "$vm_dir" --uefi -- -rtc "base=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%S)"
if ! vm_wait_for '^berth-init: stage 2 start' 240 >/dev/null; then
	got=$(vm_console | grep -E '^berth-init: ' | tail -n 1)
	fail boot-uefi-stage2 "'berth-init: stage 2 start' within 240 s" \
		"${got:-no line from berth-init}"
	exit 1
fi
wall=$(awk -v a="$vm_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
pass boot-uefi-stage2
echo "# figures: stage 1 start $(vm_uptime 'stage 1 start')," \
	"root mounted $(vm_uptime 'root mounted')," \
	"stage 2 start $(vm_uptime 'stage 2 start') (guest uptime);" \
	"$wall s wall from QEMU start to stage 2"

# Both slots hold the same version; the default entry must be slot a's.
vm_wait_for '^berth-init: debug console on ' 60 >/dev/null
cmdline=$(vm_run 'cat /proc/cmdline')
case " $cmdline " in
*" berth.slot=a "*) pass boot-uefi-default-slot-a ;;
*) fail boot-uefi-default-slot-a "berth.slot=a in /proc/cmdline" "'$cmdline'" ;;
esac

# The supervisor has read the loader entries (bless_open) by the time it
# starts containers; let writeback run, then compare.
mounts=$(vm_run 'grep " /run/berth/esp " /proc/mounts')
case $mounts in
*" vfat ro,"*noatime*) pass boot-uefi-esp-mounted-ro ;;
*) fail boot-uefi-esp-mounted-ro "the ESP mounted ro,noatime" "'$mounts'" ;;
esac
sleep 8
vm_run 'sync' >/dev/null
esp_after=$(esp_sum)
[ "$esp_before" = "$esp_after" ] && pass boot-uefi-esp-untouched ||
	fail boot-uefi-esp-untouched "the ESP's bytes unchanged by a boot" "another sha256"
vm_kill
